"""The Assessments area's lists: drafts to resume, assessments due, completed recently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import (
    Assessment,
    Carer,
    Referral,
)
from ycworker.assessment.assessments import TRANSITION_AGE
from ycworker.assessment.sections import KINDS
from ycworker.common import workdays

LIST_LIMIT = 200  # rows in one list
SCAN_LIMIT = 3000  # rows read to build a list; beyond it the count is asked of the database


@dataclass(frozen=True)
class ListItem:
    carer_id: str
    title: str  # "Amira Khan (YC-ABC123)"
    detail: str
    when: date | None = None
    overdue: bool = False
    assessment_id: str | None = None  # a draft or a completed assessment
    kind: str = ""  # the kind to start (due) or of the assessment


@dataclass
class Overview:
    today: date
    everyone: bool
    drafts: list[ListItem] = field(default_factory=list)
    due: list[ListItem] = field(default_factory=list)
    completed: list[ListItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _title(first: str, last: str, preferred: str, ref: str) -> str:
    return f"{preferred or first} {last} ({ref})"


def overview(session: Session, worker_id: str | None, today: date, *, everyone: bool = False,
             limit: int = LIST_LIMIT) -> Overview:
    """Drafts to resume, assessments due (initial, transition), recent completions.

    Each list shows at most ``limit`` items, most urgent first; the counts are exact."""
    out = Overview(today=today, everyone=everyone or worker_id is None)
    mine = None if out.everyone else worker_id
    person = (col(Carer.id), col(Carer.first_name), col(Carer.last_name), col(Carer.preferred_name),
              col(Carer.carer_ref))

    # Drafts: the deadline of the kind (KPI 3's for an initial one, the re-assessment's own).
    q = (sa_select(col(Assessment.id), col(Assessment.kind), col(Assessment.started_date),
                   col(Assessment.due_date), col(Referral.allocated_date), *person)
         .join(Carer, col(Carer.id) == Assessment.carer_id)
         .join(Referral, col(Referral.id) == Assessment.referral_id, isouter=True)
         .where(col(Assessment.status) == "draft"))
    cq = select(func.count()).select_from(Assessment).join(Carer, col(Carer.id) == Assessment.carer_id) \
        .where(Assessment.status == "draft")
    if mine:
        q, cq = q.where(col(Carer.worker_id) == mine), cq.where(Carer.worker_id == mine)
    drafts: list[ListItem] = []
    found = session.execute(q.order_by(col(Assessment.started_date)).limit(SCAN_LIMIT)).all()
    for aid, kind, started, due_on, allocated, cid, first, last, preferred, ref in found:
        deadline = due_on if kind == "reassessment" else (
            workdays.assessment_deadline(allocated) if kind == "initial" and allocated else due_on)
        bits = [f"{KINDS[kind].split(' (')[0].lower()} draft"]
        if started:
            bits.append(f"started {started:%d/%m/%Y}")
        if deadline:
            bits.append(workdays.describe_deadline(deadline, today))
        drafts.append(ListItem(cid, _title(first, last, preferred, ref), ", ".join(bits), deadline,
                               bool(deadline and deadline < today), aid, kind))
    drafts.sort(key=lambda i: (i.when is None, i.when or today))
    out.drafts = drafts[:limit]
    out.counts["drafts_overdue"] = sum(i.overdue for i in drafts)
    # The scan is the count unless it hit its limit (then count exactly).
    out.counts["drafts"] = len(found) if len(found) < SCAN_LIMIT else session.exec(cq).one()

    # Initial assessments due: allocated, open, not assessed, no draft yet.
    no_draft = ~exists().where(col(Assessment.referral_id) == Referral.id, col(Assessment.status) == "draft")
    due_where = and_(col(Referral.allocated_date).is_not(None),
                     col(Referral.assessment_completed_date).is_(None),
                     col(Referral.closed_date).is_(None), no_draft)
    dq = (sa_select(col(Referral.allocated_date), *person).join(Carer, col(Carer.id) == Referral.carer_id)
          .where(due_where))
    cq = (select(func.count()).select_from(Referral).join(Carer, col(Carer.id) == Referral.carer_id)
          .where(due_where))
    if mine:
        dq, cq = dq.where(col(Referral.worker_id) == mine), cq.where(Referral.worker_id == mine)
    due: list[ListItem] = []
    allocated_found = session.execute(dq.order_by(col(Referral.allocated_date)).limit(SCAN_LIMIT)).all()
    for allocated, cid, first, last, preferred, ref in allocated_found:
        deadline = workdays.assessment_deadline(allocated)
        due.append(ListItem(cid, _title(first, last, preferred, ref),
                            f"needs assessment {workdays.describe_deadline(deadline, today)} "
                            f"(allocated {allocated:%d/%m/%Y})", deadline, deadline < today, None, "initial"))
    n_initial = len(allocated_found) if len(allocated_found) < SCAN_LIMIT else session.exec(cq).one()

    # Transition assessments due: open, aged 17 (not yet 18), no transition assessment at all.
    # A year of births is a few per cent of the carers: they are read by the date-of-birth index
    # alone and filtered here (a single query with the status and NOT EXISTS terms made SQLite walk
    # every open carer by the status index: 0.3-0.4 s on 50,000 carers).
    born_after, born_by = today - relativedelta(years=18), today - relativedelta(years=TRANSITION_AGE)
    born = session.execute(
        sa_select(*person, col(Carer.date_of_birth), col(Carer.status), col(Carer.archived_at),
                  col(Carer.worker_id))
        .where(col(Carer.date_of_birth) > born_after, col(Carer.date_of_birth) <= born_by)).all()
    rows = [r for r in born if r[6] == "open" and r[7] is None and (not mine or r[8] == mine)]
    done: set[str] = set()
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 500):
        done.update(session.exec(select(Assessment.carer_id).where(
            Assessment.kind == "transition", col(Assessment.carer_id).in_(ids[i:i + 500]))).all())
    rows = sorted((r for r in rows if r[0] not in done), key=lambda r: r[5])
    for cid, first, last, preferred, ref, dob, *_rest in rows[:SCAN_LIMIT]:
        eighteen = dob + relativedelta(years=18)
        due.append(ListItem(cid, _title(first, last, preferred, ref),
                            f"transition assessment (Care Act s.63): turns 18 on {eighteen:%d/%m/%Y}",
                            eighteen, False, None, "transition"))
    n_transition = len(rows)
    due.sort(key=lambda i: i.when or today)
    out.due = due[:limit]
    out.counts.update(due=n_initial + n_transition, due_initial=n_initial, due_transition=n_transition,
                      overdue=sum(i.overdue for i in due))

    # Recent completions, newest first.
    rq = (sa_select(col(Assessment.id), col(Assessment.kind), col(Assessment.completed_date),
                    col(Assessment.impact_level), *person)
          .join(Carer, col(Carer.id) == Assessment.carer_id)
          .where(col(Assessment.status) == "completed"))
    if mine:
        rq = rq.where(col(Carer.worker_id) == mine)
    for aid, kind, completed_on, impact, cid, first, last, preferred, ref in session.execute(
            rq.order_by(col(Assessment.completed_date).desc()).limit(min(limit, 50))).all():
        detail = (f"{KINDS[kind].split(' (')[0].lower()} completed {completed_on:%d/%m/%Y}" if completed_on
                  else KINDS[kind])
        if impact:
            detail += f", impact {impact}"
        out.completed.append(ListItem(cid, _title(first, last, preferred, ref), detail, completed_on, False,
                                      aid, kind))
    return out


__all__ = ["ListItem", "Overview", "overview"]
