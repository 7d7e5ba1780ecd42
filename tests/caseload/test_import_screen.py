"""The import from the UI: check a file, preview what will be added or every problem, import."""

from __future__ import annotations

from sqlmodel import func, select

from db.models import Referral
from tests.conftest import settle, unlocked
from tests.helpers.caseload_import import GOOD, csv_text, write


async def _import_screen(pilot):
    await unlocked(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    return pilot.app.screen


async def test_preview_then_import(make_app, store, tmp_path):
    path = write(tmp_path, csv_text(*GOOD), bom=True)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await _import_screen(pilot)
        assert type(screen).__name__ == "ImportCaseloadScreen"
        screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        summary = str(screen.query_one("#import-summary").render())
        assert "caseload.csv is good: ctrl+s will add 3 carers, 2 households and 4 referrals" in summary
        log = "\n".join(str(line) for line in screen.query_one("#import-detail").lines)
        assert "row 2: K1 Amira Khan, referred 10/01/2024" in log and "[new person]" in log
        with store.read() as s:
            assert s.exec(select(func.count()).select_from(Referral)).one() == 0  # preview wrote nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        done = str(screen.query_one("#import-summary").render())
        assert "added 3 carers, 2 households and 4 referrals" in done
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(Referral)).one() == 4


async def test_a_bad_file_lists_every_problem(make_app, store, tmp_path):
    path = write(tmp_path, csv_text(GOOD[0].replace("ABAN", "XXXX"), GOOD[2].replace(",M,", ",Q,")))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await _import_screen(pilot)
        screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert "2 problems" in str(screen.query_one("#import-summary").render())
        log = "\n".join(str(line) for line in screen.query_one("#import-detail").lines)
        assert "row 2, column ethnicity: 'XXXX'" in log and "row 3, column sex: 'Q'" in log
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Check a file first" in str(screen.query_one("#import-summary").render())
