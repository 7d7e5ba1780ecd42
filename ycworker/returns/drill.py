"""Behind a figure of the return: the referrals (or, for an outcome, the carers) it counts, with what a
worker may want to put right (no allocation date, allocated late, no assessment date, assessed late,
consent pending) first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Carer
from ycworker.returns.kpi_results import Figure, KpiReport, OutcomeFigure, RefRow

#: A carer in a return the team server built whom this laptop does not hold (yet: a sync brings them).
NOT_HERE = "(not on this laptop yet: sync)"


@dataclass(frozen=True)
class DrillRow:
    """A referral behind a figure, as a worker needs it to find and fix the record."""

    referral_id: str
    carer_id: str
    carer_ref: str
    name: str
    referral_date: date
    allocated_date: date | None
    allocation_deadline: date
    allocated_in_time: str
    assessment_completed_date: date | None
    assessment_deadline: date | None
    assessed_in_time: str
    closed_date: date | None
    closure_reason: str
    problem: str  # what a worker may want to fix ("no allocation date", ...)


def drill(session: Session, report: KpiReport, figure: Figure) -> list[DrillRow]:
    """The referrals behind a figure, with the carer's ref and name (for the screen only)."""
    by_id = {x.id: x for x in report.referrals + report.extra}
    wanted = [by_id[i] for i in figure.ids if i in by_id]
    if not wanted:
        return []
    names = _names(session, (x.carer_id for x in wanted))
    out = []
    for x in wanted:
        ref, name = names.get(x.carer_id, ("", NOT_HERE))
        out.append(DrillRow(x.id, x.carer_id, ref, name, x.referral_date, x.allocated_date,
                            x.allocation_deadline, x.allocated_in_time, x.assessment_completed_date,
                            x.assessment_deadline, x.assessed_in_time, x.closed_date,
                            x.closure_reason or "", _problem(x, figure.kpi, report.today)))
    # the ones that miss first, then by date
    out.sort(key=lambda r: (r.problem == "", r.referral_date, r.carer_ref))
    return out


@dataclass(frozen=True)
class OutcomeDrillRow:
    """A carer behind an outcome figure: who, and whether their latest rating was improved."""

    carer_id: str
    carer_ref: str
    name: str
    improved: bool


def _names(session: Session, carer_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    c = sa.inspect(Carer).local_table.c
    names: dict[str, tuple[str, str]] = {}
    ids = sorted(set(carer_ids))
    for chunk in range(0, len(ids), 500):
        q = sa.select(c.id, c.carer_ref, c.first_name, c.last_name).where(c.id.in_(ids[chunk:chunk + 500]))
        for cid, ref, first, last in session.connection().execute(q):
            names[cid] = (ref, f"{first} {last}".strip())
    return names


def drill_outcome(session: Session, outcome: OutcomeFigure) -> list[OutcomeDrillRow]:
    """The carers whose reviews in the period rated the outcome (not improved first)."""
    names = _names(session, outcome.carer_ids)
    improved = set(outcome.improved_ids)
    rows = [OutcomeDrillRow(cid, *names.get(cid, ("", NOT_HERE)), cid in improved)
            for cid in outcome.carer_ids]
    rows.sort(key=lambda r: (r.improved, r.carer_ref))
    return rows


def _problem(x: RefRow, kpi: str, today: date) -> str:
    if kpi.startswith("kpi2"):
        if x.allocated_in_time == "N":
            return "no allocation date" if x.allocated_date is None else "allocated late"
    elif kpi.startswith("kpi3"):
        if x.assessed_in_time == "N":
            return "no assessment date" if x.assessment_completed_date is None else "assessed late"
    elif x.consent == "pending" and x.closed_date is None and x.allocated_date is None:
        return "consent pending"
    return ""
