"""The record's casework section, one use case per user action (each owns its one transaction):
safeguarding status and meetings, the handover to adult services at 18, signposting, language and
access. The record screen's casework panel shows ``load``'s view and calls the others through
``run_db``. Any worker who can edit the record can record these (as every other record edit); adding
an organisation to the signposting list is a manager's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from db.models import Worker
from ycworker.caseload import handover, language, safeguarding, signposting
from ycworker.caseload.record import carer_row
from ycworker.caseload.search import age_on
from ycworker.common.context import Context
from ycworker.common.errors import UserError


@dataclass(frozen=True)
class CaseworkView:
    carer_id: str
    age: int
    safeguarding_now: safeguarding.StatusPeriod | None
    status_history: list[safeguarding.StatusPeriod] = field(default_factory=list)
    meetings: list[safeguarding.Meeting] = field(default_factory=list)
    handover: handover.Handover = handover.Handover(None, None, None)
    signposting: list[signposting.Signposted] = field(default_factory=list)
    access: language.Access = language.Access()

    @property
    def safeguarding_line(self) -> str:
        """The status in force, as the record's headline says it ("" when none)."""
        now = self.safeguarding_now
        return f"SAFEGUARDING: {now.label} since {now.start_date:%d/%m/%Y}" if now else ""


def _view(session: Any, carer_id: str, today: date) -> CaseworkView:
    c = carer_row(session, carer_id)
    history = safeguarding.periods(session, c.id)
    return CaseworkView(
        carer_id=c.id, age=age_on(c.date_of_birth, today),
        safeguarding_now=next((p for p in history if p.covers(today)), None),
        status_history=history, meetings=safeguarding.meetings(session, c.id),
        handover=handover.of(c), signposting=signposting.for_carer(session, c.id),
        access=language.of(session, c))


def load(store: Any, carer_id: str, ctx: Context) -> CaseworkView:
    """What the record's casework section shows (a plain read: opening the record is audited)."""
    with store.read() as session:
        return _view(session, carer_id, ctx.today)


def set_safeguarding_status(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> str:
    with store.write() as session:
        return safeguarding.set_status(session, carer_id, form, ctx.today, ctx.worker_id)


def add_safeguarding_meeting(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> str:
    with store.write() as session:
        return safeguarding.add_meeting(session, carer_id, form, ctx.today, ctx.worker_id)


def record_handover(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> handover.Handover:
    with store.write() as session:
        return handover.record_handover(session, carer_id, form, ctx.today, ctx.worker_id)


def organisation_choices(store: Any) -> list[tuple[str, str]]:
    with store.read() as session:
        return signposting.organisations(session)


def add_signposting(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> str:
    with store.write() as session:
        return signposting.add_signposting(session, carer_id, form, ctx.today, ctx.worker_id)


def add_organisation(store: Any, form: dict[str, str], ctx: Context) -> str:
    """A new organisation on the signposting list: a manager's."""
    with store.write() as session:
        acting = session.get(Worker, ctx.worker_id) if ctx.worker_id else None
        if acting is None or acting.role != "manager":
            raise UserError("Only a manager can add an organisation to the signposting list.")
        return signposting.add_organisation(session, form, ctx.worker_id)


def save_language(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> language.Access:
    with store.write() as session:
        return language.save(session, carer_id, form, ctx.worker_id)
