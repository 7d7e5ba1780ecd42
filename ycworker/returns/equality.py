"""The equality breakdown of the carers supported (KPI 1): counts and percentages by sex, ethnicity,
ethnic group (white British / ethnic minority groups / not known, as Kent reports "84.4% white
British, 9.3% BME"), age band and disability. On the Returns screen and in ``equality.csv``.

Rules (CHOICES, tested):
* The denominator of every percentage is the carers supported (KPI 1); each percentage is 100 x
  count / carers to one decimal, rounded half up, like every percentage of the return. So a
  commissioner recomputes each one exactly; the percentages of one breakdown may then sum to 99.9
  or 100.1 (never adjusted to force 100.0, which would change a figure someone can check).
* White British is the DfE code WBRI. Ethnic minority groups (BME) are every other recorded code,
  white minorities included (Irish, Traveller of Irish heritage, Gypsy/Roma, any other White
  background), as gov.uk's "ethnic minorities" does. REFU (refused) and NOBT (not obtained) are
  "not known" and in no group: Kent's 84.4% + 9.3% leaves 6.3% not known in the same way.
* Disability is the carer's own (``Carer.disability``): "disabled" or "not disabled" (the field is
  a yes/no; no "not known").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ycworker.common.percent import percent_text
from ycworker.returns.kpi_results import AGE_BANDS, UNKNOWN, CarerRow, age_band

WHITE_BRITISH = ("WBRI",)
NOT_KNOWN = ("REFU", "NOBT", UNKNOWN, "")
GROUPS = ("white_british", "bme", "not_known")
GROUP_LABELS = {"white_british": "White British", "bme": "Ethnic minority groups (BME)",
                "not_known": "Not known or refused"}
SEX_LABELS = {"F": "Female", "M": "Male", "U": "Not known"}
BREAKDOWNS = ("sex", "ethnicity", "ethnic_group", "age_band", "disability")
COLUMNS = ("breakdown", "value", "label", "carers", "percent", "carers_supported")


def ethnic_group(code: str) -> str:
    if code in WHITE_BRITISH:
        return "white_british"
    if code in NOT_KNOWN:
        return "not_known"
    return "bme"


@dataclass(frozen=True)
class Share:
    breakdown: str
    value: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> str:
        return percent_text(self.count, self.total)

    def csv_row(self) -> list[object]:
        return [self.breakdown, self.value, self.label, self.count, self.percent, self.total]


def shares(carers: list[CarerRow]) -> list[Share]:
    """Every breakdown's counts and percentages, in the order the screen and the file show them."""
    total = len(carers)
    out: list[Share] = []

    def add(breakdown: str, counts: Counter[str], order: list[str], labels: dict[str, str]) -> None:
        for key in order:
            if counts.get(key):
                out.append(Share(breakdown, key, labels.get(key, key), counts[key], total))

    sexes = Counter(c.sex or UNKNOWN for c in carers)
    add("sex", sexes, ["F", "M", "U", *sorted(set(sexes) - {"F", "M", "U"})], SEX_LABELS)
    codes = Counter(c.ethnicity or UNKNOWN for c in carers)
    add("ethnicity", codes, sorted(codes), {})
    add("ethnic_group", Counter(ethnic_group(c.ethnicity or UNKNOWN) for c in carers), list(GROUPS),
        GROUP_LABELS)
    add("age_band", Counter(age_band(c.age) for c in carers), list(AGE_BANDS), {})
    add("disability", Counter("Y" if c.disability else "N" for c in carers), ["Y", "N"],
        {"Y": "Disabled", "N": "Not disabled"})
    return out


def headline(carers: list[CarerRow]) -> str:
    """'84.4% white British / 9.3% BME (6.3% not known)' for the screen; '' with no carers."""
    if not carers:
        return ""
    groups = {s.value: s for s in shares(carers) if s.breakdown == "ethnic_group"}

    def pct(key: str) -> str:
        return groups[key].percent if key in groups else "0.0"

    text = f"{pct('white_british')}% white British / {pct('bme')}% BME"
    if "not_known" in groups:
        text += f" ({pct('not_known')}% not known)"
    disabled = sum(1 for c in carers if c.disability)
    return text + f" · {percent_text(disabled, len(carers))}% disabled"
