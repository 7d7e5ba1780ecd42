"""Safeguarding status on a young carer's record: Child in Need, Child Protection or Early Help
(Team Around the Family), as periods with start and end dates, and the meetings about it.

These are the highest-risk cases: the status in force today shows on the record and as a flag in
the caseload list (``SHORT``), and the Returns screen counts carers by status in a quarter
(``ycworker.returns.casework``). A new status ends the one in force the day before it starts (a
step up from Child in Need to Child Protection, say), so there is at most one at a time and the
history is kept; "ended" closes the one in force. Every change is audited in the same
transaction (no personal data in the audit entry). Not the service log's safeguarding themes log
(``ycworker.service_log.safeguarding``), which counts themes without names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import SafeguardingMeeting, SafeguardingStatus, utcnow
from ycworker.caseload.record import carer_row
from ycworker.caseload.safeguarding_flags import SHORT as SHORT
from ycworker.caseload.safeguarding_flags import current_statuses as current_statuses
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collector
from ycworker.common.validators import MAX_LONG_TEXT, field_choice, field_date, field_text

STATUSES = {
    "child_in_need": "Child in Need",
    "child_protection": "Child Protection",
    "early_help": "Early Help (Team Around the Family)",
}
ENDED = "ended"
MEETING_KINDS = {
    "cin_meeting": "Child in Need meeting",
    "cp_conference": "Child Protection conference",
    "cp_review": "Child Protection review conference",
    "core_group": "Core group meeting",
    "taf_meeting": "Team Around the Family meeting",
    "strategy": "Strategy meeting",
    "other": "Other meeting",
}


@dataclass(frozen=True)
class StatusPeriod:
    status_id: str
    status: str
    start_date: date
    end_date: date | None

    @property
    def label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def describe(self) -> str:
        until = f" to {self.end_date:%d/%m/%Y}" if self.end_date else " (in force)"
        return f"{self.label} from {self.start_date:%d/%m/%Y}{until}"


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    meeting_date: date
    kind: str
    attended: str
    actions: str

    def describe(self) -> str:
        text = f"{self.meeting_date:%d/%m/%Y} {MEETING_KINDS.get(self.kind, self.kind)}"
        if self.attended:
            text += f"; attended: {self.attended}"
        if self.actions:
            text += f"; actions: {' '.join(self.actions.split())}"
        return text


def periods(session: Session, carer_id: str) -> list[StatusPeriod]:
    """Every status period of the carer, newest first."""
    return [StatusPeriod(i, s, start, end) for i, s, start, end in session.execute(
        sa_select(col(SafeguardingStatus.id), col(SafeguardingStatus.status),
                  col(SafeguardingStatus.start_date), col(SafeguardingStatus.end_date))
        .where(col(SafeguardingStatus.carer_id) == carer_id)
        .order_by(col(SafeguardingStatus.start_date).desc(),
                  col(SafeguardingStatus.created_at).desc())).all()]


def meetings(session: Session, carer_id: str) -> list[Meeting]:
    """The carer's safeguarding meetings, newest first."""
    return [Meeting(*row) for row in session.execute(
        sa_select(col(SafeguardingMeeting.id), col(SafeguardingMeeting.meeting_date),
                  col(SafeguardingMeeting.kind), col(SafeguardingMeeting.attended),
                  col(SafeguardingMeeting.actions))
        .where(col(SafeguardingMeeting.carer_id) == carer_id)
        .order_by(col(SafeguardingMeeting.meeting_date).desc(),
                  col(SafeguardingMeeting.created_at).desc())).all()]


def current(session: Session, carer_id: str, today: date) -> StatusPeriod | None:
    """The status in force today, if any."""
    return next((p for p in periods(session, carer_id) if p.covers(today)), None)


def set_status(session: Session, carer_id: str, form: dict[str, str], today: date,
               worker_id: str | None = None) -> str:
    """Start a status from a date (ending the one in force the day before), or end the one in
    force on a date (``status`` = "ended"). Returns the id of the period started or ended."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    status = check(field_choice, "status", form.get("status", ""), (*STATUSES, ENDED), "Safeguarding status")
    when = check(field_date, "start_date", form.get("start_date", ""), today, label="Date")
    if errors:
        raise FormErrors(errors)
    now = current(session, c.id, today)
    if status == ENDED:
        if now is None:
            raise FieldError("status", "There is no safeguarding status in force to end.")
        if when < now.start_date:
            raise FieldError("start_date", f"The {now.label} status started on {now.start_date:%d/%m/%Y}: "
                                           "it cannot end before that.")
        _end(session, now.status_id, when)
        audit.record(session, "update", "safeguarding_status", now.status_id, worker_id)
        return now.status_id
    if now is not None:
        if now.status == status:
            raise FieldError("status", f"{now.label} is already in force (from {now.start_date:%d/%m/%Y}).")
        if when <= now.start_date:
            raise FieldError("start_date", f"The {now.label} status in force started on "
                                           f"{now.start_date:%d/%m/%Y}: the new one must start after that.")
        _end(session, now.status_id, when - timedelta(days=1))
        audit.record(session, "update", "safeguarding_status", now.status_id, worker_id)
    else:
        overlap = next((p for p in periods(session, c.id) if p.end_date and p.end_date >= when), None)
        if overlap is not None:
            raise FieldError("start_date", f"{overlap.describe()} already covers that date: choose a date "
                                           "after it ended.")
    row = SafeguardingStatus(carer_id=c.id, status=status, start_date=when, worker_id=worker_id)
    session.add(row)
    session.flush()
    audit.record(session, "create", "safeguarding_status", row.id, worker_id)
    return row.id


def _end(session: Session, status_id: str, day: date) -> None:
    row = session.get(SafeguardingStatus, status_id)
    assert row is not None
    row.end_date = day
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def add_meeting(session: Session, carer_id: str, form: dict[str, str], today: date,
                worker_id: str | None = None) -> str:
    """A safeguarding meeting: date, kind, who attended, the actions agreed."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    when = check(field_date, "meeting_date", form.get("meeting_date", ""), today, label="Date of the meeting")
    kind = check(field_choice, "kind", form.get("kind", ""), tuple(MEETING_KINDS), "Kind of meeting")
    attended = check(field_text, "attended", form.get("attended", ""), "Who attended", required=True)
    actions = check(field_text, "actions", form.get("actions", ""), "Actions", limit=MAX_LONG_TEXT)
    if errors:
        raise FormErrors(errors)
    row = SafeguardingMeeting(carer_id=c.id, meeting_date=when, kind=kind, attended=attended,
                              actions=actions or "", worker_id=worker_id)
    session.add(row)
    session.flush()
    audit.record(session, "create", "safeguarding_meeting", row.id, worker_id)
    return row.id
