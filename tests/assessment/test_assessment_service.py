"""The assessment service: start, save as typed, score, complete (KPI 3 date, impact level),
re-assessment after a change of circumstances, transition for 17+, the area's lists, documents."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Assessment, AssessmentSection, AuditEntry, Carer, Referral
from tests.conftest import TODAY
from tests.helpers.assessment_data import FULL, build
from ycworker.assessment import assessments, lists
from ycworker.assessment import document as assessment_document
from ycworker.assessment.history import carer_history
from ycworker.common.errors import FieldError, FormErrors
from ycworker.common.periods import Period
from ycworker.returns import kpis


def test_start_save_and_complete_sets_the_kpi3_date_and_impact(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
        assert assessments.start(s, ids["amira"], "initial", TODAY, ids["me"]) == aid  # resumes
    with store.write() as s:
        assessments.save_draft(s, aid, {"care_provided": "Cooks"}, ids["me"], audit_it=True)
        assessments.save_draft(s, aid, {"care_provided": "Cooks tea"}, ids["me"])
    with store.write() as s:
        with pytest.raises(FormErrors) as err:
            assessments.complete(s, aid, TODAY, ids["me"])
        missing = err.value.by_field()
        assert "care_provided" not in missing
        assert {"reliance", "impact", "excessive_tasks", "wishes", "education", "participants",
                "info_shared_in_advance", "info_in_usable_form", "combined_with_other",
                "impact_level"} <= set(missing)
        assert "transition" not in missing  # only a transition assessment has that section
    with store.write() as s:
        assessments.save_draft(s, aid, FULL, ids["me"])
        view = assessments.complete(s, aid, TODAY, ids["me"])
    assert (view.status, view.completed_date, view.completed_by) == ("completed", TODAY, "Sam Worker")
    with store.read() as s:
        ref = s.get(Referral, ids["ref_amira"])
        assert (ref.assessment_completed_date, ref.impact_level) == (TODAY, "high")
        assert s.get(Carer, ids["amira"]).impact_level == "high"
        rows = s.exec(select(AssessmentSection).where(AssessmentSection.assessment_id == aid)).all()
        assert {r.section: r.text for r in rows}["care_provided"] == FULL["care_provided"]
        entries = s.exec(select(AuditEntry).where(AuditEntry.record_id == aid)).all()
        actions = [(e.action, e.entity) for e in entries]
        assert ("create", "assessment") in actions and actions.count(("update", "assessment")) == 2
    with store.write() as s, pytest.raises(FieldError, match="completed"):
        assessments.save_draft(s, aid, {"impact": "late change"}, ids["me"])


def test_a_completed_assessment_counts_in_kpi3(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
        assessments.save_draft(s, aid, FULL, ids["me"])
        assessments.complete(s, aid, TODAY, ids["me"])
    with store.read() as s:
        # Amira's deadline (Mon 7 Dec 2026) falls in Q3 2026-27 (Oct-Dec).
        report = kpis.compute(s, Period(date(2026, 10, 1), date(2026, 12, 31), "Q3"), TODAY)
    row = next(r for r in report.referrals if r.id == ids["ref_amira"])
    assert (row.assessment_completed_date, row.assessed_in_time) == (TODAY, "Y")
    kpi3 = next(f for f in report.figures if f.kpi == "kpi3_assessed_within_15_working_days"
                and f.breakdown == "all")
    assert ids["ref_amira"] in kpi3.ids and kpi3.numerator >= 1


def test_starting_needs_an_allocated_request(store):
    ids = build(store)
    with store.write() as s:
        with pytest.raises(FieldError, match="Allocate the support request first"):
            assessments.start(s, ids["cara"], "initial", TODAY, ids["me"])
        with pytest.raises(FieldError, match="assessment is done"):
            assessments.start(s, ids["ben"], "initial", TODAY, ids["me"])
        with pytest.raises(FieldError, match="17 and over; they are 14"):
            assessments.start(s, ids["amira"], "transition", TODAY, ids["me"])


def test_reassessment_after_a_change_keeps_the_first_date_and_updates_impact(store):
    ids = build(store)
    with store.write() as s:
        with pytest.raises(FormErrors) as err:
            assessments.record_change(s, ids["ben"], {"changed_on": "30/11/2026", "change": ""}, TODAY)
        assert set(err.value.by_field()) == {"changed_on", "change"}
        with pytest.raises(FormErrors, match="Complete the first assessment"):
            assessments.record_change(s, ids["amira"], {"changed_on": "20/11/2026", "change": "x"}, TODAY)
        aid = assessments.record_change(s, ids["ben"], {"changed_on": "20/11/2026",
                                                        "change": "Mum back in hospital."}, TODAY, ids["me"])
    with store.read() as s:
        a = s.get(Assessment, aid)
        # 15 working days after Fri 20 Nov 2026: Fri 11 Dec.
        assert (a.kind, a.status, a.circumstances_changed_on, a.due_date) == (
            "reassessment", "draft", date(2026, 11, 20), date(2026, 12, 11))
        view = assessments.load(s, aid, TODAY, audit_view=False)
        assert view.due_text == "re-assessment due in 13 working days"
        assert view.circumstances_change == "Mum back in hospital."
    with store.write() as s:  # a second change goes into the same draft
        again = {"changed_on": "23/11/2026", "change": "Moved house."}
        assert assessments.record_change(s, ids["ben"], again, TODAY) == aid
        assessments.save_draft(s, aid, FULL | {"impact_level": "medium"}, ids["me"])
        assessments.complete(s, aid, TODAY, ids["me"])
    with store.read() as s:
        ref = s.get(Referral, ids["ref_ben"])
        assert (ref.assessment_completed_date, ref.impact_level) == (date(2026, 6, 1), "medium")
        changes = s.get(Assessment, aid).circumstances_change
        assert changes == "Mum back in hospital.\n23/11/2026: Moved house."
        history = carer_history(s, ids["ben"], TODAY)
    assert [r.kind for r in history.rows] == ["initial", "reassessment"]
    assert history.maca_totals() == [(date(2026, 6, 1), 14)]


def test_transition_assessment_for_17_and_over_needs_its_own_section(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["ben"], "transition", TODAY, ids["me"])
        assessments.save_draft(s, aid, FULL, ids["me"])
        with pytest.raises(FormErrors) as err:
            assessments.complete(s, aid, TODAY, ids["me"])
        assert list(err.value.by_field()) == ["transition"]
        assessments.save_draft(s, aid, {"transition": "Wants college; adult carer's assessment asked for."})
        assessments.complete(s, aid, TODAY, ids["me"])
    with store.read() as s:
        assert s.get(Referral, ids["ref_ben"]).assessment_completed_date == date(2026, 6, 1)


def test_scores_are_saved_by_item_and_summarised(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY)
        for item in range(1, 19):
            summary = assessments.set_score(s, aid, "MACA-YC18", item, 1)
        assert (summary.total, summary.band, summary.complete) == (18, "very high", True)
        summary = assessments.set_score(s, aid, "MACA-YC18", 18, None)
        assert (summary.total, summary.entered, summary.band) == (17, 17, "high")
        summary = assessments.set_score(s, aid, "MACA-YC18", 17, 0)
        assert summary.total == 16
        with pytest.raises(FieldError, match="scored 0, 1 or 2"):
            assessments.set_score(s, aid, "MACA-YC18", 1, 5)
        with pytest.raises(FieldError, match="items 1 to 20"):
            assessments.set_score(s, aid, "PANOC-YC20", 21, 1)


def test_bad_values_are_field_errors_and_nothing_is_written(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY)
    with store.write() as s, pytest.raises(FormErrors) as err:
        assessments.save_draft(s, aid, {"impact": "kept?", "impact_level": "severe", "participants": ["dog"],
                                        "info_in_usable_form": "maybe"})
    assert set(err.value.by_field()) == {"impact_level", "participants", "info_in_usable_form"}
    with store.read() as s:
        assert assessments.load(s, aid, TODAY, audit_view=False).sections == {}
    with store.write() as s, pytest.raises(FieldError, match="too long"):
        assessments.save_draft(s, aid, {"impact": "x" * 20_001})


def test_discard_only_an_empty_draft(store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY)
        assessments.save_draft(s, aid, {"impact": "something"})
        with pytest.raises(FieldError, match="kept"):
            assessments.discard_draft(s, aid)
        assessments.save_draft(s, aid, {"impact": "  "})
        assessments.discard_draft(s, aid)
        assert s.get(Assessment, aid) is None


def test_overview_lists_drafts_due_and_completed(store):
    ids = build(store)
    with store.read() as s:
        o = lists.overview(s, ids["me"], TODAY)
    assert [(i.title, i.kind) for i in o.due] == [("Amira Khan (YC-AAA111)", "initial"),
                                                  ("Ben Walsh (YC-BBB222)", "transition")]
    assert o.due[0].detail == "needs assessment due in 9 working days (allocated 16/11/2026)"
    assert o.due[1].detail == "transition assessment (Care Act s.63): turns 18 on 01/03/2027"
    assert o.counts["due"] == 2 and o.drafts == []
    assert [i.title for i in o.completed] == ["Ben Walsh (YC-BBB222)"]
    with store.write() as s:
        assessments.start(s, ids["amira"], "initial", TODAY)
        assessments.record_change(s, ids["ben"], {"changed_on": "20/11/2026", "change": "Dad left."}, TODAY)
    with store.read() as s:
        o = lists.overview(s, ids["me"], TODAY)
        other = lists.overview(s, ids["boss"], TODAY)
        everyone = lists.overview(s, ids["boss"], TODAY, everyone=True)
    assert [(i.title, i.detail) for i in o.drafts] == [
        ("Amira Khan (YC-AAA111)", "needs assessment draft, started 24/11/2026, due in 9 working days"),
        ("Ben Walsh (YC-BBB222)", "re-assessment draft, started 24/11/2026, due in 13 working days")]
    assert [i.kind for i in o.due] == ["transition"]  # Amira's has a draft now
    assert other.drafts == [] and other.due == []
    assert everyone.counts["drafts"] == 2


def test_document_is_written_atomically_and_never_overwrites(store, tmp_path):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY)
        assessments.save_draft(s, aid, FULL | {"wishes": "<b>Netball</b> & a *break*"})
        for item in range(1, 19):
            assessments.set_score(s, aid, "MACA-YC18", item, 2 if item < 6 else 0)
        assessments.complete(s, aid, TODAY, ids["me"])
    folder = tmp_path / "family file"
    folder.mkdir()
    with store.write() as s:
        with pytest.raises(FieldError, match="There is no folder"):
            assessment_document.write(s, aid, str(tmp_path / "nowhere"), "md", TODAY)
        md = assessment_document.write(s, aid, str(folder), "md", TODAY, ids["me"])
        again = assessment_document.write(s, aid, str(folder), "md", TODAY, ids["me"])
        page = assessment_document.write(s, aid, str(folder), "html", TODAY, ids["me"])
        assert assessment_document.default_folder(s) == str(folder)
    assert md.name == "needs-assessment-YC-AAA111-2026-11-24.md"
    assert again.name == "needs-assessment-YC-AAA111-2026-11-24-2.md"
    assert sorted(p.name for p in folder.iterdir()) == [
        "needs-assessment-YC-AAA111-2026-11-24-2.md", "needs-assessment-YC-AAA111-2026-11-24.html",
        "needs-assessment-YC-AAA111-2026-11-24.md"]  # no temporary files left
    text = md.read_text()
    assert "# Needs assessment: Amira Khan" in text
    assert "- **Completed:** 24/11/2026 by Sam Worker" in text
    assert "## Their wishes, feelings and the outcomes they want" in text
    assert "MACA-YC18 10 of 36: moderate" in text
    assert "| Domestic (items 1, 2, 3) | 6 of 6 |" in text
    assert "Item scores (0, 1 or 2; - not answered): 1: 2, 2: 2" in text
    html_text = page.read_text()
    assert "&lt;b&gt;Netball&lt;/b&gt; &amp; a *break*" in html_text and "<b>Netball" not in html_text
    assert md.stat().st_mode & 0o777 == 0o600
