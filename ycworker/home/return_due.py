"""The commissioner's return deadline, as home shows it.

Bradford's quarterly return is due 15 working days after the quarter ends (England and Wales bank
holidays count as non-working days: ``ycworker.common.workdays``). Home says
"Return for 2026-27 Q2 due in N working days" from 20 working days before that day until the
return for the quarter is sealed (a ``sealed_return`` row for exactly that quarter), and
"Return for 2026-27 Q2 overdue by N working days" after it. The quarter just ended and the
current one are looked at; an older quarter's return is the returns screen's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import SealedReturn
from ycworker.common import periods, workdays

DUE_WORKING_DAYS = 15  # after the quarter ends (Bradford's monitoring return)
WARN_WORKING_DAYS = 20  # home starts saying so this many working days before it is due


@dataclass(frozen=True)
class ReturnDue:
    label: str  # "2026-27 Q2"
    quarter: periods.Period
    due: date
    overdue: bool
    text: str  # "Return for 2026-27 Q2 due in 3 working days"


def due_date(quarter: periods.Period) -> date:
    return workdays.working_days_after(quarter.end, DUE_WORKING_DAYS)


def returns_due(session: Session, today: date) -> list[ReturnDue]:
    """The returns home should mention today, the oldest first (none when every one is sealed or
    none is within 20 working days of its deadline)."""
    current = periods.quarter_of(today)
    quarters = [periods.shift_quarter(current, -1), current]
    sealed = {(start, end) for start, end in session.execute(
        sa_select(col(SealedReturn.period_start), col(SealedReturn.period_end))
        .where(col(SealedReturn.period_start).in_([q.start for q in quarters]))
    ).all()}
    out: list[ReturnDue] = []
    for quarter in quarters:
        if (quarter.start, quarter.end) in sealed:
            continue
        due = due_date(quarter)
        if today < due and workdays.working_days_between(today, due) > WARN_WORKING_DAYS:
            continue
        label = quarter.label.replace("-Q", " Q")
        out.append(ReturnDue(label, quarter, due, today > due,
                             f"Return for {label} {workdays.describe_deadline(due, today)}"))
    return out
