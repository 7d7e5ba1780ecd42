"""The service's return on a manager's laptop: built by the team server from every laptop's synced
work (``POST /v1/return``), shown and drilled into like the laptop's own, and sealed here exactly
as the server built it; and the warnings a manager sees before exporting either one.

Warnings (both sources, only on a laptop enrolled with a team):
* open conflicts on this laptop that touch the period's records (a referral the return reads, its
  carer, or any record of that carer), with the count;
* laptops that have not synced since the period ended (their worker, laptop and last sync), from
  the server's own record of each laptop's syncs. When the server cannot be reached for a
  laptop-built return, the warning says that this is not known.

Every function here may use the network: call them off the UI thread.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import SQLModel, col, select

from db.engine import Store
from db.models.team import TeamConflict
from ycworker.common import settings
from ycworker.common.periods import Period
from ycworker.returns import export, kpis, report_json
from ycworker.team import protocol
from ycworker.team import sync as team_sync
from ycworker.team.client import NOT_UNDERSTOOD, TeamClient, TeamError

NOT_KNOWN = ("The team server could not be reached, so whether every laptop has synced since the "
             "period ended is not known.")

CHECKS_FAILED = ("The checks for conflicts and for laptops not synced could not finish; export only if you "
                 "know the team's work is in.")


@dataclass(frozen=True)
class ServedReturn:
    """A return the team server built: its files (manifest last), its figures, and where from."""

    period: Period
    report: kpis.KpiReport
    files: list[export.BuiltFile]
    folder_name: str
    made_at: datetime
    change_log_position: int
    service_name: str
    devices: list[protocol.DeviceSync]

    @property
    def source_line(self) -> str:
        return (f"Built from the team server, change {self.change_log_position:,} "
                f"(at {self.made_at.astimezone(UTC):%d/%m/%Y %H:%M} UTC)")


def source_line_laptop() -> str:
    return "Built from this laptop"


UNREACHABLE = ("The team server could not be reached: check this laptop is online, then press f5 to "
               "ask again.")
SERVER_FAULT = "The team server had a problem building the return: press f5 to ask again later."


def failure_sentence(error: BaseException) -> str | None:
    """What to tell the manager when the server's return could not be built (None: not a team error)."""
    if not isinstance(error, TeamError):
        return None
    return {"unreachable": UNREACHABLE, "server": SERVER_FAULT}.get(error.kind, error.sentence)


def can_build_from_server(store: Store, manager: bool) -> bool:
    """Whether this laptop may ask the team server for the return: joined, and a manager's."""
    if not manager:
        return False
    with store.read() as session:
        return team_sync.is_enrolled(session)


def _client(store: Store, client: TeamClient | None) -> TeamClient:
    return client if client is not None else team_sync.connect(store)


def fetch(store: Store, period: Period, client: TeamClient | None = None) -> ServedReturn:
    """Ask the team server to build the period's return (``TeamError`` with a sentence when it
    cannot: unreachable, refused, not understood)."""
    conn = _client(store, client)
    try:
        answer = conn._post("/v1/return", protocol.ReturnRequest(label=period.label, start=period.start,
                                                                 end=period.end), protocol.ReturnResponse)
    finally:
        if client is None:
            conn.close()
    try:
        files = [export.BuiltFile(f.name, base64.b64decode(f.data, validate=True), f.rows)
                 for f in answer.files]
        report = report_json.load(answer.report)
    except (binascii.Error, ValueError, TypeError, KeyError, ValidationError):
        raise TeamError(NOT_UNDERSTOOD, "server") from None
    return ServedReturn(period, report, files, answer.folder_name, answer.made_at, answer.change_log_position,
                        answer.service_name, list(answer.devices))


def seal_served(store: Store, served: ServedReturn, to_dir: Path | None, worker_id: str | None = None,
                progress=None) -> export.ExportResult:
    """Seal the server's return on this laptop (outbox, and ``to_dir`` when given): the files as
    the server built them, staged, checked against their manifest, recorded and put in place."""
    return export.seal_built(store, served.period, to_dir, served.files, served.folder_name, served.made_at,
                             served.report, worker_id=worker_id, progress=progress)


# -- the warnings before an export --------------------------------------------------------------------


@dataclass(frozen=True)
class NotSynced:
    worker: str
    device: str
    last_sync: datetime | None


@dataclass(frozen=True)
class ExportWarnings:
    conflicts: int = 0
    not_synced: list[NotSynced] = field(default_factory=list)
    unknown: str | None = None  # why whether laptops synced is not known (server unreachable)

    @property
    def any(self) -> bool:
        return bool(self.conflicts or self.not_synced or self.unknown)

    def lines(self) -> list[str]:
        out = []
        if self.conflicts:
            many = self.conflicts != 1
            out.append(f"{self.conflicts} conflict{'s' if many else ''} waiting to be settled "
                       f"touch{'' if many else 'es'} this period's records (ctrl+g lists them).")
        if self.not_synced:
            n = len(self.not_synced)
            out.append(f"{n} laptop{'s have' if n != 1 else ' has'} not synced since the period ended:")
            for d in self.not_synced:
                when = ("never synced" if d.last_sync is None
                        else f"last synced {d.last_sync.astimezone(UTC):%d/%m/%Y %H:%M} UTC")
                out.append(f"  {d.worker} ({d.device or 'a laptop'}): {when}")
        if self.unknown:
            out.append(self.unknown)
        return out


def _carer_of(conn: sa.Connection, entity: str, record_id: str) -> str | None:
    if entity == "carer":
        return record_id
    table = SQLModel.metadata.tables.get(entity)
    if table is None:
        return None
    if "carer_id" in table.c:
        return conn.execute(sa.select(table.c.carer_id).where(table.c.id == record_id)).scalar()
    return None


def conflicts_touching(store: Store, report: kpis.KpiReport) -> int:
    """Open conflicts on this laptop on the period's records: a referral the return reads, a carer
    it counts or whose referral it reads, that carer's household, or any record of that carer."""
    referrals = {r.id for r in report.referrals} | {r.id for r in report.extra}
    carer_ids = ({r.carer_id for r in report.referrals} | {r.carer_id for r in report.extra}
                 | {c.carer_id for c in report.carers})
    households = {c.household_id for c in report.carers if c.household_id} | {
        r.household_id for r in report.referrals if r.household_id}
    n = 0
    with store.read() as session:
        conn = session.connection()
        rows = session.exec(select(TeamConflict.entity, TeamConflict.record_id)
                            .where(col(TeamConflict.settled_at).is_(None))).all()
        for entity, record_id in rows:
            if ((entity == "referral" and record_id in referrals)
                    or (entity == "household" and record_id in households)
                    or _carer_of(conn, entity, record_id) in carer_ids):
                n += 1
    return n


def not_synced_since(devices: list[protocol.DeviceSync], period: Period, today: date) -> list[NotSynced]:
    """The laptops whose last sync came before the period ended (none while it has not ended)."""
    if today <= period.end:
        return []
    ended = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    return [NotSynced(d.worker, d.device, d.last_sync) for d in devices
            if d.last_sync is None or d.last_sync.astimezone(UTC) < ended]


def export_warnings(store: Store, period: Period, report: kpis.KpiReport, today: date,
                    served: ServedReturn | None = None, client: TeamClient | None = None, *,
                    manager: bool = True) -> ExportWarnings:
    """What a manager should know before exporting (nothing on a laptop never enrolled). For a
    laptop-built return the laptops' last syncs are asked of the server (a short call); a
    worker's laptop is told only of its conflicts."""
    with store.read() as session:
        if not settings.get(session, team_sync.URL):
            return ExportWarnings()
    conflicts = conflicts_touching(store, report)
    if served is not None:
        return ExportWarnings(conflicts, not_synced_since(served.devices, period, today))
    if not manager:
        return ExportWarnings(conflicts)
    try:
        conn = _client(store, client)
        try:
            answer = conn._post("/v1/devices", protocol.Strict(), protocol.DevicesResponse)
        finally:
            if client is None:
                conn.close()
    except TeamError as exc:
        unknown = NOT_KNOWN if exc.kind in ("unreachable", "server") else exc.sentence
        return ExportWarnings(conflicts, [], unknown)
    return ExportWarnings(conflicts, not_synced_since(answer.devices, period, today))
