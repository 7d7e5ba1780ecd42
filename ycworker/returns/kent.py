"""Kent's profile: what Kent's papers report beside Bradford's KPIs, as extra files of the return.

* ``kent_referrals.csv``: referrals received against the monthly target (each month of the period,
  and the period: the monthly target x its months) and against the annual target for the financial
  year to date (CHOICE: the annual target pro rata to the whole months from 1 April to the period's
  end, rounded half up, so "7,493 by February" is read against 11/12 of 7,507; the full annual
  target is in its own column).
* ``kent_areas.csv``: the whole county, each area and each district (``level`` county | area |
  district): referrals received, carers supported, KPI 2 (allocated within 5 working days) and the
  speed with which referrals are dealt with: the median working days from referral to allocation
  of the referrals received in the period that are allocated (``ycworker.common.workdays``).
  The same rows make the Returns screen's view by area and district (every profile).
* ``kent_activity.csv``: sessions attended by participants (club sessions held, attendances marked
  present or late, distinct young carers attending, sessions per participant) and the take-up of
  training by frontline workers (training sessions held, professionals trained, by audience).

Bradford's spec'd files are never changed by this profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from db.models import Attendance, ClubSession, Referral, TrainingSession
from ycworker.common import workdays
from ycworker.common.percent import format_tenths, percent_text
from ycworker.common.periods import Period, financial_year_start
from ycworker.returns.areas import NO_AREA, Grouping
from ycworker.returns.kpi_results import UNKNOWN, KpiReport
from ycworker.returns.targets import ReturnSettings

REFERRAL_COLUMNS = ("measure", "scope", "start", "end", "referrals", "target", "target_met", "annual_target")
AREA_COLUMNS = ("level", "area", "district", "referrals_received", "carers_supported",
                "allocations_due", "allocated_in_time", "allocated_within_5_working_days",
                "median_working_days_to_allocation")
ACTIVITY_COLUMNS = ("measure", "breakdown_value", "value")


def _met(value: int, target: int) -> str:
    return "Y" if value >= target else "N"


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out, first = [], date(start.year, start.month, 1)
    while first <= end:
        last = first + relativedelta(months=1, days=-1)
        out.append((max(first, start), min(last, end)))
        first += relativedelta(months=1)
    return out


def referral_rows(session: Session, report: KpiReport, goal: ReturnSettings) -> list[list[object]]:
    monthly, annual = goal.target("referrals_monthly"), goal.target("referrals_annual")
    period = report.period
    received = [x.referral_date for x in report.referrals if x.referral_date in period]
    rows: list[list[object]] = []
    months = _months(period.start, period.end)
    for first, last in months:
        n = sum(1 for d in received if first <= d <= last)
        rows.append(["monthly", first.strftime("%Y-%m"), first, last, n, monthly, _met(n, monthly), ""])
    whole = monthly * len(months)
    rows.append(["period", period.label, period.start, period.end, len(received), whole,
                 _met(len(received), whole), ""])
    fy = financial_year_start(period.end)
    r = sa.inspect(Referral).local_table.c
    ytd = int(session.connection().execute(sa.select(sa.func.count()).where(
        r.referral_date.between(fy, period.end))).scalar() or 0)
    elapsed = (period.end.year - fy.year) * 12 + period.end.month - fy.month + (
        1 if (period.end + relativedelta(days=1)).day == 1 else 0)
    pro_rata = (2 * annual * elapsed + 12) // 24
    rows.append(["year_to_date", f"{fy.year}-{(fy.year + 1) % 100:02d}", fy, period.end, ytd, pro_rata,
                 _met(ytd, pro_rata), annual])
    return rows


@dataclass
class AreaRow:
    level: str  # county | area | district
    area: str
    district: str
    received: int = 0
    carers: int = 0
    due: int = 0
    in_time: int = 0
    days: list[int] | None = None

    @property
    def percent(self) -> str:
        return percent_text(self.in_time, self.due)

    @property
    def median_days(self) -> str:
        days = sorted(self.days or [])
        if not days:
            return ""
        mid = len(days) // 2
        tenths = days[mid] * 10 if len(days) % 2 else (days[mid - 1] + days[mid]) * 5
        return f"{tenths // 10}.{tenths % 10}"

    def csv_row(self) -> list[object]:
        return [self.level, self.area, self.district, self.received, self.carers, self.due, self.in_time,
                self.percent, self.median_days]


def area_rows(report: KpiReport, grouping: Grouping) -> list[AreaRow]:
    """The county, then each area (by name, "No area" last) and its districts (by name)."""
    area_of = grouping.area_of()
    period = report.period

    def where(district: str) -> tuple[str, str]:
        name = district or UNKNOWN
        return area_of.get(district, NO_AREA), name

    county = AreaRow("county", "", "", days=[])
    areas: dict[str, AreaRow] = {}
    districts: dict[tuple[str, str], AreaRow] = {}

    def touch(district: str) -> list[AreaRow]:
        area, name = where(district)
        a = areas.setdefault(area, AreaRow("area", area, "", days=[]))
        d = districts.setdefault((area, name), AreaRow("district", area, name, days=[]))
        return [county, a, d]

    for x in report.referrals:
        if x.referral_date in period:
            for row in touch(x.district):
                row.received += 1
                if x.allocated_date is not None:
                    assert row.days is not None
                    row.days.append(workdays.working_days_between(x.referral_date, x.allocated_date))
        if period.start <= x.allocation_deadline <= period.end and x.allocated_in_time:
            for row in touch(x.district):
                row.due += 1
                row.in_time += x.allocated_in_time == "Y"
    for c in report.carers:
        for row in touch(c.district):
            row.carers += 1
    # districts the service has but nothing happened in still show (zeros): the view is complete
    for d in grouping.districts:
        touch(d.name)
    for _id, name in grouping.areas:  # an area with no district yet shows too (a manager just made it)
        areas.setdefault(name, AreaRow("area", name, "", days=[]))
    out = [county]
    order = sorted(areas, key=lambda a: (a == NO_AREA, a.lower()))
    for area in order:
        out.append(areas[area])
        out += [districts[k] for k in sorted(districts, key=lambda k: k[1].lower()) if k[0] == area]
    return out


def activity_rows(session: Session, period: Period) -> list[list[object]]:
    sessions, marks_table = sa.inspect(ClubSession).local_table, sa.inspect(Attendance).local_table
    s, a, t = sessions.c, marks_table.c, sa.inspect(TrainingSession).local_table.c
    conn = session.connection()
    in_period = s.session_date.between(period.start, period.end)
    held = int(conn.execute(sa.select(sa.func.count()).where(in_period, s.cancelled.is_(False)))
               .scalar() or 0)
    attended = sa.select(a.carer_id).select_from(marks_table.join(sessions, a.session_id == s.id)).where(
        in_period, a.status.in_(("present", "late")))
    marks = conn.execute(attended).scalars().all()
    participants = len(set(marks))
    per = format_tenths((20 * len(marks) + participants) // (2 * participants)) if participants else ""
    rows: list[list[object]] = [
        ["club_sessions_held", "", held],
        ["attendances", "", len(marks)],
        ["participants", "", participants],
        ["sessions_per_participant", "", per],
    ]
    in_t = t.session_date.between(period.start, period.end)
    trainings = conn.execute(sa.select(t.audience, sa.func.count(), sa.func.coalesce(
        sa.func.sum(t.professionals_trained), 0)).where(in_t).group_by(t.audience)).all()
    rows.append(["training_sessions_held", "", sum(int(n) for _a, n, _p in trainings)])
    rows.append(["professionals_trained", "", sum(int(p) for _a, _n, p in trainings)])
    for audience, _n, trained in sorted(trainings, key=lambda r: (r[0] or "").lower()):
        rows.append(["professionals_trained_by_audience", audience or UNKNOWN, int(trained)])
    return rows
