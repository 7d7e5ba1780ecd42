"""The service's return from the team server (``ycworker team export``, team.md promise 6).

The return is the laptop's own code run over the server's data: every live record the server
holds (erased people and deleted rows left out) is written into a throwaway encrypted laptop
database in a temporary folder, with the service's pseudonym secret, and the laptop's export
builds, checks and seals the folder from it. So the files are exactly those of
``commissioner-return.md`` and a person has the pseudonym a laptop's own return gives them. The
manifest says the return was built from the server and at which change-log position.
"""

from __future__ import annotations

import base64
import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from db.server import tables as t
from ycworker.common import settings
from ycworker.common.periods import Period
from ycworker.team import protocol
from ycworker.team.server.errors import Forbidden, Refused
from ycworker.team.sync import SyncResult, apply_page


@dataclass(frozen=True)
class ServerSnapshot:
    """Every live record on the server, as the laptop's sync would pull them, and where the log was."""

    workers: list[protocol.WorkerInfo]
    changes: list[protocol.PulledChange]
    position: int
    secret_hex: str
    service_name: str


def snapshot(engine: sa.Engine) -> ServerSnapshot:
    """One consistent read (REPEATABLE READ) of the records, the workers and the log position."""
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        position = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(t.change_log.c.seq), 0))) or 0
        service = conn.execute(sa.select(t.service.c.name, t.service.c.pseudonym_secret)).one()
        workers = [protocol.WorkerInfo(id=w.id, name=w.name, role=w.role, removed=w.removed_at is not None)
                   for w in conn.execute(sa.select(t.worker)).all()]
        live = (sa.select(t.field.c.entity, t.field.c.record_id, t.field.c.field, t.field.c.value,
                          t.record.c.rev, t.record.c.carer_id)
                .join(t.record, sa.and_(t.record.c.entity == t.field.c.entity,
                                        t.record.c.record_id == t.field.c.record_id))
                .where(t.record.c.deleted_at.is_(None))
                .order_by(t.field.c.entity, t.field.c.record_id))
        erased = {row[0] for row in conn.execute(sa.select(t.tombstone.c.record_id)).all()}
        records: dict[tuple[str, str], dict[str, object]] = {}
        revs: dict[tuple[str, str], int] = {}
        for row in conn.execute(live):
            if row.record_id in erased or (row.carer_id is not None and row.carer_id in erased):
                continue
            key = (row.entity, row.record_id)
            records.setdefault(key, {})[row.field] = json.loads(row.value) if row.value else None
            revs[key] = row.rev
    changes = [protocol.PulledChange(seq=position, entity=entity, record_id=record_id, field="*",
                                     value=json.dumps(values), rev=revs[(entity, record_id)], by=None,
                                     at=_epoch())
               for (entity, record_id), values in records.items()]
    return ServerSnapshot(workers, changes, int(position), service.pseudonym_secret, service.name)


def _epoch():
    return datetime(2000, 1, 1, tzinfo=UTC)


@contextmanager
def _service_store(snap: ServerSnapshot) -> Iterator[Any]:
    """A throwaway encrypted laptop database in a temporary folder holding every live record of
    ``snap``, with the service's pseudonym secret (closed and removed afterwards)."""
    from db.engine import open_store

    with tempfile.TemporaryDirectory(prefix="ycworker-team-export-") as tmp:
        store = open_store(Path(tmp) / "service.db", secrets.token_urlsafe(24),
                           name=f"team export {secrets.token_hex(4)}")
        try:
            with store.write() as session:
                settings.put(session, settings.PSEUDONYM_SECRET, snap.secret_hex)
            page = protocol.PullResponse(changes=snap.changes, cursor=snap.position, more=False,
                                         workers=snap.workers)
            apply_page(store, page, SyncResult())
            yield store
        finally:
            store.close()


def _source(snap: ServerSnapshot) -> dict[str, object]:
    return {"built_from": "server", "service": snap.service_name, "change_log_position": snap.position}


def export_from_server(engine: sa.Engine, period: Period, to_dir: Path, *, today: date):
    """Build and seal the service's return for ``period`` from the server's data into ``to_dir``.

    Returns the laptop export's ``ExportResult`` (its ``path`` is the folder in ``to_dir``)."""
    from ycworker.returns.export import export_return

    snap = snapshot(engine)
    with _service_store(snap) as store:
        return export_return(store, period, Path(to_dir), today=today, source=_source(snap))


# -- the return for a manager's laptop (POST /v1/return, POST /v1/devices) ------------------------

SENTENCE_MANAGERS_ONLY = "Only a manager can build the service's return from the team server."


def device_syncs(conn: sa.Connection) -> list[protocol.DeviceSync]:
    """Every laptop still enrolled (its worker not removed), with its worker and last sync."""
    rows = conn.execute(
        sa.select(t.worker.c.name, t.device.c.name.label("device"), t.device.c.last_sync_at)
        .join(t.worker, t.worker.c.id == t.device.c.worker_id)
        .where(t.device.c.removed_at.is_(None), t.worker.c.removed_at.is_(None))
        .order_by(t.worker.c.name, t.device.c.name)).all()
    return [protocol.DeviceSync(worker=r.name, device=r.device, last_sync=r.last_sync_at) for r in rows]


def devices(engine: sa.Engine, caller: Any) -> protocol.DevicesResponse:
    """Each laptop's last sync, for the warning a manager sees before exporting a return."""
    if not caller.is_manager:
        raise Forbidden("Only a manager can see when each laptop last synced.")
    with engine.connect() as conn:
        position = conn.scalar(sa.select(sa.func.coalesce(sa.func.max(t.change_log.c.seq), 0))) or 0
        return protocol.DevicesResponse(devices=device_syncs(conn), change_log_position=int(position))


def build_return(engine: sa.Engine, caller: Any, req: protocol.ReturnRequest, *,
                 today: date | None = None, now: datetime | None = None) -> protocol.ReturnResponse:
    """The service's return for the period, built as ``team export`` builds it (the same files),
    not written anywhere: its files, its figures, the log position and each laptop's last sync."""
    from ycworker.returns import export, kpis, pseudonyms, report_json

    if not caller.is_manager:
        raise Forbidden(SENTENCE_MANAGERS_ONLY)
    try:
        period = Period(req.start, req.end, req.label)
    except ValueError:
        raise Refused("The period ends before it starts; choose the quarter again.", 422) from None
    made_at = (now or datetime.now(UTC)).replace(microsecond=0)
    today = today or made_at.date()
    with engine.connect() as conn:
        laptops = device_syncs(conn)
    snap = snapshot(engine)
    with _service_store(snap) as store:
        with store.read() as s:
            report = kpis.compute(s, period, today)
        name = export.folder_name(period, made_at)
        files = export.assemble(report, pseudonyms.for_store(store), made_at, name, _source(snap))
    return protocol.ReturnResponse(
        folder_name=name, made_at=made_at, today=today, change_log_position=snap.position,
        service_name=snap.service_name,
        files=[protocol.ReturnFile(name=f.name, data=base64.b64encode(f.data).decode("ascii"), rows=f.rows)
               for f in files],
        report=report_json.dump(report), devices=laptops)
