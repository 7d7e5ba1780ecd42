"""Team sync through the App (pilot tests): nothing of it on a laptop never enrolled; the sync key
against the server app over a real PostgreSQL (tests/team/conftest.py), its counts and the status
line; the sentence when the server cannot be reached; the Conflicts screen settling a conflict each
way, the value then syncing to the other laptop."""

from __future__ import annotations

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
        assert not [title for title in _titles(app) if "team" in title.lower() or "Conflicts" in title]
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
    other = open_store(t.copy_template(template_db, tmp_path / "other"), PASSPHRASE)
    try:
        t.join(team_server, other, team_server.invite("Pat Lee", manager=True))
        with other.write() as session:
            factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan")
        t.sync(team_server, other)
        store = open_store(db_path, PASSPHRASE)
        try:
            t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
            t.set_field(store, "T-1", "first_name", "Mira")  # here, waiting
        finally:
            store.close()
        t.set_field(other, "T-1", "first_name", "Amy")
        t.sync(team_server, other)  # the server has Amy first

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
    finally:
        other.close()
    store = open_store(db_path, PASSPHRASE)
    try:
        assert t.field_of(store, "T-1", "first_name") == kept
    finally:
        store.close()
