"""The queue of changes for team sync: every write to a synced table, written as ``team_change``
rows in the same SQLite transaction as the write itself.

Only an enrolled store queues (Setting ``team.url`` exists). Whether a store is enrolled is read
once per engine, at its first write, and cached on the engine; ``set_enrolled`` changes the cache
(the sync client calls it after ``join`` and ``leave``). A never-enrolled store pays one dictionary
lookup per flush.

Two ways in:

* The ORM's unit of work: an ``after_flush`` listener on every ``Session`` reads what the flush
  wrote (new objects, attribute history of changed ones, deleted ones) and queues it on the
  flush's own connection, so the edit and its changes commit or roll back together.
* Core statements that bypass the unit of work (the caseload import, register marks, erasure):
  they call ``queue_rows`` / ``queue_update`` / ``queue_delete`` on the same connection.

What is queued (``team_change``, one change per field):

* a new record: one change, field ``"*"``, value a JSON object of all its columns;
* an update: one change per changed column (``updated_at`` is never a change of its own: it moves
  with every edit), value the new value, ``base_value`` the old one, ``base_rev`` the server's
  revision of the record (``team_revision``; None while the server does not know the record);
* a delete: field ``"-"``, value null.

While a change is still ``waiting`` a later edit of the same field collapses into it (value
replaced, base kept; an edit back to the base value drops the change), and an edit of a record
whose ``"*"`` is still waiting folds into that JSON object. A record made and deleted before it
was ever sent leaves nothing in the queue.

Values are JSON text: ``encode(value)`` and ``decode(column, text)`` (dates, datetimes and times
as ISO strings, datetimes in UTC with their offset; bools, ints, floats, strings, null).
The sync client applies pulled changes inside ``applying_pulled(session)``: the queue is off.
Changes are queued in order (new parents before their children, in foreign-key order); the push
should send them in ``rowid`` order (``made_at`` is the laptop clock and ties within a flush).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

import db.models  # noqa: F401  (every table in the metadata)
from db.models.base import new_id, utcnow
from db.models.team import DELETED, NEW_RECORD

#: ``team_change.field`` of an erased person's carer record (pushed after the "-" of each of
#: their dependent records): the server keeps only a tombstone.
ERASED = "erased"
#: Setting key whose presence means this store is enrolled in a team.
TEAM_URL = "team.url"
#: Columns never queued as a change of their own (they move with every edit).
#: Columns never sent as changes of their own: the stamp every edit moves, and values each laptop
#: derives from others (the carer's stored pending deadline, ycworker.caseload.deadlines, worked
#: out again from the referrals after a pull). They travel only inside a new record's "*".
NOT_A_CHANGE = frozenset({"updated_at", "deadline_date", "deadline_kind"})

_LOCAL_TABLES = frozenset({"audit_log", "sealed_return", "setting"})
#: Every table whose records sync: all of the metadata but local bookkeeping, the team_* tables
#: and search indexes (FTS tables are made by migrations and are not in the metadata).
SYNCED_TABLES: frozenset[str] = frozenset(
    name for name in SQLModel.metadata.tables
    if name not in _LOCAL_TABLES and not name.startswith("team_") and "_fts" not in name)

#: Tables in foreign-key order: a flush queues new parents before their children.
_ORDER = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
_CHANGE = SQLModel.metadata.tables["team_change"]
_REVISION = SQLModel.metadata.tables["team_revision"]
_PULLING = "ycw_applying_pulled"


def is_synced(table: str | sa.Table) -> bool:
    """Does this table's records sync with the team server?"""
    name = table if isinstance(table, str) else table.name
    return name in SYNCED_TABLES


# -- values --------------------------------------------------------------------------------------


_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    """A column value as a JSON-able value (dates and times as ISO strings)."""
    if type(value) in _AS_IS or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"A {type(value).__name__} cannot go in a team change.")


def encode(value: Any) -> str:
    """A column value as JSON text (``team_change.value``)."""
    return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))


def from_plain(column: sa.Column, value: Any) -> Any:
    """A JSON value (as ``plain`` made it) back as the column's Python value."""
    if value is None:
        return None
    kind_of = column.type
    if isinstance(kind_of, sa.types.TypeDecorator):  # e.g. sqlmodel's UTCDateTime over DateTime
        kind_of = kind_of.impl_instance
    try:
        kind = kind_of.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is bool:
        return bool(value)
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is bytes:
        return bytes.fromhex(value)
    return value


def decode(column: sa.Column, text: str | None) -> Any:
    """JSON text of one field back as the column's Python value (for applying a pulled change)."""
    if text is None:
        return None
    return from_plain(column, json.loads(text))


def column(entity: str, field: str) -> sa.Column:
    """The column of a synced table (KeyError if there is none)."""
    return SQLModel.metadata.tables[entity].c[field]


def encode_record(table: sa.Table, row: Mapping[str, Any]) -> str:
    """A new record's ``"*"`` value: a JSON object of all its columns."""
    return json.dumps({name: plain(row.get(name, default)) for name, default in _defaults(table)},
                      ensure_ascii=False, separators=(",", ":"))


@functools.cache
def _defaults(table: sa.Table) -> tuple[tuple[str, Any], ...]:
    """(name, scalar default) of each column, for rows an INSERT left some columns out of."""
    return tuple((c.name, _default(c)) for c in table.columns)


def decode_record(entity: str, text: str) -> dict[str, Any]:
    """A ``"*"`` value back as column values (columns this schema does not have are left out)."""
    table = SQLModel.metadata.tables[entity]
    data = json.loads(text)
    return {name: from_plain(table.c[name], value) for name, value in data.items() if name in table.c}


def _default(col: sa.Column) -> Any:
    default = col.default
    if isinstance(default, sa.ColumnDefault) and default.is_scalar:
        return default.arg
    return None


# -- enrolled or not -----------------------------------------------------------------------------


def _engine_of(bind: Any) -> Any:
    engine = getattr(bind, "engine", bind)
    return getattr(engine, "_proxied", engine)  # an execution_options() copy: its engine


def _state(bind: Any) -> dict:
    engine = _engine_of(bind)
    state = getattr(engine, "ycw_team", None)
    if state is None:
        state = {"enrolled": None}
        engine.ycw_team = state
    return state


def set_enrolled(store_or_engine: Any, enrolled: bool) -> None:
    """Say whether this store is in a team (after ``join``: True; after leaving: False)."""
    _state(getattr(store_or_engine, "engine", store_or_engine))["enrolled"] = enrolled


def is_enrolled(conn: sa.Connection) -> bool:
    """Does this store queue its changes? (Read from Setting team.url once, then cached.)
    Always False while pulled changes are applied on this connection."""
    if conn.info.get(_PULLING):
        return False
    state = getattr(_engine_of(conn), "ycw_team", None)
    if state is None:  # not a ycworker store (db.store._make_engine marks those)
        return False
    if state["enrolled"] is None:
        try:
            found = conn.execute(sa.text("SELECT 1 FROM setting WHERE key = :k"), {"k": TEAM_URL}).first()
        except sa.exc.OperationalError:  # no setting table yet (a file before its migration)
            return False
        state["enrolled"] = found is not None
    return bool(state["enrolled"])


@contextmanager
def applying_pulled(session: Session | sa.Connection) -> Iterator[None]:
    """Apply the server's changes without queueing them (the sync client's pull)."""
    conn = session.connection() if isinstance(session, Session) else session
    before = conn.info.get(_PULLING)
    conn.info[_PULLING] = True
    if isinstance(session, Session):
        session.info[_PULLING] = True
    try:
        yield
    finally:
        if isinstance(session, Session):
            session.info.pop(_PULLING, None)
        if before:
            conn.info[_PULLING] = before
        else:
            conn.info.pop(_PULLING, None)


def _worker_id(conn: sa.Connection) -> str | None:
    holder = getattr(_engine_of(conn), "ycw_store", None)
    store = holder[0] if holder else None
    acting = getattr(store, "acting", None)
    return acting[0] if acting else None


# -- writing the queue ---------------------------------------------------------------------------


def _change(entity: str, record_id: str, field: str, value: str | None, base_value: str | None,
            base_rev: int | None, worker: str | None, now: datetime) -> dict:
    return {"id": new_id(), "entity": entity, "record_id": record_id, "field": field, "value": value,
            "base_value": base_value, "base_rev": base_rev, "made_at": now, "worker_id": worker,
            "status": "waiting", "reason": None, "settled_at": None}


def _revision(conn: sa.Connection, entity: str, record_id: str) -> int | None:
    return conn.execute(sa.select(_REVISION.c.rev).where(
        _REVISION.c.entity == entity, _REVISION.c.record_id == record_id)).scalar()


def _waiting(conn: sa.Connection, entity: str, record_id: str) -> dict[str, Any]:
    rows = conn.execute(sa.select(_CHANGE.c.id, _CHANGE.c.field, _CHANGE.c.value, _CHANGE.c.base_value)
                        .where(_CHANGE.c.entity == entity, _CHANGE.c.record_id == record_id,
                               _CHANGE.c.status == "waiting")).all()
    return {r.field: r for r in rows}


def _queue_fields(conn: sa.Connection, entity: str, record_id: str,
                  fields: Mapping[str, tuple[Any, Any]], *, old_known: bool = True) -> None:
    """Queue an update of one record: ``fields`` maps a column to (old value, new value)."""
    waiting = _waiting(conn, entity, record_id)
    new = waiting.get(NEW_RECORD)
    if new is not None:  # never sent: the edit goes into the new record's value
        data = json.loads(new.value)
        data.update({name: plain(after) for name, (_before, after) in fields.items()})
        conn.execute(sa.update(_CHANGE).where(_CHANGE.c.id == new.id).values(
            value=json.dumps(data, ensure_ascii=False, separators=(",", ":"))))
        return
    worker, now, base_rev, add = _worker_id(conn), utcnow(), None, []
    rev_read = False
    for name, (before, after) in fields.items():
        if name in NOT_A_CHANGE:
            continue
        value = encode(after)
        pending = waiting.get(name)
        if pending is not None:
            if pending.base_value == value:  # edited back to where it started: nothing to send
                conn.execute(sa.delete(_CHANGE).where(_CHANGE.c.id == pending.id))
            else:
                conn.execute(sa.update(_CHANGE).where(_CHANGE.c.id == pending.id).values(
                    value=value, made_at=now, worker_id=worker))
            continue
        base = encode(before) if old_known else None
        if old_known and base == value:
            continue
        if not rev_read:
            base_rev, rev_read = _revision(conn, entity, record_id), True
        add.append(_change(entity, record_id, name, value, base, base_rev, worker, now))
    if add:
        conn.execute(sa.insert(_CHANGE), add)


def _queue_deleted(conn: sa.Connection, entity: str, record_ids: Iterable[str]) -> None:
    worker, now, add = _worker_id(conn), utcnow(), []
    for record_id in record_ids:
        waiting = _waiting(conn, entity, record_id)
        base_rev = _revision(conn, entity, record_id)
        if waiting:
            conn.execute(sa.delete(_CHANGE).where(_CHANGE.c.id.in_([r.id for r in waiting.values()])))
        if NEW_RECORD in waiting and base_rev is None and not _ever_sent(conn, entity, record_id):
            continue  # made and deleted on this laptop: the server never needs to hear of it
        add.append(_change(entity, record_id, DELETED, None, None, base_rev, worker, now))
    if add:
        conn.execute(sa.insert(_CHANGE), add)


def _ever_sent(conn: sa.Connection, entity: str, record_id: str) -> bool:
    return conn.execute(sa.select(_CHANGE.c.id).where(
        _CHANGE.c.entity == entity, _CHANGE.c.record_id == record_id,
        _CHANGE.c.status != "waiting").limit(1)).first() is not None


def table_of(table: sa.Table | type | str) -> sa.Table:
    """The Table of a name, a model class or a Table."""
    if isinstance(table, str):
        return SQLModel.metadata.tables[table]
    if isinstance(table, sa.Table):
        return table
    return table.__table__  # type: ignore[attr-defined]


def queue_rows(conn: sa.Connection, table: sa.Table | type | str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Queue new records written by a Core INSERT (``rows`` as inserted, each with its ``id``)."""
    t = table_of(table)
    if not rows or not is_synced(t) or not is_enrolled(conn):
        return
    worker, now = _worker_id(conn), utcnow()
    conn.execute(sa.insert(_CHANGE), [
        _change(t.name, row["id"], NEW_RECORD, encode_record(t, row), None, None, worker, now)
        for row in rows])


def queue_update(conn: sa.Connection, table: sa.Table | type | str, ids: Iterable[str],
                 values: Mapping[str, Any]) -> None:
    """Queue a Core UPDATE of the records ``ids`` to ``values``. Call it BEFORE the UPDATE runs:
    it reads the old values (the changes' base) and queues only what really changes."""
    t = table_of(table)
    if not is_synced(t) or not is_enrolled(conn):
        return
    ids = list(ids)
    names = [n for n in values if n in t.c and n != "id"]
    for i in range(0, len(ids), 500):
        part = ids[i: i + 500]
        for row in conn.execute(sa.select(t.c.id, *[t.c[n] for n in names]).where(t.c.id.in_(part))):
            old = row._mapping
            changed = {n: (old[n], values[n]) for n in names if encode(old[n]) != encode(values[n])}
            if any(n not in NOT_A_CHANGE for n in changed):
                _queue_fields(conn, t.name, row.id, changed)


def queue_delete(conn: sa.Connection, table: sa.Table | type | str, ids: Iterable[str]) -> None:
    """Queue records deleted by a Core DELETE (before or after it runs)."""
    t = table_of(table)
    if not is_synced(t) or not is_enrolled(conn):
        return
    _queue_deleted(conn, t.name, ids)


@contextmanager
def queued(conn: sa.Connection, table: sa.Table | type | str, where: Any) -> Iterator[None]:
    """Queue whatever the Core statements in the block do to the rows ``where`` selects (an
    upsert, an UPDATE, a DELETE): the rows are read before and after, and the difference queued
    (new rows as "*", changed columns with their old values as base, vanished rows as "-")."""
    t = table_of(table)
    if not is_synced(t) or not is_enrolled(conn):
        yield
        return
    before = {r.id: dict(r._mapping) for r in conn.execute(sa.select(t).where(where))}
    yield
    # The rows ``where`` selects now, and the rows it selected before (an UPDATE may move a row
    # out of ``where``: the NULLed link of an erasure).
    after = {r.id: dict(r._mapping) for r in conn.execute(sa.select(t).where(where))}
    ids = [rid for rid in before if rid not in after]
    for i in range(0, len(ids), 500):
        after.update({r.id: dict(r._mapping)
                      for r in conn.execute(sa.select(t).where(t.c.id.in_(ids[i: i + 500])))})
    queue_rows(conn, t, [row for rid, row in after.items() if rid not in before])
    for rid, row in after.items():
        old = before.get(rid)
        if old is not None:
            changed = {n: (old[n], row[n]) for n in row if encode(old[n]) != encode(row[n])}
            if changed:
                _queue_fields(conn, t.name, rid, changed)
    gone = [rid for rid in before if rid not in after]
    if gone:
        _queue_deleted(conn, t.name, gone)


def queue_existing(conn: sa.Connection) -> int:
    """Queue every record already in the file as new ("*"), for a laptop that joins a team with
    work of its own (call it in join's transaction, after ``set_enrolled``). Records that already
    have a waiting change or a server revision are left alone. Returns how many were queued."""
    if not is_enrolled(conn):
        return 0
    known = sa.union(sa.select(_CHANGE.c.entity, _CHANGE.c.record_id),
                     sa.select(_REVISION.c.entity, _REVISION.c.record_id)).subquery()
    total = 0
    for t in SQLModel.metadata.sorted_tables:  # parents before children
        if not is_synced(t):
            continue
        held = sa.select(known.c.record_id).where(known.c.entity == t.name)
        rows = [dict(r._mapping) for r in conn.execute(sa.select(t).where(t.c.id.not_in(held)))]
        queue_rows(conn, t, rows)
        total += len(rows)
    return total


def queue_erasure(conn: sa.Connection, carer_id: str, removed: Mapping[str, Iterable[str]]) -> None:
    """An erased person: nothing of theirs stays in the queue, the revisions or the conflicts;
    then a "-" for each of their other removed records and ``ERASED`` for the carer, last."""
    if not is_enrolled(conn):
        return
    conflict = SQLModel.metadata.tables["team_conflict"]
    worker, now, add = _worker_id(conn), utcnow(), []
    for entity, ids in removed.items():
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i: i + 500]
            for t in (_CHANGE, _REVISION, conflict):
                conn.execute(sa.delete(t).where(t.c.entity == entity, t.c.record_id.in_(part)))
            if is_synced(entity):
                add += [_change(entity, rid, DELETED, None, None, None, worker, now)
                        for rid in part if not (entity == "carer" and rid == carer_id)]
    add.append(_change("carer", carer_id, ERASED, None, None, None, worker, now))
    conn.execute(sa.insert(_CHANGE), add)


# -- the ORM's flush -----------------------------------------------------------------------------


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_PULLING):
        return
    if not (session.new or session.dirty or session.deleted):
        return
    conn = session.connection()
    _watch_team_url(session, conn)
    if not is_enrolled(conn):
        return
    inserts: dict[str, list[dict[str, Any]]] = {}
    for obj in session.new:
        t = _mapped_table(obj)
        if t is not None:
            state = sa.inspect(obj)
            row = {name: state.dict.get(key) for name, key in _columns(state)}
            inserts.setdefault(t.name, []).append(row)
    for name in sorted(inserts, key=_ORDER.__getitem__):  # parents before children
        queue_rows(conn, name, inserts[name])
    for obj in session.dirty:
        t = _mapped_table(obj)
        if t is None:
            continue
        state = sa.inspect(obj)
        if state.deleted or state.was_deleted:
            continue
        fields: dict[str, tuple[Any, Any]] = {}
        unknown: dict[str, tuple[Any, Any]] = {}
        for name, key in _columns(state):
            hist = state.attrs[key].history
            if not hist.added:
                continue
            after = hist.added[0]
            if hist.deleted:
                if encode(hist.deleted[0]) != encode(after):
                    fields[name] = (hist.deleted[0], after)
            else:  # the old value was not loaded: the base is unknown
                unknown[name] = (None, after)
        if fields:
            _queue_fields(conn, t.name, obj.id, fields)
        if unknown:
            _queue_fields(conn, t.name, obj.id, unknown, old_known=False)
    deleted: dict[str, list[str]] = {}
    for obj in session.deleted:
        t = _mapped_table(obj)
        if t is not None:
            deleted.setdefault(t.name, []).append(obj.id)
    for name in sorted(deleted, key=_ORDER.__getitem__, reverse=True):  # children before parents
        _queue_deleted(conn, name, deleted[name])


def _columns(state: Any) -> list[tuple[str, str]]:
    """(column name, attribute key) of each mapped column."""
    return [(prop.columns[0].name, prop.key) for prop in state.mapper.column_attrs]


def _mapped_table(obj: Any) -> sa.Table | None:
    t = getattr(type(obj), "__table__", None)
    return t if isinstance(t, sa.Table) and is_synced(t) else None


def _watch_team_url(session: Session, conn: sa.Connection) -> None:
    """Writing or removing Setting team.url makes the cache read it again."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(type(obj), "__tablename__", None) == "setting" and getattr(obj, "key", None) == TEAM_URL:
            state = getattr(_engine_of(conn), "ycw_team", None)
            if state is not None:
                state["enrolled"] = None
            return


event.listen(Session, "after_flush", _after_flush)


__all__ = [
    "DELETED", "ERASED", "NEW_RECORD", "NOT_A_CHANGE", "SYNCED_TABLES", "TEAM_URL", "applying_pulled",
    "column", "decode", "decode_record", "encode", "encode_record", "is_enrolled", "is_synced",
    "plain", "queue_delete", "queue_erasure", "queue_existing", "queue_rows", "queue_update", "queued",
    "set_enrolled", "table_of",
]
