"""Settings kept inside the encrypted store (key/value)."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from db.models import Setting, utcnow

IDLE_LOCK_MINUTES = "idle_lock_minutes"
MAX_SESSION_HOURS = "max_session_hours"
RETENTION_YEARS = "retention_years"
BACKUP_GENERATIONS = "backup_generations"
PSEUDONYM_SECRET = "pseudonym_secret"
LAST_WORKER = "last_worker_id"
REVIEW_WEEKS = "review_weeks"  # a support plan is reviewed this many weeks after it is made or reviewed

DEFAULTS = {
    IDLE_LOCK_MINUTES: "10",
    MAX_SESSION_HOURS: "9",
    RETENTION_YEARS: "6",
    BACKUP_GENERATIONS: "7",
    REVIEW_WEEKS: "12",
}


def get(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    return DEFAULTS.get(key, default)


def get_int(session: Session, key: str) -> int:
    value = get(session, key)
    return int(value) if value is not None else 0


def put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        row.updated_at = utcnow()
        session.add(row)


def secret(session: Session, key: str = PSEUDONYM_SECRET) -> bytes:
    """A per-database secret, made once and kept inside the store (e.g. for pseudonyms)."""
    value = get(session, key)
    if value is None:
        value = secrets.token_hex(32)
        put(session, key, value)
        session.flush()
    return bytes.fromhex(value)


def all_settings(session: Session) -> dict[str, str]:
    values = dict(DEFAULTS)
    for row in session.exec(select(Setting)).all():
        if row.key != PSEUDONYM_SECRET:
            values[row.key] = row.value
    return values
