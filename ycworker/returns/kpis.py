"""The commissioner's KPIs for a period, exactly as shared/spec/commissioner-return.md defines them.

``compute(session, period, today)`` reads the referrals that matter to the period (received in it,
open during it, or with an allocation or assessment deadline in it) with their carers, plus the
reviews, feedback, training, awareness sessions and schools, and returns a ``KpiReport``: every
figure of ``kpi_summary.csv`` (with its breakdowns), the outcome table, the referral rows of
``referrals.csv`` and the carers of ``carers.csv``. Each figure keeps the referral ids (or carer
ids) behind it so that a worker can drill into it and fix a missing date before sending.

Definitions (spec) and the choices made where the spec is silent:

* Open during the period [start, end]: allocated on or before ``end`` and not closed, or closed on
  or after ``start``. Unallocated referrals are not open (nobody supports them yet).
* Allocation deadline = 5 working days after the referral date; assessment deadline = 15 working
  days after allocation (``ycworker.common.workdays``).
* ``allocated_in_time``: ``Y`` when allocated on or before the deadline, ``N`` when allocated
  after it or still unallocated once it has passed (or closed unallocated after it). Empty when
  the referral was closed on or before the deadline without ever being allocated (the spec takes
  those out of the denominator), and empty while the deadline has not passed and the referral is
  not yet allocated (CHOICE: a return made mid-quarter does not count a deadline still to come as
  missed; for a past quarter every deadline has passed, so this changes nothing). Likewise
  ``assessed_in_time`` for the assessment deadline (empty when never allocated).
* KPI 2 / KPI 3 denominators are exactly the rows with a deadline in the period and ``Y`` or
  ``N``; numerators the ``Y`` rows. A commissioner can recount them from referrals.csv.
* Breakdowns of KPI 2 / KPI 3 by district carry the same target (80) and ``target_met``
  (CHOICE: a contract manager wants to see which district misses). Count breakdowns have none.
* A breakdown value that is missing (a carer with no district) is shown as ``unknown``
  (CHOICE: an empty breakdown_value is reserved for the ``all`` row).
* KPI 5 (outcomes): reviews dated in the period; an outcome is *rated* when its rating is
  improved, no_change or worse (not_applicable is not a rating). A carer counts once per outcome:
  when several reviews in the period rated it, the latest one (review date, then when the review
  was recorded) decides whether it improved (CHOICE, tested).
* KPI 4 counts every referral closed in the period with reason intervention_completed or
  stepped_down, allocated or not (a referral closed without allocation is read for KPI 4 only;
  referrals.csv keeps exactly the rows the spec lists).
* ``impact_level`` of carers.csv: the impact recorded on the carer's open referral assessed
  latest on or before the end of the period, else the carer's current impact level (CHOICE: a
  return for an old quarter shows the impact as it was then, when the referral records it).
* KPI 9: schools on the service's list (``on_list``); of those, the ones whose champion_since is
  on or before ``end`` and champion_until is empty or after ``end``.
* Percentages: 100 x numerator / denominator, one decimal place, rounded half up (exact integer
  arithmetic); empty when the denominator is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.models import (
    AwarenessSession,
    Feedback,
    School,
    TrainingSession,
)
from ycworker.assessment.outcomes import OUTCOMES
from ycworker.common.periods import Period
from ycworker.returns import targets as return_targets
from ycworker.returns.kpi_results import (
    AGE_BANDS,
    COMPLETED_REASONS,
    COUNT,
    PERCENT,
    RATED,
    UNKNOWN,
    CarerRow,
    Figure,
    KpiReport,
    OutcomeFigure,
    RefRow,
    age_band,
    age_on,
)

# The return's vocabulary and results live in kpi_results; they are named here too, as before.

# -- reading ---------------------------------------------------------------------------------

MARGIN = timedelta(days=60)  # deadlines fall well within 60 days (15 working days over Christmas)


# The two big reads run as plain SQL on the driver's cursor (no ORM rows: a county's quarter is tens
# of thousands of rows, and bench/returns.py dumps the very same SQL raw to keep us honest). Dates
# are stored as ISO text. The WHERE picks every referral the period can touch, each term served by
# an index: received or allocated in the window (plus MARGIN before it, for deadlines falling in
# the period), still open and allocated by the end (ix_referral_open), or closed since the start.
REFERRALS_SQL = """
SELECT r.id, r.carer_id, r.referral_date, r.source, r.consent, r.allocated_date,
       r.assessment_completed_date, r.closed_date, r.closure_reason, c.sex, c.ethnicity,
       c.date_of_birth, d.name, c.household_id, c.impact_level, r.impact_level, c.disability
FROM referral AS r JOIN carer AS c ON r.carer_id = c.id LEFT JOIN district AS d ON c.district_id = d.id
WHERE r.referral_date BETWEEN :early AND :end
   OR r.allocated_date BETWEEN :early AND :end
   OR (r.closed_date IS NULL AND r.allocated_date <= :end)
   OR r.closed_date >= :start
"""
# Outcome ratings in the period, oldest first per carer and outcome, so the last one read is the
# latest review (review date, then a completed review over a draft, then when it was recorded).
OUTCOMES_SQL = f"""
SELECT v.carer_id, o.outcome, o.rating
FROM review AS v JOIN review_outcome AS o ON o.review_id = v.id
WHERE v.review_date BETWEEN :start AND :end AND o.rating IN ({", ".join(f"'{r}'" for r in RATED)})
ORDER BY v.carer_id, o.outcome, v.review_date, v.completed_at IS NOT NULL, v.completed_at, v.created_at, v.id
"""


def sql_params(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(),
            "early": (period.start - MARGIN).isoformat()}


def _cursor(session: Session, sql: str, params: dict[str, str]) -> Any:
    """The driver's cursor on the session's own connection (inside its transaction)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # the session's connection is open: we are inside its transaction
    return driver.execute(sql, params)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text[:10])


def _date(text: str) -> date:
    """A date the schema requires (NOT NULL), as the driver returns it."""
    return date.fromisoformat(text[:10])


def _referral_rows(session: Session, period: Period) -> list[RefRow]:
    day = _day
    rows: list[RefRow] = []
    cur = _cursor(session, REFERRALS_SQL, sql_params(period))
    while batch := cur.fetchmany(5000):
        for (rid, cid, referred, source, consent, allocated, assessed, closed, reason, sex, ethnicity,
             dob, district, household, impact, referral_impact, disability) in batch:
            rows.append(RefRow(rid, cid, _date(referred), source, consent, day(allocated), day(assessed),
                               day(closed), reason, sex, ethnicity, _date(dob), district or "", household,
                               impact, referral_impact, disability=bool(disability)))
    return rows


def _relevant(row: RefRow, period: Period) -> bool:
    return (row.referral_date in period or row.open_during(period)
            or row.allocation_deadline in period
            or (row.assessment_deadline is not None and row.assessment_deadline in period))


def _outcomes(session: Session, period: Period, target: int = 60) -> list[OutcomeFigure]:
    latest: dict[tuple[str, str], str] = {}
    cur = _cursor(session, OUTCOMES_SQL, sql_params(period))
    while batch := cur.fetchmany(5000):
        for carer_id, outcome, rating in batch:
            latest[(carer_id, outcome)] = rating  # read oldest first: the latest review wins
    out: list[OutcomeFigure] = []
    for code in OUTCOMES:
        rated = sorted(cid for (cid, oc) in latest if oc == code)
        improved = tuple(cid for cid in rated if latest[(cid, code)] == "improved")
        out.append(OutcomeFigure(code, len(rated), len(improved), tuple(rated), target=target,
                                improved_ids=improved))
    return out


def _scalar(session: Session, query: sa.Select[Any]) -> int:
    return int(session.connection().execute(query).scalar() or 0)


def _service_figures(session: Session, period: Period, goal: return_targets.ReturnSettings
                     ) -> list[Figure]:
    schools = sa.inspect(School).local_table
    f, t, a, s = (sa.inspect(Feedback).local_table.c, sa.inspect(TrainingSession).local_table.c,
                  sa.inspect(AwarenessSession).local_table.c, schools.c)
    in_f = f.feedback_date.between(period.start, period.end)
    responses = _scalar(session, sa.select(sa.func.count()).where(in_f))
    satisfied = _scalar(session, sa.select(sa.func.count()).where(in_f, f.satisfied.is_(True)))
    trained = _scalar(session, sa.select(sa.func.sum(t.professionals_trained))
                      .where(t.session_date.between(period.start, period.end)))
    sessions = _scalar(session, sa.select(sa.func.count())
                       .where(a.session_date.between(period.start, period.end)))
    listed = _scalar(session, sa.select(sa.func.count()).select_from(schools)
                     .where(s.on_list.is_(True)))
    champions = _scalar(session, sa.select(sa.func.count()).select_from(schools).where(
        s.on_list.is_(True), s.champion_since.is_not(None), s.champion_since <= period.end,
        sa.or_(s.champion_until.is_(None), s.champion_until > period.end)))
    return [
        Figure("kpi6_satisfied", "all", "", satisfied, responses, PERCENT, goal.target("kpi6_satisfied")),
        Figure("kpi7_professionals_trained", "all", "", trained, None, COUNT, None),
        Figure("kpi8_awareness_sessions", "all", "", sessions, None, COUNT, None),
        Figure("kpi9_schools_with_champion", "all", "", champions, listed, PERCENT,
               goal.target("kpi9_schools_with_champion")),
    ]


def _counted(kpi: str, groups: dict[str, list[str]], breakdown: str, order: Iterable[str] | None = None
             ) -> list[Figure]:
    keys = [k for k in order if k in groups] if order is not None else sorted(groups)
    return [Figure(kpi, breakdown, k, len(groups[k]), None, COUNT, None, tuple(groups[k])) for k in keys]


def _percent(kpi: str, rows: list[RefRow], attr: str, target: int) -> list[Figure]:
    """'all' and the district breakdown of KPI 2 / KPI 3 over the rows with a verdict."""
    def figure(breakdown: str, value: str, group: list[RefRow]) -> Figure:
        met = sum(1 for x in group if getattr(x, attr) == "Y")
        return Figure(kpi, breakdown, value, met, len(group), PERCENT, target, tuple(x.id for x in group))

    out = [figure("all", "", rows)]
    by_district: dict[str, list[RefRow]] = defaultdict(list)
    for x in rows:
        by_district[x.district or UNKNOWN].append(x)
    out += [figure("district", k, by_district[k]) for k in sorted(by_district)]
    return out


def compute(session: Session, period: Period, today: date) -> KpiReport:
    """Every figure of the return for the period (see the module docstring for the rules)."""
    rows, extra = [], []
    for row in _referral_rows(session, period):
        row.settle(today)
        if _relevant(row, period):
            rows.append(row)
        elif row.closed_date is not None and row.closed_date in period:
            extra.append(row)
    rows.sort(key=lambda x: (x.referral_date, x.id))
    extra.sort(key=lambda x: (x.referral_date, x.id))
    start, end = period.start, period.end
    figures: list[Figure] = []
    goal = return_targets.load(session)  # the service's targets (Bradford's contract by default)

    received = [x for x in rows if start <= x.referral_date <= end]
    by: dict[str, dict[str, list[str]]] = {b: defaultdict(list) for b in ("district", "source", "month")}
    for x in received:
        by["district"][x.district or UNKNOWN].append(x.id)
        by["source"][x.source or UNKNOWN].append(x.id)
        by["month"][x.referral_date.strftime("%Y-%m")].append(x.id)
    figures.append(Figure("referrals_received", "all", "", len(received), None, COUNT, None,
                          tuple(x.id for x in received)))
    for b in ("district", "source", "month"):
        figures += _counted("referrals_received", by[b], b)

    refused = [x.id for x in received if x.consent == "refused"]
    figures.append(Figure("consent_not_given", "all", "", len(refused), None, COUNT, None, tuple(refused)))

    open_rows = [x for x in rows if x.open_during(period)]
    carers: dict[str, CarerRow] = {}
    assessed: dict[str, tuple[date, str]] = {}  # carer -> (when, impact) of the latest assessment
    for x in open_rows:
        c = carers.get(x.carer_id)
        if c is None:
            c = carers[x.carer_id] = CarerRow(x.carer_id, x.household_id, x.sex, x.ethnicity,
                                              age_on(x.date_of_birth, end), x.district, x.impact_level,
                                              disability=x.disability)
        c.referral_ids.append(x.id)
        done = x.assessment_completed_date
        if x.referral_impact and done is not None and done <= end and (
                x.carer_id not in assessed or done >= assessed[x.carer_id][0]):
            assessed[x.carer_id] = (done, x.referral_impact)
    for carer_id, (_when, impact) in assessed.items():
        carers[carer_id].impact_level = impact
    carer_list = sorted(carers.values(), key=lambda c: c.carer_id)
    open_ids = tuple(x.id for x in open_rows)
    figures.append(Figure("kpi1_carers_supported", "all", "", len(carers), None, COUNT, None, open_ids))
    # breakdowns count carers; each figure keeps the referrals behind it for the drill-down
    names = ("district", "sex", "ethnicity", "age_band")
    ref_ids: dict[str, dict[str, list[str]]] = {b: defaultdict(list) for b in names}
    carer_count: dict[str, dict[str, int]] = {b: defaultdict(int) for b in names}
    for c in carer_list:
        for b, value in zip(names, (c.district or UNKNOWN, c.sex or UNKNOWN, c.ethnicity or UNKNOWN,
                                    age_band(c.age)), strict=True):
            ref_ids[b][value].extend(c.referral_ids)
            carer_count[b][value] += 1
    for b in names:
        groups = ref_ids[b]
        keys = [k for k in AGE_BANDS if k in groups] if b == "age_band" else sorted(groups)
        figures += [Figure("kpi1_carers_supported", b, k, carer_count[b][k], None, COUNT, None,
                           tuple(groups[k])) for k in keys]

    households = {c.household_id or f"one:{c.carer_id}" for c in carer_list}
    figures.append(Figure("kpi1_families_supported", "all", "", len(households), None, COUNT, None,
                          open_ids))

    kpi2_rows = [x for x in rows if start <= x.allocation_deadline <= end and x.allocated_in_time]
    figures += _percent("kpi2_allocated_within_5_working_days", kpi2_rows, "allocated_in_time",
                        goal.target("kpi2_allocated_within_5_working_days"))
    kpi3_rows = [x for x in rows if x.assessment_deadline is not None
                 and start <= x.assessment_deadline <= end and x.assessed_in_time]
    figures += _percent("kpi3_assessed_within_15_working_days", kpi3_rows, "assessed_in_time",
                        goal.target("kpi3_assessed_within_15_working_days"))

    completed = [x.id for x in rows + extra if x.closed_date is not None and start <= x.closed_date <= end
                 and x.closure_reason in COMPLETED_REASONS]
    figures.append(Figure("kpi4_interventions_completed", "all", "", len(completed), None, COUNT, None,
                          tuple(completed)))
    figures += _service_figures(session, period, goal)
    return KpiReport(period, today, figures, _outcomes(session, period, goal.target("outcomes")), rows,
                     carer_list, extra, settings=goal)
