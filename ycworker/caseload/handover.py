"""Handover to adult services at 18: the referral to Adult Social Care (a carer's assessment under
the Care Act 2014; its date and outcome) and the handover to the young adult carers' offer (its
date). Kept on the carer; shown on the record beside the transition assessment (Care Act s.63),
which is due from 17. Audited like every record edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from db.models import Carer, utcnow
from ycworker.caseload.record import carer_row
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collector
from ycworker.common.validators import field_choice, field_date

#: From this age a referral to adult services can be made (the transition assessment's age).
FROM_AGE = 17
OUTCOMES = {
    "pending": "Waiting for Adult Social Care",
    "assessed_support": "Carer's assessment: support agreed",
    "assessed_no_needs": "Carer's assessment: no eligible needs",
    "declined": "Declined by the young person",
    "other": "Other",
}


@dataclass(frozen=True)
class Handover:
    asc_referral_date: date | None
    asc_outcome: str | None
    yac_handover_date: date | None

    def lines(self) -> list[str]:
        out = []
        if self.asc_referral_date:
            outcome = OUTCOMES.get(self.asc_outcome or "pending", self.asc_outcome or "")
            out.append(f"Referred to Adult Social Care {self.asc_referral_date:%d/%m/%Y}: {outcome}")
        if self.yac_handover_date:
            out.append(f"Handed over to the young adult carers' offer {self.yac_handover_date:%d/%m/%Y}")
        return out


def of(carer: Carer) -> Handover:
    return Handover(carer.asc_referral_date, carer.asc_outcome, carer.yac_handover_date)


def record_handover(session: Session, carer_id: str, form: dict[str, str], today: date,
                    worker_id: str | None = None) -> Handover:
    """Save the referral to Adult Social Care (date, outcome) and the handover to the young adult
    carers' offer (date); blank dates clear them. Neither before the carer is 17."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    from_day = c.date_of_birth + relativedelta(years=FROM_AGE)
    label = f"their {FROM_AGE}th birthday"
    referred = check(field_date, "asc_referral_date", form.get("asc_referral_date", ""), today,
                     required=False, label="The referral to Adult Social Care", not_before=from_day,
                     not_before_label=label)
    outcome = check(field_choice, "asc_outcome", form.get("asc_outcome", ""), tuple(OUTCOMES),
                    "Outcome", required=False)
    handed = check(field_date, "yac_handover_date", form.get("yac_handover_date", ""), today,
                   required=False, label="The handover", not_before=from_day, not_before_label=label)
    if outcome and not referred and not any(e.field == "asc_referral_date" for e in errors):
        errors.append(FieldError("asc_referral_date", "Give the date of the referral to Adult Social Care "
                                                      "before its outcome."))
    if errors:
        raise FormErrors(errors)
    c.asc_referral_date = referred
    c.asc_outcome = (outcome or "pending") if referred else None
    c.yac_handover_date = handed
    if session.is_modified(c):
        c.updated_at = utcnow()
        session.add(c)
        session.flush()
        audit.record(session, "update", "carer", c.id, worker_id)
    return of(c)
