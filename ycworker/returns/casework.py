"""Casework counted for the Returns screen: carers by safeguarding status during the period (Child
in Need, Child Protection, Early Help), and signposting by organisation. For the service and the
commissioner's conversation; not part of the spec'd return files (commissioner-return.md).

A carer counts under a status when a period of that status covers any day of the return's period
(a carer stepped up from Child in Need to Child Protection in the quarter counts under both; the
total counts each carer once). Archived (erased-in-waiting) carers are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.models import Carer, SafeguardingStatus
from ycworker.caseload.safeguarding import STATUSES
from ycworker.caseload.signposting import counts_by_organisation
from ycworker.common.periods import Period


@dataclass(frozen=True)
class CaseworkCounts:
    by_status: tuple[tuple[str, str, int], ...] = ()  # (status, label, carers); every status
    carers_with_status: int = 0
    signposting: tuple[tuple[str, int], ...] = ()  # (organisation, times signposted)

    def status_count(self, status: str) -> int:
        return next(n for k, _l, n in self.by_status if k == status)


def count(session: Session, period: Period) -> CaseworkCounts:
    covering = (col(SafeguardingStatus.start_date) <= period.end,
                or_(col(SafeguardingStatus.end_date).is_(None),
                    col(SafeguardingStatus.end_date) >= period.start),
                col(Carer.archived_at).is_(None))
    found = dict(session.exec(
        select(SafeguardingStatus.status, func.count(func.distinct(SafeguardingStatus.carer_id)))
        .join(Carer, col(Carer.id) == SafeguardingStatus.carer_id)
        .where(*covering).group_by(SafeguardingStatus.status)).all())
    total = session.exec(
        select(func.count(func.distinct(SafeguardingStatus.carer_id)))
        .join(Carer, col(Carer.id) == SafeguardingStatus.carer_id).where(*covering)).one()
    return CaseworkCounts(
        tuple((k, label, int(found.get(k, 0))) for k, label in STATUSES.items()), int(total),
        tuple(counts_by_organisation(session, period.start, period.end)))


def lines(counts: CaseworkCounts) -> str:
    """The Returns screen's casework section as text (empty before anything is counted)."""
    if not counts.by_status:
        return ""
    status = " · ".join(f"{label} {n}" for _k, label, n in counts.by_status)
    signposted = " · ".join(f"{name} {n}" for name, n in counts.signposting) or "none recorded"
    return (f"Carers with a safeguarding status in the period (not in the return's files): {status} "
            f"({counts.carers_with_status} carers)\n"
            f"Signposting in the period by organisation: {signposted}")
