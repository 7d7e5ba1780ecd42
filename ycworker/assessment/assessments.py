"""Young Carer's Needs Assessments: start, save as typed, score, complete; re-assessment when
circumstances change; the Care Act s.63 transition assessment. What an assessment asks (its
sections and fields) is in ``sections.py``; the area's lists in ``lists.py``.

Rules (and the choices made where the law and the spec are silent):

* A draft is saved as it is typed (``save_draft``: a few fields in one short transaction).
  A completed assessment is never edited: circumstances change, a re-assessment is recorded.
* Starting: an initial assessment needs the carer's open support request to be allocated (the
  15-working-day clock of KPI 3 starts at allocation). A re-assessment needs the open request's
  assessment to be complete; it records when circumstances changed and what changed, and is due
  15 working days after the change (CHOICE: the same timescale as the first assessment). A
  transition assessment is for carers of 17 and over. There is at most one draft of each kind
  for a carer: starting again resumes it.
* Completing needs every section of its kind, the impact level, who took part, the two
  "information in advance" answers and whether it was combined with another assessment (and
  with which). It records who completed it and the date (today). The first completed initial
  assessment of a support request sets the request's ``assessment_completed_date`` (KPI 3); a
  re-assessment or transition assessment never moves that date. Every completion sets the
  request's and the carer's impact level (the latest assessment decides).
* Audit: opening an assessment is a view; starting it a create; completing it an update; the
  first save of a visit to the form is an update (CHOICE: not one entry per keystroke).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import (
    Assessment,
    AssessmentScore,
    AssessmentSection,
    Carer,
    Referral,
    Worker,
    utcnow,
)
from ycworker.assessment import scoring
from ycworker.assessment.sections import (
    FIELD_LABELS,
    IMPACT_LEVELS,
    KINDS,
    PARTICIPANTS,
    SECTION_BY_KEY,
    SECTION_LIMIT,
    TEXT_FIELDS,
    YES_NO_FIELDS,
    sections_for,
)
from ycworker.caseload import deadlines
from ycworker.caseload.search import age_on
from ycworker.common import audit, workdays
from ycworker.common.errors import FieldError, FormErrors

REASSESSMENT_DAYS = 15
TRANSITION_AGE = 17


# -- one assessment --------------------------------------------------------------------------


@dataclass
class AssessmentView:
    id: str
    carer_id: str
    carer_name: str
    carer_ref: str
    date_of_birth: date
    age: int
    kind: str
    status: str
    referral_id: str | None
    started_date: date | None
    completed_date: date | None
    completed_by: str
    due_date: date | None  # the deadline: KPI 3's for an initial one, the re-assessment's own
    due_text: str
    circumstances_change: str
    circumstances_changed_on: date | None
    participants: tuple[str, ...]
    info_shared_in_advance: bool | None
    info_in_usable_form: bool | None
    combined_with_other: bool | None
    combined_with: str
    impact_level: str | None
    sections: dict[str, str]
    scores: dict[str, dict[int, int]]
    updated_at: Any = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def summary(self, instrument: str) -> scoring.Summary:
        return scoring.summarise(instrument, self.scores.get(instrument, {}))

    def value_of(self, key: str) -> Any:
        if key in SECTION_BY_KEY:
            return self.sections.get(key, "")
        return getattr(self, key)


def full_name(c: Carer) -> str:
    return f"{c.preferred_name or c.first_name} {c.last_name}"


def _parse_participants(raw: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


def _assessment(session: Session, assessment_id: str) -> Assessment:
    a = session.get(Assessment, assessment_id)
    if a is None:
        raise FieldError("assessment", "That assessment is no longer there.")
    return a


def _carer(session: Session, carer_id: str) -> Carer:
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("carer", "That young carer is no longer there.")
    return carer


def deadline_of(a: Assessment, referral: Referral | None) -> date | None:
    if a.kind == "reassessment" and a.due_date:
        return a.due_date
    if a.kind == "initial" and referral is not None and referral.allocated_date:
        return workdays.assessment_deadline(referral.allocated_date)
    return a.due_date


def load(session: Session, assessment_id: str, today: date, worker_id: str | None = None, *,
         audit_view: bool = True) -> AssessmentView:
    a = _assessment(session, assessment_id)
    carer = _carer(session, a.carer_id)
    referral = session.get(Referral, a.referral_id) if a.referral_id else None
    sections = {key: text for key, text in session.exec(
        select(AssessmentSection.section, AssessmentSection.text)
        .where(AssessmentSection.assessment_id == a.id)).all()}
    scores: dict[str, dict[int, int]] = {i: {} for i in scoring.INSTRUMENTS}
    for instrument, item, score in session.exec(
            select(AssessmentScore.instrument, AssessmentScore.item, AssessmentScore.score)
            .where(AssessmentScore.assessment_id == a.id)).all():
        scores.setdefault(instrument, {})[item] = score
    completed_by = session.get(Worker, a.completed_by_id) if a.completed_by_id else None
    by = completed_by.name if completed_by else ""
    deadline = deadline_of(a, referral)
    due_text = ""
    if a.status == "draft" and deadline:
        due_text = f"{'re-assessment' if a.kind == 'reassessment' else 'assessment'} " \
                   f"{workdays.describe_deadline(deadline, today)}"
    if audit_view:
        audit.record(session, "view", "assessment", a.id, worker_id)
    return AssessmentView(
        id=a.id, carer_id=a.carer_id, carer_name=full_name(carer), carer_ref=carer.carer_ref,
        date_of_birth=carer.date_of_birth, age=age_on(carer.date_of_birth, today), kind=a.kind,
        status=a.status, referral_id=a.referral_id, started_date=a.started_date,
        completed_date=a.completed_date, completed_by=by, due_date=deadline, due_text=due_text,
        circumstances_change=a.circumstances_change, circumstances_changed_on=a.circumstances_changed_on,
        participants=_parse_participants(a.participants), info_shared_in_advance=a.info_shared_in_advance,
        info_in_usable_form=a.info_in_usable_form, combined_with_other=a.combined_with_other,
        combined_with=a.combined_with, impact_level=a.impact_level, sections=sections, scores=scores,
        updated_at=a.updated_at)


# -- saving a draft ----------------------------------------------------------------------------


def _yes_no(key: str, value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("y", "yes", "true", "1"):
        return True
    if text in ("n", "no", "false", "0"):
        return False
    raise FieldError(key, f"{FIELD_LABELS[key]}: answer yes or no.")


def clean_value(key: str, value: Any) -> Any:
    """The value as stored, or FieldError naming the field."""
    if key in SECTION_BY_KEY:
        text = str(value or "")
        if len(text) > SECTION_LIMIT:
            raise FieldError(key, f"This section is too long ({len(text):,} characters; at most "
                                  f"{SECTION_LIMIT:,}). Nothing after that is saved.")
        return text
    if key in YES_NO_FIELDS:
        return _yes_no(key, value)
    if key == "participants":
        items = list(value) if isinstance(value, (list, tuple, set)) else list(_parse_participants(value))
        bad = [p for p in items if p not in PARTICIPANTS]
        if bad:
            raise FieldError(key, f"'{bad[0]}' is not one of: {', '.join(PARTICIPANTS)}.")
        return ", ".join(p for p in PARTICIPANTS if p in items)
    if key == "impact_level":
        text = str(value or "").strip().lower()
        if text and text not in IMPACT_LEVELS:
            raise FieldError(key, "Impact level is low, medium or high.")
        return text or None
    if key in TEXT_FIELDS:
        label, limit = TEXT_FIELDS[key]
        text = str(value or "")
        if len(text) > limit:
            raise FieldError(key, f"{label} is too long ({len(text):,} characters; at most {limit:,}).")
        return text
    raise FieldError(key, f"'{key}' is not part of an assessment.")


def save_draft(session: Session, assessment_id: str, changes: Mapping[str, Any],
               worker_id: str | None = None, *, audit_it: bool = False) -> dict[str, Any]:
    """Save typed sections and answers of a draft. Returns what was stored, by key.

    Every value is checked first; a bad one raises FieldError (or FormErrors) and nothing of
    this call is written (the screen keeps what was typed and tries again with the next key)."""
    a = _assessment(session, assessment_id)
    if a.status != "draft":
        raise FieldError("assessment", "This assessment is completed and is not changed; record a "
                                       "re-assessment if circumstances have changed.")
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        try:
            clean[key] = clean_value(key, value)
        except FieldError as e:
            errors.append(e)
    if errors:
        raise errors[0] if len(errors) == 1 else FormErrors(errors)
    section_values = {k: v for k, v in clean.items() if k in SECTION_BY_KEY}
    if section_values:
        rows = {s.section: s for s in session.exec(
            select(AssessmentSection).where(AssessmentSection.assessment_id == a.id,
                                            col(AssessmentSection.section).in_(list(section_values)))).all()}
        now = utcnow()
        for key, text in section_values.items():
            row = rows.get(key)
            if row is None:
                session.add(AssessmentSection(assessment_id=a.id, section=key, text=text))
            elif row.text != text:
                row.text, row.updated_at = text, now
                session.add(row)
    for key, value in clean.items():
        if key not in SECTION_BY_KEY:
            setattr(a, key, value)
    a.updated_at = utcnow()
    session.add(a)
    session.flush()
    if audit_it:
        audit.record(session, "update", "assessment", a.id, worker_id)
    return clean


def set_score(session: Session, assessment_id: str, instrument: str, item: int, score: int | None,
              worker_id: str | None = None, *, audit_it: bool = False) -> scoring.Summary:
    """Set (or clear, with None) one item's score; returns the instrument's new summary."""
    a = _assessment(session, assessment_id)
    if a.status != "draft":
        raise FieldError("scores", "This assessment is completed; its scores are not changed.")
    try:
        scoring.check_score(instrument, item, score)
    except ValueError as exc:
        raise FieldError("scores", str(exc)) from None
    row = session.exec(select(AssessmentScore).where(
        AssessmentScore.assessment_id == a.id, AssessmentScore.instrument == instrument,
        AssessmentScore.item == item)).first()
    if score is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(AssessmentScore(assessment_id=a.id, instrument=instrument, item=item, score=score))
    elif row.score != score:
        row.score, row.updated_at = score, utcnow()
        session.add(row)
    a.updated_at = utcnow()
    session.add(a)
    session.flush()
    if audit_it:
        audit.record(session, "update", "assessment", a.id, worker_id)
    return scoring.summarise(instrument, dict(session.exec(
        select(AssessmentScore.item, AssessmentScore.score).where(
            AssessmentScore.assessment_id == a.id, AssessmentScore.instrument == instrument)).all()))


# -- completing --------------------------------------------------------------------------------


def missing(view: AssessmentView) -> list[FieldError]:
    """What still stops the assessment being completed, one error per field."""
    out = []
    for s in sections_for(view.kind):
        if not view.sections.get(s.key, "").strip():
            out.append(FieldError(s.key, "Needed to complete the assessment."))
    if view.kind == "reassessment" and not view.circumstances_change.strip():
        out.append(FieldError("circumstances_change", "Say what changed."))
    if not view.participants:
        out.append(FieldError("participants", "Say who took part."))
    for key in ("info_shared_in_advance", "info_in_usable_form", "combined_with_other"):
        if getattr(view, key) is None:
            out.append(FieldError(key, "Answer yes or no."))
    if view.combined_with_other and not view.combined_with.strip():
        out.append(FieldError("combined_with", "Say which assessment it was combined with."))
    if not view.impact_level:
        out.append(FieldError("impact_level", "Choose the impact level: low, medium or high."))
    return out


def complete(session: Session, assessment_id: str, today: date, worker_id: str | None) -> AssessmentView:
    """Complete a draft (see the module's rules). Raises FormErrors naming what is missing."""
    a = _assessment(session, assessment_id)
    if a.status != "draft":
        raise FieldError("assessment", "This assessment is already completed.")
    view = load(session, assessment_id, today, worker_id, audit_view=False)
    problems = missing(view)
    if problems:
        raise FormErrors(problems)
    referral = session.get(Referral, a.referral_id) if a.referral_id else None
    if a.kind == "initial":
        if referral is None or referral.allocated_date is None:
            raise FieldError("assessment", "Allocate the support request before completing the "
                                           "assessment (w on the carer's record).")
        if today < referral.allocated_date:
            raise FieldError("assessment", "The support request was allocated after today.")
    a.status, a.completed_date, a.completed_by_id = "completed", today, worker_id
    a.updated_at = utcnow()
    session.add(a)
    if referral is not None:
        if a.kind == "initial" and referral.assessment_completed_date is None:
            referral.assessment_completed_date = today
        referral.impact_level = a.impact_level
        referral.updated_at = utcnow()
        session.add(referral)
        audit.record(session, "update", "referral", referral.id, worker_id)
    carer = _carer(session, a.carer_id)
    carer.impact_level = a.impact_level
    carer.updated_at = utcnow()
    session.add(carer)
    session.flush()
    deadlines.refresh(session, a.carer_id)  # the assessment clock is met
    audit.record(session, "update", "assessment", a.id, worker_id)
    return load(session, assessment_id, today, worker_id, audit_view=False)


# -- starting ----------------------------------------------------------------------------------


def open_referral(session: Session, carer_id: str) -> Referral | None:
    return session.exec(select(Referral).where(Referral.carer_id == carer_id,
                                               col(Referral.closed_date).is_(None))
                        .order_by(col(Referral.referral_date).desc())).first()


def _draft_of(session: Session, carer_id: str, kind: str) -> Assessment | None:
    return session.exec(select(Assessment).where(
        Assessment.carer_id == carer_id, Assessment.kind == kind, Assessment.status == "draft")
        .order_by(col(Assessment.created_at).desc())).first()


@dataclass(frozen=True)
class CanStart:
    kind: str
    ok: bool
    why: str = ""  # the reason it cannot start (a sentence for the worker)
    draft_id: str | None = None  # a draft of that kind to resume


def can_start(session: Session, carer_id: str, kind: str, today: date) -> CanStart:
    carer = session.get(Carer, carer_id)
    if carer is None:
        return CanStart(kind, False, "That young carer is no longer there.")
    draft = _draft_of(session, carer_id, kind)
    if draft is not None:
        return CanStart(kind, True, draft_id=draft.id)
    referral = open_referral(session, carer_id)
    if referral is None:
        return CanStart(kind, False, "There is no open support request: add one first (n on the record).")
    if kind == "initial":
        if referral.allocated_date is None:
            return CanStart(kind, False, "Allocate the support request first (w on the record): the "
                                         "assessment clock starts at allocation.")
        if referral.assessment_completed_date is not None:
            return CanStart(kind, False, "This support request's assessment is done; record a change "
                                         "of circumstances for a re-assessment.")
        return CanStart(kind, True)
    if kind == "reassessment":
        if referral.assessment_completed_date is None:
            return CanStart(kind, False, "Complete the first assessment of this support request before "
                                         "a re-assessment.")
        return CanStart(kind, True)
    if kind == "transition":
        age = age_on(carer.date_of_birth, today)
        if age < TRANSITION_AGE:
            return CanStart(kind, False, f"A transition assessment is for carers of {TRANSITION_AGE} and "
                                         f"over; they are {age}.")
        return CanStart(kind, True)
    return CanStart(kind, False, f"'{kind}' is not a kind of assessment.")


def start(session: Session, carer_id: str, kind: str, today: date, worker_id: str | None = None) -> str:
    """Start (or resume) a draft of ``kind``; returns its id. Re-assessments: ``record_change``."""
    if kind == "reassessment":
        raise FieldError("kind", "A re-assessment starts from a change of circumstances.")
    check = can_start(session, carer_id, kind, today)
    if not check.ok:
        raise FieldError("kind", check.why)
    if check.draft_id:
        return check.draft_id
    return _new(session, carer_id, kind, today, worker_id)


def _new(session: Session, carer_id: str, kind: str, today: date, worker_id: str | None, **kw) -> str:
    referral = open_referral(session, carer_id)
    a = Assessment(carer_id=carer_id, referral_id=referral.id if referral else None, kind=kind,
                   status="draft", started_date=today, **kw)
    session.add(a)
    session.flush()
    audit.record(session, "create", "assessment", a.id, worker_id)
    return a.id


def record_change(session: Session, carer_id: str, form: Mapping[str, str], today: date,
                  worker_id: str | None = None) -> str:
    """Circumstances changed: record when and what; a re-assessment draft is due. Returns its id.

    If a re-assessment draft is already open, the change is added to it (and the due date kept)."""
    from ycworker.common.validators import field_date, field_text

    errors: list[FieldError] = []
    when: date | None = None
    change = ""
    try:
        when = field_date("changed_on", form.get("changed_on", ""), today, label="Date of the change")
    except FieldError as e:
        errors.append(e)
    try:
        change = field_text("change", form.get("change", ""), "What changed", required=True, limit=4000)
    except FieldError as e:
        errors.append(e)
    check = can_start(session, carer_id, "reassessment", today)
    if not check.ok:
        errors.append(FieldError("change", check.why))
    if errors:
        raise FormErrors(errors)
    if when is None:  # field_date raises when the required date is blank; this tells the type checker
        raise FormErrors([FieldError("changed_on", "Date of the change is needed.")])
    if check.draft_id:
        a = _assessment(session, check.draft_id)
        stamp = f"{when:%d/%m/%Y}: {change}"
        a.circumstances_change = f"{a.circumstances_change}\n{stamp}".strip() if a.circumstances_change \
            else change
        a.circumstances_changed_on = a.circumstances_changed_on or when
        a.updated_at = utcnow()
        session.add(a)
        session.flush()
        audit.record(session, "update", "assessment", a.id, worker_id)
        return a.id
    return _new(session, carer_id, "reassessment", today, worker_id, circumstances_change=change,
                circumstances_changed_on=when,
                due_date=workdays.working_days_after(when, REASSESSMENT_DAYS))


def discard_draft(session: Session, assessment_id: str, worker_id: str | None = None) -> None:
    """Remove a draft started by mistake: only while nothing has been written or scored in it."""
    a = _assessment(session, assessment_id)
    if a.status != "draft":
        raise FieldError("assessment", "A completed assessment is kept.")
    texts = session.exec(select(AssessmentSection.text).where(
        AssessmentSection.assessment_id == a.id)).all()
    scored = session.exec(select(func.count()).select_from(AssessmentScore).where(
        AssessmentScore.assessment_id == a.id)).one()
    if any(t.strip() for t in texts) or scored:
        raise FieldError("assessment", "This draft has writing or scores in it, so it is kept: "
                                       "finish it or leave it as a draft.")
    for row in session.exec(select(AssessmentSection).where(AssessmentSection.assessment_id == a.id)).all():
        session.delete(row)
    session.flush()  # the sections go first (no ORM relationship orders the deletes)
    session.delete(a)
    session.flush()
    audit.record(session, "update", "assessment", assessment_id, worker_id)


__all__ = [
    "REASSESSMENT_DAYS", "TRANSITION_AGE", "AssessmentView", "CanStart",
    "can_start", "clean_value", "complete", "discard_draft", "load",
    "missing", "record_change", "save_draft", "set_score", "start",
]
