"""Session protection: the idle lock and session length, and changing the passphrase.

The App asks ``load_policy`` at every unlock and locks when the worker has been idle for
``idle_minutes`` or the session has lasted ``max_hours`` (one working day by default): the
engine is disposed (``Store.close``), the key dropped and the unlock screen shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from db.engine import WrongPassphrase, rekey_file
from ycworker import audit, settings
from ycworker.errors import FieldError, FormErrors
from ycworker.passphrase import MIN_LENGTH

IDLE_RANGE = (1, 120)
SESSION_RANGE = (1, 12)


@dataclass(frozen=True)
class LockPolicy:
    idle_minutes: int = 10
    max_hours: int = 9

    @property
    def idle_seconds(self) -> float:
        return self.idle_minutes * 60.0

    @property
    def max_seconds(self) -> float:
        return self.max_hours * 3600.0


def _int_setting(session: Session, key: str, low: int, high: int) -> int:
    try:
        value = int(settings.get(session, key) or settings.DEFAULTS[key])
    except ValueError:
        value = int(settings.DEFAULTS[key])
    return min(max(value, low), high)


def load_policy(session: Session) -> LockPolicy:
    return LockPolicy(
        idle_minutes=_int_setting(session, settings.IDLE_LOCK_MINUTES, *IDLE_RANGE),
        max_hours=_int_setting(session, settings.MAX_SESSION_HOURS, *SESSION_RANGE),
    )


def _parse_whole(field: str, text: str | int, low: int, high: int, unit: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise FieldError(field, f"Write a whole number of {unit}, {low} to {high}.") from None
    if not low <= value <= high:
        raise FieldError(field, f"Choose between {low} and {high} {unit}.")
    return value


def save_policy(session: Session, idle_minutes: str | int, max_hours: str | int,
                worker_id: str | None = None) -> LockPolicy:
    """Validate and keep the lock settings (both fields checked; errors name the field)."""
    errors, values = [], {}
    for field, text, rng, unit in (("idle_minutes", idle_minutes, IDLE_RANGE, "minutes"),
                                   ("max_hours", max_hours, SESSION_RANGE, "hours")):
        try:
            values[field] = _parse_whole(field, text, *rng, unit)
        except FieldError as exc:
            errors.append(exc)
    if errors:
        raise FormErrors(errors)
    settings.put(session, settings.IDLE_LOCK_MINUTES, str(values["idle_minutes"]))
    settings.put(session, settings.MAX_SESSION_HOURS, str(values["max_hours"]))
    audit.record(session, "update", "setting", "lock_policy", worker_id)
    return LockPolicy(values["idle_minutes"], values["max_hours"])


def validate_new_passphrase(old: str, new: str, again: str) -> None:
    if len(new) < MIN_LENGTH:
        raise FieldError("new", f"Use at least {MIN_LENGTH} characters.")
    if new != again:
        raise FieldError("again", "The two new passphrases do not match.")
    if new == old:
        raise FieldError("new", "The new passphrase is the same as the old one.")


def change_passphrase(path: Path, old: str, new: str, again: str | None = None) -> None:
    """``PRAGMA rekey`` of the closed file at ``path``; the old passphrase is required.

    Close every Store on the file first (the App locks itself, the CLI opens nothing). Raises
    FieldError("old", ...) if the old passphrase is wrong; the file is then untouched."""
    validate_new_passphrase(old, new, new if again is None else again)
    try:
        rekey_file(path, old, new)
    except WrongPassphrase:
        raise FieldError("old", "That is not the current passphrase. Nothing was changed.") from None
