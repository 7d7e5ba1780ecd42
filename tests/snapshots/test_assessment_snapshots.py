"""Snapshots of the assessment form, the scoring screen and a carer's assessments over time
(fixed data, fixed day 2026-11-24; nothing typed, so no "saved at" time appears)."""

from __future__ import annotations

from datetime import date

from db.models import Assessment, AssessmentScore
from tests.conftest import TODAY, settle, unlocked, until_shows
from tests.helpers.assessment_data import build
from ycworker.assessment import assessments, scoring
from ycworker.common import workers


def _draft(store) -> tuple[dict, str]:
    ids = build(store)
    with store.write() as s:
        workers.choose(s, ids["me"])
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
        assessments.save_draft(s, aid, {
            "care_provided": "Cooks tea most nights and helps Mum to shower; about 3 hours a day.",
            "reliance": "Dad works nights, so nobody else is there in the evening.",
            "wishes": "Wants a break, time with friends, and to understand Mum's MS better.",
            "participants": ["carer", "parents"], "info_shared_in_advance": True})
        for item in range(1, 19):
            assessments.set_score(s, aid, "MACA-YC18", item, 2 if item in (1, 2, 3, 13, 14, 15) else
                                  (1 if item in (5, 10, 11) else 0))
        for item in (1, 2, 3, 4, 5, 6):
            assessments.set_score(s, aid, "PANOC-YC20", item, 1)
    return ids, aid


def test_assessment_form_with_what_is_missing(snap_compare, make_app, store):
    _ids, aid = _draft(store)
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        from screens.assessment.form import open_assessment

        open_assessment(pilot.app.screen, aid)
        await until_shows(pilot, "Needs assessment · Amira Khan", "Wants a break", "^f Complete")
        await pilot.press("ctrl+f")
        await until_shows(pilot, "6 things still needed")
        from textual.widgets import TextArea

        for area in pilot.app.screen.query(TextArea):  # a blinking cursor would make the frame random
            area.cursor_blink = False
        pilot.app.screen.query_one("#af-body").scroll_home(animate=False)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)


def test_scoring_screen(snap_compare, make_app, store):
    _ids, aid = _draft(store)
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        from screens.assessment.form import open_assessment

        open_assessment(pilot.app.screen, aid)
        await until_shows(pilot, "Needs assessment · Amira Khan", "Wants a break", "^r Scores")
        await pilot.press("ctrl+r")
        await until_shows(pilot, "MACA-YC18 15 of 36: high", "Positive (items")
        await pilot.press("right")  # from PANOC item 7 (the first unanswered) to 8
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 40), run_before=run_before)


def test_a_carers_assessments_over_time(snap_compare, make_app, store):
    ids = build(store)
    with store.write() as s:
        workers.choose(s, ids["me"])
        for n, (day, maca_total, pos, neg) in enumerate([(date(2026, 7, 1), 10, 9, 12),
                                                          (date(2026, 9, 1), 7, 12, 8),
                                                          (date(2026, 11, 2), 5, 15, 4)]):
            a = Assessment(carer_id=ids["ben"], referral_id=ids["ref_ben"], kind="reassessment",
                           status="completed", started_date=day, completed_date=day, impact_level=
                           ("high", "medium", "low")[n], circumstances_change="Mum's health changed.")
            s.add(a)
            s.flush()
            left = maca_total
            for item in range(1, 19):
                s.add(AssessmentScore(assessment_id=a.id, instrument="MACA-YC18", item=item,
                                      score=min(2, left)))
                left -= min(2, left)
            for items, total in ((scoring.PANOC_POSITIVE, pos), (scoring.PANOC_NEGATIVE, neg)):
                for item in items:
                    s.add(AssessmentScore(assessment_id=a.id, instrument="PANOC-YC20", item=item,
                                          score=min(2, total)))
                    total -= min(2, total)
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        pilot.app.open_carer(ids["ben"])
        await until_shows(pilot, "Ben Walsh")
        await pilot.press("a")
        await until_shows(pilot, "02/11/2026  Re-assessment", "14 → 10 → 7 → 5", "0 open actions",
                          "No review yet")

    assert snap_compare(app, terminal_size=(160, 45), run_before=run_before)
