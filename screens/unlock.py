"""The unlock screen: the passphrase, then the store is opened off the UI thread.

This module imports no database code at import time, so the first paint stays fast.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, LoadingIndicator, Static


class UnlockScreen(Screen):
    """Ask for the passphrase; a new database asks for it twice."""

    BINDINGS = [("escape", "clear", "Clear")]

    def compose(self) -> ComposeResult:
        path = self.app.db_path
        self.new_db = not path.exists() or path.stat().st_size == 0
        with Center(), Vertical(id="unlock-box"):
            yield Static("ycworker", id="unlock-title")
            yield Label("Young Carers Service · encrypted case records", classes="muted")
            yield Label(str(path), id="unlock-path", classes="muted")
            if self.new_db:
                yield Label("New database: choose a passphrase (8 characters or more).")
            yield Input(placeholder="Passphrase", password=True, id="passphrase")
            if self.new_db:
                yield Input(placeholder="Type it again", password=True, id="confirm")
            yield Label("", id="unlock-error", classes="field-error")
            yield LoadingIndicator(id="unlock-busy")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#unlock-busy").display = False
        given = self.app.take_passphrase()
        if given is not None:
            self.unlock(given)
        else:
            self.query_one("#passphrase", Input).focus()

    def action_clear(self) -> None:
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

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _open(self, secret: str) -> None:
        from ycworker.unlocking import StoreError, WrongPassphrase
        from ycworker.unlocking import unlock as open_store

        try:
            store = open_store(self.app.db_path, secret)
        except WrongPassphrase as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except StoreError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        try:
            from ycworker import audit, workers

            if self.app.demo:
                from ycworker.demo import demo_if_empty

                self.app.call_from_thread(self._error, "Filling a demo service…")
                demo_if_empty(store, self.app.demo_carers)
            with store.write() as session:
                worker = workers.current_worker(session)
                audit.record(session, "unlock", worker_id=worker.id)
        except Exception as exc:
            store.close()
            self.app.call_from_thread(self._failed, f"The database opened but could not be read: {exc}")
            return
        self.app.call_from_thread(self._opened, store, worker)

    def _failed(self, message: str) -> None:
        self.query_one("#unlock-busy").display = False
        for field in self.query(Input):
            field.disabled = False
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        self._error(message)

    def _opened(self, store, worker) -> None:
        self.app.unlocked_with(store, worker)
