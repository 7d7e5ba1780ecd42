"""The unlock screen: the passphrase, then the store is opened off the UI thread.

After the store opens: the quick integrity check (a damaged file is opened read-only, said so
plainly, with the newest backup offered: ``r`` restores it), then "who is using ycworker?" on a
shared laptop (the worker picker, when the service has more than one worker and the passphrase
was typed here), then the App takes over. The same screen is shown when the App locks itself.

This module imports no database code at import time, so the first paint stays fast.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from screens.common.footer import Footer
from ycworker.common.errors import describe


class UnlockScreen(Screen):
    """Ask for the passphrase; a new database asks for it twice."""

    BINDINGS = [
        ("escape", "clear", "Clear"),
        Binding("r", "restore_newest", "Restore newest backup", show=False),
        Binding("c", "continue_read_only", "Continue read-only", show=False),
    ]

    DEFAULT_CSS = """
    #unlock-locked { color: $warning; text-style: bold; height: auto; width: 100%; }
    #unlock-error { width: 100%; }
    #unlock-who { height: auto; max-height: 12; border: round $accent; }
    #unlock-damaged { color: $error; height: auto; border: round $error; padding: 0 1; }
    """

    def __init__(self, locked: str | None = None):
        super().__init__()
        self.locked = locked
        self._store = None
        self._info = None
        self._secret: str | None = None  # held only while a damaged file's restore is offered
        self._given = False

    def compose(self) -> ComposeResult:
        path = self.app.db_path
        self.new_db = not path.exists() or path.stat().st_size == 0
        with Center(), Vertical(id="unlock-box"):
            yield Static("ycworker", id="unlock-title")
            yield Label("Young Carers Service · encrypted case records", classes="muted")
            yield Label(str(path), id="unlock-path", classes="muted")
            if self.locked:
                yield Label(self.locked, id="unlock-locked")
            if self.new_db:
                yield Label("New database: choose a passphrase (8 characters or more).")
            yield Input(placeholder="Passphrase", password=True, id="passphrase")
            if self.new_db:
                yield Input(placeholder="Type it again", password=True, id="confirm")
            yield Label("", id="unlock-error", classes="field-error")
            yield LoadingIndicator(id="unlock-busy")
            yield Static("", id="unlock-damaged")
            yield Label("Who is using ycworker? (↑ ↓ then Enter)", id="unlock-who-label")
            yield OptionList(id="unlock-who")
        yield Footer()

    def on_mount(self) -> None:
        for wid in ("#unlock-busy", "#unlock-damaged", "#unlock-who-label", "#unlock-who"):
            self.query_one(wid).display = False
        given = None if self.locked else self.app.take_passphrase()
        if given is not None:
            self._given = True
            self.unlock(given)
        else:
            self.query_one("#passphrase", Input).focus()

    def action_clear(self) -> None:
        if self._store is not None:
            return
        for field in self.query(Input):
            field.value = ""
        self._error("")
        self.query_one("#passphrase", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#unlock-error", Label).update(text)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        secret = self.query_one("#passphrase", Input).value
        if self.new_db:
            if event.input.id == "passphrase":
                if len(secret) < 8:
                    self._error("Use at least 8 characters.")
                    return
                self.query_one("#confirm", Input).focus()
                return
            if self.query_one("#confirm", Input).value != secret:
                self._error("The two passphrases do not match.")
                return
        if not secret:
            self._error("Type the passphrase, then Enter.")
            return
        self.unlock(secret)

    def unlock(self, secret: str) -> None:
        self._error("")
        for field in self.query(Input):
            field.disabled = True
        self.query_one("#unlock-busy").display = True
        self._open(secret)

    @work(thread=True, exclusive=True, group="unlock-open", exit_on_error=False)
    def _open(self, secret: str) -> None:
        from ycworker.protection import unlocking

        try:
            unlocked = unlocking.unlock(self.app.db_path, secret, self._demo_fill())
        except unlocking.WrongPassphrase as exc:
            self.app.call_from_thread(self._failed, str(exc), True)
            return
        except (unlocking.StoreError, unlocking.UnlockFailed) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._opened_store, unlocked.store, unlocked.info, secret)

    def _demo_fill(self):
        """In demo mode: fill an empty database with a demo service (the thread says so first)."""
        if not self.app.demo:
            return None
        from ycworker.demo import demo_if_empty

        def fill(store) -> None:
            self.app.call_from_thread(self._error, "Filling a demo service…")
            demo_if_empty(store, self.app.demo_carers)

        return fill

    def _failed(self, message: str, wrong_passphrase: bool = False) -> None:
        if wrong_passphrase:
            self.app.note_failed_unlock()
        self.query_one("#unlock-busy").display = False
        for field in self.query(Input):
            field.disabled = False
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        self._error(message)

    # -- after the store has opened ----------------------------------------------------------

    def _opened_store(self, store, info, secret: str) -> None:
        self._store, self._info = store, info
        self.query_one("#unlock-busy").display = False
        self._error("")  # "Filling a demo service…" is done
        for field in self.query(Input):
            field.value = ""
        if info.damaged:
            self._secret = secret
            self._show_damaged(info.damaged)
            return
        self._choose_worker()

    def _show_damaged(self, message: str) -> None:
        newest = self._info.restore_from if self._info else None
        keys = "Press c to continue read-only"
        if newest is not None:
            keys = f"Press r to restore {newest.name}, or c to continue read-only"
        panel = self.query_one("#unlock-damaged", Static)
        panel.update(f"{message}\n\n{keys}.")
        panel.display = True
        self.set_focus(None)

    def action_continue_read_only(self) -> None:
        if self._store is None or not self._info or not self._info.damaged:
            return
        self._secret = None
        self.query_one("#unlock-damaged").display = False
        self._choose_worker()

    def action_restore_newest(self) -> None:
        if self._store is None or not self._info or not self._info.damaged or not self._secret:
            return
        newest = self._info.restore_from
        if newest is None:
            self._error("There is no backup to restore.")
            return
        store, self._store, self._info = self._store, None, None
        store.close()
        secret, self._secret = self._secret, None
        self.query_one("#unlock-damaged").display = False
        self.query_one("#unlock-busy").display = True
        self._restore(newest, secret)

    @work(thread=True, exclusive=True, group="unlock-restore", exit_on_error=False)
    def _restore(self, backup, secret: str) -> None:
        from ycworker.protection.backups import restore

        try:
            restore(self.app.db_path, backup, secret)
        except Exception as exc:
            self.app.call_from_thread(self._failed, f"The backup was not restored. {describe(exc)}")
            return
        self.app.call_from_thread(self.notify, f"Restored {backup.name}; the damaged file is kept "
                                  "in the backups folder.", title="Restored", timeout=15)
        self._open(secret)

    def _choose_worker(self) -> None:
        info = self._info
        workers = list(info.workers)
        remembered = info.remembered
        if len(workers) <= 1 or self._given or remembered is None:
            self._start(remembered.id if remembered else workers[0].id)
            return
        picker = self.query_one("#unlock-who", OptionList)
        picker.clear_options()
        for w in workers:
            role = " (manager)" if w.is_manager else ""
            picker.add_option(Option(f"{w.name}{role}", id=w.id))
        picker.highlighted = next((i for i, w in enumerate(workers) if w.id == remembered.id), 0)
        self.query_one("#unlock-who-label").display = True
        picker.display = True
        for field in self.query(Input):
            field.display = False
        picker.focus()

    @on(OptionList.OptionSelected, "#unlock-who")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.query_one("#unlock-who").disabled = True
            self._start(event.option.id)

    def _start(self, worker_id: str) -> None:
        self.query_one("#unlock-busy").display = True
        self._begin(self._store, self._info, worker_id, self.app.take_failed_unlocks())

    @work(thread=True, exclusive=True, group="unlock-begin", exit_on_error=False)
    def _begin(self, store, info, worker_id: str, failed: list) -> None:
        from ycworker.protection import session as protection

        try:
            worker = protection.start_session(store, worker_id, failed)
        except Exception as exc:
            store.close()
            self._store = None
            self.app.call_from_thread(self._failed,
                                      f"The database opened but could not be saved to. {describe(exc)}")
            return
        self.app.call_from_thread(self._opened, store, worker, info.policy,
                                  getattr(info, "check_deferred", False))

    def _opened(self, store, worker, policy=None, check_deferred: bool = False) -> None:
        self._store = self._info = None
        self.app.unlocked_with(store, worker, policy, check_deferred=check_deferred)
