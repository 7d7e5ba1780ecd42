"""Right to erasure: a manager removes a young carer and everything about them.

What goes: the carer; every row that must point at them (referrals, contacts, assessments with
their sections and scores, plans, reviews with their outcomes, club memberships, register marks,
bookings with their days and offers, bus passes, care relationships, and whatever other table
gains a required link to a carer later: the plan is worked out from the schema's foreign keys,
not from a fixed list). The people they care for go too, and the household, unless someone who
stays still uses them. Rows that merely *mention* the carer through an optional link (feedback,
safeguarding log) stay, with the link set to NULL, so the counts already sent to the
commissioner do not change.

How it leaves the file: ``secure_delete`` is on for every connection (freed pages are zeroed),
full-text indexes are optimised (so no old segment keeps a name), and afterwards the WAL is
checkpointed with TRUNCATE, so the data leaves the -wal file as well. The audit entry says
"erase carer <id>" and who did it: no name, nothing personal.

Backups made before the erasure still hold the person until they age out of the generations.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlmodel import Session

from db import outbox
from db.engine import Store
from ycworker.common import audit
from ycworker.common.errors import FieldError, UserError
from ycworker.common.workers import WorkerInfo

_CHUNK = 400
_SKIP = ("sqlite_", "alembic_version")


@dataclass(frozen=True)
class _Fk:
    child: str
    column: str
    notnull: bool


@dataclass
class ErasurePlan:
    carer_id: str
    carer_ref: str
    name: str
    remove: dict[str, set[str]] = field(default_factory=dict)  # table -> ids
    unlink: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, column) -> rows

    def counts(self) -> dict[str, int]:
        return {t: len(ids) for t, ids in sorted(self.remove.items()) if ids}

    def describe(self) -> list[str]:
        lines = [f"{n} {table.replace('_', ' ')} row{'s' if n != 1 else ''} removed"
                 for table, n in self.counts().items()]
        lines += [f"{n} {table.replace('_', ' ')} row{'s' if n != 1 else ''} kept, link to "
                  f"the carer removed ({column})" for (table, column), n in sorted(self.unlink.items()) if n]
        return lines


@dataclass
class ErasureResult:
    plan: ErasurePlan
    wal_cleared: bool
    checkpoint: tuple[int, int, int]


def _tables(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    ).all()
    return [r[0] for r in rows if not r[0].startswith(_SKIP)]


def _columns(conn: Connection, table: str) -> dict[str, bool]:
    """column -> NOT NULL"""
    return {r[1]: bool(r[3]) for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()}


def _incoming(conn: Connection) -> dict[str, list[_Fk]]:
    graph: dict[str, list[_Fk]] = defaultdict(list)
    for table in _tables(conn):
        cols = _columns(conn, table)
        if "id" not in cols:
            continue
        for row in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all():
            parent, column = row[2], row[3]
            graph[parent].append(_Fk(table, column, cols.get(column, False)))
    return graph


def _chunks(ids: set[str]):
    items = sorted(ids)
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _select_ids(conn: Connection, table: str, column: str, values: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(values):
        marks = ",".join("?" * len(chunk))
        sql = f'SELECT id FROM "{table}" WHERE "{column}" IN ({marks})'
        found.update(r[0] for r in conn.exec_driver_sql(sql, tuple(chunk)).all())
    return found


def _close_over(conn: Connection, graph, remove: dict[str, set[str]], table: str, ids: set[str]) -> None:
    """Add ``ids`` of ``table`` and, recursively, every row that must point at them."""
    queue = [(table, ids)]
    while queue:
        t, new = queue.pop()
        new = new - remove.setdefault(t, set())
        if not new:
            continue
        remove[t] |= new
        for fk in graph.get(t, []):
            if fk.notnull:
                queue.append((fk.child, _select_ids(conn, fk.child, fk.column, new)))


def _outgoing(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of ``table``."""
    return [(r[3], r[2]) for r in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()]


def _used_outside(conn: Connection, graph, remove, table: str, row_id: str) -> bool:
    """Does a row that stays use this one? An optional link from a staying row does; a required
    link does when that row also points at something else that stays (another carer's care
    relationship uses the cared-for person; the person's own condition rows do not)."""
    for fk in graph.get(table, []):
        users = _select_ids(conn, fk.child, fk.column, {row_id}) - remove.get(fk.child, set())
        if not users:
            continue
        if not fk.notnull:
            return True
        others = [(c, parent) for c, parent in _outgoing(conn, fk.child) if c != fk.column]
        for user in users:
            for column, parent in others:
                value = conn.exec_driver_sql(
                    f'SELECT "{column}" FROM "{fk.child}" WHERE id = ?', (user,)).scalar()
                if value is not None and value not in remove.get(parent, set()):
                    return True
    return False


def _plan(conn: Connection, carer_id: str) -> ErasurePlan:
    row = conn.exec_driver_sql(
        "SELECT carer_ref, first_name, last_name, household_id FROM carer WHERE id = ?", (carer_id,)
    ).first()
    if row is None:
        raise UserError("That young carer is not in the database (already erased?).")
    plan = ErasurePlan(carer_id, row[0], f"{row[1]} {row[2]}")
    graph = _incoming(conn)
    remove = plan.remove
    _close_over(conn, graph, remove, "carer", {carer_id})

    # the people they care for, then the household, when nobody who stays uses them
    cared_for: set[str] = set()
    for chunk in _chunks(remove.get("care_relationship", set())):
        marks = ",".join("?" * len(chunk))
        cared_for.update(r[0] for r in conn.exec_driver_sql(
            f"SELECT cared_for_id FROM care_relationship WHERE id IN ({marks})", tuple(chunk)).all())
    for person in sorted(cared_for):
        if not _used_outside(conn, graph, remove, "cared_for", person):
            _close_over(conn, graph, remove, "cared_for", {person})
    households = {row[3]} if row[3] else set()
    for chunk in _chunks(remove.get("cared_for", set())):
        marks = ",".join("?" * len(chunk))
        households.update(r[0] for r in conn.exec_driver_sql(
            f"SELECT household_id FROM cared_for WHERE id IN ({marks}) AND household_id IS NOT NULL",
            tuple(chunk)).all())
    for household in sorted(households):
        if not _used_outside(conn, graph, remove, "household", household):
            _close_over(conn, graph, remove, "household", {household})

    # optional links from rows that stay
    for parent, ids in remove.items():
        for fk in graph.get(parent, []):
            if fk.notnull or not ids:
                continue
            keep = _select_ids(conn, fk.child, fk.column, ids) - remove.get(fk.child, set())
            if keep:
                plan.unlink[(fk.child, fk.column)] = plan.unlink.get((fk.child, fk.column), 0) + len(keep)
    return plan


@dataclass(frozen=True)
class Found:
    carer_id: str
    carer_ref: str
    name: str
    status: str


def find_by_ref(session: Session, carer_ref: str) -> Found:
    """The young carer with this reference (any case), for the erase screen."""
    from sqlalchemy import func
    from sqlalchemy import select as sa_select
    from sqlmodel import col

    from db.models import Carer

    ref = carer_ref.strip()
    if not ref:
        raise FieldError("ref", "Type the young carer's reference, e.g. YC-AMIR01.")
    row = session.execute(
        sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.status))
        .where(func.lower(Carer.carer_ref) == ref.casefold())
    ).first()
    if row is None:
        raise FieldError("ref", f"No young carer has the reference {ref}.")
    cid, cref, first, last, status = row
    return Found(cid, cref, f"{first} {last}", status)


def preview(store: Store, carer_id: str) -> ErasurePlan:
    """What erasing this carer would remove, without changing anything."""
    with store.connect() as conn:
        return _plan(conn, carer_id)


def _fts_tables(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
    ).all()
    return [r[0] for r in rows]


def erase_carer(store: Store, carer_id: str, *, by: WorkerInfo, confirm: str) -> ErasureResult:
    """Erase a young carer for good. Only a manager; ``confirm`` must be the carer's reference."""
    if by is None or not by.is_manager or (store.acting is not None and store.acting[2] != "manager"):
        raise UserError("Only a manager can erase a person's records.")
    with store.write() as session:
        conn = session.connection()
        plan = _plan(conn, carer_id)
        if confirm.strip().casefold() != plan.carer_ref.strip().casefold():
            raise FieldError("confirm", f"Type the carer's reference, {plan.carer_ref}, to confirm.")
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        graph = _incoming(conn)
        for parent, ids in plan.remove.items():
            for fk in graph.get(parent, []):
                if fk.notnull:
                    continue
                for chunk in _chunks(ids):
                    marks = ",".join("?" * len(chunk))
                    with _queued_unlink(conn, fk, chunk):  # team sync: the kept rows' link, queued
                        conn.exec_driver_sql(
                            f'UPDATE "{fk.child}" SET "{fk.column}" = NULL WHERE "{fk.column}" IN ({marks})',
                            tuple(chunk))
        for table, ids in plan.remove.items():
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE id IN ({marks})', tuple(chunk))
        # Team sync: nothing of theirs stays queued; a "-" per removed record, then the tombstone.
        outbox.queue_erasure(conn, carer_id, plan.remove)
        for fts in _fts_tables(conn):  # merge segments so no old one keeps the name
            conn.exec_driver_sql(f'INSERT INTO "{fts}"("{fts}") VALUES (\'optimize\')')
        _audit(session, carer_id, by)
    result = (1, 0, 0)
    for _ in range(50):  # another process's read may hold the WAL for a moment
        result = store.checkpoint()
        if result[0] == 0:
            break
        time.sleep(0.1)
    return ErasureResult(plan, result[0] == 0, result)


def _queued_unlink(conn: Connection, fk: _Fk, ids: list[str]) -> contextlib.AbstractContextManager:
    """The NULLing of an optional link, queued as a change of the rows that keep it."""
    if not outbox.is_synced(fk.child):
        return contextlib.nullcontext()
    table = outbox.table_of(fk.child)
    return outbox.queued(conn, table, table.c[fk.column].in_(ids))


def _audit(session: Session, carer_id: str, by: WorkerInfo) -> None:
    audit.record(session, "erase", "carer", carer_id, by.id)
