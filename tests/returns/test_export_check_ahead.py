"""The export's damage check made ahead, while the worker reads the figures (issue 17: the check was
most of the wait between the export key and the sealed return). It stands for the export's own check
only while nothing has been written to the file since it began, from this process or another, and
only once; a damaged file keeps nothing, and a locked store keeps no connection."""

from __future__ import annotations

from datetime import date

import pytest

from db.engine import open_store
from tests.conftest import PASSPHRASE, on_screen, until, until_shows
from tests.helpers import factories, return_data
from tests.helpers.returns_screen import counted, open_returns
from ycworker.common.periods import parse_quarter
from ycworker.protection import integrity
from ycworker.returns import actions
from ycworker.returns import export as returns

TODAY = date(2026, 11, 24)
Q2 = parse_quarter("2025-26-Q2")


@pytest.fixture
def checks(monkeypatch) -> list[tuple[str, ...]]:
    """The tables of every export check that really runs."""
    ran: list[tuple[str, ...]] = []
    real = integrity.tables_check

    def counted(store, tables):
        ran.append(tuple(tables))
        return real(store, tables)

    monkeypatch.setattr(integrity, "tables_check", counted)
    return ran


@pytest.fixture
def seeded(store):
    with store.write() as s:
        return_data.seed(s)
    return store


def test_an_export_straight_after_the_check_ahead_does_not_check_again_and_only_once(seeded, checks,
                                                                                      tmp_path):
    assert actions.check_ahead(seeded) is True
    assert checks == [returns.RETURN_TABLES]
    returns.export_return(seeded, Q2, tmp_path / "usb", today=TODAY)
    assert checks == [returns.RETURN_TABLES]  # the check made ahead stood for the export's
    returns.export_return(seeded, Q2, tmp_path / "usb", today=TODAY)
    assert checks == [returns.RETURN_TABLES] * 2  # used once: the next export checks


def test_a_write_after_the_check_ahead_means_the_export_checks_again(seeded, checks, tmp_path):
    assert actions.check_ahead(seeded)
    with seeded.write() as s:
        factories.carer(s, carer_ref="YC-NEW")
    returns.export_return(seeded, Q2, tmp_path / "usb", today=TODAY)
    assert checks == [returns.RETURN_TABLES] * 2


def test_a_write_by_another_program_on_the_same_file_is_seen_too(seeded, checks, db_path, tmp_path):
    assert actions.check_ahead(seeded)
    other = open_store(db_path, PASSPHRASE)  # e.g. the CLI, while the App has the Returns screen
    try:
        with other.write() as s:
            factories.carer(s, carer_ref="YC-CLI")
    finally:
        other.close()
    returns.export_return(seeded, Q2, tmp_path / "usb", today=TODAY)
    assert checks == [returns.RETURN_TABLES] * 2


def test_a_check_ahead_of_fewer_tables_does_not_stand_for_the_export(seeded, checks, tmp_path):
    assert integrity.check_ahead(seeded, ("referral", "carer"))
    returns.export_return(seeded, Q2, tmp_path / "usb", today=TODAY)
    assert checks == [("referral", "carer"), returns.RETURN_TABLES]


def test_a_damaged_check_keeps_nothing(seeded, monkeypatch):
    monkeypatch.setattr(integrity, "tables_check",
                        lambda store, tables: integrity.CheckResult(False, "export", ["a page"]))
    assert actions.check_ahead(seeded) is False
    assert seeded.aside is None
    assert seeded.writing_stopped is None  # the export's own check says it, with the backup to use


def test_a_store_locked_while_the_check_ran_keeps_no_connection(seeded, monkeypatch):
    real = integrity.tables_check

    def lock_meanwhile(store, tables):
        result = real(store, tables)
        store.close()  # the worker locked the laptop while the thread checked
        return result

    monkeypatch.setattr(integrity, "tables_check", lock_meanwhile)
    watching = []
    fresh = seeded.fresh_connection
    monkeypatch.setattr(seeded, "fresh_connection", lambda: watching.append(fresh()) or watching[-1])
    assert actions.check_ahead(seeded) is False
    assert seeded.aside is None
    with pytest.raises(Exception, match="closed"):
        watching[0].execute("SELECT 1")


async def test_the_returns_screen_checks_ahead_and_the_export_then_skips_its_check(make_app, seeded,
                                                                                   checks, tmp_path):
    seeded.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await until(pilot, lambda: app.store.aside is not None and checks,
                    lambda: f"no check ahead: {checks}")
        await pilot.press("x")
        await on_screen(pilot, "ExportModal")
        app.screen.query_one("#rf-folder").value = str(tmp_path / "usb")
        await pilot.press("enter")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        await until_shows(pilot, "1 sealed return(s)")
        assert checks == [returns.RETURN_TABLES]
        assert app.store.aside is None
