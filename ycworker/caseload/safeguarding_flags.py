"""The safeguarding status in force for a page of carers, and its short flag (CIN, CP, EH), for
lists: the caseload's Flag column. Kept apart from ``safeguarding`` (which edits the record through
``record``), so the caseload search can read it without an import circle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db.models import SafeguardingStatus

#: The flag in lists (the caseload's Flag column).
SHORT = {"child_in_need": "CIN", "child_protection": "CP", "early_help": "EH"}


def current_statuses(session: Session, carer_ids: Iterable[str], today: date) -> dict[str, str]:
    """carer id -> the status in force today, for the carers that have one (a page of a list)."""
    ids = list(carer_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        for cid, status in session.exec(
            select(SafeguardingStatus.carer_id, SafeguardingStatus.status)
            .where(col(SafeguardingStatus.carer_id).in_(ids[i:i + 500]),
                   col(SafeguardingStatus.start_date) <= today,
                   or_(col(SafeguardingStatus.end_date).is_(None), col(SafeguardingStatus.end_date) >= today))
            .order_by(col(SafeguardingStatus.start_date))).all():
            out[cid] = status  # the latest start wins (there is one at a time)
    return out
