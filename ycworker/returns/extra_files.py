"""The return's files beyond the four the spec names: read in the export's own read transaction.

Every return carries ``equality.csv`` (ycworker.returns.equality) and, when a narrative was written
for the period, ``narrative.md`` (ycworker.returns.narrative). The Kent profile adds
``kent_referrals.csv``, ``kent_areas.csv`` and ``kent_activity.csv`` (ycworker.returns.kent). The
manifest names them all, and says which profile and which targets were in force. The spec'd files
are not touched by any of this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ycworker.returns import areas, equality, kent, narrative
from ycworker.returns.kpi_results import KpiReport
from ycworker.returns.narrative import Flag


@dataclass(frozen=True)
class ExtraCsv:
    name: str
    title: str
    header: tuple[str, ...]
    rows: list[list[object]]
    # (field, frictionless type, description) for datapackage.json
    fields: tuple[tuple[str, str, str], ...]


@dataclass
class Extras:
    csvs: list[ExtraCsv]
    narrative: str | None  # narrative.md's text, None when none was written
    flags: list[Flag] = field(default_factory=list)  # what the narrative check found


def _fields(header: tuple[str, ...], types: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    return tuple((h, types.get(h, "string"), h.replace("_", " ")) for h in header)


def build(session: Session, report: KpiReport) -> Extras:
    goal = report.settings
    csvs = [ExtraCsv("equality.csv", "Equality: the carers supported (KPI 1) by sex, ethnicity, ethnic "
                     "group, age band and disability, with percentages", equality.COLUMNS,
                     [s.csv_row() for s in equality.shares(report.carers)],
                     _fields(equality.COLUMNS, {"carers": "integer", "percent": "number",
                                                "carers_supported": "integer"}))]
    if goal is not None and goal.profile == "kent":
        grouping = areas.grouping(session)
        csvs.append(ExtraCsv("kent_referrals.csv", "Kent: referrals against the monthly and annual "
                             "targets", kent.REFERRAL_COLUMNS, kent.referral_rows(session, report, goal),
                             _fields(kent.REFERRAL_COLUMNS, {"start": "date", "end": "date",
                                                             "referrals": "integer", "target": "integer",
                                                             "annual_target": "integer"})))
        csvs.append(ExtraCsv("kent_areas.csv", "Kent: the county, each area and each district",
                             kent.AREA_COLUMNS, [r.csv_row() for r in kent.area_rows(report, grouping)],
                             _fields(kent.AREA_COLUMNS, {
                                 "referrals_received": "integer", "carers_supported": "integer",
                                 "allocations_due": "integer", "allocated_in_time": "integer",
                                 "allocated_within_5_working_days": "number",
                                 "median_working_days_to_allocation": "number"})))
        csvs.append(ExtraCsv("kent_activity.csv", "Kent: sessions attended by participants and training "
                             "taken up by frontline workers", kent.ACTIVITY_COLUMNS,
                             kent.activity_rows(session, report.period),
                             _fields(kent.ACTIVITY_COLUMNS, {"value": "number"})))
    told = narrative.view(session, report.period.label)
    text = narrative.markdown(report.period.label, told.text) if told.text.strip() else None
    return Extras(csvs, text, told.flags)
