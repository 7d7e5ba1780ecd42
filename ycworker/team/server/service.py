"""The team server's services over PostgreSQL (no HTTP here): enrolment, push, pull, conflicts,
erasure, and the workers ``team invite|remove`` manage.

Every transaction that appends to the change log takes the advisory lock ``LOG_LOCK`` first, so
``change_log.seq`` order is commit order (``db.server.tables``). A push is one transaction: all of a
batch's outcomes are kept, or none.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as field_
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from db.server.tables import (
    LOG_LOCK,
    case_move,
    change_log,
    change_outcome,
    conflict,
    device,
    enrolment,
    field,
    record,
    service,
    tombstone,
    worker,
)
from ycworker.team import protocol as p
from ycworker.team.server.bulk import NewRecord, NewRecords
from ycworker.team.server.errors import AdminRefused, Forbidden, NotFound, Unauthorised

NEW_RECORD = "*"
DELETED = "-"
ERASED = "erased"
ENROLMENT_DAYS = 7

#: Reference tables every laptop holds (a worker's registers and activities need them).
SHARED = frozenset({
    "worker", "district", "school", "club", "club_session", "holiday_activity", "activity_day",
    "awareness_session", "training_session", "triple_c_entry", "signposting_organisation",
    "area", "area_district", "return_setting", "return_narrative",  # the return's settings (0013)
})
#: Records without a carer_id column of their own: they belong to their parent's carer.
PARENTS: dict[str, tuple[str, str]] = {
    "assessment_section": ("assessment", "assessment_id"),
    "assessment_score": ("assessment", "assessment_id"),
    "review_outcome": ("review", "review_id"),
    "booking_day": ("booking", "booking_id"),
    "booking_offer": ("booking", "booking_id"),
    "cared_for": ("household", "household_id"),
    "cared_for_condition": ("cared_for", "cared_for_id"),
}
#: Personal records whose carer is not known (yet): only managers receive them.
PRIVATE_UNOWNED = frozenset(PARENTS) | {"household"}
#: Records that only mention a carer: erasure keeps them with the link removed.
UNLINK_ON_ERASE = frozenset({"feedback", "safeguarding_entry"})

SENTENCE_ERASED = "This person was erased; the change was not kept."
SENTENCE_DELETED = "This record was deleted on another laptop; the change was not kept."
SENTENCE_UNKNOWN = ("The team server does not hold this record, so the change could not be placed; "
                    "it was not kept.")
SENTENCE_UNREADABLE = "The new record could not be read; the change was not kept."
SENTENCE_NO_DEVICE = ("This laptop is not enrolled with the team server, or was removed from it. "
                      "Ask a manager for a new enrolment code.")
SENTENCE_REMOVED_WORKER = ("You were removed from the team on the server, so this laptop can no longer "
                           "sync. Ask a manager if this is a mistake.")
SENTENCE_NOT_YOURS = ("This person's case is held by another worker, so this change from your laptop was "
                      "not kept. Ask their worker or a manager to make it.")
SENTENCE_WORKERS = ("Workers and their roles are kept by a manager on the team server, so this change "
                    "from your laptop was not kept.")
SENTENCE_BAD_CODE = ("That enrolment code is not valid: it may be mistyped, already used or more than "
                     f"{ENROLMENT_DAYS} days old. Ask a manager for a new one.")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(20))
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


def _lock(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK})


# ---------------------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class Caller:
    """The device a request came from, and its worker."""

    device_id: str
    worker_id: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def _worker_infos(conn: sa.Connection) -> list[p.WorkerInfo]:
    rows = conn.execute(sa.select(worker).order_by(worker.c.name)).mappings().all()
    return [p.WorkerInfo(id=r["id"], name=r["name"], role=r["role"], removed=r["removed_at"] is not None)
            for r in rows]


def _service_row(conn: sa.Connection) -> sa.RowMapping:
    row = conn.execute(sa.select(service).where(service.c.id == 1)).mappings().first()
    if row is None:
        raise AdminRefused("The team server has no service yet: run `ycworker team init` first.")
    return row


def _issue_code(conn: sa.Connection, worker_id: str) -> str:
    code = new_code()
    t = now()
    conn.execute(enrolment.insert().values(code_hash=sha256(normalise_code(code)), worker_id=worker_id,
                                           created_at=t, expires_at=t + timedelta(days=ENROLMENT_DAYS)))
    return code


def init_service(engine: sa.Engine, name: str, secret: bytes | None = None) -> str:
    """Make (or rename) the service and return an enrolment code for its first manager.

    A new service gets ``secret`` as its pseudonym secret, or 32 random bytes."""
    name = name.strip()
    if not name:
        raise AdminRefused("Give the service a name with --service.")
    with engine.begin() as conn:
        row = conn.execute(sa.select(service).where(service.c.id == 1)).mappings().first()
        if row is None:
            conn.execute(service.insert().values(id=1, name=name, created_at=now(),
                                                 pseudonym_secret=(secret or secrets.token_bytes(32)).hex()))
        else:
            if secret is not None and secret.hex() != row["pseudonym_secret"]:
                raise AdminRefused("This service already has its pseudonym secret; it cannot be replaced, "
                                   "or the same person would get two pseudonyms in its returns.")
            conn.execute(service.update().where(service.c.id == 1).values(name=name))
        manager = conn.execute(
            sa.select(worker.c.id).where(worker.c.role == "manager", worker.c.removed_at.is_(None))
            .order_by(worker.c.created_at)).first()
        if manager is None:
            manager_id = new_id()
            taken = {r[0] for r in conn.execute(sa.select(worker.c.name))}
            mname = next(n for n in ("Manager", *(f"Manager {i}" for i in range(2, 1000))) if n not in taken)
            conn.execute(worker.insert().values(id=manager_id, name=mname, role="manager", created_at=now()))
        else:
            manager_id = manager[0]
        return _issue_code(conn, manager_id)


def invite(engine: sa.Engine, name: str, *, manager: bool = False) -> str:
    """Add a worker (or a new laptop for one already there) and return a one-time enrolment code."""
    name = " ".join(name.split())
    if not name:
        raise AdminRefused("Give the worker's name.")
    with engine.begin() as conn:
        _service_row(conn)
        row = conn.execute(sa.select(worker).where(worker.c.name == name)).mappings().first()
        if row is None:
            worker_id = new_id()
            conn.execute(worker.insert().values(id=worker_id, name=name, created_at=now(),
                                                role="manager" if manager else "worker"))
        elif row["removed_at"] is not None:
            raise AdminRefused(f"{name} was removed from the team; a removed worker cannot be invited again "
                               "under the same name.")
        else:
            worker_id = row["id"]
            if manager and row["role"] != "manager":
                conn.execute(worker.update().where(worker.c.id == worker_id).values(role="manager"))
        return _issue_code(conn, worker_id)


def remove(engine: sa.Engine, name: str) -> None:
    """Remove a worker: every laptop of theirs is refused (401) from now on."""
    name = " ".join(name.split())
    with engine.begin() as conn:
        row = conn.execute(sa.select(worker).where(worker.c.name == name)).mappings().first()
        if row is None:
            raise AdminRefused(f"No worker called {name} is on the team server.")
        if row["removed_at"] is not None:
            raise AdminRefused(f"{name} was already removed from the team.")
        if row["role"] == "manager":
            others = conn.execute(sa.select(sa.func.count()).select_from(worker).where(
                worker.c.role == "manager", worker.c.removed_at.is_(None), worker.c.id != row["id"])).scalar()
            if not others:
                raise AdminRefused(f"{name} is the team's only manager; invite another manager first.")
        t = now()
        conn.execute(worker.update().where(worker.c.id == row["id"]).values(removed_at=t))
        conn.execute(device.update().where(device.c.worker_id == row["id"], device.c.removed_at.is_(None))
                     .values(removed_at=t))
        conn.execute(enrolment.update().where(enrolment.c.worker_id == row["id"],
                                              enrolment.c.used_at.is_(None)).values(used_at=t))


def remove_device(engine: sa.Engine, device_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(device.update().where(device.c.id == device_id).values(removed_at=now()))


# ------------------------------------------------------------------------------------- enrolment


def enrol(engine: sa.Engine, req: p.EnrolRequest) -> p.EnrolResponse:
    """Spend an enrolment code: a new device and its token (kept here only as its SHA-256)."""
    code_hash = sha256(normalise_code(req.code))
    with engine.begin() as conn:
        row = conn.execute(sa.select(enrolment).where(enrolment.c.code_hash == code_hash)
                           .with_for_update()).mappings().first()
        t = now()
        if row is None or row["used_at"] is not None or row["expires_at"] <= t:
            raise Unauthorised(SENTENCE_BAD_CODE)
        w = conn.execute(sa.select(worker).where(worker.c.id == row["worker_id"])).mappings().one()
        if w["removed_at"] is not None:
            raise Unauthorised(SENTENCE_BAD_CODE)
        token = secrets.token_urlsafe(32)
        device_id = new_id()
        conn.execute(device.insert().values(id=device_id, worker_id=w["id"], name=req.device_name,
                                            token_hash=sha256(token), enrolled_at=t))
        conn.execute(enrolment.update().where(enrolment.c.code_hash == code_hash)
                     .values(used_at=t, device_id=device_id))
        svc = _service_row(conn)
        return p.EnrolResponse(
            device_id=device_id, device_token=token,
            worker=p.WorkerInfo(id=w["id"], name=w["name"], role=w["role"]),
            service_name=svc["name"], pseudonym_secret=svc["pseudonym_secret"], workers=_worker_infos(conn))


def authenticate(engine: sa.Engine, token: str) -> Caller:
    """The device a bearer token belongs to; 401 for an unknown or removed device or worker."""
    if not token:
        raise Unauthorised(SENTENCE_NO_DEVICE)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(device.c.id, device.c.removed_at, worker.c.id.label("worker_id"), worker.c.name,
                      worker.c.role, worker.c.removed_at.label("worker_removed_at"))
            .join(worker, worker.c.id == device.c.worker_id)
            .where(device.c.token_hash == sha256(token))).mappings().first()
    if row is not None and row["worker_removed_at"] is not None:
        raise Unauthorised(SENTENCE_REMOVED_WORKER)
    if row is None or row["removed_at"] is not None:
        raise Unauthorised(SENTENCE_NO_DEVICE)
    return Caller(row["id"], row["worker_id"], row["name"], row["role"])


# ------------------------------------------------------------------------------------------ push


def _same(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return bool(json.loads(a) == json.loads(b))
    except ValueError:
        return False


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _log(conn: sa.Connection, entity: str, record_id: str, fname: str, value: str | None, rev: int,
         by: str | None, carer_id: str | None) -> int:
    seq = conn.execute(change_log.insert().values(
        entity=entity, record_id=record_id, field=fname, value=value, rev=rev, by=by, at=now(),
        carer_id=carer_id).returning(change_log.c.seq)).scalar_one()
    return int(seq)


def _record(conn: sa.Connection, entity: str, record_id: str, *,
            lock: bool = False) -> Mapping[Any, Any] | None:
    batch = _batch(conn)
    if batch is not None:
        if record_id in batch.known and (entity, record_id) not in batch.existing:
            return None  # not on the server when the batch began, nor made by it since
        if batch.claims:
            _write_new(conn)  # households to give first: the row read below is true
        held = batch.new.row(entity, record_id)
        if held is not None and not lock:
            return held  # made by this batch, not written yet: the row it will be
        if held is not None:
            _write_new(conn)  # written before it is locked
    q = sa.select(record).where(record.c.entity == entity, record.c.record_id == record_id)
    if lock:
        q = q.with_for_update()
    return conn.execute(q).mappings().first()


# -- what one push batch reads once -----------------------------------------------------------
# A first push is tens of thousands of new records; its cost was PostgreSQL round trips (about
# eight a record). A batch now reads its stored outcomes, its tombstones and which of its records
# exist in three queries, writes its new records together (``bulk.NewRecords``: flushed before
# any other kind of change, before a held record is locked or given an owner, and at the end)
# and its outcomes in one statement at the end; every rule is the same (the caches are kept true
# as the batch writes: a record made, a person erased).

_BATCH = "ycw_push_batch"


@dataclass
class _Batch:
    stored: dict[str, p.ChangeOutcome]
    known: set[str]  # the record ids the caches below speak for (others are read as before)
    tombs: set[tuple[str, str]]
    existing: set[tuple[str, str]]
    outcomes: list[dict[str, Any]]
    #: (entity, id) read from the tombstones during the batch and found not erased
    tombs_read: set[tuple[str, str]] = field_(default_factory=set)
    #: the owning carer of the records the batch found at its start or made (until owners change)
    owners: dict[tuple[str, str], str | None] = field_(default_factory=dict)
    #: the new records this batch accepted and has not written yet
    new: NewRecords = field_(default_factory=NewRecords)
    #: households new carers of the batch claimed, not given yet (the first claim wins)
    claims: dict[tuple[str, str], str] = field_(default_factory=dict)


def _batch(conn: sa.Connection) -> _Batch | None:
    return conn.info.get(_BATCH)


def _among(ids: Iterable[str]) -> sa.Select[Any]:
    """Ids for ``column.in_(...)`` as one JSON text: one parameter, not one an id (a batch's
    first reads name a thousand ids)."""
    return sa.select(sa.func.json_array_elements_text(sa.cast(sa.literal(json.dumps(list(ids))), sa.JSON)))


def _open_batch(conn: sa.Connection, changes: list[p.Change]) -> _Batch:
    ids = [c.id for c in changes]
    rids = sorted({c.record_id for c in changes})
    stored: dict[str, p.ChangeOutcome] = {}
    for row in conn.execute(sa.select(change_outcome).where(change_outcome.c.change_id.in_(_among(ids)))
                            ).mappings():
        stored[row["change_id"]] = p.ChangeOutcome(
            id=row["change_id"], outcome=row["outcome"], rev=row["rev"], reason=row["reason"],
            conflict=_conflict_info(conn, row["conflict_id"]))
    # the records' own ids and, for new records, their owners and parents (as _new_record reads them)
    linked = set(rids)
    for c in changes:
        if c.field == NEW_RECORD and c.value:
            try:
                values = json.loads(c.value)
            except ValueError:
                continue
            if isinstance(values, dict):
                linked.update(v for k, v in values.items()
                              if isinstance(v, str) and (k == "carer_id" or k.endswith("_id")))
    known = sorted(linked)
    tombs = {(e, r) for e, r in conn.execute(sa.select(tombstone.c.entity, tombstone.c.record_id)
                                            .where(tombstone.c.record_id.in_(_among(known))))}
    owners = {(e, r): c for e, r, c in conn.execute(sa.select(
        record.c.entity, record.c.record_id, record.c.carer_id).where(record.c.record_id.in_(_among(known))))}
    # the carers owning them (a new child's owner, whose erasure refuses it): erased or not
    carers = sorted({c for c in owners.values() if c is not None and c not in linked})
    tombs |= {("carer", r) for r in conn.execute(sa.select(tombstone.c.record_id).where(
        tombstone.c.entity == "carer", tombstone.c.record_id.in_(_among(carers)))).scalars()}
    batch = _Batch(stored, set(known), tombs, set(owners), [], owners=owners,
                   tombs_read={("carer", c) for c in carers} - tombs)
    conn.info[_BATCH] = batch
    return batch


def _write_new(conn: sa.Connection) -> None:
    """Write the batch's held new records, then give the households they claimed: the database
    is true again for what follows."""
    batch = _batch(conn)
    if batch is None:
        return
    batch.new.flush(conn)
    if batch.claims:
        claims, batch.claims = batch.claims, {}
        batch.owners.clear()  # owners change below: read from the table again
        _give_households(conn, claims)


def _close_batch(conn: sa.Connection) -> None:
    _write_new(conn)
    batch = conn.info.pop(_BATCH, None)
    if batch is not None and batch.outcomes:  # one statement, the rows as one JSON text
        conn.execute(sa.text("INSERT INTO change_outcome SELECT * FROM json_populate_recordset("
                             "CAST(NULL AS change_outcome), CAST(:rows AS JSON))"),
                     {"rows": json.dumps(batch.outcomes, default=datetime.isoformat)})


def _erased(conn: sa.Connection, pairs: Iterable[tuple[str, str | None]]) -> bool:
    batch = _batch(conn)
    if batch is not None:
        if any(rid and (entity, rid) in batch.tombs for entity, rid in pairs):
            return True
        pairs = [(e, r) for e, r in pairs if r and r not in batch.known and (e, r) not in batch.tombs_read]
    for entity, rid in pairs:
        if rid and conn.execute(sa.select(tombstone.c.entity).where(
                tombstone.c.entity == entity, tombstone.c.record_id == rid)).first():
            return True
        if rid and batch is not None:  # remembered for the batch (a carer's many records ask again)
            batch.tombs_read.add((entity, rid))
    return False


def _owner_of_new(conn: sa.Connection, entity: str, rid: str, values: dict[str, Any]
                  ) -> tuple[str | None, tuple[str, str] | None, str | None]:
    """A new record's owning carer, its parent table and link column, and its parent's id."""
    parent = PARENTS.get(entity)
    parent_id = values.get(parent[1]) if parent else None
    parent_id = parent_id if isinstance(parent_id, str) else None
    if entity == "carer":
        owner: str | None = rid
    elif "carer_id" in values:
        owner = values["carer_id"] if isinstance(values["carer_id"], str) else None
    elif parent and parent_id:
        batch = _batch(conn)
        if batch is not None and batch.claims:
            _write_new(conn)  # households to give first: the parent's owner may be one
        if batch is not None and (parent[0], parent_id) in batch.owners:
            owner = batch.owners[(parent[0], parent_id)]
        else:
            prow = _record(conn, parent[0], parent_id)
            owner = prow["carer_id"] if prow else None
    else:
        owner = None
    return owner, parent, parent_id


# What a worker's (not a manager's) laptop may push, besides the records of its own carers:
# - the shared reference tables (SHARED) but ``worker``: clubs, sessions, activities, days and
#   the service's own logs are run by every worker; workers and roles are the server's
#   (``team invite|remove``), so a worker's change to them is refused (SENTENCE_WORKERS);
# - new records of its own, a new carer included (a worker adds a carer);
# - records with no carer (not yet linked);
# - the records of a carer whose case moved away from this worker after the cursor this device
#   last pulled from: the old laptop pushes its waiting changes first (team.md promise 4), and
#   they apply. Once the device has pulled the move it dropped the case, and later changes to a
#   case held by another worker are refused (SENTENCE_NOT_YOURS): never applied, never lost
#   (the refusal is the change's outcome, shown to the worker).

def _holds(conn: sa.Connection, caller: Caller, carer_id: str) -> bool:
    """Whether a worker's device may change the records of carer ``carer_id``."""
    crow = _record(conn, "carer", carer_id)
    if crow is None or crow["worker_id"] == caller.worker_id:
        return True  # a carer the server does not know yet arrives with its own "*"
    return conn.execute(sa.text("""
        SELECT 1 FROM case_move m JOIN device d ON d.id = :device
        WHERE m.carer_id = :carer AND m.from_worker_id = :me AND m.seq > d.pulled_cursor
        LIMIT 1"""), {"device": caller.device_id, "carer": carer_id, "me": caller.worker_id}
    ).first() is not None


def _out_of_scope(conn: sa.Connection, caller: Caller, ch: p.Change) -> str | None:
    """The sentence refusing a worker's change outside their scope, or None when it may apply."""
    if caller.is_manager:
        return None
    if ch.entity == "worker":
        return SENTENCE_WORKERS
    if ch.entity in SHARED or ch.field == ERASED:
        return None  # an erasure from a worker's laptop is refused by _erased_by_laptop
    rec = _record(conn, ch.entity, ch.record_id)
    if rec is not None:
        owner = ch.record_id if ch.entity == "carer" else rec["carer_id"]
    elif ch.field == NEW_RECORD:
        try:
            values = json.loads(ch.value or "")
        except ValueError:
            return None  # refused as unreadable
        if not isinstance(values, dict):
            return None
        owner = _owner_of_new(conn, ch.entity, ch.record_id, values)[0]
        if ch.entity == "carer":
            return None
    else:
        return None  # unknown record: refused as such
    if owner is None or _holds(conn, caller, owner):
        return None
    return SENTENCE_NOT_YOURS


def _set_owner(conn: sa.Connection, entity: str, record_id: str, carer_id: str | None, *,
               only_unowned: bool) -> None:
    """Give a record and everything below it (by parent links) the owning carer ``carer_id``."""
    _write_new(conn)  # the tree walked below includes the records this batch made
    batch = _batch(conn)
    if batch is not None:
        batch.owners.clear()  # owners change below: read from the table again
    cond = "AND r.carer_id IS NULL" if only_unowned else ""
    conn.execute(sa.text(f"""
        WITH RECURSIVE tree(entity, record_id) AS (
            SELECT CAST(:e AS TEXT), CAST(:r AS VARCHAR(32))
            UNION
            SELECT c.entity, c.record_id FROM record c JOIN tree t
              ON c.parent_entity = t.entity AND c.parent_id = t.record_id
        )
        UPDATE record r SET carer_id = :c FROM tree
        WHERE r.entity = tree.entity AND r.record_id = tree.record_id {cond}"""),
        {"e": entity, "r": record_id, "c": carer_id})


def _claim_household(conn: sa.Connection, household_id: str, carer_id: str) -> None:
    """A new carer's household, and what hangs from it, becomes theirs if it has no owner yet.

    In a batch, a household already there (on the server or made by the batch) is given at the
    batch's next write (``_write_new``), with the others claimed meanwhile: every read of a
    record or an owner writes first, and a record made meanwhile below it reads its owner from
    it, so the order is as if each were given at once. A household not there yet is given at
    once (as before: its records pushed earlier hang from it already)."""
    batch = _batch(conn)
    if batch is None or ("household", household_id) not in batch.existing:
        _set_owner(conn, "household", household_id, carer_id, only_unowned=True)
    else:
        batch.claims.setdefault(("household", household_id), carer_id)


def _give_households(conn: sa.Connection, claims: dict[tuple[str, str], str]) -> None:
    """``_set_owner(..., only_unowned=True)`` for many households in one statement (their trees
    are apart: a record hangs from one household at most)."""
    rows = [{"e": e, "r": r, "c": c} for (e, r), c in claims.items()]
    conn.execute(sa.text("""
        WITH RECURSIVE tree(entity, record_id, carer_id) AS (
            SELECT x.e, x.r, x.c
            FROM json_to_recordset(CAST(:rows AS JSON)) AS x(e TEXT, r VARCHAR(32), c VARCHAR(32))
            UNION
            SELECT c.entity, c.record_id, t.carer_id FROM record c JOIN tree t
              ON c.parent_entity = t.entity AND c.parent_id = t.record_id
        )
        UPDATE record r SET carer_id = tree.carer_id FROM tree
        WHERE r.entity = tree.entity AND r.record_id = tree.record_id AND r.carer_id IS NULL"""),
        {"rows": json.dumps(rows)})


def _fields(conn: sa.Connection, entity: str, record_id: str) -> dict[str, Any]:
    rows = conn.execute(sa.select(field.c.field, field.c.value).where(
        field.c.entity == entity, field.c.record_id == record_id)).all()
    return {f: (json.loads(v) if v is not None else None) for f, v in rows}


def _after_field(conn: sa.Connection, rec: Mapping[Any, Any], fname: str, value: str | None, seq: int,
                 by: str | None) -> None:
    """Scope bookkeeping after a field of ``rec`` changed (the change already logged at ``seq``)."""
    entity, rid = rec["entity"], rec["record_id"]
    new = json.loads(value) if value is not None else None
    if entity == "carer" and fname == "worker_id" and new != rec["worker_id"]:
        conn.execute(record.update().where(record.c.entity == "carer", record.c.record_id == rid)
                     .values(worker_id=new))
        conn.execute(case_move.insert().values(seq=seq, carer_id=rid, from_worker_id=rec["worker_id"]))
        # the new holder's laptop needs the whole case, whatever its cursor: the case again, as it is now
        held = conn.execute(sa.select(record.c.entity, record.c.record_id, record.c.rev).where(
            record.c.carer_id == rid, record.c.deleted_at.is_(None)).order_by(record.c.entity)).all()
        for e, r, rev in held:
            _log(conn, e, r, NEW_RECORD, _dumps(_fields(conn, e, r)), rev, by, rid)
    elif entity == "carer" and fname == "household_id" and isinstance(new, str):
        _set_owner(conn, "household", new, rid, only_unowned=True)
    elif fname == "carer_id" and entity != "carer" and entity not in UNLINK_ON_ERASE:
        _set_owner(conn, entity, rid, new, only_unowned=False)


def _conflict_info(conn: sa.Connection, conflict_id: str | None) -> p.ConflictInfo | None:
    if conflict_id is None:
        return None
    row = conn.execute(sa.select(conflict).where(conflict.c.id == conflict_id)).mappings().first()
    return None if row is None else _conflict_from_row(row)


def _conflict_from_row(row: sa.RowMapping) -> p.ConflictInfo:
    return p.ConflictInfo(**{k: row[k] for k in p.ConflictInfo.model_fields})


def _outcome(conn: sa.Connection, caller: Caller, ch: p.Change, outcome: str, *, rev: int | None = None,
             reason: str | None = None, conflict_id: str | None = None) -> p.ChangeOutcome:
    row = dict(change_id=ch.id, device_id=caller.device_id, outcome=outcome, rev=rev, reason=reason,
               conflict_id=conflict_id, at=now())
    answer = p.ChangeOutcome(id=ch.id, outcome=outcome, rev=rev, reason=reason,  # type: ignore[arg-type]
                             conflict=_conflict_info(conn, conflict_id))
    batch = _batch(conn)
    if batch is None:
        conn.execute(change_outcome.insert().values(**row))
    else:  # written with the batch's others, in its transaction; a repeat in the batch reads it here
        batch.outcomes.append(row)
        batch.stored[ch.id] = answer
    return answer


def _write_field(conn: sa.Connection, rec: Mapping[Any, Any], fname: str, value: str | None,
                 by: str | None) -> int:
    """Apply one field's new value: the record's revision goes up by one; logged. Returns the rev."""
    rev = rec["rev"] + 1
    t = now()
    conn.execute(record.update().where(record.c.entity == rec["entity"],
                                       record.c.record_id == rec["record_id"]).values(rev=rev))
    stmt = pg_insert(field).values(entity=rec["entity"], record_id=rec["record_id"], field=fname, value=value,
                                   rev=rev, changed_by=by, changed_at=t)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=[field.c.entity, field.c.record_id, field.c.field],
        set_={"value": value, "rev": rev, "changed_by": by, "changed_at": t}))
    seq = _log(conn, rec["entity"], rec["record_id"], fname, value, rev, by, rec["carer_id"])
    _after_field(conn, rec, fname, value, seq, by)
    return rev


def _new_record(conn: sa.Connection, caller: Caller, ch: p.Change) -> p.ChangeOutcome:
    try:
        values = json.loads(ch.value or "")
    except ValueError:
        values = None
    if not isinstance(values, dict) or any(not isinstance(k, str) for k in values):
        return _outcome(conn, caller, ch, "refused", reason=SENTENCE_UNREADABLE)
    entity, rid = ch.entity, ch.record_id
    owner, parent, parent_id = _owner_of_new(conn, entity, rid, values)
    checks: list[tuple[str, str | None]] = [(entity, rid), ("carer", owner)]
    if parent:
        checks.append((parent[0], parent_id))
    if _erased(conn, checks):
        return _outcome(conn, caller, ch, "refused", reason=SENTENCE_ERASED)
    rec = _record(conn, entity, rid, lock=True)
    if rec is not None:
        if rec["deleted_at"] is not None:
            return _outcome(conn, caller, ch, "refused", reason=SENTENCE_DELETED)
        rev = rec["rev"]
        held = _fields(conn, entity, rid)
        for k, v in values.items():  # the same record arrived again under another change id: merge
            if k not in held or held[k] != v:
                rev = _write_field(conn, rec, k, _dumps(v), caller.worker_id)
                rec = _record(conn, entity, rid)
                assert rec is not None
        return _outcome(conn, caller, ch, "applied", rev=rev)
    holder = values.get("worker_id") if entity == "carer" else None
    new = NewRecord(entity=entity, record_id=rid, values=values, owner=owner,
                    holder=holder if isinstance(holder, str) else None,
                    parent_entity=parent[0] if parent else None, parent_id=parent_id,
                    by=caller.worker_id, at=now())
    batch = _batch(conn)
    if batch is None:
        NewRecords.write(conn, [new])
    else:  # held, and written with the batch's other new records
        batch.new.add(new)
        batch.existing.add((entity, rid))
        batch.known.add(rid)
        batch.owners[(entity, rid)] = owner
    if entity == "carer" and isinstance(values.get("household_id"), str):
        _claim_household(conn, values["household_id"], rid)
    return _outcome(conn, caller, ch, "applied", rev=1)


def _delete(conn: sa.Connection, caller: Caller, ch: p.Change) -> p.ChangeOutcome:
    if _erased(conn, [(ch.entity, ch.record_id)]):
        return _outcome(conn, caller, ch, "applied")  # gone already, and for good
    rec = _record(conn, ch.entity, ch.record_id, lock=True)
    if rec is None or rec["deleted_at"] is not None:
        return _outcome(conn, caller, ch, "applied", rev=rec["rev"] if rec else None)
    if ch.entity == "carer" and caller.is_manager:  # a carer leaves only by a manager's erasure
        _erase(conn, ch.record_id)
        return _outcome(conn, caller, ch, "applied")
    rev = rec["rev"] + 1
    conn.execute(record.update().where(record.c.entity == ch.entity, record.c.record_id == ch.record_id)
                 .values(rev=rev, deleted_at=now()))
    conn.execute(field.delete().where(field.c.entity == ch.entity, field.c.record_id == ch.record_id))
    _log(conn, ch.entity, ch.record_id, DELETED, None, rev, caller.worker_id, rec["carer_id"])
    return _outcome(conn, caller, ch, "applied", rev=rev)


def _field_change(conn: sa.Connection, caller: Caller, ch: p.Change) -> p.ChangeOutcome:
    if _erased(conn, [(ch.entity, ch.record_id)]):
        return _outcome(conn, caller, ch, "refused", reason=SENTENCE_ERASED)
    rec = _record(conn, ch.entity, ch.record_id, lock=True)
    if rec is None:
        return _outcome(conn, caller, ch, "refused", reason=SENTENCE_UNKNOWN)
    if rec["deleted_at"] is not None:
        return _outcome(conn, caller, ch, "refused", reason=SENTENCE_DELETED)
    f = conn.execute(sa.select(field).where(field.c.entity == ch.entity, field.c.record_id == ch.record_id,
                                            field.c.field == ch.field)).mappings().first()
    server_value = f["value"] if f else None
    if _same(server_value, ch.value):
        return _outcome(conn, caller, ch, "applied", rev=rec["rev"])
    field_rev = f["rev"] if f else 0
    newer = field_rev > (ch.base_rev or 0)
    if ch.base_rev is None and _same(ch.base_value, server_value):
        newer = False  # the laptop started from the value the server still has
    if newer:
        cid = new_id()
        conn.execute(conflict.insert().values(
            id=cid, change_id=ch.id, entity=ch.entity, record_id=ch.record_id, field=ch.field,
            server_value=server_value, server_by=f["changed_by"] if f else None,
            server_at=f["changed_at"] if f else None, laptop_value=ch.value, laptop_by=caller.worker_id,
            laptop_at=ch.made_at, base_value=ch.base_value, opened_at=now()))
        return _outcome(conn, caller, ch, "conflict", rev=rec["rev"], conflict_id=cid)
    rev = _write_field(conn, rec, ch.field, ch.value, caller.worker_id)
    return _outcome(conn, caller, ch, "applied", rev=rev)


def _erased_by_laptop(conn: sa.Connection, caller: Caller, ch: p.Change) -> p.ChangeOutcome:
    """A manager's laptop erased a person: the same erasure here (tombstones, nothing kept)."""
    if ch.entity != "carer" or not caller.is_manager:
        return _outcome(conn, caller, ch, "refused", reason="Only a manager can erase a person's records; "
                        "the team server kept them.")
    _erase(conn, ch.record_id)
    return _outcome(conn, caller, ch, "applied")


def _stored(conn: sa.Connection, change_id: str) -> p.ChangeOutcome | None:
    batch = _batch(conn)
    if batch is not None:
        return batch.stored.get(change_id)
    row = conn.execute(sa.select(change_outcome).where(change_outcome.c.change_id == change_id)
                       ).mappings().first()
    if row is None:
        return None
    return p.ChangeOutcome(id=change_id, outcome=row["outcome"], rev=row["rev"], reason=row["reason"],
                           conflict=_conflict_info(conn, row["conflict_id"]))


def clock_warning(offset_seconds: float) -> str | None:
    if abs(offset_seconds) <= p.CLOCK_WARNING_SECONDS:
        return None
    hours = abs(offset_seconds) / 3600
    amount = f"{hours / 24:.0f} days" if hours >= 36 else f"{max(hours, 0.1):.1f} hours"
    way = "ahead of" if offset_seconds > 0 else "behind"
    return (f"This laptop's clock is about {amount} {way} the team server's. Set it right: sync still works, "
            "but times shown on this laptop will be wrong.")


def _apply(conn: sa.Connection, caller: Caller, ch: p.Change) -> p.ChangeOutcome:
    stored = _stored(conn, ch.id)
    if stored is not None:
        return stored
    if ch.field != NEW_RECORD:
        _write_new(conn)  # the other kinds of change read and write the tables as they are
    if (refused := _out_of_scope(conn, caller, ch)) is not None:
        return _outcome(conn, caller, ch, "refused", reason=refused)
    if ch.field == NEW_RECORD:
        return _new_record(conn, caller, ch)
    if ch.field == DELETED:
        return _delete(conn, caller, ch)
    if ch.field == ERASED:
        return _erased_by_laptop(conn, caller, ch)
    return _field_change(conn, caller, ch)


def push(engine: sa.Engine, caller: Caller, req: p.PushRequest) -> p.PushResponse:
    """Apply a batch in ONE transaction: every change gets exactly one outcome, kept by its id."""
    with engine.begin() as conn:
        _lock(conn)
        outcomes: list[p.ChangeOutcome] = []
        _open_batch(conn, req.changes)
        try:
            for ch in req.changes:
                outcomes.append(_apply(conn, caller, ch))
        except BaseException:
            conn.info.pop(_BATCH, None)  # the transaction rolls back: nothing of the batch is kept
            raise
        _close_batch(conn)
        t = now()
        laptop = req.laptop_time if req.laptop_time.tzinfo else req.laptop_time.replace(tzinfo=UTC)
        offset = (laptop - t).total_seconds()
        conn.execute(device.update().where(device.c.id == caller.device_id).values(
            last_sync_at=t, waiting_reported=req.waiting, clock_offset_seconds=offset))
    return p.PushResponse(outcomes=outcomes, server_time=t, clock_warning=clock_warning(offset))


# ------------------------------------------------------------------------------------------ pull

_MY_CARERS = "SELECT record_id FROM record WHERE entity = 'carer' AND worker_id = :me"


def pull(engine: sa.Engine, caller: Caller, req: p.PullRequest) -> p.PullResponse:
    """Changes in this device's scope after ``cursor``, in commit order, one page at a time."""
    manager = caller.is_manager
    params: dict[str, Any] = {"cursor": req.cursor, "me": caller.worker_id, "manager": manager,
                              "shared": list(SHARED), "private": list(PRIVATE_UNOWNED), "n": req.limit + 1}
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        head = conn.execute(sa.text("SELECT COALESCE(MAX(seq), 0) FROM change_log")).scalar_one()
        params["head"] = head
        # a manager's device gets the whole log: a page is a range of it, no record read
        scope = "" if manager else f"""
            AND (l.field = 'erased' OR l.entity = ANY(:shared)
                 OR (r.carer_id IS NULL AND NOT (l.entity = ANY(:private)))
                 OR r.carer_id IN ({_MY_CARERS}))"""
        join = "" if manager else "LEFT JOIN record r ON r.entity = l.entity AND r.record_id = l.record_id"
        rows = conn.execute(sa.text(f"""
            SELECT l.seq, l.entity, l.record_id, l.field, l.value, l.rev, l.by, l.at
            FROM change_log l {join}
            WHERE l.seq > :cursor AND l.seq <= :head {scope}
            ORDER BY l.seq LIMIT :n"""), params).mappings().all()
        more = len(rows) > req.limit
        rows = rows[:req.limit]
        cursor = rows[-1]["seq"] if more else max(head, req.cursor)
        drop: list[tuple[str, str]] = []
        if not manager:
            moved = conn.execute(sa.text(f"""
                SELECT DISTINCT m.carer_id FROM case_move m
                WHERE m.seq > :cursor AND m.seq <= :upto AND m.from_worker_id = :me
                  AND m.carer_id NOT IN ({_MY_CARERS})"""),
                {"cursor": req.cursor, "upto": cursor, "me": caller.worker_id}).scalars().all()
            if moved:
                drop = [(e, r) for e, r in conn.execute(
                    sa.select(record.c.entity, record.c.record_id).where(record.c.carer_id.in_(moved))
                    .order_by(record.c.entity, record.c.record_id))]
        conflicts = conn.execute(sa.text(f"""
            SELECT c.* FROM conflict c LEFT JOIN record r ON r.entity = c.entity AND r.record_id = c.record_id
            WHERE c.settled_at IS NULL AND (:manager OR r.carer_id IN ({_MY_CARERS})
                  OR (r.carer_id IS NULL AND c.laptop_by = :me))
            ORDER BY c.opened_at"""), params).mappings().all()
        workers = _worker_infos(conn)
    with engine.begin() as conn:  # the cursor it asks from: it applied the log up to there
        conn.execute(device.update().where(device.c.id == caller.device_id).values(
            last_sync_at=now(), pulled_cursor=sa.func.greatest(device.c.pulled_cursor, req.cursor)))
    return p.PullResponse(
        changes=[p.PulledChange(**dict(r)) for r in rows], cursor=cursor, more=more, drop=drop,
        workers=workers, conflicts=[_conflict_from_row(c) for c in conflicts])


# ------------------------------------------------------------------------------ the team's laptops

SENTENCE_TEAM_MANAGERS = ("Only a manager's laptop can see how the team's laptops stand with the server; "
                          "ask a manager.")


def team(engine: sa.Engine, caller: Caller) -> p.TeamResponse:
    """Every enrolled laptop: its worker, last sync (server clock) and the changes it said were
    waiting at its last push. A manager's device only."""
    if not caller.is_manager:
        raise Forbidden(SENTENCE_TEAM_MANAGERS)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(device).order_by(device.c.worker_id, device.c.enrolled_at)
                            ).mappings().all()
        workers = _worker_infos(conn)
    return p.TeamResponse(server_time=now(), workers=workers, devices=[
        p.DeviceReport(device_id=r["id"], worker_id=r["worker_id"], name=r["name"] or "",
                       enrolled_at=r["enrolled_at"], last_sync_at=r["last_sync_at"],
                       waiting=r["waiting_reported"] or 0, removed=r["removed_at"] is not None)
        for r in rows])


# ------------------------------------------------------------------------------ resolve and erase


def resolve(engine: sa.Engine, caller: Caller, req: p.ResolveRequest) -> p.ResolveResponse:
    """Settle a conflict: keep the server's value, the laptop's, or one typed by the person."""
    with engine.begin() as conn:
        _lock(conn)
        c = conn.execute(sa.select(conflict).where(conflict.c.id == req.conflict_id).with_for_update()
                         ).mappings().first()
        if c is None:
            raise NotFound("That conflict is not on the team server (it may have been erased with its "
                           "person).")
        rec = _record(conn, c["entity"], c["record_id"], lock=True)
        if not caller.is_manager:
            owner = rec["carer_id"] if rec else None
            holder = None
            if owner:
                crow = _record(conn, "carer", owner)
                holder = crow["worker_id"] if crow else None
            if holder != caller.worker_id and not (owner is None and c["laptop_by"] == caller.worker_id):
                raise Forbidden("Only the worker holding this case, or a manager, can settle this conflict.")
        if c["settled_at"] is not None:
            return p.ResolveResponse(outcome="applied", rev=rec["rev"] if rec else None)
        settle = conflict.update().where(conflict.c.id == c["id"]).values(
            settled_at=now(), settled_by=caller.worker_id, choice=req.keep)
        if req.keep == "server":
            conn.execute(settle)
            return p.ResolveResponse(outcome="applied", rev=rec["rev"] if rec else None)
        if rec is None or rec["deleted_at"] is not None:
            conn.execute(settle)
            return p.ResolveResponse(outcome="refused", reason=SENTENCE_DELETED)
        value = c["laptop_value"] if req.keep == "laptop" else req.value
        f = conn.execute(sa.select(field.c.value).where(field.c.entity == c["entity"],
                                                        field.c.record_id == c["record_id"],
                                                        field.c.field == c["field"])).scalar()
        rev = rec["rev"] if _same(f, value) else _write_field(conn, rec, c["field"], value, caller.worker_id)
        conn.execute(settle)
        return p.ResolveResponse(outcome="applied", rev=rev)


def _erase(conn: sa.Connection, carer_id: str) -> int:
    """Erase a carer and their dependent records (lock held by the caller). Returns records erased."""
    owned = conn.execute(sa.select(record.c.entity, record.c.record_id).where(
        sa.or_(record.c.carer_id == carer_id,
               sa.and_(record.c.entity == "carer", record.c.record_id == carer_id)))).all()
    for entity, rid in owned:
        if entity in UNLINK_ON_ERASE:  # kept, with the link to the person removed
            rec = _record(conn, entity, rid)
            assert rec is not None
            if rec["deleted_at"] is None:
                _write_field(conn, rec, "carer_id", None, None)
            _set_owner(conn, entity, rid, None, only_unowned=False)
        elif entity == "household":  # kept (with what hangs from it) if someone who stays lives there
            other = conn.execute(sa.select(field.c.record_id).where(
                field.c.entity == "carer", field.c.field == "household_id", field.c.value == _dumps(rid),
                field.c.record_id != carer_id)).scalar()
            if other is not None:
                _set_owner(conn, "household", rid, other, only_unowned=False)
    gone = {(e, r) for e, r in conn.execute(sa.select(record.c.entity, record.c.record_id).where(
        record.c.carer_id == carer_id))} | {("carer", carer_id)}
    t = now()
    batch = _batch(conn)
    if batch is not None:
        batch.owners.clear()  # records go below: read from the table again
    for entity, rid in sorted(gone):
        for table in (field, change_log, conflict, record):
            conn.execute(table.delete().where(table.c.entity == entity, table.c.record_id == rid))
        conn.execute(pg_insert(tombstone).values(entity=entity, record_id=rid, erased_at=t)
                     .on_conflict_do_nothing())
        if batch is not None:
            batch.tombs.add((entity, rid))
            batch.known.add(rid)
    conn.execute(case_move.delete().where(case_move.c.carer_id == carer_id))
    for entity, rid in sorted(gone):
        _log(conn, entity, rid, ERASED, None, 0, None, None)
    return len(gone)


def erase(engine: sa.Engine, caller: Caller, carer_id: str) -> int:
    """A manager erases a person: tombstones; every field and log row of them and theirs deleted."""
    if not caller.is_manager:
        raise Forbidden("Only a manager can erase a person's records.")
    with engine.begin() as conn:
        _lock(conn)
        return _erase(conn, carer_id)


def status(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        svc = conn.execute(sa.select(service.c.name).where(service.c.id == 1)).scalar()
    return {"service": svc, "protocol": p.PROTOCOL, "server_time": now().isoformat()}
