"""``team join``: this laptop enrols with a team server, then makes its first sync.

The enrolment code (one use, from a manager) gives back a device token, the worker the code was
for, every worker of the service and the service's pseudonym secret. In ONE SQLite transaction:
the laptop's Worker rows take the server's (same ids, names, roles); when the acting worker's id
is not the server's, their records move to the server's id and their key slot is made again
under it (the same passphrase opens the file, now as the server's worker); the pseudonym secret
becomes the service's; the ``team.*`` settings are written; the queue is switched on and every
record the laptop already holds is queued as a new record for the first push. Then the first sync.

A laptop removed from its team joins again only for the worker it was in the team for (a code made
for someone else is refused before anything is written), so its waiting edits reach the server as
that worker's and no case changes hands on the laptop alone.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from db import outbox
from db.engine import Store
from db.keys import record_id, slot_id
from db.keyslots import KdfCost, KeySlotError, KeySlotFile
from db.models.people import Worker
from db.slot_crypto import new_slot
from ycworker.common import audit, settings, team_removal
from ycworker.common.errors import UserError
from ycworker.team import protocol
from ycworker.team import sync as team_sync
from ycworker.team.client import TeamClient

ALREADY = ("This laptop has already joined a team. To join another, a manager removes this laptop "
           "from its team first.")

OTHER_SERVICE = ("This laptop was removed from another team service; it can only join that service "
                 "again, so its waiting changes reach the server they were made for.")


def other_worker(was: str, code_for: str) -> str:
    """The refusal of a code for another worker on a laptop that was in the team for ``was``."""
    return (f"That code was made for {code_for}, but this laptop's team work is {was}'s: it can only join "
            f"the team again for {was}, so that {was}'s waiting changes reach the server as theirs. Ask a "
            f"manager for a code made for {was} (the code just used is spent: a manager can remove the "
            f"laptop it added for {code_for}).")


@dataclass
class Joined:
    service_name: str
    worker_name: str
    role: str
    queued: int
    first_sync: team_sync.SyncResult


def join(store: Store, client: TeamClient, url: str, code: str, *, passphrase: str | None,
         device_name: str = "") -> Joined:
    """Enrol with the server at ``url`` (``client`` talks to it) and make the first sync.
    Raises ``TeamError`` (refused, unreachable) or ``UserError``; nothing is written then."""
    with store.read() as session:
        # a laptop removed from its team (or taken out by its recovery key) joins again: its
        # queue is kept and sent, nothing is queued twice (common.team_removal)
        again = team_sync.is_enrolled(session) and (
            team_removal.refusal(session) is not None or not settings.get(session, team_sync.TOKEN))
        if team_sync.is_enrolled(session) and not again:
            raise UserError(ALREADY)
        secret_now = settings.get(session, settings.PSEUDONYM_SECRET)
        was_id = settings.get(session, team_sync.WORKER) if again else None
        was = session.get(Worker, was_id) if was_id else None
        was_name = was.name if was is not None else "another worker"
    answer = client.enrol(protocol.EnrolRequest(code=code.strip(), device_name=(
        device_name or socket.gethostname())[:200]))
    if again and answer.pseudonym_secret != secret_now:
        raise UserError(OTHER_SERVICE)
    if was_id and answer.worker.id != was_id:
        # joining for someone else would hand the old worker's records to them on this laptop only
        # (the server keeps them as the old worker's) and their waiting edits would be refused
        raise UserError(other_worker(was_name, answer.worker.name))
    client.token = answer.device_token
    me = answer.worker
    acting = store.acting
    queued = 0
    try:
        with store.write() as session:
            conn = session.connection()
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            with outbox.applying_pulled(session):
                known = {w.id: w for w in answer.workers}
                known[me.id] = me
                team_sync.apply_workers(session, known.values())
                if acting is not None and acting[0] != me.id:
                    _move_records(conn, acting[0], me.id)
                team = {team_sync.URL: url.rstrip("/"), team_sync.TOKEN: answer.device_token,
                        team_sync.DEVICE: answer.device_id, team_sync.WORKER: me.id, team_sync.CURSOR: "0",
                        settings.PSEUDONYM_SECRET: answer.pseudonym_secret}
                for key, value in team.items():
                    settings.put(session, key, value)
                if again:
                    team_removal.clear(session)
                audit.record(session, "sync", "team", answer.device_id, me.id)
                session.flush()
            outbox.set_enrolled(store, True)
            retired = {acting[0]} if acting is not None and acting[0] != me.id else set()
            if not again:  # joined before: what it holds is on the server or already queued
                queued = _queue_held(conn, skip_workers=set(known) | retired)
            if acting is not None and acting[0] != me.id:  # the slot last: a refusal rolls back the rest
                _reslot(store, acting[0], me, passphrase)
    except BaseException:
        outbox.set_enrolled(store, again)
        raise
    store.acting = (me.id, me.name, me.role)
    first = team_sync.sync(store, client)
    return Joined(answer.service_name, me.name, me.role, queued, first)


def _move_records(conn: sa.Connection, old: str, new: str) -> None:
    """Every link to the laptop's own id for the acting worker now names the server's id; the old
    Worker row stays, inactive, for the audit log's names (the audit log is never rewritten)."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "worker":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "worker" and fk.column.name == "id":
                column = fk.parent
                conn.execute(table.update().where(column == old).values({column.name: new}))
    worker = SQLModel.metadata.tables["worker"]
    conn.execute(worker.update().where(worker.c.id == old).values(active=False))
    conn.execute(sa.text("UPDATE setting SET value = :new WHERE key = :k AND value = :old"),
                 {"new": new, "old": old, "k": settings.LAST_WORKER})


def _queue_held(conn: sa.Connection, *, skip_workers: set[str]) -> int:
    """Queue every record this laptop holds as a new record ("*") for the first push."""
    count = 0
    for table in SQLModel.metadata.sorted_tables:  # parents before children
        if not outbox.is_synced(table):
            continue
        rows = [dict(r._mapping) for r in conn.execute(sa.select(table))]
        if table.name == "worker":
            rows = [r for r in rows if r["id"] not in skip_workers]
        for i in range(0, len(rows), 500):
            outbox.queue_rows(conn, table, rows[i:i + 500])
        count += len(rows)
    return count


def _reslot(store: Store, old_id: str, me: protocol.WorkerInfo, passphrase: str | None) -> None:
    """The acting worker's key slot, made again under the server's id, name and role."""
    keys = KeySlotFile.load(store.path)
    old = next((s for s in keys.slots if record_id(s.worker_id) == old_id), None)
    if old is None:
        return
    if not passphrase:
        raise UserError("Give your passphrase (YCWORKER_PASSPHRASE) to join a team.")
    cost = KdfCost(n=int(old.kdf["n"]), r=int(old.kdf["r"]), p=int(old.kdf["p"]))
    try:
        slot = new_slot(store.data_key, slot_id(me.id), me.name, me.role, passphrase, cost)
    except KeySlotError as exc:
        raise UserError(str(exc)) from None

    def apply(slots, current, pending):
        kept = [s for s in slots if s.worker_id != slot.worker_id]
        return [slot if s.worker_id == old.worker_id else s for s in kept], current, pending

    try:
        keys._change(apply)
    except KeySlotError as exc:
        raise UserError(str(exc)) from None


def enrolled_worker(session: Session) -> str | None:
    return settings.get(session, team_sync.WORKER)
