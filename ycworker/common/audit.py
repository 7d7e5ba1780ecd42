"""The audit log: append-only, inside the encrypted store, no personal data.

Services call ``record`` in the same transaction as the change they audit, so the entry and
the change commit (or roll back) together.
"""

from __future__ import annotations

from sqlmodel import Session

from db.models import AuditEntry

ACTIONS = (
    "view", "create", "update", "export", "import", "erase", "unlock", "failed_unlock", "lock",
    "backup", "restore", "sync", "rekey", "archive",
)


def record(
    session: Session,
    action: str,
    entity: str = "",
    record_id: str = "",
    worker_id: str | None = None,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditEntry(action=action, entity=entity, record_id=record_id, worker_id=worker_id))
