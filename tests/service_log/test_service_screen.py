"""The service log through the real UI: each tab, add and change entries with the keyboard, errors
beside their fields, days to respond, champions, bus passes; the database and the audit log after."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from db.models import AuditEntry, AwarenessSession, BusPass, SafeguardingEntry, School, TripleCEntry
from tests.conftest import PASSPHRASE, on_screen, screen_text, settle, unlocked
from tests.helpers import factories as f


def fill(app, **values) -> None:
    from textual.widgets import Select

    for name, value in values.items():
        widget = app.screen.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value


def rows(app, key: str) -> list[str]:
    table = app.screen.query_one(f"#tbl-{key}")
    return [" | ".join(str(c).strip() for c in table.get_row_at(i)).rstrip() for i in range(table.row_count)]


async def save_form(pilot) -> None:
    await pilot.press("ctrl+s")
    await on_screen(pilot, "ServiceActivityScreen")


async def test_every_tab_add_and_change_with_the_keyboard(make_app, store):
    with store.write() as s:
        d = f.district(s, "Thanet")
        f.school(s, "Margate Academy", district_id=d.id, on_list=True)
        f.carer(s, first_name="Zara", last_name="Quist", carer_ref="YC-000010")
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        await pilot.press("s")
        await on_screen(pilot, "ServiceActivityScreen")
        screen = app.screen
        assert screen.active == "awareness"
        assert "0 awareness sessions (KPI 8) reaching 0 people · none yet: n adds one" in screen_text(app)
        assert "Showing this financial year (01/04/2026 to 31/03/2027)" in screen_text(app)

        # awareness: the audience chosen with the keyboard; a bad headcount is shown beside it
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        assert "New awareness session" in screen_text(app)
        await pilot.press(*"02/10/2026", "tab")
        assert app.screen.focused.id == "f-audience"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "enter")  # the first: Pupils
        await settle(pilot)
        assert app.screen.query_one("#f-audience").value == "pupils"
        fill(app, headcount="a hundred", school="margate academy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'a hundred' is not a whole number" in screen_text(app)
        assert app.screen.query_one("#f-headcount").value == "a hundred"  # kept
        fill(app, headcount="120")
        await save_form(pilot)
        assert rows(app, "awareness") == ["02/10/2026 | Pupils | 120 | Margate Academy |"]
        assert "1 awareness session (KPI 8) reaching 120 people" in screen_text(app)

        # change it: Enter opens it filled in
        await pilot.press("enter")
        await on_screen(pilot, "FormModal")
        assert "Change awareness session" in screen_text(app)
        assert app.screen.query_one("#f-headcount").value == "120"
        fill(app, headcount="140")
        await save_form(pilot)
        assert rows(app, "awareness") == ["02/10/2026 | Pupils | 140 | Margate Academy |"]

        # training
        await pilot.press("2")
        await settle(pilot)
        assert screen.active == "training"
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, session_date="05/11/2026", title="Identifying young carers", audience="DSLs",
             professionals_trained="18")
        await save_form(pilot)
        assert "1 training session; 18 professionals trained (KPI 7)" in screen_text(app)

        # schools: a champion since when
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, name="Ramsgate College", phase="college", on_list="yes", champion_name="Mr Reed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Give the date the champion started" in screen_text(app)
        fill(app, champion_since="01/03/2024")
        await save_form(pilot)
        school_rows = rows(app, "schools")
        assert "Ramsgate College |  | College | yes | Champion since 01/03/2024 | Mr Reed" in school_rows
        assert "Margate Academy | Thanet | Primary | yes | No champion |" in school_rows or any(
            r.startswith("Margate Academy | Thanet") and "No champion" in r for r in school_rows)
        assert "2 schools on the list, 1 with a Young Carer Champion today: 50.0% (KPI 9" in screen_text(app)

        # feedback
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, feedback_date="20/11/2026", satisfied="yes", source="survey")
        await save_form(pilot)
        assert "1 response, 1 satisfied: 100.0% (KPI 6, target 90%)" in screen_text(app)

        # Compliments, comments and complaints: days to respond in working days
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        assert "New compliment, comment or complaint" in screen_text(app)
        fill(app, kind="complaint", entry_date="13/11/2026", received_from="parent_carer",
             theme="Waiting time", detail="Waited three weeks", response="Apologised; visit booked",
             responded_date="20/11/2026")
        await save_form(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, kind="complaint", entry_date="17/11/2026", theme="Cancellation")
        await save_form(pilot)
        ccc = rows(app, "triple_c")
        assert ccc[0].startswith("17/11/2026 | Complaint |  | Cancellation |")
        assert ccc[0].endswith("waiting 5 working days")
        assert ccc[1] == ("13/11/2026 | Complaint | Parent or carer | Waiting time | "
                          "Apologised; visit booked | 20/11/2026 | 5 working days")
        assert "1 complaint awaiting a response" in screen_text(app)

        # safeguarding: the ref, never the name
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, entry_date="21/11/2026", theme="Online safety", action="Safety plan made", carer="YC-NOPE")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No young carer has the ref 'YC-NOPE'" in screen_text(app)
        fill(app, carer="yc-000010")
        await save_form(pilot)
        assert rows(app, "safeguarding") == ["21/11/2026 | Online safety | Safety plan made | YC-000010"]
        assert "Zara" not in screen_text(app)

        # bus passes: applied, issued, waiting
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("n")
        await on_screen(pilot, "FormModal")
        fill(app, carer="YC-000010", applied_date="10/11/2026")
        await save_form(pilot)
        assert rows(app, "bus_passes") == ["YC-000010 | Zara Quist | 10/11/2026 |  | waiting 14 days"]
        await pilot.press("enter")
        await on_screen(pilot, "FormModal")
        fill(app, issued_date="20/11/2026")
        await save_form(pilot)
        assert rows(app, "bus_passes") == [
            "YC-000010 | Zara Quist | 10/11/2026 | 20/11/2026 | issued in 10 days"]

        # the dates shown: this quarter, everything
        await pilot.press("1", "w")
        await settle(pilot)
        assert "Showing everything" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert "Showing this quarter (01/10/2026 to 31/12/2026)" in screen_text(app)
        assert rows(app, "awareness") == ["02/10/2026 | Pupils | 140 | Margate Academy |"]

    from db.engine import open_store

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            assert s.exec(sa.select(AwarenessSession.headcount)).scalars().all() == [140]
            assert s.exec(sa.select(sa.func.count()).select_from(TripleCEntry)).scalar() == 2
            since = sa.select(School.champion_since).where(School.name == "Ramsgate College")
            assert s.exec(since).scalar() == date(2024, 3, 1)
            assert s.exec(sa.select(BusPass.issued_date)).scalar() == date(2026, 11, 20)
            assert s.exec(sa.select(sa.func.count()).select_from(SafeguardingEntry)).scalar() == 1
            a = AuditEntry.__table__.c
            audited = s.connection().execute(sa.select(a.action, a.entity)).all()
    finally:
        check.close()
    entities = {(action, entity) for action, entity in audited}
    for entity in ("awareness_session", "training_session", "school", "feedback", "triple_c_entry",
                   "safeguarding_entry", "bus_pass"):
        assert ("create", entity) in entities, entity
    assert ("update", "awareness_session") in entities and ("update", "bus_pass") in entities
    assert ("view", "bus_pass") in entities  # opening a carer's bus pass is a view of their record



async def test_loading_on_and_off_tells_the_footer(make_app, store):
    """Textual leaves a focused widget's keys out of the screen's bindings while it loads, but says
    nothing when loading starts or ends: the footer went on without "⏎ Change entry" (or with keys
    that did nothing) until the next key. ``set_loading`` tells it."""
    from screens.common.base import set_loading

    store.close()
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await unlocked(pilot)
        await pilot.press("s")
        await on_screen(pilot, "ServiceActivityScreen")
        screen = app.screen
        table = screen.table(screen.active)
        told: list[bool] = []
        screen.bindings_updated_signal.subscribe(table, lambda _s: told.append(table.loading), immediate=True)
        set_loading(table, True)
        set_loading(table, False)
        assert told == [True, False]
        await settle(pilot)
        assert not table.loading and app.screen.query_one(f"#sum-{screen.active}").render()
