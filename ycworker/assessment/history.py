"""A carer's assessments over time: each one's status, scores and deadline, and what may start next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from db.models import (
    Assessment,
    AssessmentScore,
    Carer,
    Referral,
)
from ycworker.assessment import scoring
from ycworker.assessment.assessments import (
    CanStart,
    can_start,
    deadline_of,
    full_name,
    open_referral,
)
from ycworker.assessment.sections import KINDS
from ycworker.caseload.search import age_on
from ycworker.common import audit, workdays
from ycworker.common.errors import FieldError


@dataclass(frozen=True)
class HistoryRow:
    id: str
    kind: str
    status: str
    started_date: date | None
    completed_date: date | None
    impact_level: str | None
    maca: scoring.Summary
    panoc: scoring.Summary
    due_text: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def when(self) -> date | None:
        return self.completed_date or self.started_date


@dataclass
class CarerAssessments:
    carer_id: str
    name: str
    carer_ref: str
    age: int
    impact_level: str | None
    referral_text: str
    rows: list[HistoryRow] = field(default_factory=list)  # oldest first
    starts: dict[str, CanStart] = field(default_factory=dict)

    @property
    def completed(self) -> list[HistoryRow]:
        return [r for r in self.rows if r.status == "completed"]

    def maca_totals(self) -> list[tuple[date | None, int]]:
        return [(r.when, r.maca.total) for r in self.completed if r.maca.complete]

    def panoc_subscales(self) -> list[tuple[date | None, int, int]]:
        return [(r.when, r.panoc.subscale("positive").score, r.panoc.subscale("negative").score)
                for r in self.completed if r.panoc.complete]


def carer_history(session: Session, carer_id: str, today: date,
                  worker_id: str | None = None) -> CarerAssessments:
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("carer", "That young carer is no longer there.")
    rows = session.exec(select(Assessment).where(Assessment.carer_id == carer_id)
                        .order_by(col(Assessment.started_date), col(Assessment.created_at))).all()
    scores: dict[str, dict[str, dict[int, int]]] = {}
    if rows:
        for aid, instrument, item, score in session.exec(
                select(AssessmentScore.assessment_id, AssessmentScore.instrument, AssessmentScore.item,
                       AssessmentScore.score)
                .where(col(AssessmentScore.assessment_id).in_([a.id for a in rows]))).all():
            scores.setdefault(aid, {}).setdefault(instrument, {})[item] = score
    referrals = {r.id: r for r in session.exec(select(Referral).where(Referral.carer_id == carer_id)).all()}
    out = []
    for a in rows:
        s = scores.get(a.id, {})
        due = ""
        if a.status == "draft":
            deadline = deadline_of(a, referrals.get(a.referral_id) if a.referral_id else None)
            if deadline:
                due = workdays.describe_deadline(deadline, today)
        out.append(HistoryRow(a.id, a.kind, a.status, a.started_date, a.completed_date, a.impact_level,
                              scoring.summarise(scoring.MACA, s.get(scoring.MACA, {})),
                              scoring.summarise(scoring.PANOC, s.get(scoring.PANOC, {})), due))
    open_ref = open_referral(session, carer_id)
    if open_ref is None:
        ref_text = "No open support request."
    elif open_ref.allocated_date is None:
        ref_text = f"Support request of {open_ref.referral_date:%d/%m/%Y}: not allocated yet."
    elif open_ref.assessment_completed_date is None:
        deadline = workdays.assessment_deadline(open_ref.allocated_date)
        ref_text = (f"Support request of {open_ref.referral_date:%d/%m/%Y}, allocated "
                    f"{open_ref.allocated_date:%d/%m/%Y}: assessment "
                    f"{workdays.describe_deadline(deadline, today)} ({deadline:%a %d %b %Y}).")
    else:
        ref_text = (f"Support request of {open_ref.referral_date:%d/%m/%Y}: assessed "
                    f"{open_ref.assessment_completed_date:%d/%m/%Y}.")
    starts = {kind: can_start(session, carer_id, kind, today) for kind in KINDS}
    audit.record(session, "view", "carer", carer_id, worker_id)
    return CarerAssessments(carer_id, full_name(carer), carer.carer_ref, age_on(carer.date_of_birth, today),
                            carer.impact_level, ref_text, out, starts)


__all__ = ["CarerAssessments", "HistoryRow", "carer_history"]
