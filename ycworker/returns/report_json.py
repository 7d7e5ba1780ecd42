"""A ``KpiReport`` as plain JSON and back: the team server sends the figures behind the return it
built (``POST /v1/return``), so a manager's laptop shows them, and drills into them, exactly as it
does its own. Dates travel as ISO strings; every field of the dataclasses is kept.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from ycworker.common.periods import Period
from ycworker.returns.kpi_results import CarerRow, Figure, KpiReport, OutcomeFigure, RefRow
from ycworker.returns.targets import ReturnSettings

_REF_DATES = ("referral_date", "allocated_date", "assessment_completed_date", "closed_date",
              "date_of_birth", "allocation_deadline", "assessment_deadline")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def dump(report: KpiReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "period": {"label": report.period.label, "start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat()},
        "today": report.today.isoformat(),
        "figures": [_row(f) for f in report.figures],
        "outcomes": [_row(o) for o in report.outcomes],
        "referrals": [_row(r) for r in report.referrals],
        "carers": [_row(c) for c in report.carers],
        "extra": [_row(r) for r in report.extra],
        "settings": None if report.settings is None else {
            "profile": report.settings.profile, "targets": dict(report.settings.targets)},
    }


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _ref(data: dict[str, Any]) -> RefRow:
    values = dict(data)
    for name in _REF_DATES:
        values[name] = _day(values.get(name))
    if values.get("allocation_deadline") is None:
        values["allocation_deadline"] = date.min
    return RefRow(**values)


def load(data: dict[str, Any]) -> KpiReport:
    """The report ``dump`` made (ValueError/TypeError/KeyError when it is not one)."""
    p = data["period"]
    period = Period(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]), p["label"])
    figures = [Figure(**{**f, "ids": tuple(f.get("ids", ()))}) for f in data["figures"]]
    outcomes = [OutcomeFigure(**{**o, "carer_ids": tuple(o.get("carer_ids", ())),
                                 "improved_ids": tuple(o.get("improved_ids", ()))}) for o in data["outcomes"]]
    carers = [CarerRow(**c) for c in data["carers"]]
    kept = data.get("settings")  # the targets the server's return followed (absent from older servers)
    settings = None if kept is None else ReturnSettings(str(kept["profile"]), {
        str(k): int(v) for k, v in kept["targets"].items()})
    return KpiReport(period, date.fromisoformat(data["today"]), figures, outcomes,
                     [_ref(r) for r in data["referrals"]], carers, [_ref(r) for r in data["extra"]],
                     settings=settings)
