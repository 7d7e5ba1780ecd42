"""The Team screen through the real UI (issue 16): a manager opens it from home, Enter opens a
worker's caseload, a leaver's 40 cases move in a few keys (from the Team screen, or marked in the
caseload opened from it); a worker who is not a manager is told it is the manager's and sees only
their own caseload."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from textual.widgets import DataTable, Select

from db.models import Carer
from tests.conftest import on_screen, settle, unlocked, until, until_shows
from tests.helpers import factories as f
from tests.helpers.team import notified
from ycworker.common import settings


def team(store, *, acting: str = "manager", n_leaver: int = 40) -> dict:
    """Ann Manager, Bea Worker (two cases) and Lee Leaver (``n_leaver`` open cases, one overdue
    allocation among them); ``acting`` chooses who is at the keyboard."""
    with store.write() as s:
        ann = f.worker(s, name="Ann Manager", role="manager")
        bea = f.worker(s, name="Bea Worker")
        lee = f.worker(s, name="Lee Leaver")
        cases = [f.carer(s, "Case", f"Number{i:02d}", worker_id=lee.id).id for i in range(n_leaver)]
        f.referral(s, cases[0], date(2026, 10, 1), consent="given")
        beas = [f.carer(s, "Bea", f"Own{i}", worker_id=bea.id).id for i in range(2)]
        settings.put(s, settings.LAST_WORKER, ann.id if acting == "manager" else bea.id)
        ids = {"ann": ann.id, "bea": bea.id, "lee": lee.id, "cases": cases, "beas": beas}
    store.close()
    return ids


def holders(store_path, ids) -> dict[str, str | None]:
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    store = open_store(store_path, PASSPHRASE)
    try:
        with store.read() as s:
            return dict(s.exec(select(Carer.id, Carer.worker_id)
                               .where(col(Carer.id).in_(ids["cases"] + ids["beas"]))).all())
    finally:
        store.close()


def table_rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_team(pilot) -> None:
    await unlocked(pilot)
    await pilot.press("t")
    await on_screen(pilot, "TeamScreen")
    await until_shows(pilot, "Lee Leaver", "Bea Worker")


async def to_row(pilot, name: str) -> None:
    app = pilot.app
    names = [r[0] for r in table_rows(app)]
    app.screen.query_one(DataTable).move_cursor(row=names.index(name))
    await settle(pilot)


async def test_a_manager_opens_team_from_home_and_enter_opens_a_workers_caseload(make_app, store):
    team(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        await until_shows(pilot, "Team")  # the key is in home's footer for a manager
        await open_team(pilot)
        rows = {r[0]: r for r in table_rows(app)}
        assert rows["Lee Leaver"][1:5] == ("40", "1", "0", "0")
        assert rows["Lee Leaver"][5:] == ("not synced", "—")
        assert rows["Bea Worker"][1] == "2"
        await to_row(pilot, "Lee Leaver")
        await pilot.press("enter")
        await on_screen(pilot, "CaseloadScreen")
        await until_shows(pilot, "40 carers · Lee Leaver's caseload")
        assert app.screen.query_one("#f-scope", Select).value == "worker"
        await pilot.press("escape")
        await on_screen(pilot, "TeamScreen")


async def test_a_leavers_40_cases_move_in_a_few_keys(make_app, store, db_path):
    ids = team(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_team(pilot)
        await to_row(pilot, "Lee Leaver")
        await pilot.press("m")
        await on_screen(pilot, "ReallocateModal")
        await until_shows(pilot, "Move Lee Leaver's 40 open cases to:")
        await pilot.press("down", "enter")  # Ann Manager, then Bea Worker
        await until_shows(pilot, "Move Lee Leaver's 40 open cases to Bea Worker? y moves them")
        await pilot.press("y")
        await on_screen(pilot, "TeamScreen")
        await notified(pilot, "40 cases moved to Bea Worker; they go to the team with the next sync.")
        await until(pilot, lambda: {r[0]: r[1] for r in table_rows(app)}.get("Bea Worker") == "42",
                    lambda: f"the Team screen shows {table_rows(app)}")
        assert {r[0]: r[1] for r in table_rows(app)}["Lee Leaver"] == "0"
    held = holders(db_path, ids)
    assert {held[c] for c in ids["cases"]} == {ids["bea"]}


async def test_marked_cases_in_a_caseload_opened_from_team_move_to_another_worker(make_app, store, db_path):
    ids = team(store, n_leaver=5)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_team(pilot)
        await to_row(pilot, "Lee Leaver")
        await pilot.press("enter")
        await on_screen(pilot, "CaseloadScreen")
        await until_shows(pilot, "5 carers · Lee Leaver's caseload")
        await pilot.press("space", "space", "space")
        await until_shows(pilot, "3 marked (m moves them)")
        await pilot.press("m")
        await on_screen(pilot, "ReallocateModal")
        await until_shows(pilot, "Move 3 marked cases to:")
        await pilot.press("down", "enter", "y")  # Ann Manager, Bea Worker (Lee is not offered)
        await on_screen(pilot, "CaseloadScreen")
        await notified(pilot, "3 cases moved to Bea Worker")
        await until_shows(pilot, "2 carers · Lee Leaver's caseload")
    held = holders(db_path, ids)
    assert [held[c] for c in ids["cases"]] == [ids["bea"]] * 3 + [ids["lee"]] * 2


async def test_a_worker_who_is_not_a_manager_is_told_team_is_the_managers(make_app, store):
    team(store, acting="worker")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        assert app.worker_info is not None and app.worker_info.name == "Bea Worker"
        await pilot.press("t")  # not a key of theirs on home
        await pilot.press("f10")
        await notified(pilot, "The Team view is the manager's: it shows every worker's cases.")
        assert app.screen.__class__.__name__ == "HomeScreen"
        # their caseload is their own: "everyone" is not offered and f2 says why
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        await until(pilot, lambda: app.screen.query_one("#f-scope", Select).value == "mine",
                    lambda: "the caseload did not keep to Bea's own cases")
        await until_shows(pilot, "2 carers · my caseload")
        await pilot.press("f2")
        await notified(pilot, "You see your own caseload: everyone's cases are for a manager")
        await until_shows(pilot, "2 carers · my caseload")
