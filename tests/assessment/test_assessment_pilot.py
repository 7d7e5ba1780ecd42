"""Pilot tests through the real UI: an assessment filled with keys only, the app closed mid-way with
no explicit save and the draft found intact; scores by single keys; completion; a process killed
with SIGKILL while typing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlmodel import select

from db.engine import open_store
from db.models import Assessment, AssessmentScore, AssessmentSection, Referral
from tests.conftest import PASSPHRASE, TODAY, on_screen, screen_text, settle, unlocked, until
from tests.helpers.assessment_data import build
from ycworker.assessment import assessments

ROOT = Path(__file__).resolve().parents[2]

TEXTS = {  # short: every key of a pilot test costs a frame
    "care_provided": "Cooks; helps Mum shower.",
    "reliance": "Dad works nights.",
    "impact": "Tired; late twice a week.",
    "excessive_tasks": "Personal care at 14.",
    "wishes": "A break; netball again.",
    "education": "Year 9, attendance 88%.",
}


def _choose(store, worker_id: str) -> None:
    with store.write() as session:
        from ycworker.common import workers

        workers.choose(session, worker_id)


def _sections(db_path: Path, assessment_id: str) -> dict[str, str]:
    s = open_store(db_path, PASSPHRASE)
    try:
        with s.read() as session:
            return dict(session.exec(select(AssessmentSection.section, AssessmentSection.text).where(
                AssessmentSection.assessment_id == assessment_id)).all())
    finally:
        s.close()


async def test_fill_with_keys_close_the_app_reopen_score_and_complete(make_app, store, db_path):
    ids = build(store)
    _choose(store, ids["me"])
    store.close()

    # 1. Start Amira's assessment from the Assessments area and type every section; quit at once.
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        await pilot.press("a")
        await settle(pilot)
        area = app.screen
        assert type(area).__name__ == "AssessmentsScreen"
        text = screen_text(app)
        assert "Amira Khan (YC-AAA111)" in text and "needs assessment due in 9 working days" in text
        assert "transition assessment (Care Act s.63): turns 18 on 01/03/2027" in text
        await pilot.press("tab", "enter")  # the Due list; its first line is Amira's
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "AssessmentFormScreen"
        assert app.focused.id == "s-care_provided"
        for n, key in enumerate(TEXTS):
            if n:
                await pilot.press("tab")
            assert app.focused.id == f"s-{key}"
            await pilot.press(*TEXTS[key])
        aid = form.view.id
        await pilot.press("ctrl+q")  # straight after the last key: no explicit save
    assert _sections(db_path, aid) == TEXTS

    # 2. Reopen from the caseload (ctrl+o resumes the draft): everything is there; finish it with keys.
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"amira")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "AssessmentFormScreen" and form.view.id == aid
        for key, value in TEXTS.items():
            assert form.query_one(f"#s-{key}").text == value
        assert app.focused.id == "s-care_provided"  # every section has text: the first one

        # Scores: 0/1/2 set the item and move on; Backspace undoes the last; totals update live.
        await pilot.press("ctrl+r")
        await settle(pilot)
        sheet = app.screen.query_one("#sc-sheet")
        await pilot.press(*"2222222", "1", "backspace")
        assert sheet.cursor == ("MACA-YC18", 8) and 8 not in sheet.scores["MACA-YC18"]
        await pilot.press(*"11000000000")
        assert "MACA-YC18 16 of 36: high" in str(sheet.render())
        await pilot.press("tab", *"2222", "backspace")
        positive = "Positive (items 1 2 3 4 7 8 15 18 19 20): 6 of 20 (so far, 3 of 10 items)"
        assert positive in str(sheet.render())
        await settle(pilot)
        assert "Saved" in str(app.screen.query_one("#sc-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert "MACA-YC18 suggests impact high." in str(form.query_one("#af-scores").render())

        # Completing too early says what is missing, beside each field.
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.screen is form
        assert "5 things still needed" in str(form.query_one("#af-status").render())
        assert str(form.query_one("#err-participants").render()) == "Say who took part."
        assert str(form.query_one("#err-impact_level").render()).startswith("Choose the impact level")

        # The cursor went to the first thing missing: who took part (space ticks), then the three
        # yes/no answers and the impact level, keys only.
        assert app.focused.id == "f-participants"
        await pilot.press("space", "down", "space")
        await pilot.press("tab", "enter", "y", "enter")      # information shared in advance: yes
        await pilot.press("tab", "enter", "y", "enter")      # in a form the carer could use: yes
        await pilot.press("tab", "enter", "n", "enter")      # combined with another: no
        await pilot.press("tab", "tab", "enter", "h", "enter")  # (skip "which") impact level: high
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"

    s = open_store(db_path, PASSPHRASE)
    try:
        with s.read() as session:
            a = session.get(Assessment, aid)
            assert (a.status, a.completed_date, a.completed_by_id, a.participants, a.impact_level) == (
                "completed", TODAY, ids["me"], "carer, parents", "high")
            answers = (a.info_shared_in_advance, a.info_in_usable_form, a.combined_with_other)
            assert answers == (True, True, False)
            ref = session.get(Referral, ids["ref_amira"])
            assert (ref.assessment_completed_date, ref.impact_level) == (TODAY, "high")
            scores = dict(session.exec(select(AssessmentScore.item, AssessmentScore.score).where(
                AssessmentScore.assessment_id == aid, AssessmentScore.instrument == "MACA-YC18")).all())
            assert len(scores) == 18 and sum(scores.values()) == 16
            panoc = session.exec(select(AssessmentScore.item, AssessmentScore.score).where(
                AssessmentScore.assessment_id == aid, AssessmentScore.instrument == "PANOC-YC20")).all()
            assert sorted(panoc) == [(1, 2), (2, 2), (3, 2)]
    finally:
        s.close()


async def test_read_only_document_reassessment_and_transition_through_the_ui(make_app, store, tmp_path):
    ids = build(store)
    _choose(store, ids["me"])
    folder = tmp_path / "family file"
    folder.mkdir()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab", "tab", "enter")  # Completed recently: Ben's first assessment
        await settle(pilot)
        form = app.screen
        assert form.read_only and form.query_one("#s-care_provided").read_only
        assert "completed 01/06/2026 by Sam Worker (read-only)" in str(form.query_one("#af-title").render())
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("2")
        assert "not changed" in str(app.screen.query_one("#sc-status").render())
        await pilot.press("escape")
        await settle(pilot)

        # Written out for the family's file, into the folder typed.
        await pilot.press("ctrl+o")
        await settle(pilot)
        modal = app.screen
        modal.query_one("#f-folder").value = ""
        await pilot.press(*str(folder), "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        written = folder / "needs-assessment-YC-BBB222-2026-06-01.md"
        assert "- **Completed:** 01/06/2026 by Sam Worker" in written.read_text()
        await pilot.press("escape")
        await settle(pilot)

        # From the list to the carer's assessments: a change of circumstances, then a transition one.
        await pilot.press("v")
        await settle(pilot)
        hub = app.screen
        assert type(hub).__name__ == "CarerAssessmentsScreen"
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("tab", *"Mum back in hospital", "ctrl+s")
        await settle(pilot)
        re = app.screen
        assert type(re).__name__ == "AssessmentFormScreen" and re.view.kind == "reassessment"
        assert "re-assessment due in 15 working days" in str(re.query_one("#af-title").render())
        assert re.query_one("#s-circumstances_change").text == "Mum back in hospital"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        tr = app.screen
        assert tr.view.kind == "transition" and tr.query("#s-transition")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is hub
        rows = [[str(c) for c in hub.query_one("#ca-assessments").get_row_at(i)] for i in range(3)]
        kinds = ["Needs assessment", "Re-assessment", "Transition assessment (Care Act s.63)"]
        assert [r[1] for r in rows] == kinds
        assert rows[1][2] == "draft, due in 15 working days"
    with store.read() as session:
        assert session.get(Assessment, ids["ben_first"]).status == "completed"
        assert len(session.exec(select(AssessmentScore).where(
            AssessmentScore.assessment_id == ids["ben_first"])).all()) == 18


async def test_locked_straight_after_typing_then_unlocked_by_the_same_worker(make_app, store, db_path):
    ids = build(store)
    _choose(store, ids["me"])
    with store.write() as session:
        aid = assessments.start(session, ids["amira"], "initial", TODAY)
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        from screens.assessment.form import open_assessment

        open_assessment(app.screen, aid)
        await settle(pilot)
        form = app.screen
        form.saver.delay = 30.0  # so that the lock surely comes before the throttle's save
        await pilot.press(*"Walks her brother to school", "ctrl+l")
        await settle(pilot)
        assert app.current_mode == "locked" and app.store is None
        assert form.saver.pending == {"care_provided": "Walks her brother to school"}  # kept in memory
        assert _sections(db_path, aid).get("care_provided", "") == ""
        await pilot.press(*PASSPHRASE, "enter")
        for _ in range(100):
            await settle(pilot, 1)
            if app.unlocked:
                break
            if app.screen.query("#unlock-who") and app.screen.query_one("#unlock-who").display:
                await pilot.press("enter")  # the worker picker: the same worker, highlighted
        await settle(pilot)
        assert app.screen is form  # the same worker carries on where they were
        assert not form.saver.dirty
    assert _sections(db_path, aid)["care_provided"] == "Walks her brother to school"


CHILD = textwrap.dedent("""
    import asyncio, sys
    from datetime import date
    from ycworker.app import create_app

    async def main(db, aid, before, after):
        app = create_app(db, passphrase=sys.argv[5], today=date(2026, 11, 24))
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(400):
                await pilot.pause(0.05)
                if app.unlocked and app.current_mode == "home":
                    break
            from screens.assessment.form import open_assessment
            open_assessment(app.screen, aid)
            for _ in range(400):
                await pilot.pause(0.05)
                if type(app.screen).__name__ == "AssessmentFormScreen":
                    break
            form = app.screen
            await pilot.pause(0.2)
            await pilot.press(*before)
            while form.saver.dirty:  # the throttle saves within 0.4 s
                await pilot.pause(0.05)
            print("SAVED", flush=True)
            for ch in after * 50:  # still typing when the power goes
                await pilot.press(ch)

    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]))
""")


def test_sigkill_while_typing_keeps_what_was_typed(store, db_path):
    ids = build(store)
    with store.write() as session:
        aid = assessments.start(session, ids["amira"], "initial", TODAY)
    store.close()
    before = "Helps Mum out of bed every morning and"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("YCWORKER_PASSPHRASE", None)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), aid, before, " more", PASSPHRASE],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "SAVED", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)  # mid-typing: no clean shutdown, no last flush
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    text = _sections(db_path, aid)["care_provided"]
    assert text.startswith(before)
    assert (before + " more" * 50).startswith(text)  # a prefix of what was typed: nothing out of order
    s = open_store(db_path, PASSPHRASE)
    try:
        with s.raw() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        s.close()


async def test_a_draft_opens_with_the_next_section_to_write_at_the_top(make_app, store):
    ids = build(store)
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
        assessments.save_draft(s, aid, {key: TEXTS[key] for key in ("care_provided", "reliance")})
    _choose(store, ids["me"])
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        from screens.assessment.form import open_assessment

        open_assessment(app.screen, aid)
        await on_screen(pilot, "AssessmentFormScreen")
        await until(pilot, lambda: app.screen.query_one("#af-body").scroll_y,
                    lambda: "the form did not scroll")
        body = app.screen.query_one("#af-body")
        assert app.focused.id == "s-impact"  # the first section with nothing in it yet
        assert app.focused.region.y == body.content_region.y  # its heading on the form's top line
        assert "Impact on well-being" in str(app.focused.border_title)
