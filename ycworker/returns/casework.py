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


#: The statuses as the Returns screen's one line names them.
SHORT_LABELS = {"child_in_need": "Child in Need", "child_protection": "Child Protection",
                "early_help": "Early Help"}


def lines(counts: CaseworkCounts) -> str:
    """The Returns screen's casework section, two lines (empty before anything is counted)."""
    if not counts.by_status:
        return ""
    status = " · ".join(f"{SHORT_LABELS.get(k, label)} {n}" for k, label, n in counts.by_status)
    signposted = " · ".join(f"{name} {n}" for name, n in counts.signposting) or "none recorded"
    return (f"Carers by safeguarding status (not in the files): {status} · all {counts.carers_with_status}\n"
            f"Signposting by organisation (not in the files): {signposted}")
