"""The Assessments area's lists: drafts to resume, assessments due, completed recently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, exists, func
from sqlmodel import Session, select

from db.models import (
    Assessment,
    Carer,
    Referral,
)
from ycworker.assessment.assessments import (
    KINDS,
    LIST_LIMIT,
    SCAN_LIMIT,
    TRANSITION_AGE,
)
from ycworker.common import workdays


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
    person = (Carer.id, Carer.first_name, Carer.last_name, Carer.preferred_name, Carer.carer_ref)

    # Drafts: the deadline of the kind (KPI 3's for an initial one, the re-assessment's own).
    q = (select(Assessment.id, Assessment.kind, Assessment.started_date, Assessment.due_date,
                Referral.allocated_date, *person)
         .join(Carer, Carer.id == Assessment.carer_id)
         .join(Referral, Referral.id == Assessment.referral_id, isouter=True)
         .where(Assessment.status == "draft"))
    cq = select(func.count()).select_from(Assessment).join(Carer, Carer.id == Assessment.carer_id) \
        .where(Assessment.status == "draft")
    if mine:
        q, cq = q.where(Carer.worker_id == mine), cq.where(Carer.worker_id == mine)
    drafts = []
    found = session.exec(q.order_by(Assessment.started_date).limit(SCAN_LIMIT)).all()
    for aid, kind, started, due, allocated, cid, first, last, preferred, ref in found:
        deadline = due if kind == "reassessment" else (
            workdays.assessment_deadline(allocated) if kind == "initial" and allocated else due)
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
    no_draft = ~exists().where(Assessment.referral_id == Referral.id, Assessment.status == "draft")
    due_where = and_(Referral.allocated_date.is_not(None), Referral.assessment_completed_date.is_(None),
                     Referral.closed_date.is_(None), no_draft)
    q = (select(Referral.allocated_date, *person).join(Carer, Carer.id == Referral.carer_id)
         .where(due_where))
    cq = (select(func.count()).select_from(Referral).join(Carer, Carer.id == Referral.carer_id)
          .where(due_where))
    if mine:
        q, cq = q.where(Referral.worker_id == mine), cq.where(Referral.worker_id == mine)
    due = []
    found = session.exec(q.order_by(Referral.allocated_date).limit(SCAN_LIMIT)).all()
    for allocated, cid, first, last, preferred, ref in found:
        deadline = workdays.assessment_deadline(allocated)
        due.append(ListItem(cid, _title(first, last, preferred, ref),
                            f"needs assessment {workdays.describe_deadline(deadline, today)} "
                            f"(allocated {allocated:%d/%m/%Y})", deadline, deadline < today, None, "initial"))
    n_initial = len(found) if len(found) < SCAN_LIMIT else session.exec(cq).one()

    # Transition assessments due: open, aged 17 (not yet 18), no transition assessment at all.
    # A year of births is a few per cent of the carers: they are read by the date-of-birth index
    # alone and filtered here (a single query with the status and NOT EXISTS terms made SQLite walk
    # every open carer by the status index: 0.3-0.4 s on 50,000 carers).
    born_after, born_by = today - relativedelta(years=18), today - relativedelta(years=TRANSITION_AGE)
    rows = session.exec(select(*person, Carer.date_of_birth, Carer.status, Carer.archived_at, Carer.worker_id)
                        .where(Carer.date_of_birth > born_after, Carer.date_of_birth <= born_by)).all()
    rows = [r for r in rows if r[6] == "open" and r[7] is None and (not mine or r[8] == mine)]
    done: set[str] = set()
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 500):
        done.update(session.exec(select(Assessment.carer_id).where(
            Assessment.kind == "transition", Assessment.carer_id.in_(ids[i:i + 500]))).all())
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
    q = (select(Assessment.id, Assessment.kind, Assessment.completed_date, Assessment.impact_level,
                *person)
         .join(Carer, Carer.id == Assessment.carer_id)
         .where(Assessment.status == "completed"))
    if mine:
        q = q.where(Carer.worker_id == mine)
    for aid, kind, done, impact, cid, first, last, preferred, ref in session.exec(
            q.order_by(Assessment.completed_date.desc()).limit(min(limit, 50))).all():
        detail = f"{KINDS[kind].split(' (')[0].lower()} completed {done:%d/%m/%Y}" if done else KINDS[kind]
        if impact:
            detail += f", impact {impact}"
        out.completed.append(ListItem(cid, _title(first, last, preferred, ref), detail, done, False, aid,
                                      kind))
    return out


def draft_for_carer(session: Session, carer_id: str) -> str | None:
    """The carer's most recently changed draft (to resume from the caseload), if any."""
    return session.exec(select(Assessment.id).where(Assessment.carer_id == carer_id,
                                                    Assessment.status == "draft")
                        .order_by(Assessment.updated_at.desc())).first()


__all__ = ["ListItem", "Overview", "draft_for_carer", "overview"]
