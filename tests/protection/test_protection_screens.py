"""The data-protection screens through the real UI: who may open what, the audit log's pages,
settings, retention review, erasure (the canary leaves the file), change of passphrase, and
back up now / restore."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList
from textual.widgets.option_list import OptionDoesNotExist

from db.engine import WrongPassphrase, open_store
from db.models import AuditEntry, Carer, District, Referral
from tests.conftest import FIRST_MANAGER, PASSPHRASE, give_passphrase, screen_text, settle
from tests.helpers import factories as f
from tests.helpers.protection import boot, db_handles, open_from_menu, unlock_as, wait_for
from ycworker.common import audit, settings


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#f-{name}", Input)


def error(app, name: str) -> str:
    return str(app.screen.query_one(f"#err-{name}").render())


async def type_into(pilot, name: str, text: str) -> None:
    """Put text in a field and focus it (typing each key is slow and not what is under test;
    Enter, ctrl+s and the keys that move between fields are pressed for real)."""
    box = field(pilot.app, name)
    box.value = text
    box.focus()
    await pilot.pause()


async def test_a_worker_cannot_open_the_managers_screens_and_a_manager_can(make_app, store):
    with store.write() as s:
        f.worker(s, name="Ben Worker")
        for i in range(120):
            audit.record(s, "view", "carer", f"{i:032d}")
    ben_passphrase = give_passphrase(store, "Ben Worker")
    store.close()
    app = make_app(passphrase=ben_passphrase)  # his passphrase: he is signed in, not a manager
    async with app.run_test(size=(160, 45)) as pilot:
        await boot(pilot)
        assert not app.worker_info.is_manager
        await pilot.press("f9")
        await settle(pilot)
        text = screen_text(app)
        assert "Audit log: who did what, when" not in text  # not offered to a youth worker
        assert "Backups: back up now, or restore one" in text
        assert "Ben Worker, signed in as a youth worker" in text
        menu = app.screen.query_one("#prot-menu", OptionList)
        for what in ("audit", "retention", "erase", "settings"):
            with pytest.raises(OptionDoesNotExist):
                menu.get_option_index(what)
        await pilot.press("escape")
        titles = [c.title for c in app.protection_commands()]
        assert "Audit log (manager)" not in titles and "Change my passphrase" in titles

        await pilot.press("ctrl+l")  # the manager unlocks with her own passphrase
        await settle(pilot)
        await unlock_as(pilot, FIRST_MANAGER, PASSPHRASE)
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "home")
        assert app.worker_info.is_manager
        assert "Audit log (manager)" in [c.title for c in app.protection_commands()]
        await open_from_menu(pilot, "audit")
        assert app.screen.__class__.__name__ == "AuditLogScreen"
        await wait_for(pilot, lambda: "Page 1 of" in screen_text(app), "the first page")
        status = str(app.screen.query_one("#audit-status").render())
        total = app.screen.last.total  # 120 views, the unlocks, the lock... all of them
        assert total >= 122 and f"{total:,} entries" in status
        table = app.screen.query_one(DataTable)
        assert table.row_count == 50
        first_page = [table.get_row_at(i) for i in range(table.row_count)]
        assert first_page[0][2] == "unlocked" and first_page[0][1] == FIRST_MANAGER  # newest first
        await pilot.press("n")
        await wait_for(pilot, lambda: "Page 2 of 3" in screen_text(app), "page 2")
        assert [table.get_row_at(i) for i in range(table.row_count)] != first_page
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: "Page 3 of 3" in screen_text(app), "page 3")
        assert table.row_count == total - 100
        await pilot.press("p")
        await wait_for(pilot, lambda: "Page 2 of 3" in screen_text(app), "back to page 2")
        await pilot.press("f")  # every action -> views only
        await wait_for(pilot, lambda: "120 entries · viewed" in screen_text(app), "the views")
        assert app.screen.last.page == 0 and {r.action for r in app.screen.last.rows} == {"view"}
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HomeScreen"
        # the manager's other screens open in the tests below (settings, retention, erase)


async def test_manager_settings_retention_review_and_erasure_through_the_ui(make_app, tmp_path, monkeypatch):
    """On a plaintext twin of the database (same engine, pragmas, schema and screens; no key) so
    the bytes of the db, -wal and -shm files can be searched for the canary after the erasure."""
    from db.engine import Store, _make_engine, upgrade_store
    from tests.helpers.protection import CANARY
    from tests.helpers.protection import person as _person
    from ycworker.protection import unlocking

    path = tmp_path / "plain" / "ycworker.db"
    path.parent.mkdir()
    twin = Store(path=path, engine=_make_engine(path, ""), created=True)
    upgrade_store(twin)
    with twin.write() as s:
        f.worker(s, name="Ann Manager", role="manager")
        gone, _hh, _mum = _person(s, ref="YC-GONE01")
        for referral in s.exec(select(Referral).where(Referral.carer_id == gone.id)).all():
            referral.referral_date, referral.closed_date = date(2018, 6, 1), date(2019, 3, 1)
            s.add(referral)
        gone.status = "closed"
        s.add(gone)
        keep = f.carer(s, "Keeper", "Stays", carer_ref="YC-KEEP01", status="closed")
        f.referral(s, keep.id, date(2022, 1, 1), closed_date=date(2023, 1, 1))
        gone_id = gone.id
    twin.checkpoint()
    with twin.write() as s:  # a change after the checkpoint: the name is in the WAL too
        s.get(Carer, gone_id).phone = f"{CANARY} 07700"
    twin.close()
    assert CANARY.encode() in path.read_bytes()
    monkeypatch.setattr(unlocking, "open_file",
                        lambda p, _secret: Store(path=Path(p), engine=_make_engine(Path(p), "")))

    app = make_app(db_path=path)
    async with app.run_test(size=(160, 45)) as pilot:
        await boot(pilot)
        assert app.worker_info.name == "Ann Manager"

        await open_from_menu(pilot, "settings")
        await wait_for(pilot, lambda: field(app, "idle_minutes").value == "10", "the settings")
        shown = [field(app, n).value for n in ("max_hours", "retention_years", "backups_kept")]
        assert shown == ["9", "6", "7"]
        await type_into(pilot, "idle_minutes", "ten")
        await type_into(pilot, "retention_years", "0")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: error(app, "idle_minutes"), "the field errors")
        assert error(app, "idle_minutes") == "Write a whole number of minutes, 1 to 120."
        assert error(app, "retention_years") == "Choose between 1 and 25 years."
        assert error(app, "max_hours") == "" and field(app, "idle_minutes").value == "ten"  # kept
        assert app.focused is field(app, "idle_minutes")
        await type_into(pilot, "idle_minutes", "5")
        await type_into(pilot, "retention_years", "7")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Saved." in screen_text(app), "saved")
        assert app.lock_policy.idle_minutes == 5 and error(app, "idle_minutes") == ""
        await pilot.press("escape", "escape")

        await open_from_menu(pilot, "retention")
        await wait_for(pilot, lambda: "closed more than 7 years ago" in screen_text(app), "the review list")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[1] == "YC-GONE01"  # Keeper closed 2023
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EraseScreen", "the erase form")
        await wait_for(pilot, lambda: "erasing removes" in screen_text(app), "the preview")
        text = screen_text(app)
        assert "1 carer row removed" in text and "1 household row removed" in text
        assert "link to the carer removed (carer_id)" in text
        assert app.focused is field(app, "confirm")
        await pilot.press(*"YC-WRONG", "ctrl+s")
        await wait_for(pilot, lambda: error(app, "confirm"), "the confirm error")
        assert error(app, "confirm") == "Type the carer's reference, YC-GONE01, to confirm."
        await type_into(pilot, "confirm", "yc-gone01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Erased YC-GONE01" in screen_text(app), "the erasure")
        assert "the journal is cleared" in screen_text(app)
        await type_into(pilot, "ref", "YC-GONE01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: error(app, "ref"), "not found")
        assert error(app, "ref") == "No young carer has the reference YC-GONE01."
        await pilot.press("escape")
        await wait_for(pilot, lambda: "No closed case is older" in screen_text(app), "an empty review list")

        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                assert CANARY.encode() not in part.read_bytes(), f"canary left in {suffix or 'db'}"
        assert b"Keeper" in path.read_bytes()
    check = Store(path=path, engine=_make_engine(path, ""))
    try:
        with check.read() as s:
            assert s.exec(select(Carer.carer_ref)).all() == ["YC-KEEP01"]
            erased = s.exec(select(AuditEntry.action, AuditEntry.record_id)
                            .where(AuditEntry.action == "erase")).all()
        assert erased == [("erase", gone_id)]
        with check.read() as s:
            assert settings.get(s, settings.RETENTION_YEARS) == "7"
    finally:
        check.close()


async def test_change_passphrase_needs_the_old_one_and_the_new_twice(make_app, store):
    with store.write() as s:
        s.add(District(name="Before the change"))
    store.close()
    new = "a brand new passphrase"
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await boot(pilot)
        await open_from_menu(pilot, "passphrase")
        await type_into(pilot, "old", "not the old one")
        await type_into(pilot, "new", new)
        await type_into(pilot, "again", new + "!")
        await pilot.press("enter")
        assert error(app, "again") == "The two new passphrases do not match."
        await type_into(pilot, "again", new)
        await pilot.press("enter")
        await wait_for(pilot, lambda: error(app, "old"), "the old passphrase refused")
        assert error(app, "old") == "That is not your current passphrase. Nothing was changed."
        assert app.unlocked and field(app, "new").value == new  # kept, store given back
        await type_into(pilot, "old", PASSPHRASE)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "passphrase is changed" in screen_text(app).lower(), "the change")
        assert "A new backup that opens with it" in screen_text(app)
        assert app.unlocked and error(app, "old") == ""
        await pilot.press("escape", "escape", "c")  # the app works on: the file's key is unchanged
        await wait_for(pilot, lambda: "0 carers" in screen_text(app), "the caseload read")
        assert app.current_mode == "caseload"
    with pytest.raises(WrongPassphrase):
        open_store(app.db_path, PASSPHRASE)
    s = open_store(app.db_path, new)
    try:
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["Before the change"]
            assert "update" in session.exec(select(AuditEntry.action)).all()  # own passphrase
    finally:
        s.close()


async def test_back_up_now_and_restore_from_the_ui(make_app, store):
    from ycworker.protection import backups

    with store.write() as s:
        s.add(District(name="In the backup"))
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await boot(pilot)
        await open_from_menu(pilot, "backups")
        await wait_for(pilot, lambda: "No backups yet" in screen_text(app), "the empty list")
        await pilot.press("b")
        await wait_for(pilot, lambda: "Backup made and checked" in screen_text(app), "the backup")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, "the list")
        made = backups.list_backups(app.db_path)
        assert len(made) == 1 and table.get_row_at(0)[1] == "made by hand"
        with app.store.write() as s:  # saved after the backup: the restore takes it away
            s.add(District(name="After the backup"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal", "the restore form")
        app.screen.query_one("#f-passphrase", Input).value = "wrong passphrase"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal" and
                       "does not open" in str(app.screen.query_one("#err-passphrase").render()),
                       "the refusal beside the field")
        assert app.unlocked  # nothing was changed: the store is back
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BackupsScreen"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal", "the restore form")
        app.screen.query_one("#f-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == app.LOCKED_MODE, "the lock after the restore")
        assert f"Restored {made[0].name}." in screen_text(app)
        assert db_handles(app.db_path) == []
        await unlock_as(pilot, None)
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "unlocked")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BackupsScreen"  # the same worker resumes
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 2, "the list")
        assert "file replaced by a restore" in screen_text(app)
    s = open_store(app.db_path, PASSPHRASE)
    try:
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["In the backup"]
            assert "restore" in session.exec(select(AuditEntry.action)).all()
    finally:
        s.close()


async def test_a_damaged_file_stops_saving_and_offers_the_newest_good_backup(make_app, store, monkeypatch):
    from datetime import datetime

    from ycworker.protection import backups, integrity

    with store.write() as s:
        s.add(District(name="Kept in the good backup"))
    good = backups.make_backup(store, now=datetime(2026, 11, 20, 8, 0)).backup.path
    bad = backups.make_backup(store, now=datetime(2026, 11, 23, 8, 0)).backup.path
    with store.write() as s:
        s.add(District(name="Saved after the backups"))
    store.close()
    data = bytearray(bad.read_bytes())  # the newest backup is damaged too: not offered
    data[4096 * 2 + 100: 4096 * 2 + 200] = b"\x00" * 100
    bad.write_bytes(bytes(data))
    real = integrity.quick_check
    damaged = integrity.CheckResult(False, "quick", ["*** in database main *** Page 9: btree damaged"])
    calls = []
    monkeypatch.setattr(integrity, "quick_check",
                        lambda st: calls.append(1) or (damaged if len(calls) == 1 else real(st)))

    app = make_app(passphrase=None)
    async with app.run_test(size=(160, 45)) as pilot:
        await unlock_as(pilot, None)
        await wait_for(pilot, lambda: app.screen.query_one("#unlock-damaged").display, "the damage")
        text = screen_text(app)
        assert "failed its quick check: it is damaged" in text and "stopped saving" in text
        assert "Page 9: btree damaged" in text
        assert f"The newest good backup is {good.name}" in text and bad.name not in text
        assert f"Press r to restore {good.name}, or c to continue read-only" in text
        assert not app.unlocked
        await pilot.press("r")
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "the restored file")
        assert app.store.writing_stopped is None
    s = open_store(app.db_path, PASSPHRASE)
    try:
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["Kept in the good backup"]
    finally:
        s.close()
    kept = [b for b in backups.list_backups(app.db_path) if b.reason == "before-restore"]
    assert len(kept) == 1  # the damaged file is kept, not thrown away
