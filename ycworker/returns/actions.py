"""The returns area's use-case functions: count a return, look behind a figure, list the sealed returns.

Each owns one read transaction and returns plain data the screens show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from db.engine import Store
from ycworker.assessment.outcomes import OUTCOMES
from ycworker.common.periods import Period
from ycworker.returns import casework, delivery, drill, kpis, narrative
from ycworker.returns.drill import DrillRow, OutcomeDrillRow
from ycworker.returns.outbox import ReturnRow, list_returns


@dataclass(frozen=True)
class ReturnView:
    """A period's figures as the return would carry them (nothing written), and the sealed returns."""

    report: kpis.KpiReport
    sealed: list[ReturnRow]
    # contacts in the period by how they were delivered (shown on screen; not in the spec'd files)
    delivery: delivery.DeliveryCounts = field(default_factory=lambda: delivery.DeliveryCounts(()))
    # carers by safeguarding status and signposting by organisation (on screen; not in the files)
    casework: casework.CaseworkCounts = field(default_factory=casework.CaseworkCounts)
    # the period's narrative and what its check finds (issue 18)
    narrative: narrative.NarrativeView | None = None


@dataclass(frozen=True)
class Drilled:
    """One figure (or outcome) counted again, and the referrals (or carers) behind it; ``figure``
    is None when nothing is counted under it any more (e.g. the last referral of a district was
    corrected away)."""

    figure: kpis.Figure | kpis.OutcomeFigure | None
    rows: list[DrillRow] | list[OutcomeDrillRow]


def load_return(store: Store, period: Period, today: date) -> ReturnView:
    """Count the period's return and list the sealed returns, in one transaction."""
    with store.read() as s:
        return ReturnView(kpis.compute(s, period, today), list_returns(s),
                          delivery.contacts_by_mode(s, period), casework.count(s, period),
                          narrative.view(s, period.label))


def drill_figure(store: Store, period: Period, today: date, key: str, breakdown: str, value: str,
                 report: kpis.KpiReport | None = None) -> Drilled:
    """Count the period again and list what is behind one figure (by key, breakdown and its value).
    Given a ``report`` (a return the team server built), its figures are used as they are and this
    laptop gives only the names and refs."""
    with store.read() as s:
        if report is None:
            report = kpis.compute(s, period, today)
        if key in OUTCOMES:
            outcome = next(o for o in report.outcomes if o.outcome == key)
            return Drilled(outcome, drill.drill_outcome(s, outcome))
        try:
            fig = report.figure(key, breakdown, value)
        except KeyError:  # e.g. the last referral of a district was corrected away
            return Drilled(None, [])
        return Drilled(fig, drill.drill(s, report, fig))


def check_ahead(store: Store) -> bool:
    """The export's damage check, run while the worker reads the figures (a thread of the Returns
    screen): an export with nothing written since skips its own (``integrity.check_ahead``).
    At 50,000 carers the check is most of the wait between the key and the sealed return."""
    from ycworker.protection import integrity
    from ycworker.returns.export import RETURN_TABLES

    return integrity.check_ahead(store, RETURN_TABLES)


def list_sealed(store: Store) -> list[ReturnRow]:
    """The sealed returns, newest first."""
    with store.read() as s:
        return list_returns(s)
