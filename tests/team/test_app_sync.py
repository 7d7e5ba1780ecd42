"""Team sync through the App (pilot tests): nothing of it on a laptop never enrolled; the sync key
against the server app over a real PostgreSQL (tests/team/conftest.py), its counts and the status
line; the sentence when the server cannot be reached; the Conflicts screen settling a conflict each
way, the value then syncing to the other laptop."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from db.engine import open_store
from tests.conftest import PASSPHRASE, frame_text, on_screen, settle, unlocked, until, until_shows
from tests.helpers import factories
from tests.helpers import team as t
from ycworker.team.client import UNREACHABLE


def _titles(app) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def test_a_laptop_never_enrolled_shows_nothing_of_team_sync(make_app):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await unlocked(pilot)
        await settle(pilot)
        assert app.team.enrolled is False
        assert not {"team_sync", "team_conflicts"} & t.footer_actions(app)
        assert "synced" not in str(app.sub_title) and "waiting" not in str(app.sub_title)
        # (the manager's Team view reads this laptop's own data: it is there without a team server)
        assert not [title for title in _titles(app) if ("team" in title.lower() or "Conflicts" in title)
                    and not title.startswith("Team (manager)")]
        await pilot.press("ctrl+t", "ctrl+g")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HomeScreen"
        assert t.notes(app) == ""  # no sync ran, no sentence
        assert "conflict" not in frame_text(app).lower()


@pytest.fixture
def enrolled(team_server, db_path):
    """The App's laptop, enrolled as a manager (Sam Carter) with carer T-1 made and one edit
    waiting."""
    store = open_store(db_path, PASSPHRASE)
    try:
        t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
        with store.write() as session:
            factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan")
        t.sync(team_server, store)
        t.set_field(store, "T-1", "preferred_name", "Mimi")
    finally:
        store.close()
    return db_path


def _app_over(make_app, server):
    app = make_app()
    app.team.connect = lambda store: t.client_of(server, store)
    return app


async def test_the_sync_key_sends_and_receives_and_says_the_counts(make_app, team_server, enrolled,
                                                                    tmp_path, template_db):
    other = open_store(t.copy_template(template_db, tmp_path / "other"), PASSPHRASE)
    try:
        t.join(team_server, other, team_server.invite("Pat Lee", manager=True))
        t.set_field(other, "T-1", "last_name", "Khan-Ali")
        t.sync(team_server, other)
        app = _app_over(make_app, team_server)
        async with app.run_test(size=(140, 30)) as pilot:
            await unlocked(pilot)
            await until(pilot, lambda: "1 change waiting" in str(app.sub_title),
                        lambda: f"the header said {app.sub_title!r}")
            assert "synced" in str(app.sub_title)
            await until(pilot, lambda: "team_sync" in t.footer_actions(app),
                        lambda: f"the footer showed {t.footer_actions(app)}")
            assert "Sync with the team server [ctrl+t]" in _titles(app)
            await pilot.press("ctrl+t")
            await t.notified(pilot, "Sent 1 change, received ")
            await until(pilot, lambda: "0 changes waiting" in str(app.sub_title),
                        lambda: f"the header said {app.sub_title!r}")
            assert "synced just now" in str(app.sub_title)
        t.sync(team_server, other)
        assert t.field_of(other, "T-1", "preferred_name") == "Mimi"
    finally:
        other.close()
    store = open_store(enrolled, PASSPHRASE)
    try:
        assert t.field_of(store, "T-1", "last_name") == "Khan-Ali"
    finally:
        store.close()


async def test_an_unreachable_server_is_a_sentence_and_the_changes_wait(make_app, team_server, db_path):
    store = open_store(db_path, PASSPHRASE)
    try:
        t.join(team_server, store, team_server.invite("Sam Carter", manager=True), url=t.closed_port_url())
        with store.write() as session:
            factories.carer(session, carer_ref="T-1")
    finally:
        store.close()
    app = make_app()  # no test client: the sync dials the address the laptop joined
    async with app.run_test(size=(140, 30)) as pilot:
        await unlocked(pilot)
        await until(pilot, lambda: "team_sync" in t.footer_actions(app), lambda: "no sync key")
        await pilot.press("ctrl+t")
        await t.notified(pilot, UNREACHABLE)
        assert UNREACHABLE.startswith("The team server could not be reached")
        await until(pilot, lambda: not app.team.running and "1 change waiting" in str(app.sub_title),
                    lambda: f"the header said {app.sub_title!r}")


@pytest.mark.parametrize(("key", "kept"), [("s", "Amy"), ("l", "Mira")])
async def test_the_conflicts_screen_settles_one_each_way_and_it_syncs(make_app, team_server, db_path,
                                                                      tmp_path, template_db, key, kept):
    with t.rival_first_names(team_server, db_path, tmp_path, template_db) as other:
        app = _app_over(make_app, team_server)
        async with app.run_test(size=(160, 36)) as pilot:
            await unlocked(pilot)
            await until(pilot, lambda: "team_sync" in t.footer_actions(app), lambda: "no sync key")
            await pilot.press("ctrl+t")
            await t.notified(pilot, "1 conflict to settle.")
            await until(pilot, lambda: "1 conflict" in str(app.sub_title),
                        lambda: f"the header said {app.sub_title!r}")
            await until(pilot, lambda: "team_conflicts" in t.footer_actions(app), lambda: "no ^g")
            await pilot.press("ctrl+g")
            await on_screen(pilot, "ConflictsScreen")
            # the record shows the server's value until the conflict is settled
            await until_shows(pilot, "1 conflict to settle", "T-1 Amy Khan", "First name", "Amy",
                              "Mira", "Pat Lee", "Sam Carter", "Amira")
            await pilot.press(key)
            await until_shows(pilot, "No conflicts to settle.")
            await t.notified(pilot, f"First name of T-1 Amy Khan kept as {kept};")
            await pilot.press("ctrl+t")
            await until(pilot, lambda: not app.team.running and "conflict" not in str(app.sub_title)
                        and "0 changes waiting" in str(app.sub_title),
                        lambda: f"the header said {app.sub_title!r}")
            assert "team_conflicts" not in t.footer_actions(app)
        t.sync(team_server, other)
        assert t.field_of(other, "T-1", "first_name") == kept
    store = open_store(db_path, PASSPHRASE)
    try:
        assert t.field_of(store, "T-1", "first_name") == kept
    finally:
        store.close()


class HeldPush:
    """A client whose push waits until the test lets it go (no timer: an event)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.go = threading.Event()

    def push(self, request):
        assert self.go.wait(60), "the test never let the push go"
        return self.inner.push(request)

    def __getattr__(self, name):
        return getattr(self.inner, name)


async def test_the_header_shows_each_step_and_typing_goes_on_while_it_syncs(make_app, team_server, enrolled):
    app = make_app()
    held: list[HeldPush] = []

    def connect(store):
        held.append(HeldPush(t.client_of(team_server, store)))
        return held[-1]

    app.team.connect = connect
    async with app.run_test(size=(160, 36)) as pilot:
        await unlocked(pilot)
        await until(pilot, lambda: "team_sync" in t.footer_actions(app), lambda: "no sync key")
        await pilot.press("ctrl+t")
        # while the push is held, wait on the screen only (settle() would wait for the sync itself)
        await t.while_held(pilot, lambda: "Sending 1 change…" in str(app.sub_title),
                           lambda: f"the header said {app.sub_title!r}")
        await pilot.press("ctrl+t")  # a second press while it runs starts nothing more
        await t.while_held(pilot, lambda: "A sync is already running." in t.notes(app), lambda: t.notes(app))
        await pilot.press("c")  # the App answers while the push waits
        await t.while_held(pilot, lambda: app.screen.__class__.__name__ == "CaseloadScreen",
                           lambda: f"on {app.screen.__class__.__name__}")
        await t.while_held(pilot, lambda: "Amira Khan" in frame_text(app), lambda: frame_text(app))
        await pilot.press(*"Khan")  # the caseload opens in its search field
        await t.while_held(pilot, lambda: app.screen.focused is not None
                           and getattr(app.screen.focused, "value", "") == "Khan",
                           lambda: f"typed {getattr(app.screen.focused, 'value', None)!r} "
                                   f"into {app.screen.focused!r}")
        assert app.team.running and len(held) == 1
        assert "Sending 1 change…" in str(app.sub_title)
        held[0].go.set()
        await t.notified(pilot, "Sent 1 change, received ")
        await until(pilot, lambda: "synced just now · 0 changes waiting" in str(app.sub_title),
                    lambda: f"the header said {app.sub_title!r}")


async def test_the_status_line_follows_a_save_on_the_record_screen(make_app, team_server, enrolled):
    store = open_store(enrolled, PASSPHRASE)
    try:
        carer_id = t.carer_id(store, "T-1")
    finally:
        store.close()
    app = _app_over(make_app, team_server)
    app.team.REFRESH_SECONDS = 0.05  # the stale line is read again soon after the save
    async with app.run_test(size=(160, 36)) as pilot:
        await unlocked(pilot)
        await until(pilot, lambda: "1 change waiting" in str(app.sub_title),
                    lambda: f"the header said {app.sub_title!r}")
        app.open_carer(carer_id)
        await on_screen(pilot, "CarerRecordScreen")
        await until(pilot, lambda: app.screen.query_one("#f-last_name").value == "Khan", lambda: "no record")
        app.screen.query_one("#f-last_name").focus()
        app.screen.query_one("#f-last_name").value = "Khan-Ali"
        await pilot.press("enter")
        await t.notified(pilot, "Last name saved.")
        await until(pilot, lambda: "2 changes waiting" in str(app.sub_title),
                    lambda: f"the header said {app.sub_title!r}", rounds=400)


async def test_a_typed_value_is_checked_then_kept_and_synced(make_app, team_server, db_path, tmp_path,
                                                            template_db):
    other = open_store(t.copy_template(template_db, tmp_path / "other"), PASSPHRASE)
    try:
        t.join(team_server, other, team_server.invite("Pat Lee", manager=True))
        with other.write() as session:
            factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan",
                            date_of_birth=date(2012, 5, 1))
        t.sync(team_server, other)
        store = open_store(db_path, PASSPHRASE)
        try:
            t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
            t.set_field(store, "T-1", "date_of_birth", date(2012, 6, 1))
        finally:
            store.close()
        t.set_field(other, "T-1", "date_of_birth", date(2012, 5, 2))
        t.sync(team_server, other)

        app = _app_over(make_app, team_server)
        async with app.run_test(size=(160, 36)) as pilot:
            await unlocked(pilot)
            await until(pilot, lambda: "team_sync" in t.footer_actions(app), lambda: "no sync key")
            await pilot.press("ctrl+t")
            await t.notified(pilot, "1 conflict to settle.")
            await until_shows(pilot, "1 conflict to settle from the team sync")  # home's count
            await pilot.press("ctrl+g")
            await on_screen(pilot, "ConflictsScreen")
            await until_shows(pilot, "Date of birth", "02/05/2012", "01/06/2012", "01/05/2012")
            await pilot.press("t")
            await on_screen(pilot, "FormModal")
            field = app.screen.query_one("#f-value")
            field.value = "01/01/1990"
            await pilot.press("ctrl+s")
            await until_shows(pilot, "the service works with ages 5 to 24")
            assert app.screen.__class__.__name__ == "FormModal"
            field.value = "03/05/2012"
            await pilot.press("ctrl+s")
            await on_screen(pilot, "ConflictsScreen")
            await until_shows(pilot, "No conflicts to settle.")
            await t.notified(pilot, "kept as 03/05/2012;")
            await pilot.press("ctrl+t")
            await until(pilot, lambda: not app.team.running and "0 changes waiting" in str(app.sub_title),
                        lambda: f"the header said {app.sub_title!r}")
        t.sync(team_server, other)
        assert t.field_of(other, "T-1", "date_of_birth") == date(2012, 5, 3)
    finally:
        other.close()
