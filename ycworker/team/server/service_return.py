"""The service's return from the team server (``ycworker team export``, team.md promise 6).

The return is the laptop's own code run over the server's data: every live record the server
holds (erased people and deleted rows left out) is written into a throwaway encrypted laptop
database in a temporary folder, with the service's pseudonym secret, and the laptop's export
builds, checks and seals the folder from it. So the files are exactly those of
``commissioner-return.md`` and a person has the pseudonym a laptop's own return gives them. The
manifest says the return was built from the server and at which change-log position.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from db.server import tables as t
from ycworker.common import settings
from ycworker.common.periods import Period
from ycworker.team import protocol
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
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


def export_from_server(engine: sa.Engine, period: Period, to_dir: Path, *, today: date):
    """Build and seal the service's return for ``period`` from the server's data into ``to_dir``.

    Returns the laptop export's ``ExportResult`` (its ``path`` is the folder in ``to_dir``)."""
    from db.engine import open_store
    from ycworker.returns.export import export_return

    snap = snapshot(engine)
    with tempfile.TemporaryDirectory(prefix="ycworker-team-export-") as tmp:
        store = open_store(Path(tmp) / "service.db", secrets.token_urlsafe(24),
                           name=f"team export {secrets.token_hex(4)}")
        try:
            with store.write() as session:
                settings.put(session, settings.PSEUDONYM_SECRET, snap.secret_hex)
            page = protocol.PullResponse(changes=snap.changes, cursor=snap.position, more=False,
                                         workers=snap.workers)
            apply_page(store, page, SyncResult())
            return export_return(store, period, Path(to_dir), today=today,
                                 source={"built_from": "server", "service": snap.service_name,
                                         "change_log_position": snap.position})
        finally:
            store.close()
