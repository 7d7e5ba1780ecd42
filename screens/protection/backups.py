"""Backups: the list of verified backups, back up now, and restore one.

A backup is written, fsynced, opened with the key and fully checked before it is kept
(``ycworker.protection.backups.make_backup``), off the UI thread. Restoring asks for the passphrase the
backup opens with (the one the database had when it was made); the backup is checked while the
database is still open, so a wrong passphrase or a damaged backup changes nothing. A backup made
under another passphrase (before a change of passphrase) also needs the passphrase the database
opens with now: the restored file goes on opening with that one, never silently with the
backup's. Then the database is closed, the current file kept in the backups folder, the backup
put in its place, and the app shows the unlock screen: unlock with the current passphrase.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.common.errors import FieldError
from ycworker.protection.actions import back_up_now, backups_kept
from ycworker.protection.backups import RestoreFailed, RestoreResult, restore_over_store

if TYPE_CHECKING:
    from db.engine import Store

REASONS = {"daily": "daily", "manual": "made by hand", "before-restore": "file replaced by a restore"}


def _restore_over(store: Store, backup: Path, secret: str, worker_id: str | None,
                  current: str | None) -> RestoreResult:
    """The restore, off the UI thread (``run_job``)."""
    return restore_over_store(store, backup, secret, worker_id, current_passphrase=current)


def made_under_another_passphrase(db_path: Path, backup: Path) -> bool:
    from ycworker.protection import backups

    return backups.made_under_another_passphrase(db_path, backup)


class RestoreModal(ModalScreen[tuple[str, str | None] | None]):
    """Ask for the passphrase the backup opens with and, for a backup made under another
    passphrase, the one the database opens with now; dismissed with (backup's, current or None).
    The restore itself runs in the screen below, which reports a refusal back beside its field
    (``show_error``)."""

    DEFAULT_CSS = """
    RestoreModal { align: center middle; }
    RestoreModal > Vertical { width: 90; height: auto; border: thick $warning; background: $surface;
                              padding: 1 2; }
    RestoreModal .restore-row { height: auto; }
    RestoreModal .restore-row Label { padding: 1 1 0 0; }
    RestoreModal .restore-row Input { width: 36; }
    RestoreModal .field-error { color: $error; text-style: bold; height: auto; padding: 0 0 0 0; }
    RestoreModal #restore-current-why { height: auto; padding: 1 0 0 0; }
    RestoreModal #restore-busy { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "restore", "Restore", key_display="^s", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, backup_name: str, described: str, other_passphrase: bool = False):
        super().__init__()
        self.backup_name = backup_name
        self.described = described
        self.other_passphrase = other_passphrase  # ask for the current passphrase too

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Restore {self.backup_name}?", markup=False)
            yield Static(f"{self.described}\n\nThe database will be replaced by this backup. What "
                         "was saved since it was made is not in it (the current file is kept in the "
                         "backups folder). The app then locks: unlock with the passphrase the "
                         "database opens with now; the restore does not change it.", markup=False)
            with Horizontal(classes="restore-row"):
                yield Label("Passphrase of the backup")
                yield Input(password=True, id="f-passphrase")
            yield Label("", id="err-passphrase", classes="field-error", markup=False)
            with Vertical(id="restore-current"):
                yield Static("This backup was made under another passphrase (before a change of "
                             "passphrase). Give the passphrase the database opens with now as well: "
                             "after the restore it goes on opening with that one, not the backup's.",
                             id="restore-current-why", markup=False)
                with Horizontal(classes="restore-row"):
                    yield Label("Current passphrase      ")
                    yield Input(password=True, id="f-current")
                yield Label("", id="err-current", classes="field-error", markup=False)
            yield Static("", id="restore-busy", markup=False)
            yield Static("Enter or ctrl+s restores · Esc cancels", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#restore-current").display = self.other_passphrase
        self.query_one("#f-passphrase", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if (event.input.id == "f-passphrase" and self.other_passphrase
                and not self.query_one("#f-current", Input).value):
            self.query_one("#f-current", Input).focus()  # Enter moves on to the second field
            return
        self.action_restore()

    def action_restore(self) -> None:
        secret = self.query_one("#f-passphrase", Input).value
        current = self.query_one("#f-current", Input).value if self.other_passphrase else ""
        self.show_error("")
        if not secret:
            self.show_error("Type the passphrase the backup opens with.")
            return
        if self.other_passphrase and not current:
            self.show_error("Type the passphrase the database opens with now.", "current")
            return
        self.query_one("#restore-busy", Static).update("Checking the backup…")
        for field in ("#f-passphrase", "#f-current"):
            self.query_one(field, Input).disabled = True
        self.dismiss((secret, current or None))

    def show_error(self, text: str, field: str = "passphrase") -> None:
        """Say why beside ``field`` ("passphrase" or "current"), which gets the focus; "" clears both."""
        if not text:
            for name in ("passphrase", "current"):
                self.query_one(f"#err-{name}", Label).update("")
            return
        if field == "current" and not self.other_passphrase:
            self.other_passphrase = True
            self.query_one("#restore-current").display = True
        name = "current" if field == "current" else "passphrase"
        self.query_one(f"#err-{name}", Label).update(text)
        self.query_one(f"#f-{name}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class BackupsScreen(AreaScreen):
    """Every backup of this database, newest first."""

    HELP_TITLE = "Backups"
    DEFAULT_CSS = """
    BackupsScreen #backups-status { height: auto; padding: 0 1; background: $boost; }
    BackupsScreen #backups-status.-error { color: $error; text-style: bold; }
    BackupsScreen DataTable { height: 1fr; }
    BackupsScreen #backups-where { padding: 0 1; color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("b", "back_up", "Back up now", show=True),
        Binding("enter", "restore", "Restore this backup", show=True, priority=True),
        Binding("f5", "refresh", "Refresh", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.busy = False
        self.note = ""  # said once more after the list is read again

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the backups…", id="backups-status", markup=False)
        table: DataTable[str] = DataTable(id="backups-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Made", "Kind", "Size", "File")
        yield table
        yield Static("", id="backups-where", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        from ycworker.common.paths import backups_dir

        self.query_one("#backups-where", Static).update(
            f"Folder: {backups_dir(self.ycapp.db_path)} (private: only you can read it). "
            "A daily backup is made at the first unlock of the day; b makes one now.")
        self.query_one(DataTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.ycapp.store is not None and not self.busy:
            self.action_refresh()

    def status(self, text: str, error: bool = False) -> None:
        widget = self.query_one("#backups-status", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    def action_refresh(self) -> None:
        self.run_db(backups_kept, then=self._show, what="list the backups", group="backups-list",
                    exclusive=True)

    def _show(self, rows: list) -> None:
        self.rows = rows
        note, self.note = self.note, ""
        table = self.query_one(DataTable)
        table.clear()
        for b in rows:
            table.add_row(f"{b.made_at:%a %d %b %Y %H:%M}", REASONS.get(b.reason, b.reason),
                          f"{b.size / 1_048_576:.1f} MB", b.name, key=b.name)
        if not self.busy:
            count = f"{len(rows)} backup{'s' if len(rows) != 1 else ''}" if rows else "No backups yet"
            self.status(f"{note} {count} in all." if note else
                        f"{count}. Enter restores the highlighted one; b backs up now.")

    def action_back_up(self) -> None:
        if self.busy or self.ycapp.store is None:
            return
        self.busy = True
        self.status("Backing up: writing, then checking the copy opens and is sound…")
        worker = self.ycapp.worker_info
        self.run_db(back_up_now, worker.id if worker else None, then=self._backed_up,
                    on_error=self._backup_failed, what="back up", group="backup", exclusive=True)

    def _backed_up(self, result) -> None:
        self.busy = False
        b = result.backup
        pruned = f" {len(result.pruned)} older backup(s) removed." if result.pruned else ""
        note = f"Backup made and checked: {b.name} ({b.size / 1_048_576:.1f} MB).{pruned}"
        self.notify(note, title="Backup", timeout=6)
        self.status(note)
        self.note = note
        self.action_refresh()

    def _backup_failed(self, error: BaseException) -> None:
        self.busy = False
        self.status(plain_error(error, "back up"), error=True)

    def _highlighted(self):
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_restore(self) -> None:
        if self.busy or self.ycapp.store is None:
            return
        chosen = self._highlighted()
        if chosen is None:
            self.status("There is no backup to restore yet: b makes one.", error=True)
            return
        other = made_under_another_passphrase(self.ycapp.db_path, chosen.path)
        self.app.push_screen(RestoreModal(chosen.name, chosen.describe(), other),
                             lambda answer, b=chosen: self._restore(b, answer))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_restore()

    def _restore(self, backup, answer: tuple[str, str | None] | None) -> None:
        if not answer:
            return
        secret, current = answer
        store = self.ycapp.detach_store()
        if store is None:
            return
        self.busy = True
        self.status(f"Checking {backup.name}, then restoring it…")
        worker = self.ycapp.worker_info
        worker_id = worker.id if worker else None

        def failed(error: BaseException) -> None:
            if isinstance(error, RestoreFailed):  # the file was closed: lock, say what happened
                self._restore_lost(str(error))
            else:  # checked before closing: nothing changed, the store is as it was
                self._restore_refused(store, backup, error)

        self.run_job(_restore_over, store, backup.path, secret, worker_id, current, then=self._restored,
                     on_error=failed, group="restore", exclusive=True)

    def _restore_refused(self, store, backup, error: BaseException) -> None:
        self.busy = False
        self.ycapp.attach_store(store)
        text = error.message if isinstance(error, FieldError) else plain_error(error, "restore")
        self.status(text, error=True)
        if isinstance(error, FieldError):  # ask again, with the reason beside its field
            other = error.field == "current" or made_under_another_passphrase(self.ycapp.db_path, backup.path)
            modal = RestoreModal(backup.name, backup.describe(), other)
            self.app.push_screen(modal, lambda answer, b=backup: self._restore(b, answer))
            modal.call_after_refresh(modal.show_error, text, error.field)

    def _restore_lost(self, text: str) -> None:
        self.busy = False
        self.ycapp.locked_after(text)

    def _restored(self, result) -> None:
        self.busy = False
        kept = f" The file it replaced is kept as {result.kept_copy.name}." if result.kept_copy else ""
        self.ycapp.locked_after(f"Restored {result.restored_from.name}.{kept} "
                              "Unlock with the passphrase the database opened with before; the "
                              "restore did not change it.")

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss()
