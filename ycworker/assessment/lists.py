"""The Assessments area's lists: drafts to resume, assessments due, completed recently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Assessment, Carer, Referral
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


def _names(session: Session, carer_ids: set[str]) -> dict[str, str]:
    """The list title of each carer, read by key for the carers shown only."""
    out: dict[str, str] = {}
    ids = sorted(carer_ids)
    for i in range(0, len(ids), 500):
        for cid, first, last, preferred, ref in session.execute(
                sa_select(col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                          col(Carer.preferred_name), col(Carer.carer_ref))
                .where(col(Carer.id).in_(ids[i:i + 500]))).all():
            out[cid] = _title(first, last, preferred, ref)
    return out


def overview(session: Session, worker_id: str | None, today: date, *, everyone: bool = False,
             limit: int = LIST_LIMIT) -> Overview:
    """Drafts to resume, assessments due (initial, transition), recent completions.

    Each list shows at most ``limit`` items, most urgent first; the counts are exact.

    Every read matches an index (0014) and is read from it alone where it can be: the drafts
    (``ix_assessment_lists``), the open referrals still to assess (``ix_referral_to_assess``), the
    open carers born in the transition year (``ix_carer_status_birth``); the names are read by
    key for the items shown only."""
    out = Overview(today=today, everyone=everyone or worker_id is None)
    mine = None if out.everyone else worker_id
    mine_carers = (sa_select(col(Carer.id)).where(col(Carer.worker_id) == mine)) if mine else None
    deadline_of: dict[date, date] = {}  # allocation date -> assessment deadline (many share one)

    def assessment_deadline(allocated: date) -> date:
        if allocated not in deadline_of:
            deadline_of[allocated] = workdays.assessment_deadline(allocated)
        return deadline_of[allocated]

    # Drafts: the deadline of the kind (KPI 3's for an initial one, the re-assessment's own).
    q = (sa_select(col(Assessment.id), col(Assessment.kind), col(Assessment.started_date),
                   col(Assessment.due_date), col(Assessment.referral_id), col(Assessment.carer_id))
         .where(col(Assessment.status) == "draft"))
    cq = select(func.count()).select_from(Assessment).where(Assessment.status == "draft")
    if mine_carers is not None:
        q = q.where(col(Assessment.carer_id).in_(mine_carers))
        cq = cq.where(col(Assessment.carer_id).in_(mine_carers))
    found = session.execute(q.order_by(col(Assessment.started_date)).limit(SCAN_LIMIT)).all()
    referral_ids = sorted({r[4] for r in found if r[1] == "initial" and r[4]})
    allocated_of: dict[str, date | None] = {}
    for i in range(0, len(referral_ids), 500):
        allocated_of.update((rid, allocated) for rid, allocated in session.execute(
            sa_select(col(Referral.id), col(Referral.allocated_date))
            .where(col(Referral.id).in_(referral_ids[i:i + 500]))).all())
    drafts = []  # (deadline, started, assessment id, kind, carer id)
    for aid, kind, started, due_on, referral_id, cid in found:
        allocated = allocated_of.get(referral_id) if referral_id else None
        deadline = due_on if kind == "reassessment" else (
            assessment_deadline(allocated) if kind == "initial" and allocated else due_on)
        drafts.append((deadline, started, aid, kind, cid))
    drafts.sort(key=lambda d: (d[0] is None, d[0] or today))
    out.counts["drafts_overdue"] = sum(1 for d in drafts if d[0] and d[0] < today)
    # The scan is the count unless it hit its limit (then count exactly).
    out.counts["drafts"] = len(found) if len(found) < SCAN_LIMIT else session.exec(cq).one()

    # Initial assessments due: allocated, open, not assessed, no draft yet. The open referrals
    # still to assess are one range of ix_referral_to_assess; those with a draft are taken out here
    # (the drafts' referrals are one short range of ix_assessment_lists; a NOT EXISTS per referral
    # read a page of ix_assessment_referral_status for each).
    with_draft = set(session.execute(
        sa_select(col(Assessment.referral_id)).where(col(Assessment.status) == "draft",
                                                     col(Assessment.referral_id).is_not(None))).scalars())
    dq = (sa_select(col(Referral.allocated_date), col(Referral.carer_id), col(Referral.id))
          .where(col(Referral.closed_date).is_(None), col(Referral.assessment_completed_date).is_(None),
                 col(Referral.allocated_date).is_not(None)))
    if mine:
        dq = dq.where(col(Referral.worker_id) == mine)
    due = []  # (deadline, overdue, kind, carer id, allocated or date of birth)
    n_initial = 0
    for allocated, cid, rid in session.execute(dq.order_by(col(Referral.allocated_date))).all():
        if rid in with_draft:
            continue
        n_initial += 1
        if n_initial <= SCAN_LIMIT:
            deadline = assessment_deadline(allocated)
            due.append((deadline, deadline < today, "initial", cid, allocated))

    # Transition assessments due: open, aged 17 (not yet 18), no transition assessment at all.
    # One range of ix_carer_status_birth; an assessment is a draft or completed, so "any
    # transition assessment" is two probes of ix_assessment_lists per carer, in its short
    # transition ranges.
    born_after, born_by = today - relativedelta(years=18), today - relativedelta(years=TRANSITION_AGE)
    any_transition = exists().where(col(Assessment.status).in_(("draft", "completed")),
                                    col(Assessment.carer_id) == Carer.id,
                                    col(Assessment.kind) == "transition")
    tq = (sa_select(col(Carer.id), col(Carer.date_of_birth))
          .where(col(Carer.status) == "open", col(Carer.archived_at).is_(None),
                 col(Carer.date_of_birth) > born_after, col(Carer.date_of_birth) <= born_by, ~any_transition))
    if mine:
        tq = tq.where(col(Carer.worker_id) == mine)
    born = session.execute(tq.order_by(col(Carer.date_of_birth))).all()
    for cid, dob in born[:SCAN_LIMIT]:
        due.append((dob + relativedelta(years=18), False, "transition", cid, dob))
    n_transition = len(born)
    due.sort(key=lambda d: d[0] or today)
    out.counts.update(due=n_initial + n_transition, due_initial=n_initial, due_transition=n_transition,
                      overdue=sum(1 for d in due if d[1]))

    # Recent completions, newest first.
    rq = (sa_select(col(Assessment.id), col(Assessment.kind), col(Assessment.completed_date),
                    col(Assessment.impact_level), col(Assessment.carer_id))
          .where(col(Assessment.status) == "completed"))
    if mine_carers is not None:
        rq = rq.where(col(Assessment.carer_id).in_(mine_carers))
    completed = session.execute(
        rq.order_by(col(Assessment.completed_date).desc()).limit(min(limit, 50))).all()

    names = _names(session, {d[4] for d in drafts[:limit]} | {d[3] for d in due[:limit]}
                   | {r[4] for r in completed})
    for deadline, started, aid, kind, cid in drafts[:limit]:
        bits = [f"{KINDS[kind].split(' (')[0].lower()} draft"]
        if started:
            bits.append(f"started {started:%d/%m/%Y}")
        if deadline:
            bits.append(workdays.describe_deadline(deadline, today))
        out.drafts.append(ListItem(cid, names.get(cid, ""), ", ".join(bits), deadline,
                                   bool(deadline and deadline < today), aid, kind))
    for deadline, overdue, kind, cid, on in due[:limit]:
        if kind == "initial":
            detail = (f"needs assessment {workdays.describe_deadline(deadline, today)} "
                      f"(allocated {on:%d/%m/%Y})")
        else:
            detail = f"transition assessment (Care Act s.63): turns 18 on {deadline:%d/%m/%Y}"
        out.due.append(ListItem(cid, names.get(cid, ""), detail, deadline, overdue, None, kind))
    for aid, kind, completed_on, impact, cid in completed:
        detail = (f"{KINDS[kind].split(' (')[0].lower()} completed {completed_on:%d/%m/%Y}" if completed_on
                  else KINDS[kind])
        if impact:
            detail += f", impact {impact}"
        out.completed.append(ListItem(cid, names.get(cid, ""), detail, completed_on, False, aid, kind))
    return out


__all__ = ["ListItem", "Overview", "overview"]
