"""The unlock screen: the passphrase, then the store is opened off the UI thread.

The passphrase says who is unlocking: it opens that worker's key slot, so there is no list of
names to pick from. After the store opens: the quick integrity check (a damaged file is opened
read-only, said so plainly, with the newest backup offered: ``r`` restores it), then, when the
open made a recovery key (a new database, or a file moved to key slots), the key is shown once
until Enter; then the App takes over, the worker at their own home. The same screen is shown when
the App locks itself.

This module imports no database code at import time, so the first paint stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, LoadingIndicator, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.common.errors import describe

if TYPE_CHECKING:
    from db.engine import Store
    from ycworker.common.workers import WorkerInfo
    from ycworker.protection.session import LockPolicy, UnlockInfo
    from ycworker.protection.unlocking import Unlocked


# The work, off the UI thread (``run_job``); each imports the database code there, not at import
# time and not on the UI thread, so the first paint and the loading indicator stay smooth.

def _unlock(path: Path, secret: str, prepare: Callable[[Store], object] | None) -> Unlocked:
    from ycworker.protection import unlocking

    return unlocking.unlock(path, secret, prepare)


def _restore_backup(path: Path, backup: Path, secret: str) -> None:
    from ycworker.protection.backups import restore

    restore(path, backup, secret)


def _start_session(store: Store, worker_id: str | None, failed: list[datetime]) -> WorkerInfo:
    """Start the worker's session; the store is closed when it cannot be."""
    from ycworker.protection import session as protection

    try:
        return protection.start_session(store, worker_id, failed)
    except Exception:
        store.close()
        raise


class UnlockScreen(AreaScreen):
    """Ask for the passphrase; a new database asks for it twice."""

    BINDINGS = [
        ("escape", "clear", "Clear"),
        Binding("r", "restore_newest", "Restore newest backup", show=False),
        Binding("c", "continue_read_only", "Continue read-only", show=False),
        Binding("enter", "go_on", "Go on", show=False),
    ]

    DEFAULT_CSS = """
    #unlock-locked { color: $warning; text-style: bold; height: auto; width: 100%; }
    #unlock-error { width: 100%; }
    #unlock-recovery { height: auto; border: round $warning; padding: 0 1; }
    #unlock-damaged { color: $error; height: auto; border: round $error; padding: 0 1; }
    """

    def __init__(self, locked: str | None = None):
        super().__init__()
        self.locked = locked
        self._store: Store | None = None
        self._info: UnlockInfo | None = None
        self._secret: str | None = None  # held only while a damaged file's restore is offered
        self._given = False

    def compose(self) -> ComposeResult:
        path = self.ycapp.db_path
        self.new_db = not path.exists() or path.stat().st_size == 0
        with Center(), Vertical(id="unlock-box"):
            yield Static("ycworker", id="unlock-title")
            yield Label("Young Carers Service · encrypted case records", classes="muted")
            yield Label(str(path), id="unlock-path", classes="muted")
            if self.locked:
                yield Label(self.locked, id="unlock-locked")
            if self.new_db:
                yield Label("New database: choose a passphrase, 10 characters or more.")
            yield Input(placeholder="Passphrase", password=True, id="passphrase")
            if self.new_db:
                yield Input(placeholder="Type it again", password=True, id="confirm")
            yield Label("", id="unlock-error", classes="field-error")
            yield LoadingIndicator(id="unlock-busy")
            yield Static("", id="unlock-damaged")
            yield Static("", id="unlock-recovery")
        yield Footer()

    def on_mount(self) -> None:
        for wid in ("#unlock-busy", "#unlock-damaged", "#unlock-recovery"):
            self.query_one(wid).display = False
        given = None if self.locked else self.ycapp.take_passphrase()
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
                from ycworker.protection.passphrase import check_new

                problem = check_new(secret)
                if problem:
                    self._error(problem)
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

    def _open(self, secret: str) -> None:
        def opened(unlocked: Unlocked) -> None:
            self._opened_store(unlocked.store, unlocked.info, secret)

        self.run_job(_unlock, self.ycapp.db_path, secret, self._demo_fill(), then=opened,
                     on_error=self._open_failed, group="unlock-open", exclusive=True)

    def _open_failed(self, error: BaseException) -> None:
        from ycworker.protection import unlocking  # imported already, by the work

        if isinstance(error, unlocking.WrongPassphrase):
            self._failed(str(error), True)
        elif isinstance(error, (unlocking.StoreError, unlocking.UnlockFailed)):
            self._failed(str(error))
        else:  # anything else: said plainly, and the passphrase can be typed again
            self._failed(describe(error, "open the database"))

    def _demo_fill(self) -> Callable[[Store], None] | None:
        """In demo mode: fill an empty database with a demo service (the thread says so first)."""
        app = self.ycapp
        if not app.demo:
            return None

        def fill(store: Store) -> None:
            from ycworker.demo import demo_if_empty

            app.call_from_thread(self._error, "Filling a demo service…")  # progress, mid-work
            demo_if_empty(store, app.demo_carers)

        return fill

    def _failed(self, message: str, wrong_passphrase: bool = False) -> None:
        if wrong_passphrase:
            self.ycapp.note_failed_unlock()
        self.query_one("#unlock-busy").display = False
        for field in self.query(Input):
            field.disabled = False
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.focus()
        self._error(message)

    # -- after the store has opened ----------------------------------------------------------

    def _opened_store(self, store: Store, info: UnlockInfo, secret: str) -> None:
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

    def _restore(self, backup: Path, secret: str) -> None:
        def restored(_: None) -> None:
            self.notify(f"Restored {backup.name}; the damaged file is kept in the backups folder.",
                        title="Restored", timeout=15)
            self._open(secret)

        def failed(error: BaseException) -> None:
            self._failed(f"The backup was not restored. {describe(error)}")

        self.run_job(_restore_backup, self.ycapp.db_path, backup, secret, then=restored,
                     on_error=failed, group="unlock-restore", exclusive=True)

    def _choose_worker(self) -> None:
        """The passphrase said who it is: show a new recovery key once, then start their session."""
        store = self._store
        assert store is not None  # the store is open
        if store.recovery_code:
            panel = self.query_one("#unlock-recovery", Static)
            panel.update("Write this recovery key on paper and keep it locked away: "
                         f"{store.recovery_code}\n\nIt opens the database when every passphrase is "
                         "forgotten, and it is not shown again. Press Enter to go on.")
            panel.display = True
            for field in self.query(Input):
                field.display = False
            self.set_focus(None)
            return
        self._start(self._who())

    def action_go_on(self) -> None:
        store = self._store
        if store is None or not store.recovery_code or not self.query_one("#unlock-recovery").display:
            return
        store.recovery_code = None  # shown once
        self.query_one("#unlock-recovery").display = False
        self._start(self._who())

    def _who(self) -> str | None:
        """The worker whose slot opened the store (a store opened without one, as a test's
        plain file is: the worker ``after_open`` remembered)."""
        store, info = self._store, self._info
        if store is not None and store.acting:
            return store.acting[0]
        return info.remembered.id if info and info.remembered else None

    def _start(self, worker_id: str | None) -> None:
        store, info = self._store, self._info
        assert store is not None and info is not None  # the store is open
        self.query_one("#unlock-busy").display = True

        def started(worker: WorkerInfo) -> None:
            self._opened(store, worker, info.policy, getattr(info, "check_deferred", False))

        def failed(error: BaseException) -> None:  # the work has closed the store
            self._store = None
            self._failed(f"The database opened but could not be saved to. {describe(error)}")

        self.run_job(_start_session, store, worker_id, self.ycapp.take_failed_unlocks(), then=started,
                     on_error=failed, group="unlock-begin", exclusive=True)

    def _opened(self, store: Store, worker: WorkerInfo, policy: LockPolicy | None = None,
                check_deferred: bool = False) -> None:
        self._store = self._info = None
        self.ycapp.unlocked_with(store, worker, policy, check_deferred=check_deferred)
