"""The review schedule: a support plan's next review is due the service's weeks (12 by default) after
the plan is made, then after each review; a closing review ends it. Home lists reviews due and
overdue, the caseload filters "review overdue" through its index, the record says when; the
migration gives existing plans a due date. And a pilot test through the real screens, keys only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from db.engine import open_store, upgrade_store
from db.migrate import current_revision, head_revision
from db.models import Carer
from tests.conftest import (
    PASSPHRASE,
    TODAY,
    frame_text,
    on_screen,
    screen_text,
    settle,
    unlocked,
    until,
    until_shows,
)
from tests.helpers import factories
from tests.helpers.assessment_data import build
from ycworker.assessment import plans, reviews
from ycworker.caseload import reallocate, record, search
from ycworker.common import settings, workers
from ycworker.home import day as home
from ycworker.protection import session as protection
from ycworker.returns import kpis

ALL_IMPROVED = {code: "improved" for code in kpis.OUTCOMES}
ACTION = {"what": "Join the Chill Club", "who": "Worker"}


def _due(store, carer_id: str) -> date | None:
    with store.read() as s:
        return s.get(Carer, carer_id).review_due_date


def test_a_plan_is_due_for_review_12_weeks_after_it_is_made(store):
    ids = build(store)
    assert _due(store, ids["ben"]) is None
    with store.write() as s:
        plans.add_action(s, ids["ben"], ACTION, TODAY, ids["me"])
    assert _due(store, ids["ben"]) == TODAY + timedelta(weeks=12) == date(2027, 2, 16)
    with store.write() as s:  # a later action does not move it
        plans.add_action(s, ids["ben"], {"what": "Register with Kooth", "who": "Carer"}, date(2026, 12, 1))
        plan = plans.load_plan(s, ids["ben"], TODAY)
    assert _due(store, ids["ben"]) == date(2027, 2, 16)
    assert (plan.review_due, plan.review_text) == (date(2027, 2, 16), "review due 16 Feb 2027")


def test_the_weeks_are_the_services_setting(store):
    ids = build(store)
    with store.write() as s:
        assert protection.load_settings(s).review_weeks == 12
        with pytest.raises(Exception, match="between 1 and 52 weeks"):
            protection.save_settings(s, {"idle_minutes": "10", "max_hours": "9", "retention_years": "6",
                                         "backups_kept": "7", "review_weeks": "60"})
        saved = protection.save_settings(s, {"idle_minutes": "10", "max_hours": "9", "retention_years": "6",
                                             "backups_kept": "7", "review_weeks": "8"})
        assert saved.review_weeks == 8 and settings.get(s, settings.REVIEW_WEEKS) == "8"
        # a form of the four older settings keeps the weeks in force
        again = protection.save_settings(s, {"idle_minutes": "10", "max_hours": "9", "retention_years": "6",
                                             "backups_kept": "7"})
        assert again.review_weeks == 8
        plans.add_action(s, ids["ben"], ACTION, TODAY, ids["me"])
    assert _due(store, ids["ben"]) == TODAY + timedelta(weeks=8)


def test_a_review_moves_the_next_one_on_and_a_closing_review_ends_it(store):
    ids = build(store)
    with store.write() as s:
        plans.add_action(s, ids["ben"], ACTION, date(2026, 6, 2), ids["me"])
    assert _due(store, ids["ben"]) == date(2026, 8, 25)
    with store.write() as s:
        rid = reviews.save_review(s, ids["ben"], {"review_date": "20/11/2026", "ratings": ALL_IMPROVED},
                                  TODAY, ids["me"])
    assert _due(store, ids["ben"]) == date(2026, 11, 20) + timedelta(weeks=12)
    with store.write() as s:  # correcting the review's date moves the next one with it
        reviews.save_review(s, ids["ben"], {"review_date": "10/11/2026", "ratings": ALL_IMPROVED},
                            TODAY, ids["me"], review_id=rid)
    assert _due(store, ids["ben"]) == date(2027, 2, 2)
    with store.write() as s:
        reviews.save_review(s, ids["ben"], {"review_date": "24/11/2026", "ratings": ALL_IMPROVED,
                                            "next_step": "close"}, TODAY, ids["me"])
    assert _due(store, ids["ben"]) is None


def test_home_lists_reviews_due_soon_and_overdue_and_counts_the_overdue(store):
    ids = build(store)
    with store.write() as s:
        other = factories.worker(s, "Other Worker", initials="OW")
        s.get(Carer, ids["ben"]).review_due_date = date(2026, 11, 10)  # overdue by 14 days
        s.get(Carer, ids["amira"]).review_due_date = date(2026, 12, 1)  # due within two weeks
        s.get(Carer, ids["cara"]).review_due_date = date(2027, 1, 20)  # not yet
        late = factories.carer(s, "Dan", "Late", date(2012, 1, 1), worker_id=other.id,
                               review_due_date=date(2026, 11, 1))
        factories.carer(s, "Closed", "Case", date(2012, 1, 1), worker_id=ids["me"], status="closed",
                        review_due_date=date(2026, 1, 1))
    with store.read() as s:
        mine = home.worker_day(s, ids["me"], TODAY)
        everyone = home.worker_day(s, ids["me"], TODAY, everyone=True)
    assert [(i.carer_id, i.detail, i.overdue) for i in mine.reviews] == [
        (ids["ben"], "review overdue by 14 days (due 10 Nov 2026)", True),
        (ids["amira"], "review due 01 Dec 2026", False)]
    assert mine.counts["reviews_overdue"] == 1
    assert [i.carer_id for i in everyone.reviews] == [late.id, ids["ben"], ids["amira"]]
    assert everyone.counts["reviews_overdue"] == 2


def test_the_caseload_filter_review_overdue_reads_its_index(store):
    ids = build(store)
    with store.write() as s:
        s.get(Carer, ids["ben"]).review_due_date = date(2026, 11, 23)
        s.get(Carer, ids["amira"]).review_due_date = TODAY  # due today: not overdue yet
        factories.carer(s, "Closed", "Case", date(2012, 1, 1), status="closed",
                        review_due_date=date(2026, 1, 1))
    for status in ("open", "all", "closed"):
        with store.read() as s:
            w = search.window(s, search.CaseloadQuery(review_overdue=True, status=status), TODAY)
        assert [r.carer_id for r in w.rows] == ([ids["ben"]] if status != "closed" else []), status
        assert w.total == len(w.rows)
    with store.read() as s:
        conds, _ = search._conditions(s, search.CaseloadQuery(review_overdue=True), TODAY)
        count = select(search.func.count()).select_from(Carer).where(*conds)
        compiled = count.compile(compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in s.connection().execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_carer_review_due" in plan and "SCAN carer" not in plan, plan


def test_the_record_says_when_the_review_is_due(store):
    ids = build(store)
    with store.write() as s:
        s.get(Carer, ids["ben"]).review_due_date = date(2026, 11, 20)
        s.get(Carer, ids["amira"]).review_due_date = date(2027, 2, 1)
    with store.read() as s:
        ben = record.load_record(s, ids["ben"], TODAY, audit_view=False)
        amira = record.load_record(s, ids["amira"], TODAY, audit_view=False)
    assert ben.review_text == "review overdue by 4 days (due 20 Nov 2026)"
    assert "Review the support plan: review overdue by 4 days (due 20 Nov 2026)." in ben.due_next
    assert amira.review_text == "review due 01 Feb 2027"
    assert not any("Review the support plan" in d for d in amira.due_next)  # not due for weeks


def test_the_migration_gives_existing_plans_a_due_date(tmp_path):
    path = tmp_path / "old.db"
    s = open_store(path, PASSPHRASE, migrate=False)
    upgrade_store(s, "0009")
    stamp = "2026-11-01 10:00:00.000000"

    def carer(cid: str, status: str = "open") -> None:
        conn.execute(text(
            "INSERT INTO carer (id, created_at, updated_at, carer_ref, first_name, last_name, "
            "preferred_name, date_of_birth, sex, ethnicity, disability, phone, email, caring_tasks, status, "
            "needs_referral_details, fsm, send) VALUES (:id, :t, :t, :id, 'A', 'B', '', '2012-01-01', 'U', "
            "'NOBT', 0, '', '', '', :status, 0, 0, 0)"), {"id": cid, "t": stamp, "status": status})

    def action(cid: str, made: str) -> None:
        conn.execute(text(
            "INSERT INTO plan_action (id, created_at, updated_at, carer_id, what, who, status) "
            "VALUES (:id, :t, :t, :c, 'x', 'Worker', 'open')"),
            {"id": f"a-{cid}-{made}", "t": made, "c": cid})

    def review(cid: str, day: str, step: str = "continue") -> None:
        conn.execute(text(
            "INSERT INTO review (id, created_at, updated_at, carer_id, review_date, satisfaction_comment, "
            "next_step, notes) VALUES (:id, :t, :t, :c, :d, '', :step, '')"),
            {"id": f"r-{cid}-{day}", "t": stamp, "c": cid, "d": day, "step": step})

    with s.engine.begin() as conn:
        carer("planned")
        action("planned", "2026-09-01 09:00:00.000000")
        action("planned", "2026-10-01 09:00:00.000000")
        carer("reviewed")
        action("reviewed", "2026-03-01 09:00:00.000000")
        review("reviewed", "2026-06-01")
        review("reviewed", "2026-09-10")
        carer("closed_by_review")
        action("closed_by_review", "2026-03-01 09:00:00.000000")
        review("closed_by_review", "2026-08-01", "close")
        carer("closed", "closed")
        action("closed", "2026-03-01 09:00:00.000000")
        carer("no_plan")
        conn.execute(text("INSERT INTO contact (id, created_at, updated_at, carer_id, contact_date, kind, "
                          "duration_minutes, note) VALUES ('c1', :t, :t, 'planned', '2026-10-02', "
                          "'one_to_one', 60, '')"), {"t": stamp})
    s.close()

    s = open_store(path, PASSPHRASE)  # migrates to head, with a backup first
    try:
        assert current_revision(s) == head_revision()
        assert s.backup_path is not None and s.backup_path.exists()
        with s.read() as session:
            due = dict(session.exec(select(Carer.id, Carer.review_due_date)).all())
            mode = session.connection().execute(text("SELECT mode FROM contact")).scalar_one()
    finally:
        s.close()
    assert due == {"planned": date(2026, 11, 24), "reviewed": date(2026, 12, 3),
                   "closed_by_review": None, "closed": None, "no_plan": None}
    assert mode is None  # existing contacts: "not recorded"


async def test_pilot_plan_review_date_home_and_caseload_filter(make_app, store):
    ids = build(store)
    with store.write() as s:
        workers.choose(s, ids["me"])
        s.get(Carer, ids["amira"]).review_due_date = date(2026, 11, 1)  # long overdue
        # "me" is no manager: the service lets workers see everyone's caseload (issue 16's setting)
        settings.put(s, reallocate.EVERYONE_SETTING, "1")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await unlocked(pilot)
        await until_shows(pilot, "Plan reviews due (2 weeks) and overdue", "1 review overdue",
                          "! Amira Khan (YC-AAA111): review overdue by 23 days (due 01 Nov 2026)")

        # Ben's plan is made with keys: its review falls due 12 weeks on.
        app.open_carer(ids["ben"])
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("a")
        await on_screen(pilot, "CarerAssessmentsScreen")
        await pilot.press("p")
        await on_screen(pilot, "PlanScreen")
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        await pilot.press(*"Join the Chill Club", "tab", *"Worker", "tab", *"01/12/2026", "ctrl+s")
        await on_screen(pilot, "PlanScreen")
        await until_shows(pilot, "1 open action. Review due 16 Feb 2027.")
        await pilot.press("escape")
        await on_screen(pilot, "CarerAssessmentsScreen")
        await pilot.press("escape")
        await on_screen(pilot, "CarerRecordScreen")
        await until(pilot, lambda: "Support plan: review due 16 Feb 2027" in screen_text(app),
                    lambda: f"the record does not say when the review is due: {screen_text(app)}")

        # The caseload's "Review overdue" box, ticked with keys, leaves Amira only.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        await until_shows(pilot, "3 carers")
        app.screen.query_one("#f-review-overdue").focus()
        await pilot.press("space")
        await until_shows(pilot, "1 carer · everyone · open · review overdue", "Amira Khan")
        assert "Ben Walsh" not in frame_text(app)
    assert _due(store, ids["ben"]) == date(2027, 2, 16)
    with store.read() as s:
        due_then = s.exec(select(Carer.id).where(Carer.review_due_date == date(2027, 2, 16))).all()
    assert due_then == [ids["ben"]]


async def test_pilot_a_manager_sets_the_review_weeks(make_app, store):
    from tests.helpers.protection import boot, open_from_menu, wait_for

    ids = build(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await boot(pilot)
        await open_from_menu(pilot, "settings")
        weeks = app.screen.query_one("#f-review_weeks")
        await wait_for(pilot, lambda: weeks.value == "12", "the settings")
        weeks.value = ""
        weeks.focus()
        await pilot.press("6", "0", "ctrl+s")
        await wait_for(pilot, lambda: "Choose between 1 and 52 weeks." in screen_text(app), "the error")
        await pilot.press("backspace", "backspace", "8", "enter")  # Enter on the last field saves
        await wait_for(pilot, lambda: "plans reviewed every 8 weeks" in screen_text(app), "saved")
    with store.write() as s:
        plans.add_action(s, ids["ben"], ACTION, TODAY, ids["me"])
    assert _due(store, ids["ben"]) == TODAY + timedelta(weeks=8)
