"""MACA-YC18 and PANOC-YC20 scoring: every band boundary, subscales, partial entries, bad input."""

from __future__ import annotations

import pytest

from ycworker.assessment import scoring
from ycworker.assessment.scoring import MACA, PANOC


def _maca_total(total: int) -> dict[int, int]:
    """18 item scores adding up to ``total`` (2s first, then a 1)."""
    scores, left = {}, total
    for item in range(1, 19):
        scores[item] = min(2, left)
        left -= scores[item]
    assert left == 0
    return scores


@pytest.mark.parametrize(("total", "band"), [
    (0, "none"), (1, "low"), (9, "low"), (10, "moderate"), (13, "moderate"), (14, "high"), (17, "high"),
    (18, "very high"), (36, "very high"),
])
def test_maca_bands_at_every_boundary(total, band):
    s = scoring.summarise(MACA, _maca_total(total))
    assert (s.total, s.band, s.complete) == (total, band, True)
    assert scoring.maca_band(total) == band
    assert s.concern is (band in ("high", "very high"))


@pytest.mark.parametrize(("band", "impact"), [("none", "low"), ("low", "low"), ("moderate", "medium"),
                                               ("high", "high"), ("very high", "high")])
def test_a_complete_maca_suggests_an_impact_level(band, impact):
    total = {"none": 0, "low": 5, "moderate": 12, "high": 15, "very high": 20}[band]
    assert scoring.summarise(MACA, _maca_total(total)).suggested_impact == impact


def test_maca_subscales_are_three_items_each():
    scores = {i: 0 for i in range(1, 19)} | {1: 2, 2: 2, 3: 1, 13: 1, 14: 2, 18: 2}
    s = scoring.summarise(MACA, scores)
    assert [(x.key, x.score) for x in s.subscales] == [
        ("domestic", 5), ("household", 0), ("financial", 0), ("personal", 0), ("emotional", 3),
        ("sibling", 2)]
    assert s.total == 10 and s.band == "moderate"
    assert scoring.item_subscale(MACA, 17) == "Sibling care"


def test_a_partial_maca_is_a_band_so_far():
    s = scoring.summarise(MACA, {1: 2, 2: 2, 5: 1})
    assert (s.total, s.entered, s.complete, s.band) == (5, 3, False, "low")
    assert s.suggested_impact is None
    assert s.headline() == "MACA-YC18 5 of 36: low (so far, 3 of 18 items)"
    assert scoring.summarise(MACA, {}).headline() == "MACA-YC18: not scored"


def _panoc(positive: int, negative: int) -> dict[int, int]:
    scores = {}
    for items, target in ((scoring.PANOC_POSITIVE, positive), (scoring.PANOC_NEGATIVE, negative)):
        left = target
        for item in items:
            scores[item] = min(2, left)
            left -= scores[item]
        assert left == 0
    return scores


@pytest.mark.parametrize(("positive", "concern", "band"), [
    (0, True, "no positive outcomes"), (1, True, "relatively few positive outcomes"),
    (12, True, "relatively few positive outcomes"), (13, False, "relatively high positive outcomes"),
    (20, False, "relatively high positive outcomes"),
])
def test_panoc_positive_boundaries(positive, concern, band):
    s = scoring.summarise(PANOC, _panoc(positive, 0))
    pos = s.subscale("positive")
    assert (pos.score, pos.concern, pos.band) == (positive, concern, band)


@pytest.mark.parametrize(("negative", "concern", "band"), [
    (0, False, "no negative outcomes"), (1, False, "relatively few negative outcomes"),
    (8, False, "relatively few negative outcomes"), (9, True, "relatively high negative outcomes"),
    (20, True, "relatively high negative outcomes"),
])
def test_panoc_negative_boundaries(negative, concern, band):
    s = scoring.summarise(PANOC, _panoc(20, negative))
    neg = s.subscale("negative")
    assert (neg.score, neg.concern, neg.band) == (negative, concern, band)
    assert s.concern is concern  # positive 20 is never a concern


def test_panoc_subscales_split_the_twenty_items_in_ten_and_ten():
    assert sorted(scoring.PANOC_POSITIVE + scoring.PANOC_NEGATIVE) == list(range(1, 21))
    s = scoring.summarise(PANOC, _panoc(10, 9))
    assert s.complete and s.total == 19
    assert s.headline() == "PANOC-YC20 positive 10 (concern), negative 9 (concern)"


def test_panoc_concerns_so_far_are_flagged_only_when_certain():
    s = scoring.summarise(PANOC, {1: 0, 2: 0, 5: 2, 6: 2, 9: 2, 10: 2, 11: 1})
    pos, neg = s.subscale("positive"), s.subscale("negative")
    assert (pos.score, pos.entered, pos.concern) == (0, 2, False)  # 16 more could still come
    assert (neg.score, neg.concern, neg.band) == (9, True, "relatively high negative outcomes")
    few = {i: 0 for i in scoring.PANOC_POSITIVE[:5]}  # 0 so far, at most 10 to come
    assert scoring.summarise(PANOC, few).subscale("positive").concern is True
    empty = scoring.summarise(PANOC, {})
    assert empty.subscale("positive").band == "" and not empty.concern


@pytest.mark.parametrize(("instrument", "item", "score"), [
    (MACA, 0, 1), (MACA, 19, 1), (PANOC, 21, 0), (MACA, 1, 3), (MACA, 1, -1), ("SDQ", 1, 1)])
def test_bad_items_and_scores_are_refused(instrument, item, score):
    with pytest.raises(ValueError):
        scoring.summarise(instrument, {item: score})
