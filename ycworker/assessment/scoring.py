"""MACA-YC18 and PANOC-YC20: totals, subscales and bands from item scores.

Only item numbers and scores live here (and in the store): the questionnaires' wording is
copyright (Joseph, Becker and Becker, 2009) and is never shipped. A worker reads the paper
questionnaire with the young carer and keys in each item's score: 0, 1 or 2.

* MACA-YC18 (Multidimensional Assessment of Caring Activities): 18 items, total 0-36, six
  subscales of three consecutive items (0-6 each). Bands of the total: 0 none, 1-9 low,
  10-13 moderate, 14-17 high, 18 and over very high (domain.md).
* PANOC-YC20 (Positive and Negative Outcomes of Caring): 20 items in two subscales of ten
  (0-20 each). Positive 0-12 is a concern (0 none reported, 1-12 relatively few); negative
  9-20 is a concern (0 none, 1-8 relatively few). Which items are positive and which negative
  is the manual's scoring key, below.

A band is given for the scores entered so far; ``complete`` says whether every item is in
(a partial total can only rise, so a band "so far" is a lower bound). A concern is flagged only
when it is certain: a negative subscale of 9 or more, or a positive one that could not reach 13
even if every item still to come scored 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MACA = "MACA-YC18"
PANOC = "PANOC-YC20"
INSTRUMENTS = (MACA, PANOC)
ITEMS = {MACA: 18, PANOC: 20}
SCORES = (0, 1, 2)
LABELS = {MACA: "MACA-YC18 caring activities", PANOC: "PANOC-YC20 outcomes of caring"}

MACA_SUBSCALES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("domestic", "Domestic", (1, 2, 3)),
    ("household", "Household management", (4, 5, 6)),
    ("financial", "Financial and practical", (7, 8, 9)),
    ("personal", "Personal care", (10, 11, 12)),
    ("emotional", "Emotional care", (13, 14, 15)),
    ("sibling", "Sibling care", (16, 17, 18)),
)
PANOC_POSITIVE = (1, 2, 3, 4, 7, 8, 15, 18, 19, 20)
PANOC_NEGATIVE = (5, 6, 9, 10, 11, 12, 13, 14, 16, 17)
PANOC_SUBSCALES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("positive", "Positive", PANOC_POSITIVE),
    ("negative", "Negative", PANOC_NEGATIVE),
)
SUBSCALES = {MACA: MACA_SUBSCALES, PANOC: PANOC_SUBSCALES}

MACA_BANDS = ((0, 0, "none"), (1, 9, "low"), (10, 13, "moderate"), (14, 17, "high"),
              (18, 36, "very high"))
# MACA band -> the impact level it suggests (the worker decides; demo data uses the same cut).
IMPACT_FOR_MACA = {"none": "low", "low": "low", "moderate": "medium", "high": "high",
                   "very high": "high"}


def maca_band(total: int) -> str:
    for lo, hi, name in MACA_BANDS:
        if lo <= total <= hi:
            return name
    raise ValueError(f"a MACA-YC18 total is 0 to 36, not {total}")


def panoc_positive_band(score: int) -> tuple[str, bool]:
    """(interpretation, concern) of the positive subscale."""
    if not 0 <= score <= 20:
        raise ValueError(f"a PANOC-YC20 subscale is 0 to 20, not {score}")
    if score == 0:
        return "no positive outcomes", True
    if score <= 12:
        return "relatively few positive outcomes", True
    return "relatively high positive outcomes", False


def panoc_negative_band(score: int) -> tuple[str, bool]:
    if not 0 <= score <= 20:
        raise ValueError(f"a PANOC-YC20 subscale is 0 to 20, not {score}")
    if score == 0:
        return "no negative outcomes", False
    if score <= 8:
        return "relatively few negative outcomes", False
    return "relatively high negative outcomes", True


@dataclass(frozen=True)
class Subscale:
    key: str
    label: str
    items: tuple[int, ...]
    score: int
    entered: int
    band: str = ""
    concern: bool = False

    @property
    def complete(self) -> bool:
        return self.entered == len(self.items)


@dataclass(frozen=True)
class Summary:
    instrument: str
    scores: dict[int, int]  # item -> score, only the items entered
    total: int
    entered: int
    items: int
    subscales: tuple[Subscale, ...]
    band: str  # MACA: none .. very high (of the total so far); PANOC: "" (see subscales)
    concern: bool

    @property
    def complete(self) -> bool:
        return self.entered == self.items

    @property
    def started(self) -> bool:
        return self.entered > 0

    def subscale(self, key: str) -> Subscale:
        return next(s for s in self.subscales if s.key == key)

    @property
    def suggested_impact(self) -> str | None:
        """The impact level a complete MACA suggests (None otherwise)."""
        if self.instrument == MACA and self.complete:
            return IMPACT_FOR_MACA[self.band]
        return None

    def headline(self) -> str:
        """'MACA-YC18 14 of 36: high' / 'PANOC-YC20 positive 9 (concern), negative 4'."""
        if not self.started:
            return f"{self.instrument}: not scored"
        so_far = "" if self.complete else f" (so far, {self.entered} of {self.items} items)"
        if self.instrument == MACA:
            return f"{MACA} {self.total} of 36: {self.band}{so_far}"
        pos, neg = self.subscale("positive"), self.subscale("negative")
        return (f"{PANOC} positive {pos.score}{' (concern)' if pos.concern else ''}, "
                f"negative {neg.score}{' (concern)' if neg.concern else ''}{so_far}")


def check_score(instrument: str, item: int, score: int | None) -> None:
    if instrument not in ITEMS:
        raise ValueError(f"unknown instrument {instrument!r}")
    if not 1 <= item <= ITEMS[instrument]:
        raise ValueError(f"{instrument} has items 1 to {ITEMS[instrument]}, not {item}")
    if score is not None and score not in SCORES:
        raise ValueError(f"an item is scored 0, 1 or 2, not {score}")


def summarise(instrument: str, scores: Mapping[int, int]) -> Summary:
    """Totals, subscales and bands of the item scores entered so far."""
    clean: dict[int, int] = {}
    for item, score in scores.items():
        check_score(instrument, int(item), int(score))
        clean[int(item)] = int(score)
    subs = []
    for key, label, items in SUBSCALES[instrument]:
        got = [clean[i] for i in items if i in clean]
        score = sum(got)
        band, concern = "", False
        if instrument == PANOC and got:
            band, concern = (panoc_positive_band if key == "positive" else panoc_negative_band)(score)
            if key == "positive":  # a concern only once no answer still to come could lift it past 12
                concern = score + 2 * (len(items) - len(got)) <= 12
        subs.append(Subscale(key, label, items, score, len(got), band, concern))
    total = sum(clean.values())
    if instrument == MACA:
        band = maca_band(total)
        concern = band in ("high", "very high")
    else:
        band = ""
        concern = any(s.concern for s in subs)
    return Summary(instrument, dict(sorted(clean.items())), total, len(clean), ITEMS[instrument],
                   tuple(subs), band, concern)


def item_subscale(instrument: str, item: int) -> str:
    for _key, label, items in SUBSCALES[instrument]:
        if item in items:
            return label
    return ""


__all__ = [
    "IMPACT_FOR_MACA", "INSTRUMENTS", "ITEMS", "LABELS", "MACA", "MACA_BANDS", "MACA_SUBSCALES",
    "PANOC", "PANOC_NEGATIVE", "PANOC_POSITIVE", "PANOC_SUBSCALES", "SCORES", "Subscale", "Summary",
    "check_score", "item_subscale", "maca_band", "panoc_negative_band", "panoc_positive_band",
    "summarise",
]
