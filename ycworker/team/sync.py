"""One sync of this laptop with its team server: push what waits, then pull what changed.

Push: every ``waiting`` and ``sending`` change, in batches of ``MAX_BATCH``. A batch is marked
``sending`` in one SQLite transaction before it is sent (so a crash or a lost answer resends the
same change ids, which the server answers from its stored outcomes), and the outcomes are written
in one transaction after: applied (the record's revision kept), conflict (a ``team_conflict`` for
a person), refused (with the server's reason).

Pull: pages of the server's change log after ``team.cursor``. Each page is applied and the new
cursor saved in ONE SQLite transaction, through Core statements with the queue switched off
(``db.outbox.applying_pulled``: a pulled change is the server's, never queued back to it). A
pulled change never overwrites a field this laptop has a ``waiting`` or ``sending`` change for:
that change meets the server's value at its push. ``"*"`` inserts or updates a whole record,
``"-"`` deletes one, ``"erased"`` removes a person with every record that depends on them and
their queued changes; ``drop`` removes records that left this laptop's scope (after the push:
the laptop always pushes first).

Laptop clocks decide nothing: the server's time only makes a warning when the two differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from db import outbox
from db.engine import Store
from db.models import Worker
from db.models.team import DELETED, NEW_RECORD, TeamChange, TeamConflict, TeamRevision
from ycworker.common import settings, team_removal
from ycworker.team import protocol
from ycworker.team.client import TeamClient, TeamError

URL = "team.url"
TOKEN = "team.device_token"
DEVICE = "team.device_id"
CURSOR = "team.cursor"
LAST_SYNC = "team.last_sync"
WORKER = "team.worker_id"
CLOCK = "team.clock_warning"
#: A manager's laptop: the team's laptops as the server last reported them (TeamResponse JSON).
DEVICES = "team.devices"
#: Conflicts settled on this laptop whose choice has not reached the server yet (a JSON list).
PENDING_RESOLVES = "team.pending_resolves"

#: Told what a sync is doing, as a short line for the screen ("Sending 14 changes…").
Progress = Callable[[str], None]

ERASED = outbox.ERASED
PENDING = ("waiting", "sending")
NOT_ENROLLED = ("This laptop has not joined a team. A manager gives you a code: "
                "ycworker team join URL --code CODE.")


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    refused: int = 0
    #: Set when the sync could not finish (nothing is lost: changes still wait).
    problem: str | None = None
    clock_warning: str | None = None
    #: The server refused this laptop (401): its team data is locked (ycworker.common.team_removal).
    removed: bool = False

    @property
    def finished(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        """What a finished sync did, as one sentence for the worker."""
        def n(count: int, noun: str) -> str:
            return f"{count:,} {noun}{'' if count == 1 else 's'}"

        parts = [f"Sent {n(self.pushed, 'change')}", f"received {n(self.pulled, 'change')}"]
        if self.refused:
            parts.append(f"{n(self.refused, 'change')} refused by the server")
        line = ", ".join(parts) + "."
        if self.conflicts:
            line += f" {n(self.conflicts, 'conflict')} to settle."
        return line

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k in ("pushed", "pulled", "conflicts", "refused")}


# -- settings --------------------------------------------------------------------------------


def is_enrolled(session: Session) -> bool:
    return bool(settings.get(session, URL))


def connect(store: Store) -> TeamClient:
    """A client for the server this laptop joined (``TeamError`` when it never joined)."""
    with store.read() as session:
        url, token = settings.get(session, URL), settings.get(session, TOKEN)
    if not url:
        raise TeamError(NOT_ENROLLED, "not_enrolled")
    return TeamClient.connect(url, token)


def now() -> datetime:
    return datetime.now(UTC)


# -- values ----------------------------------------------------------------------------------


def table_of(entity: str) -> sa.Table | None:
    """The table of a synced entity (None for anything else: never taken from a pull)."""
    return SQLModel.metadata.tables.get(entity) if outbox.is_synced(entity) else None


# -- push ------------------------------------------------------------------------------------


_CHANGE: sa.Table = TeamChange.__table__  # type: ignore[attr-defined]
_REVISION: sa.Table = TeamRevision.__table__  # type: ignore[attr-defined]


def _change_body(row: Any) -> protocol.Change:
    made = row.made_at if row.made_at.tzinfo else row.made_at.replace(tzinfo=UTC)
    return protocol.Change(id=row.id, entity=row.entity, record_id=row.record_id, field=row.field,
                           value=row.value, base_value=row.base_value, base_rev=row.base_rev, made_at=made)


def _next_batch(store: Store) -> tuple[list[protocol.Change], int]:
    """The next batch, marked ``sending`` in one transaction, and how many changes wait beyond it.

    Changes already ``sending`` (their answer was lost) go again unchanged, in batches of their own:
    an edit made here while they were on their way is rebased on their outcome before it is sent
    (``_rebase_later_edits``), so it never meets them in one batch as a conflict with itself."""
    with store.write() as session:
        conn = session.connection()
        resend = conn.execute(sa.select(sa.func.count()).select_from(_CHANGE)
                              .where(_CHANGE.c.status == "sending")).scalar_one()
        # one status at a time (none is sending when none is resent): the status index gives
        # its rows in rowid order, so the first MAX_BATCH are read and no more
        status = "sending" if resend else "waiting"
        rows = conn.execute(sa.select(_CHANGE).where(_CHANGE.c.status == status)
                            .order_by(sa.text("team_change.rowid")).limit(protocol.MAX_BATCH)).all()
        waiting = conn.execute(sa.select(sa.func.count()).select_from(_CHANGE)
                               .where(_CHANGE.c.status.in_(PENDING))).scalar_one()
        marks = [r.id for r in rows if r.status != "sending"]
        for i in range(0, len(marks), 500):  # one statement, not one a change
            conn.execute(_CHANGE.update().where(_CHANGE.c.id.in_(marks[i:i + 500])).values(status="sending"))
        return [_change_body(r) for r in rows], int(waiting) - len(rows)


def _set_revision(session: Session, entity: str, record_id: str, rev: int | None) -> None:
    if rev is None:
        return
    held = session.get(TeamRevision, (entity, record_id))
    if held is None:
        session.add(TeamRevision(entity=entity, record_id=record_id, rev=rev))
    elif rev > held.rev:
        held.rev = rev
        session.add(held)


def _store_conflict(session: Session, info: protocol.ConflictInfo) -> bool:
    if session.get(TeamConflict, info.id) is not None:
        return False
    session.add(TeamConflict(**info.model_dump()))
    return True


def _rebase_later_edits(session: Session, applied: Any, rev: int | None) -> None:
    """Edits made here while ``applied`` was on its way were made on top of it: they are based on
    the revision it got, or the server would take them for a conflict with this laptop's own edit.

    Only edits of the same field (or, for a new record, edits made before the server knew it): an
    edit of another field keeps its base, so another laptop's change to that field still conflicts.
    """
    if rev is None:
        return
    later = select(TeamChange).where(TeamChange.entity == applied.entity,
                                     TeamChange.record_id == applied.record_id,
                                     TeamChange.status == "waiting")
    if applied.field == NEW_RECORD:
        later = later.where(col(TeamChange.base_rev).is_(None))
    else:
        later = later.where(TeamChange.field == applied.field)
    for row in session.exec(later):
        if row.base_rev is None or row.base_rev < rev:
            row.base_rev = rev
            session.add(row)


def _write_outcomes(store: Store, outcomes: list[protocol.ChangeOutcome], result: SyncResult) -> None:
    """A batch's outcomes in one transaction. Its changes, and which of its records have edits
    waiting behind them, are read in a few queries (not three a change: a first push is tens of
    thousands); their new statuses and its revisions are written in a statement each."""
    with store.write() as session:
        conn = session.connection()
        ids = [o.id for o in outcomes]
        rows: dict[str, Any] = {}
        for i in range(0, len(ids), 500):
            rows.update((r.id, r) for r in conn.execute(
                sa.select(_CHANGE.c.id, _CHANGE.c.entity, _CHANGE.c.record_id, _CHANGE.c.field,
                          _CHANGE.c.status).where(_CHANGE.c.id.in_(ids[i:i + 500]))))
        behind = _waiting_behind(conn, {(r.entity, r.record_id) for r in rows.values()})
        page = _Page()
        settled: list[dict[str, Any]] = []
        for outcome in outcomes:
            row = rows.get(outcome.id)
            if row is None or row.status not in PENDING:
                continue
            reason = None
            if outcome.outcome == "applied":
                result.pushed += 1
                if outbox.is_synced(row.entity):
                    key = (row.entity, row.record_id)
                    if outcome.rev is not None:
                        page.revisions[key] = max(outcome.rev, page.revisions.get(key, outcome.rev))
                    if key in behind:
                        _rebase_later_edits(session, row, outcome.rev)
            elif outcome.outcome == "conflict":
                if outcome.conflict is not None:
                    _store_conflict(session, outcome.conflict)
            else:
                result.refused += 1
                reason = outcome.reason or "The team server did not keep this change."
            settled.append({"change_id": row.id, "outcome": outcome.outcome, "why": reason, "at": now()})
        _write_statuses(session, settled)
        _write_revisions(session, page)


def _waiting_behind(conn: sa.Connection, records: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``records`` have a change still waiting here, a table at a time (the queue's
    (entity, record_id, field, status) index: not every waiting row read for each batch)."""
    by_entity: dict[str, list[str]] = {}
    for entity, record_id in sorted(records):
        by_entity.setdefault(entity, []).append(record_id)
    behind: set[tuple[str, str]] = set()
    for entity, ids in by_entity.items():
        for i in range(0, len(ids), 500):
            behind.update((entity, r) for r in conn.execute(
                sa.select(_CHANGE.c.record_id).where(
                    _CHANGE.c.entity == entity, _CHANGE.c.record_id.in_(ids[i:i + 500]),
                    _CHANGE.c.status == "waiting")).scalars())
    return behind


def _write_statuses(session: Session, settled: list[dict[str, Any]]) -> None:
    """The changes' outcomes (status, when, and a refusal's reason) in one statement."""
    if not settled:
        return
    session.flush()  # the rebased edits first
    session.connection().execute(
        _CHANGE.update().where(_CHANGE.c.id == sa.bindparam("change_id")).values(
            status=sa.bindparam("outcome", type_=_CHANGE.c.status.type),
            settled_at=sa.bindparam("at", type_=_CHANGE.c.settled_at.type),
            reason=sa.func.coalesce(sa.bindparam("why", type_=_CHANGE.c.reason.type), _CHANGE.c.reason)),
        settled)


def push(store: Store, client: TeamClient, result: SyncResult, progress: Progress | None = None) -> None:
    """Send every waiting change. At least one request goes (an empty one when nothing waits):
    it checks the device and hears the server's time."""
    while True:
        batch, beyond = _next_batch(store)
        if progress is not None:
            progress(sending_line(len(batch) + max(beyond, 0)))
        answer = client.push(protocol.PushRequest(changes=batch, laptop_time=now(), waiting=beyond))
        _write_outcomes(store, answer.outcomes, result)
        _clock(store, answer, result)
        unanswered = {c.id for c in batch} - {o.id for o in answer.outcomes}
        if unanswered:  # they stay ``sending`` and go again, unchanged, next time
            raise TeamError("The team server did not answer for every change; they are kept and will "
                            "be sent next time.", "server")
        if beyond <= 0:
            return


def _clock(store: Store, answer: protocol.PushResponse, result: SyncResult) -> None:
    warning = answer.clock_warning
    if warning is None:
        server = answer.server_time if answer.server_time.tzinfo else answer.server_time.replace(tzinfo=UTC)
        off = (now() - server).total_seconds()
        if abs(off) > protocol.CLOCK_WARNING_SECONDS:
            ahead = "ahead of" if off > 0 else "behind"
            warning = (f"This laptop's clock is {_span(abs(off))} {ahead} the team server's: set the "
                       "right date and time (nothing was lost; the server decides the order).")
    result.clock_warning = warning
    with store.write() as session:
        settings.put(session, CLOCK, warning or "")


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{round(seconds / 86400)} days"
    if seconds >= 2 * 3600:
        return f"{round(seconds / 3600)} hours"
    return f"{max(1, round(seconds / 60))} minutes"


# -- resolves waiting to be sent --------------------------------------------------------------


def pending_resolves(session: Session) -> list[dict[str, Any]]:
    raw = settings.get(session, PENDING_RESOLVES)
    return list(json.loads(raw)) if raw else []


def send_resolves(store: Store, client: TeamClient, result: SyncResult | None = None) -> int:
    """Send the conflicts settled here; each one sent is taken off the list. Returns how many."""
    with store.read() as session:
        waiting = pending_resolves(session)
    sent = 0
    for item in waiting:
        answer = client.resolve(protocol.ResolveRequest(conflict_id=item["conflict_id"], keep=item["keep"],
                                                        value=item.get("value")))
        with store.write() as session:
            left = [p for p in pending_resolves(session) if p["conflict_id"] != item["conflict_id"]]
            settings.put(session, PENDING_RESOLVES, json.dumps(left))
            conflict = session.get(TeamConflict, item["conflict_id"])
            if conflict is not None and answer.outcome == "applied":
                _set_revision(session, conflict.entity, conflict.record_id, answer.rev)
            if answer.outcome == "refused" and result is not None:
                result.refused += 1
        sent += 1
    return sent


# -- pull ------------------------------------------------------------------------------------


_PAGE = "ycw_pull_page"


class _Page:
    """What applying one pulled page reads once and writes once: the fields with a change waiting
    here (read at the page's start, in its transaction: nothing else writes meanwhile; read again
    after a removal), and the revisions the page's changes carry (written before any removal and
    at the page's end, in the same transaction)."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], set[str]] | None = None
        self.revisions: dict[tuple[str, str], int] = {}


def _page(session: Session) -> _Page | None:
    return session.info.get(_PAGE)


def _pending_fields(conn: sa.Connection, entity: str, record_id: str,
                    page: _Page | None = None) -> set[str]:
    if page is not None:
        if page.pending is None:
            page.pending = {}
            for e, r, f in conn.execute(sa.text(
                    "SELECT entity, record_id, field FROM team_change "
                    "WHERE status IN ('waiting', 'sending')")):
                page.pending.setdefault((e, r), set()).add(f)
        return page.pending.get((entity, record_id), set())
    rows = conn.execute(sa.text(
        "SELECT field FROM team_change WHERE entity = :e AND record_id = :r "
        "AND status IN ('waiting', 'sending')"), {"e": entity, "r": record_id}).all()
    return {r[0] for r in rows}


def _write_revisions(session: Session, page: _Page) -> None:
    """The page's revisions so far, in one statement (a revision only ever goes up)."""
    if not page.revisions:
        return
    session.flush()
    session.connection().execute(sa.text(
        "INSERT INTO team_revision (entity, record_id, rev) VALUES (:e, :r, :rev) "
        "ON CONFLICT (entity, record_id) DO UPDATE SET rev = MAX(rev, excluded.rev)"),
        [{"e": e, "r": r, "rev": rev} for (e, r), rev in page.revisions.items()])
    page.revisions.clear()


def _row_exists(conn: sa.Connection, table: sa.Table, record_id: str) -> bool:
    return conn.execute(sa.select(sa.literal(1)).select_from(table)
                        .where(table.c.id == record_id)).first() is not None


def apply_change(session: Session, change: protocol.PulledChange) -> bool:
    """One pulled change onto this laptop's records (Core statements: never queued back).
    Returns whether it touched a record."""
    conn = session.connection()
    table = table_of(change.entity)
    if table is None or "id" not in table.c:
        return False
    page = _page(session)
    if change.field in (ERASED, DELETED):
        if page is not None:  # revisions first (the removal forgets them); pending read again after
            _write_revisions(session, page)
            page.pending = None
        remove_records(session, change.entity, {change.record_id}, erase=change.field == ERASED)
        return True
    pending = _pending_fields(conn, change.entity, change.record_id, page)
    if NEW_RECORD in pending:  # made here and not yet accepted: the push decides
        return False
    touched = False
    if change.field == NEW_RECORD:
        values = _record_values(table, change, pending)
        # (not an upsert: SQLite fires BEFORE INSERT triggers, the search index's, before the
        # conflict is seen)
        if _row_exists(conn, table, change.record_id):
            if values:
                conn.execute(table.update().where(table.c.id == change.record_id).values(**values))
        else:
            conn.execute(table.insert().values(id=change.record_id, **values))
        touched = True
    elif change.field in table.c and change.field != "id" and change.field not in pending:
        done = conn.execute(table.update().where(table.c.id == change.record_id)
                            .values({change.field: outbox.decode(table.c[change.field], change.value)}))
        touched = done.rowcount > 0
    _note_revision(session, page, change)
    return touched


def _note_revision(session: Session, page: _Page | None, change: protocol.PulledChange) -> None:
    if page is not None:
        key = (change.entity, change.record_id)
        page.revisions[key] = max(change.rev, page.revisions.get(key, change.rev))
    else:
        _set_revision(session, change.entity, change.record_id, change.rev)


def _record_values(table: sa.Table, change: protocol.PulledChange, pending: set[str]) -> dict[str, Any]:
    """A pulled whole record's column values, but its id and the fields waiting here."""
    raw = json.loads(change.value) if change.value else {}
    return {name: outbox.from_plain(table.c[name], v) for name, v in raw.items()
            if name in table.c and name != "id" and name not in pending}


def apply_new_records(session: Session, changes: list[protocol.PulledChange]) -> int:
    """A run of whole records (``"*"``), each of a different record, onto this laptop: as
    ``apply_change`` would one by one, but the records this laptop lacks are inserted with one
    statement per table (an executemany: SQLite's triggers still fire for each row) after one
    read of which it has. A record's first revision (its creation) that this laptop already holds
    a revision of is its own new record coming back after its push (or one pulled before): it
    has it, and later changes come after it in the log, so it is passed over. Returns how many it
    touched."""
    conn = session.connection()
    page = _page(session)
    touched = 0
    by_entity: dict[str, list[protocol.PulledChange]] = {}
    for change in changes:
        by_entity.setdefault(change.entity, []).append(change)
    for entity, group in by_entity.items():
        table = table_of(entity)
        if table is None or "id" not in table.c:
            continue
        ids = [c.record_id for c in group]
        have: set[str] = set()
        held: set[str] = set()
        for i in range(0, len(ids), 500):
            have.update(conn.execute(sa.select(table.c.id).where(table.c.id.in_(ids[i:i + 500]))).scalars())
            held.update(conn.execute(sa.select(_REVISION.c.record_id).where(
                _REVISION.c.entity == entity, _REVISION.c.record_id.in_(ids[i:i + 500]))).scalars())
        inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for change in group:
            if change.rev == 1 and change.record_id in held:
                continue
            pending = _pending_fields(conn, entity, change.record_id, page)
            if NEW_RECORD in pending:  # made here and not yet accepted: the push decides
                continue
            values = _record_values(table, change, pending)
            if change.record_id in have:
                if values:
                    conn.execute(table.update().where(table.c.id == change.record_id).values(**values))
            else:
                row = {"id": change.record_id, **values}
                inserts.setdefault(tuple(sorted(row)), []).append(row)
            touched += 1
            _note_revision(session, page, change)
        for rows in inserts.values():
            conn.execute(table.insert(), rows)
    return touched


def apply_changes(session: Session, changes: list[protocol.PulledChange]) -> int:
    """A page's changes in order; each run of whole records of different records goes to
    ``apply_new_records`` together. Returns how many touched a record."""
    touched = 0
    run: list[protocol.PulledChange] = []
    keys: set[tuple[str, str]] = set()
    for change in changes:
        key = (change.entity, change.record_id)
        if change.field == NEW_RECORD and key not in keys:
            run.append(change)
            keys.add(key)
            continue
        touched += apply_new_records(session, run) if run else 0
        run, keys = [], set()
        if change.field == NEW_RECORD:  # the same record again: a run of its own
            run, keys = [change], {key}
        elif apply_change(session, change):
            touched += 1
    touched += apply_new_records(session, run) if run else 0
    return touched


def remove_records(session: Session, entity: str, ids: set[str], *, erase: bool) -> dict[str, set[str]]:
    """Remove records and every row that must point at them (the erasure's own plan, worked out
    from the schema's foreign keys), unlink rows that merely mention them, and forget their
    revisions. An erasure also removes their queued changes and conflicts: nothing of the person
    stays. A drop keeps what still waits for the server (it was pushed first; anything left is
    still this laptop's work)."""
    from ycworker.protection import erasure

    session.flush()  # revisions set earlier in this page are written, or expire_all below drops them
    conn = session.connection()
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    graph = erasure._incoming(conn)
    remove: dict[str, set[str]] = {}
    if entity == "carer":
        for carer_id in sorted(ids):
            if conn.exec_driver_sql("SELECT 1 FROM carer WHERE id = ?", (carer_id,)).first() is None:
                remove.setdefault("carer", set()).add(carer_id)
                continue
            plan = erasure._plan(conn, carer_id)
            for table, found in plan.remove.items():
                remove.setdefault(table, set()).update(found)
    else:
        erasure._close_over(conn, graph, remove, entity, set(ids))
    for parent, found in remove.items():
        for fk in graph.get(parent, []):
            if fk.notnull or not found:
                continue
            for chunk in erasure._chunks(found):
                marks = ",".join("?" * len(chunk))
                conn.exec_driver_sql(
                    f'UPDATE "{fk.child}" SET "{fk.column}" = NULL WHERE "{fk.column}" IN ({marks})',
                    tuple(chunk))
    for table, found in remove.items():
        for chunk in erasure._chunks(found):
            marks = ",".join("?" * len(chunk))
            conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE id IN ({marks})', tuple(chunk))
            conn.exec_driver_sql(f"DELETE FROM team_revision WHERE entity = ? AND record_id IN ({marks})",
                                 (table, *chunk))
            if erase:
                conn.exec_driver_sql(f"DELETE FROM team_change WHERE entity = ? AND record_id IN ({marks})",
                                     (table, *chunk))
                conn.exec_driver_sql(
                    f"DELETE FROM team_conflict WHERE entity = ? AND record_id IN ({marks})", (table, *chunk))
            else:
                conn.exec_driver_sql(
                    f"DELETE FROM team_change WHERE entity = ? AND record_id IN ({marks}) "
                    f"AND status NOT IN ('waiting', 'sending')", (table, *chunk))
    if erase:
        for fts in erasure._fts_tables(conn):  # merge segments so no old one keeps the name
            conn.exec_driver_sql(f'INSERT INTO "{fts}"("{fts}") VALUES (\'optimize\')')
    session.expire_all()
    return remove


def apply_workers(session: Session, workers: Iterable[protocol.WorkerInfo]) -> None:
    """The laptop's Worker rows agree with the server's (same ids): names, roles, removed."""
    conn = session.connection()
    table = Worker.__table__  # type: ignore[attr-defined]
    for info in workers:
        values = {"name": info.name, "role": info.role, "active": not info.removed}
        if _row_exists(conn, table, info.id):
            conn.execute(table.update().where(table.c.id == info.id).values(**values))
        else:
            initials = "".join(p[0] for p in info.name.split())[:3].upper()
            conn.execute(table.insert().values(id=info.id, initials=initials, created_at=now(),
                                               updated_at=now(), **values))


def _settled_elsewhere(session: Session, still_open: set[str]) -> None:
    """The server lists every open conflict this laptop may settle: one open here and not listed
    was settled on another laptop (or left this laptop's scope)."""
    waiting = {p["conflict_id"] for p in pending_resolves(session)}
    for row in session.exec(select(TeamConflict).where(col(TeamConflict.settled_at).is_(None))).all():
        if row.id not in still_open and row.id not in waiting:
            row.settled_at = now()
            session.add(row)


def save_cursor(session: Session, cursor: int) -> None:
    """The page's new cursor, in the page's transaction (tests inject a crash here)."""
    settings.put(session, CURSOR, str(cursor))


def _refresh_deadlines(session: Session, changes: Iterable[protocol.PulledChange]) -> None:
    """The carers' stored pending deadlines are derived, never synced: worked out again for the
    carers whose referrals (or themselves) this page changed."""
    from db.models import Referral
    from ycworker.caseload import deadlines

    carers = {c.record_id for c in changes if c.entity == "carer"}
    referrals = [c.record_id for c in changes if c.entity == "referral"]
    for i in range(0, len(referrals), 500):
        carers.update(session.exec(select(Referral.carer_id)
                                   .where(col(Referral.id).in_(referrals[i:i + 500]))).all())
    if carers:
        deadlines.refresh_bulk(session, sorted(carers))


def apply_page(store: Store, page: protocol.PullResponse, result: SyncResult) -> None:
    """One pulled page and its cursor, in ONE SQLite transaction with the queue off."""
    with store.write() as session, outbox.applying_pulled(session):
        session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        apply_workers(session, page.workers)
        reads = session.info[_PAGE] = _Page()
        try:
            result.pulled += apply_changes(session, page.changes)
            _write_revisions(session, reads)
        finally:
            session.info.pop(_PAGE, None)
        _refresh_deadlines(session, page.changes)
        by_entity: dict[str, set[str]] = {}
        for entity, record_id in page.drop:
            by_entity.setdefault(entity, set()).add(record_id)
        for entity in sorted(by_entity, key=lambda e: e != "carer"):
            if table_of(entity) is not None:
                remove_records(session, entity, by_entity[entity], erase=False)
        for info in page.conflicts:
            _store_conflict(session, info)
        if not page.more:
            _settled_elsewhere(session, {c.id for c in page.conflicts})
        save_cursor(session, page.cursor)


def sending_line(count: int) -> str:
    if count == 0:
        return "Checking in with the team server…"
    return f"Sending {count:,} change{'' if count == 1 else 's'}…"


def receiving_line(pulled: int) -> str:
    return f"Receiving… ({pulled:,} so far)" if pulled else "Receiving…"


def pull(store: Store, client: TeamClient, result: SyncResult, progress: Progress | None = None) -> None:
    with store.read() as session:
        cursor = int(settings.get(session, CURSOR) or 0)
    while True:
        if progress is not None:
            progress(receiving_line(result.pulled))
        page = client.pull(protocol.PullRequest(cursor=cursor, limit=protocol.MAX_BATCH))
        apply_page(store, page, result)
        if page.cursor <= cursor and page.more:  # a server that does not move on: stop, try later
            raise TeamError("The team server's changes could not all be fetched; try again later.", "server")
        cursor = page.cursor
        if not page.more:
            return


# -- the whole sync -----------------------------------------------------------------------------


def open_conflicts(session: Session) -> int:
    return int(session.exec(select(sa.func.count()).select_from(TeamConflict)
                            .where(col(TeamConflict.settled_at).is_(None))).one())


def fetch_team(store: Store, client: TeamClient) -> bool:
    """On a manager's laptop, keep what the server says of every laptop of the team (last sync,
    changes waiting) for the Team screen, which reads only this copy. Best effort: a server that
    does not answer it (older, or the role changed) leaves the last copy as it was."""
    with store.read() as session:
        me = settings.get(session, WORKER)
        row = session.get(Worker, me) if me else None
        manager = row is not None and row.role == "manager"
    if not manager:
        return False
    try:
        answer = client.team()
    except TeamError:
        return False
    with store.write() as session:
        settings.put(session, DEVICES, answer.model_dump_json())
    return True


def sync(store: Store, client: TeamClient | None = None, progress: Progress | None = None) -> SyncResult:
    """Push, send settled conflicts, pull. Never raises for the network or the server: the
    result's ``problem`` says why it could not finish (the changes still wait). ``progress`` (if
    given) is told each step as a short line, from the thread the sync runs in."""
    result = SyncResult()
    with store.read() as session:
        enrolled = is_enrolled(session)
        locked = team_removal.refusal(session)
        left = not settings.get(session, TOKEN)
    if not enrolled:
        result.problem = NOT_ENROLLED
        return result
    if locked is not None:
        result.problem, result.removed = locked, True
        return result
    if left:  # the recovery key took the laptop out of its team (team_removal)
        result.problem = team_removal.LEFT
        return result
    own = client is None
    try:
        if client is None:
            client = connect(store)
        push(store, client, result, progress)
        send_resolves(store, client, result)
        pull(store, client, result, progress)
        with store.write() as session:
            settings.put(session, LAST_SYNC, now().isoformat())
        fetch_team(store, client)
    except TeamError as exc:
        result.problem = exc.sentence
        if exc.kind == "removed":  # promise 7: locked from now on; nothing waiting is deleted
            with store.write() as session:
                result.problem = team_removal.record(session, exc.detail)
            result.removed = True
    finally:
        if own and client is not None:
            client.close()
    with store.read() as session:
        result.conflicts = open_conflicts(session)
        result.clock_warning = settings.get(session, CLOCK) or None
    return result

