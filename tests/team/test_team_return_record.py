"""The record screen marks a field with a team conflict waiting (issue 16, "Conflicts"): a marker by
the field's label and a line naming the field and the Conflicts key; gone once it is settled. The
record's one load service gives the conflicted fields."""

from __future__ import annotations

from datetime import date

from db.engine import open_store
from tests.conftest import PASSPHRASE, on_screen, screen_text, until, until_shows
from tests.helpers import team as t
from ycworker.caseload import actions
from ycworker.common.context import Context
from ycworker.team import conflicts as team_conflicts


def _conflict_on_first_name(team_server, db_path, tmp_path, template_db) -> str:
    """The App's laptop (Sam Carter, a manager) holds T-1 with a conflict on its first name."""
    with t.rival_first_names(team_server, db_path, tmp_path, template_db):
        store = open_store(db_path, PASSPHRASE)
        try:
            assert t.run_sync(team_server, store).conflicts == 1
            return t.carer_id(store, "T-1")
        finally:
            store.close()


async def test_the_record_marks_the_field_with_a_conflict_waiting(make_app, team_server, db_path, tmp_path,
                                                                   template_db):
    carer_id = _conflict_on_first_name(team_server, db_path, tmp_path, template_db)
    store = open_store(db_path, PASSPHRASE)
    try:
        ctx = Context(worker_id=store.acting[0], today=date(2026, 11, 24))
        assert actions.open_record(store, carer_id, ctx, False).conflicted_fields == ["first_name"]
    finally:
        store.close()

    app = make_app()
    app.team.connect = lambda s: t.client_of(team_server, s)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.unlocked, lambda: "the app did not unlock", 200)
        app.open_carer(carer_id)
        await on_screen(pilot, "CarerRecordScreen")
        await until_shows(pilot, "⚠ conflict waiting on first name: press ctrl+g")
        row = app.screen.query_one("#row-first_name")
        assert row.has_class("-conflict")
        assert "⚠ First name" in screen_text(app)
        assert not app.screen.query_one("#row-last_name").has_class("-conflict")

    # settled: the marker and the line go
    store = open_store(db_path, PASSPHRASE)
    try:
        [conflict] = team_conflicts.open_conflicts(store)
        team_conflicts.resolve(store, conflict.id, "server", by=store.acting[0])
        ctx = Context(worker_id=store.acting[0], today=date(2026, 11, 24))
        assert actions.open_record(store, carer_id, ctx, False).conflicted_fields == []
    finally:
        store.close()
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.unlocked, lambda: "the app did not unlock", 200)
        app.open_carer(carer_id)
        await on_screen(pilot, "CarerRecordScreen")
        await until(pilot, lambda: app.screen.query_one("#f-first_name").value == "Amy", lambda: "no record")
        assert "conflict waiting" not in screen_text(app)
        assert not app.screen.query_one("#row-first_name").has_class("-conflict")
