"""The lock on a laptop removed from its team (team.md promise 7: "removed means removed").

When the team server answers a sync with 401 (the worker or this laptop was removed), the sync
records it here (Setting ``team.removed``: the time and the server's sentence) and the App locks
at once. From then on every passphrase is refused, at the unlock screen and by every command that
opens the records, with ``sentence``. Nothing is deleted: the records and the changes still
waiting for the server stay in the encrypted file (promise 1).

How it is undone (decided here, tested in tests/team/test_removed*.py):
- ``ycworker team join URL --code CODE`` with a new code from a manager (the one command a
  removed laptop still opens for): a successful join to the same service clears the lock and
  sends the waiting changes;
- the recovery key (``ycworker unlock-recovery NAME``, a manager's paper key) still opens the file:
  it lifts the lock and takes the laptop out of the team (it works alone again; its waiting
  changes stay queued for a later ``team join``), so nothing is ever lost.

This sits in ``common`` because both the unlock (``protection``) and the sync (``team``) read it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session

from ycworker.common import settings

REMOVED = "team.removed"
#: What the recovery key takes away: the device token. The address and device id stay, so the
#: queue stays on (edits made alone are still queued: nothing is lost) and a later join to the
#: same service sends what waits.
TOKEN = "team.device_token"
LEFT = ("This laptop left its team when its recovery key was used. Its waiting changes are kept. "
        "Ask your manager to enrol it again with `ycworker team join`.")


def sentence_for(at: datetime) -> str:
    day = f"{at.day} {at:%B %Y}"
    return (f"This laptop was removed from the team on {day}. Its waiting changes are kept. "
            "Ask your manager to enrol it again with `ycworker team join`.")


def record(session: Session, reason: str | None, at: datetime | None = None) -> str:
    """Lock this laptop's team data (in the caller's transaction). Returns the sentence shown.
    A lock already recorded keeps its first date."""
    held = removed_at(session)
    if held is not None:
        return sentence_for(held)
    when = at or datetime.now(UTC)
    settings.put(session, REMOVED, json.dumps({"at": when.isoformat(), "server": reason or ""}))
    return sentence_for(when)


def removed_at(session: Session) -> datetime | None:
    raw = settings.get(session, REMOVED)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(json.loads(raw)["at"])
    except (ValueError, KeyError, TypeError):
        return datetime.now(UTC)  # unreadable: still locked


def refusal(session: Session) -> str | None:
    """The sentence refusing a passphrase on a removed laptop, or None when it is not locked."""
    at = removed_at(session)
    return None if at is None else sentence_for(at)


def clear(session: Session) -> None:
    """A successful ``team join`` lifts the lock."""
    settings.put(session, REMOVED, "")


def lift_with_recovery_key(session: Session) -> bool:
    """The recovery key opened the file: the lock goes and the laptop leaves the team (its
    records and waiting changes stay). Returns whether it was locked."""
    if removed_at(session) is None:
        return False
    clear(session)
    settings.put(session, TOKEN, "")
    return True
