"""The return's figures as data: the KPI definitions, one ``Figure`` per row of kpi_summary.csv,
``OutcomeFigure`` per row of outcomes.csv, the referral (``RefRow``) and carer (``CarerRow``) rows,
and the ``KpiReport`` that holds them.

A ``RefRow`` settles its own allocation and assessment deadlines and whether each was met; the
rules are those of ``ycworker.returns.kpis``, which reads the rows and counts the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ycworker.assessment.outcomes import OUTCOMES
from ycworker.common import workdays
from ycworker.common.percent import format_tenths, percent_tenths, percent_text
from ycworker.common.periods import Period
from ycworker.returns.targets import ReturnSettings

COUNT, PERCENT = "count", "percent"
OUTCOME_TARGET = 60
UNKNOWN = "unknown"
AGE_BANDS = ("5-10", "11-15", "16-17", "18-24", "other")
SOURCES = ("school", "gp", "health", "self", "parent", "early_help", "social_care", "other")
CONSENTS = ("given", "refused", "pending")
CLOSURE_REASONS = ("intervention_completed", "stepped_down", "consent_not_given", "not_a_young_carer",
                   "moved_away", "disengaged", "aged_out", "transferred", "other")
COMPLETED_REASONS = ("intervention_completed", "stepped_down")
RATED = ("improved", "no_change", "worse")  # the ratings KPI 5 counts (not "not applicable")


@dataclass(frozen=True)
class KpiDef:
    key: str
    label: str
    unit: str
    target: int | None = None
    breakdowns: tuple[str, ...] = ()
    drill: str = ""  # referrals | carers | "" (service activity: nothing to drill into)


KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("referrals_received", "Referrals received", COUNT, None, ("district", "source", "month"),
           "referrals"),
    KpiDef("consent_not_given", "Referrals where consent was refused", COUNT, drill="referrals"),
    KpiDef("kpi1_carers_supported", "KPI 1 Young carers supported", COUNT, None,
           ("district", "sex", "ethnicity", "age_band"), "referrals"),
    KpiDef("kpi1_families_supported", "KPI 1 Families supported", COUNT, drill="referrals"),
    KpiDef("kpi2_allocated_within_5_working_days", "KPI 2 Allocated within 5 working days", PERCENT,
           80, ("district",), "referrals"),
    KpiDef("kpi3_assessed_within_15_working_days", "KPI 3 Assessed within 15 working days", PERCENT,
           80, ("district",), "referrals"),
    KpiDef("kpi4_interventions_completed", "KPI 4 Interventions completed", COUNT, drill="referrals"),
    KpiDef("kpi6_satisfied", "KPI 6 Satisfied with the service", PERCENT, 90),
    KpiDef("kpi7_professionals_trained", "KPI 7 Professionals trained", COUNT),
    KpiDef("kpi8_awareness_sessions", "KPI 8 Awareness-raising sessions", COUNT),
    KpiDef("kpi9_schools_with_champion", "KPI 9 Schools with a Young Carer Champion", PERCENT, 95),
)
KPI_BY_KEY = {k.key: k for k in KPI_DEFS}


# -- ages and bands ---------------------------------------------------------------------------

def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def age_band(age: int) -> str:
    if 5 <= age <= 10:
        return "5-10"
    if 11 <= age <= 15:
        return "11-15"
    if 16 <= age <= 17:
        return "16-17"
    if 18 <= age <= 24:
        return "18-24"
    return "other"


@lru_cache(maxsize=8192)
def _allocation_deadline(d: date) -> date:
    return workdays.allocation_deadline(d)


@lru_cache(maxsize=8192)
def _assessment_deadline(d: date) -> date:
    return workdays.assessment_deadline(d)


# -- results ---------------------------------------------------------------------------------

@dataclass
class Figure:
    """One row of kpi_summary.csv."""

    kpi: str
    breakdown: str
    breakdown_value: str
    numerator: int
    denominator: int | None
    unit: str
    target: int | None
    ids: tuple[str, ...] = ()  # the referrals behind the figure (drill-down)

    @property
    def tenths(self) -> int | None:
        if self.unit == COUNT:
            return self.numerator * 10
        return percent_tenths(self.numerator, self.denominator or 0)

    @property
    def value(self) -> str:
        if self.unit == COUNT:
            return str(self.numerator)
        return format_tenths(self.tenths)

    @property
    def target_met(self) -> str:
        tenths = self.tenths
        if self.target is None or tenths is None:
            return ""
        return "Y" if tenths >= self.target * 10 else "N"

    @property
    def label(self) -> str:
        return KPI_BY_KEY[self.kpi].label

    def csv_row(self) -> list[object]:
        return [self.kpi, self.breakdown, self.breakdown_value, self.numerator,
                "" if self.denominator is None else self.denominator, self.value, self.unit,
                "" if self.target is None else self.target, self.target_met]


@dataclass
class OutcomeFigure:
    """One row of outcomes.csv."""

    outcome: str
    reviewed: int
    improved: int
    carer_ids: tuple[str, ...] = ()
    target: int = OUTCOME_TARGET
    improved_ids: tuple[str, ...] = ()  # the carers who rated it improved (drill-down)

    @property
    def label(self) -> str:
        return OUTCOMES[self.outcome]

    @property
    def value(self) -> str:
        return percent_text(self.improved, self.reviewed)

    @property
    def target_met(self) -> str:
        tenths = percent_tenths(self.improved, self.reviewed)
        if tenths is None:
            return ""
        return "Y" if tenths >= self.target * 10 else "N"

    def csv_row(self) -> list[object]:
        return [self.outcome, self.label, self.reviewed, self.improved, self.value, self.target,
                self.target_met]


@dataclass(slots=True)
class RefRow:
    """A referral the period touches, with its carer's reporting fields and its deadlines."""

    id: str
    carer_id: str
    referral_date: date
    source: str
    consent: str
    allocated_date: date | None
    assessment_completed_date: date | None
    closed_date: date | None
    closure_reason: str | None
    sex: str
    ethnicity: str
    date_of_birth: date
    district: str  # the district's name, "" when none
    household_id: str | None
    impact_level: str | None  # the carer's current impact level
    referral_impact: str | None = None  # the impact recorded on this referral's assessment
    disability: bool = False  # the carer's own disability (the equality breakdown, 0013)
    allocation_deadline: date = date.min
    assessment_deadline: date | None = None
    allocated_in_time: str = ""
    assessed_in_time: str = ""

    def settle(self, today: date) -> None:
        self.allocation_deadline = _allocation_deadline(self.referral_date)
        self.allocated_in_time = _in_time(self.allocated_date, self.allocation_deadline,
                                          self.closed_date, today)
        if self.allocated_date is not None:
            self.assessment_deadline = _assessment_deadline(self.allocated_date)
            self.assessed_in_time = _in_time(self.assessment_completed_date, self.assessment_deadline,
                                             self.closed_date, today)

    def open_during(self, period: Period) -> bool:
        return (self.allocated_date is not None and self.allocated_date <= period.end
                and (self.closed_date is None or self.closed_date >= period.start))


def _in_time(done: date | None, deadline: date, closed: date | None, today: date) -> str:
    if done is not None:
        return "Y" if done <= deadline else "N"
    if closed is not None:
        return "" if closed <= deadline else "N"  # closed undone by the deadline: out of the KPI
    return "N" if today > deadline else ""  # still to come: not (yet) counted


@dataclass(slots=True)
class CarerRow:
    """A carer counted in KPI 1 (a row of carers.csv before pseudonyms)."""

    carer_id: str
    household_id: str | None
    sex: str
    ethnicity: str
    age: int
    district: str
    impact_level: str | None
    referral_ids: list[str] = field(default_factory=list)
    disability: bool = False


@dataclass
class KpiReport:
    period: Period
    today: date
    figures: list[Figure]
    outcomes: list[OutcomeFigure]
    referrals: list[RefRow]
    carers: list[CarerRow]
    # referrals read for KPI 4 only (closed in the period, never open during it): not in referrals.csv
    extra: list[RefRow] = field(default_factory=list)
    # the targets in force and the profile when it was counted (the manifest records them)
    settings: ReturnSettings | None = None

    def headline(self) -> list[Figure]:
        return [f for f in self.figures if f.breakdown == "all"]

    def figure(self, kpi: str, breakdown: str = "all", value: str = "") -> Figure:
        for f in self.figures:
            if f.kpi == kpi and f.breakdown == breakdown and f.breakdown_value == value:
                return f
        raise KeyError((kpi, breakdown, value))
