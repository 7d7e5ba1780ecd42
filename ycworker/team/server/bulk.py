"""A push batch's new records, written together (issue 15: a first push is tens of thousands).

A new record (``"*"``) is one record row, a field row per column and one change-log row. The
push's checks (stored outcomes, tombstones, existing records, scope) are made per change as
before; the rows of the new records that pass them are held here and written in ONE statement
(data-modifying CTEs over one JSON array of rows) when the batch next needs the database to be true:
before any other kind of change, before a record made here is locked or given an owner, and at
the batch's end. Their change-log rows keep the order the changes came in (``WITH ORDINALITY``),
inside the push's transaction and under its ``LOG_LOCK``: the log's order is still commit order.

Until then a held record answers ``row`` as the ``record`` table would (revision 1, its owner,
its holder), so the checks of later changes in the batch read what they read before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

NEW_RECORD = "*"


def dumps(value: Any) -> str:
    """A value as the server keeps it: JSON text, keys sorted."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class NewRecord:
    entity: str
    record_id: str
    values: dict[str, Any]
    owner: str | None  # the owning carer (scope)
    holder: str | None  # for a carer: the worker holding the case
    parent_entity: str | None
    parent_id: str | None
    by: str
    at: datetime

    def row(self) -> dict[str, Any]:
        """The record row it will be (what ``SELECT * FROM record`` would give)."""
        return {"entity": self.entity, "record_id": self.record_id, "rev": 1, "carer_id": self.owner,
                "worker_id": self.holder, "parent_entity": self.parent_entity,
                "parent_id": self.parent_id, "deleted_at": None}


# The rows go as one JSON array (json_to_recordset): quicker to send than a dozen text arrays.
# ``vals`` maps each column to its value's JSON text, as the field table keeps it.
_INSERT = sa.text("""
    WITH u AS (
        SELECT * FROM json_to_recordset(CAST(:rows AS JSON)) AS x(
            n INT, e TEXT, r VARCHAR(32), o VARCHAR(32), h VARCHAR(32), pe TEXT, pid VARCHAR(32),
            whole TEXT, wb VARCHAR(32), t TIMESTAMPTZ, vals JSON)),
    r AS (
        INSERT INTO record (entity, record_id, rev, carer_id, worker_id, parent_entity, parent_id)
        SELECT u.e, u.r, 1, u.o, u.h, u.pe, u.pid FROM u),
    f AS (
        INSERT INTO field (entity, record_id, field, value, rev, changed_by, changed_at)
        SELECT u.e, u.r, kv.key, kv.value, 1, u.wb, u.t FROM u, json_each_text(u.vals) AS kv)
    INSERT INTO change_log (entity, record_id, field, value, rev, by, at, carer_id)
    SELECT u.e, u.r, :star, u.whole, 1, u.wb, u.t, u.o FROM u ORDER BY u.n""")


class NewRecords:
    """The new records a push batch has accepted and not written yet, in the order they came."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], NewRecord] = {}

    def __len__(self) -> int:
        return len(self._held)

    def add(self, new: NewRecord) -> None:
        key = (new.entity, new.record_id)
        if key in self._held:  # never: a record made in the batch is merged, not made again
            raise ValueError(f"{key} is already held")
        self._held[key] = new

    def row(self, entity: str, record_id: str) -> dict[str, Any] | None:
        new = self._held.get((entity, record_id))
        return None if new is None else new.row()

    def flush(self, conn: sa.Connection) -> None:
        """Write every held record (its row, fields and log row) in one statement."""
        held = list(self._held.values())
        self._held = {}
        self.write(conn, held)

    @staticmethod
    def write(conn: sa.Connection, held: list[NewRecord]) -> None:
        """Write new records (their rows, fields and log rows, in this order) in one statement."""
        if not held:
            return
        rows = [{"n": i, "e": n.entity, "r": n.record_id, "o": n.owner, "h": n.holder,
                 "pe": n.parent_entity, "pid": n.parent_id, "whole": dumps(n.values), "wb": n.by,
                 "t": n.at.isoformat(), "vals": {k: dumps(v) for k, v in n.values.items()}}
                for i, n in enumerate(held)]
        conn.execute(_INSERT, {"rows": json.dumps(rows, ensure_ascii=False), "star": NEW_RECORD})
