"""How support was delivered in a period: contacts (1:1 sessions, calls, visits; not notes) by
their mode, for the Returns screen. The hybrid offer of the council papers (face to face, phone,
video, online group, text/message); a contact recorded before the mode was asked counts as "not
recorded". Not part of the spec'd return files (commissioner-return.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Contact
from ycworker.caseload.carers import CONTACT_MODES, MODE_NOT_RECORDED
from ycworker.common.periods import Period

NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class DeliveryCounts:
    """Contacts in the period by mode, in the order of ``CONTACT_MODES`` then "not recorded"."""

    rows: tuple[tuple[str, str, int], ...]  # (mode key, label, count); every mode, even at 0

    @property
    def total(self) -> int:
        return sum(n for _k, _l, n in self.rows)

    def count(self, mode: str) -> int:
        return next(n for k, _l, n in self.rows if k == mode)


def contacts_by_mode(session: Session, period: Period) -> DeliveryCounts:
    found = dict(session.exec(
        select(Contact.mode, func.count())
        .where(col(Contact.contact_date) >= period.start, col(Contact.contact_date) <= period.end,
               col(Contact.kind) != "note")
        .group_by(Contact.mode)).all())
    rows = [(key, label, int(found.pop(key, 0))) for key, label in CONTACT_MODES.items()]
    # unknown values (none are written, but a hand-edited file may hold them) count as not recorded
    rows.append((NOT_RECORDED, MODE_NOT_RECORDED.capitalize(), int(sum(found.values()))))
    return DeliveryCounts(tuple(rows))


__all__ = ["NOT_RECORDED", "DeliveryCounts", "contacts_by_mode"]
