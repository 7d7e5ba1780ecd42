"""The terminal App and its factory (used by the CLI and the tests).

Start-up is kept light: nothing here imports sqlmodel or opens a file at import time. The
unlock screen paints first; the store is opened (and migrated) in a thread worker after the
passphrase is given, and each area's screen is imported only when it is first opened.

Protection (issue 8): ``ctrl+l`` locks at once; the App also locks itself after
``idle_lock_minutes`` without a key or mouse event, or when the session has lasted
``max_session_hours``. Locking disposes the engine (``Store.close``: the key goes with it),
switches to a "locked" mode whose only screen is the unlock screen (so nothing of the case
records stays on screen), and keeps the area screens' stacks: after unlock the same worker
continues where they were; a different worker starts fresh at home. Failed unlock attempts are
written to the audit log after the next successful unlock. A daily verified backup is made in
the background after the first unlock of the day.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from screens.areas import AREAS, Area
from screens.common.app_commands import (
    MANAGER_ONLY,
    PROTECTION_SCREENS,
    AreaLetters,
    leave_field,
    protection_commands,
    run_area_action,
    screen_commands,
    team_commands,
)
from screens.team.sync_control import TeamSync
from ycworker.common.errors import describe

if TYPE_CHECKING:
    from db.engine import Store
    from screens.common.palette import AreaAction
    from ycworker.common.workers import WorkerInfo
    from ycworker.protection.session import LockPolicy

CSS_FILE = Path(__file__).resolve().parent.parent / "screens" / "app.tcss"


def _screen_factory(area: Area):
    def make() -> Screen:
        module = importlib.import_module(area.module)
        return getattr(module, area.cls)()

    return make


class YcWorkerApp(App[int]):
    """ycworker's terminal UI.

    The App is the composition root: it knows every area; no area knows the App's internals.
    Screens read what they need of it through the typed ``ycapp`` of the screen base; its
    palette commands and area letters are in ``screens.common.app_commands``."""

    TITLE = "ycworker"
    SUB_TITLE = "Young Carers Service"
    CSS_PATH = str(CSS_FILE)
    ENABLE_COMMAND_PALETTE = True
    # Our palette reads titles as plain text, not markup (a key shown as "[/]" crashed Textual's).
    COMMANDS = {lambda: importlib.import_module("screens.common.palette").ActionsProvider}
    MODES = {area.mode: _screen_factory(area) for area in AREAS}

    # Area keys (issue 12, item 5): the plain letter on any screen where no text field has the focus
    # and the screen does not use that letter itself (check_action); alt+letter from anywhere,
    # typing included. The first alt+h is only the footer's reminder, shown where a letter is not
    # an area key (see check_action); it does what alt+h does.
    BINDINGS = [
        *(Binding(area.key, f"area('{area.mode}')", area.title, show=True) for area in AREAS),
        Binding("alt+h", "alt_area('home')", "Areas", key_display="alt+letter", show=True,
                priority=True),
        *(Binding(f"alt+{area.key}", f"area_anywhere('{area.mode}')", area.title, show=False,
                  priority=True) for area in AREAS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+l", "lock", "Lock", show=True, priority=True),
        Binding("f9", "protection", "Data protection", key_display="F9", show=False),  # palette, not footer
        # Team sync (issues 15, 16): only on a laptop that joined a team (check_action); the
        # conflicts key is in the footer only while there are conflicts to settle.
        Binding("ctrl+t", "team_sync", "Sync", key_display="^t", show=True, id="team-sync"),
        Binding("ctrl+g", "team_conflicts", "Conflicts", key_display="^g", show=True, id="team-conflicts"),
        # The manager's Team view (issue 16): shown in a manager's home footer as t (not in every
        # footer: it would push the area keys off a full one); anyone else is told it is a manager's.
        Binding("f10", "team_view", "Team", key_display="F10", show=False, id="team-view"),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
    ]

    IDLE_CHECK_SECONDS = 15.0
    LOCKED_MODE = "locked"

    def __init__(
        self,
        db_path: Path,
        *,
        passphrase: str | None = None,
        today: date | None = None,
        demo: bool = False,
        demo_carers: int = 2000,
        auto_backup: bool | None = None,
    ):
        super().__init__()
        self.db_path = Path(db_path)
        self._passphrase = passphrase
        self._today = today
        self.demo = demo
        self.demo_carers = demo_carers
        self.store: Store | None = None
        self.worker_info: WorkerInfo | None = None
        # a fixed "today" (tests, demos) means no automatic daily backup unless asked for
        self.auto_backup = (today is None) if auto_backup is None else auto_backup
        self.lock_policy: LockPolicy | None = None  # loaded at unlock
        self.failed_unlocks: list[datetime] = []  # audited after the next successful unlock
        self.sync_folder = ""  # the folder returns were synced to last (the sync dialog starts there)
        self._last_activity = time.monotonic()
        self._session_started = time.monotonic()
        self._resume_mode: str | None = None
        self._locked_worker_id: str | None = None
        self._area_letters = AreaLetters()
        self.team = TeamSync(self)  # nothing shown unless this laptop joined a team

    # -- state shared with the screens -------------------------------------------------------

    def today(self) -> date:
        return self._today or date.today()

    @property
    def unlocked(self) -> bool:
        return getattr(self, "store", None) is not None

    def take_passphrase(self) -> str | None:
        """The passphrase given at start (environment or test), handed over once."""
        value, self._passphrase = self._passphrase, None
        return value

    def on_mount(self) -> None:
        from screens.protection.unlock import UnlockScreen

        self.push_screen(UnlockScreen())
        self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle, name="idle-lock")

    def unlocked_with(self, store: Store, worker: WorkerInfo, policy: Any = None, *,
                      check_deferred: bool = False) -> None:
        """Called by the unlock screen once the store is open and migrated."""
        from ycworker.protection.session import LockPolicy

        previous = self._locked_worker_id
        self.store = store
        self.worker_info = worker
        self.lock_policy = policy or LockPolicy()
        self._last_activity = self._session_started = time.monotonic()
        self.sub_title = f"{worker.name} · {store.path.name}"
        self.team.start(store, worker, self.sub_title)
        if self.current_mode == self.LOCKED_MODE:
            resume = self._resume_mode if previous == worker.id else None
            if resume is None:  # someone else: nothing of the last worker's screens is kept
                for area in AREAS:
                    if area.mode in self._modes:
                        self.remove_mode(area.mode)
                    self.add_mode(area.mode, _screen_factory(area))
            self.switch_mode(resume or "home")
            self.remove_mode(self.LOCKED_MODE)
        else:
            self.switch_mode("home")
        self._resume_mode = self._locked_worker_id = None
        self.set_timer(self.SETTLE_HEAP_DELAY, self._settle_heap)
        self._trim_later()
        if store.writing_stopped:
            self.notify(store.writing_stopped, title="Not saving: the database is damaged",
                        severity="error", timeout=30)
        elif check_deferred or self.auto_backup:
            # A few seconds' grace: the home screen reads its lists first, then the check (and
            # the daily backup) run behind it.
            self.set_timer(self.AFTER_UNLOCK_DELAY, lambda: self._start_after_unlock(
                store, worker.id, check_deferred))

    AFTER_UNLOCK_DELAY = 3.0
    SETTLE_HEAP_DELAY = 1.5

    @staticmethod
    def _settle_heap() -> None:
        """Once the home screen has loaded: collect, then freeze what is alive (modules,
        Textual, SQLAlchemy; about 200,000 objects) out of the garbage collector's way.

        Each full collection walked all of it: 120-165 ms, often enough that one search
        keystroke in twenty waited that long to be painted at 50,000 carers (bench/caseload.py;
        after freezing a full collection takes 8-17 ms). The earlier freeze is undone first, so
        the screens of a previous unlock can still be freed."""
        import gc

        gc.unfreeze()
        gc.collect()
        gc.freeze()

    TRIM_DELAY = 2.0  # after SETTLE_HEAP_DELAY: the collection frees first, then the trim

    def _trim_later(self) -> None:
        """A while after the last change of area, once its reads are done: ``_trim_c_heap`` in a
        thread (it walks the C heap; a few ms that stay off the UI thread)."""
        timer = getattr(self, "_trim_timer", None)
        if timer is not None:
            timer.stop()
        self._trim_timer = self.set_timer(self.TRIM_DELAY, lambda: self.run_worker(
            _trim_c_heap, thread=True, group="trim-heap", exclusive=True, exit_on_error=False))

    def _start_after_unlock(self, store: Store, worker_id: str, check: bool) -> None:
        if self.store is not store:  # locked or quit meanwhile: the next unlock starts again
            return
        self.run_worker(lambda: self._after_unlock(store, worker_id, check), thread=True,
                        group="after-unlock", exit_on_error=False)

    def _after_unlock(self, store: Store, worker_id: str, check: bool) -> None:
        """In the background: the quick check of a large file, then the daily backup."""
        from db.engine import Interrupted
        from ycworker.protection import integrity

        if check:
            try:
                result = integrity.check_at_unlock(store)
            except Interrupted:
                return
            except Exception as exc:  # a closed store (quit, lock) or a damaged file
                if self.store is store:
                    self._from_thread(self.notify, f"The database could not be checked. {describe(exc)}",
                                      title="Integrity check", severity="error", timeout=30)
                return
            if not result.ok:
                self._from_thread(self._damaged_after_unlock, store)
                return
        if self.auto_backup and self.store is store:
            self._daily_backup(store, worker_id)

    def _damaged_after_unlock(self, store: Store) -> None:
        if self.store is not store or not store.writing_stopped:
            return
        self.notify(store.writing_stopped + "\nF9 → Backups restores a backup.",
                    title="Not saving: the database is damaged", severity="error", timeout=120)

    def _from_thread(self, callback, *args, **kw) -> None:
        """call_from_thread that is quiet when the App has already gone."""
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(callback, *args, **kw)

    def _daily_backup(self, store: Store, worker_id: str) -> None:
        from db.engine import Interrupted
        from ycworker.protection import backups

        try:
            result = backups.run_daily(store, date.today(), worker_id)
        except Interrupted:  # quit or locked while it ran: made at the next unlock instead
            return
        except Exception as exc:  # shown, never a crash: the worker can still work
            if self.store is store:
                self._from_thread(self.notify, f"The daily backup was not made. {describe(exc)}",
                                  title="Backup", severity="error", timeout=15)
            return
        if result is not None:
            self._from_thread(self.notify, f"Daily backup made and checked: {result.backup.name}",
                              title="Backup", timeout=5)

    @staticmethod
    def _stop_long_work() -> None:
        """Stop a running check or backup so that quitting and locking never wait for one."""
        import sys

        if "db.engine" in sys.modules:
            sys.modules["db.engine"].interrupt_long_work()

    def on_unmount(self) -> None:
        self._stop_long_work()
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- protection: idle lock, session length, lock now ---------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp, events.Paste)):
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def lock_if_idle(self, now: float | None = None) -> bool:
        """Lock if idle too long or the session is too long. True if it locked.

        (Not ``check_idle``: that is Textual's own MessagePump method, which wakes the message
        loop after ``call_next``, ``refresh`` and the end of a held update; replacing it left a
        switched-to area unpainted until the next key.)"""
        if not self.unlocked or self.lock_policy is None:
            return False
        now = time.monotonic() if now is None else now
        policy = self.lock_policy
        if now - self._last_activity >= policy.idle_seconds:
            self.lock(f"Locked after {policy.idle_minutes} minutes without use.", "idle")
            return True
        if now - self._session_started >= policy.max_seconds:
            self.lock(f"Locked: a session lasts at most {policy.max_hours} hours. "
                      "Unlock to start a new one.", "session")
            return True
        return False

    def action_lock(self) -> None:
        if self.unlocked:
            self.lock("Locked. Your work is saved.", "now")

    def lock(self, message: str, reason: str) -> None:
        """Dispose the engine (the key goes with it), clear the screen, show the unlock screen."""
        from ycworker.protection.session import record_lock

        store, self.store = self.store, None
        if store is None:
            return
        worker = self.worker_info
        self._stop_long_work()
        self.team.stop()
        with contextlib.suppress(Exception):  # the lock itself must never fail
            record_lock(store, worker.id if worker else None, reason)
        store.close()
        del store
        self._show_locked(message)

    def detach_store(self) -> Store | None:
        """Take the store out of the App while a screen closes and reopens the file (change of
        passphrase, restore): no screen starts database work meanwhile and the idle lock waits.
        Give it back with ``attach_store``, or call ``locked_after`` once it is closed."""
        store, self.store = self.store, None
        return store

    def attach_store(self, store: Store) -> None:
        self.store = store
        if self.worker_info is not None:
            self.team.start(store, self.worker_info, f"{self.worker_info.name} · {store.path.name}")

    def locked_after(self, message: str) -> None:
        """The store was detached and closed by a screen (e.g. after a restore): show the unlock
        screen as a lock does."""
        if self.store is not None:
            self.lock(message, "now")
            return
        self._show_locked(message)

    def _show_locked(self, message: str) -> None:
        from screens.protection.unlock import UnlockScreen

        worker = self.worker_info
        self.team.stop()
        self._locked_worker_id = worker.id if worker else None
        self.worker_info = None
        self.sub_title = "Locked"
        if self.current_mode != self.LOCKED_MODE:
            self._resume_mode = self.current_mode
            if self.LOCKED_MODE in self._modes:
                self.remove_mode(self.LOCKED_MODE)
            self.add_mode(self.LOCKED_MODE, lambda: UnlockScreen(locked=message))
            self.switch_mode(self.LOCKED_MODE)

    def note_failed_unlock(self) -> None:
        from db.models.base import utcnow

        self.failed_unlocks.append(utcnow())

    def take_failed_unlocks(self) -> list[datetime]:
        failed, self.failed_unlocks = self.failed_unlocks, []
        return failed

    # -- navigation ----------------------------------------------------------------------------

    async def action_area(self, mode: str) -> None:
        await self.go_to_area(mode)

    async def action_area_anywhere(self, mode: str) -> None:
        await self.go_to_area(mode)

    async def action_alt_area(self, mode: str) -> None:
        await self.go_to_area(mode)

    async def go_to_area(self, mode: str) -> None:
        """Open an area's main screen (its list), from anywhere.

        What is typed on the screen being left is saved as leaving it by Esc saves it: the focus
        leaves the field first (the record's fields save when they lose the focus; the assessment
        and scores save as they go and on closing). The area's stack goes back to its main screen,
        except a pop-up form or an unsaved review, which stay open to be finished or closed."""
        if not self.unlocked:
            return
        await leave_field(self.screen)
        if mode != self.current_mode:
            await self.switch_mode(mode)
            self._trim_later()
        while len(self.screen_stack) > 1:
            top = self.screen
            if isinstance(top, ModalScreen) or getattr(top, "changed", False):
                break
            await leave_field(top)
            await self.pop_screen()

    def area_letter_active(self, mode: str) -> bool:
        """The area's plain letter is an area key on the screen on top (see AreaLetters)."""
        return self._area_letters.active(self.screen, mode)

    def run_area_action(self, item: AreaAction) -> None:
        """A palette command from an area's screen (screens.common.palette.AreaAction)."""
        self.run_worker(run_area_action(self, item), group="palette", exclusive=True)

    def action_help(self) -> None:
        from screens.common.help import HelpScreen

        self.push_screen(HelpScreen())

    def open_carer(self, carer_id: str) -> None:
        """Open a young carer's record on top of the current area."""
        from screens.caseload.carer_record import CarerRecordScreen

        self.push_screen(CarerRecordScreen(carer_id))

    def open_carer_assessments(self, carer_id: str, then: Callable[[Any], Any] | None = None) -> None:
        """A carer's assessments over time, with their plan and reviews (from the record)."""
        from screens.assessment.carer_assessments import CarerAssessmentsScreen

        self.push_screen(CarerAssessmentsScreen(carer_id), then)

    def open_assessment(self, screen: Any, assessment_id: str,
                        then: Callable[[Any], Any] | None = None) -> None:
        """Load an assessment off the UI thread (as ``screen``'s work), then show its form."""
        from screens.assessment.form import open_assessment

        open_assessment(screen, assessment_id, then)

    def back_to_carer(self, carer_id: str) -> None:
        """Back to the carer's record when it is just below the current screen, else open it."""
        from screens.caseload.carer_record import CarerRecordScreen

        stack = self.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, CarerRecordScreen) and below.carer_id == carer_id:
            self.pop_screen()
        else:
            self.open_carer(carer_id)

    def open_register(self, session_id: str) -> None:
        from screens.registers.register import RegisterScreen

        self.push_screen(RegisterScreen(session_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "alt_area" and not self.unlocked:
            return False  # the reminder: not before unlock
        if action in ("area", "area_anywhere") and not self.unlocked:
            return None  # shown disabled until unlocked
        if action == "area":  # the letter: hidden (and not taken) where it is not an area key
            return self.area_letter_active(str(parameters[0])) or False
        if action == "alt_area":  # the footer's reminder: where some letter is not an area key
            return (not all(self.area_letter_active(a.mode) for a in AREAS)) or False
        if action == "team_sync":  # a laptop never joined shows nothing of team sync
            return (self.unlocked and self.team.enrolled) or False
        if action == "team_view":  # a worker who is not a manager is told it is the manager's
            return self.unlocked or False
        if action == "team_conflicts":
            return (self.unlocked and self.team.enrolled and self.team.conflicts > 0) or False
        # nothing to lock or protect yet: not in the footer
        return not (action in ("lock", "protection") and not self.unlocked)

    # -- team sync -------------------------------------------------------------------------------

    def action_team_sync(self) -> None:
        """Sync with the team server, in a thread worker (screens.team.sync_control)."""
        if self.unlocked and self.team.enrolled:
            self.team.sync()

    def action_team_conflicts(self) -> None:
        self.open_conflicts()

    def open_conflicts(self) -> None:
        """The Conflicts screen (not a second one on top)."""
        if not (self.unlocked and self.team.enrolled):
            return
        from screens.team.conflicts import ConflictsScreen

        if not isinstance(self.screen, ConflictsScreen):
            self.push_screen(ConflictsScreen())

    # -- the manager's Team view ----------------------------------------------------------------

    TEAM_IS_THE_MANAGERS = ("The Team view is the manager's: it shows every worker's cases. "
                            "Ask a manager if you need a case moved.")

    def action_team_view(self) -> None:
        self.open_team()

    def open_team(self) -> None:
        """The Team screen for a manager (not a second one on top); anyone else is told it is the
        manager's."""
        if not self.unlocked:
            return
        worker = self.worker_info
        if not (worker and worker.is_manager):
            self.notify(self.TEAM_IS_THE_MANAGERS, severity="warning", markup=False)
            return
        from screens.team.team_view import TeamScreen

        if not isinstance(self.screen, TeamScreen):
            self.push_screen(TeamScreen())

    def open_caseload_of(self, worker_id: str, name: str) -> None:
        """The caseload filtered to one worker, on top of the current screen (from the Team view)."""
        from screens.caseload.caseload import CaseloadScreen

        self.push_screen(CaseloadScreen(worker=(worker_id, name)))

    # -- protection screens (palette) ------------------------------------------------------------

    def action_protection(self) -> None:
        if self.screen.__class__.__name__ != "ProtectionScreen":  # not a second one on top
            self.open_protection("hub")

    def open_protection(self, what: str) -> None:
        """Open one of the data-protection screens by name (see protection_commands)."""
        if not self.unlocked:
            return
        worker = self.worker_info
        if what in MANAGER_ONLY and not (worker and worker.is_manager):
            self.notify("Only a manager can do that.", severity="warning")
            return
        module, cls = PROTECTION_SCREENS[what]
        self.push_screen(getattr(importlib.import_module(module), cls)())

    def protection_commands(self) -> Iterable[SystemCommand]:
        return protection_commands(self)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not self.unlocked:
            return
        for area in AREAS:
            yield SystemCommand(f"Go to {area.title} [{area.key}]", area.help,
                                lambda mode=area.mode: self.run_worker(self.go_to_area(mode)))
        yield from self.protection_commands()
        yield from team_commands(self)
        yield from screen_commands(screen)


GC_THRESHOLDS = (10_000, 20, 20)


def _trim_c_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; nothing where
    there is no glibc). SQLite's page caches and every large Python object live on it, and glibc
    keeps what is freed, in each thread's arena, until asked: after visiting every area that was
    5-15 MB of resident memory held for nothing (bench/memory.py)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def create_app(
    db_path: Path | str,
    *,
    passphrase: str | None = None,
    today: date | None = None,
    demo: bool = False,
    auto_backup: bool | None = None,
) -> YcWorkerApp:
    """The one way to make the App: the CLI and the tests both come through here."""
    import gc

    from ycworker.protection.passphrase import from_env

    # A young-generation collection every 700 new objects (CPython's default) ran 12 times per
    # search keystroke (Textual builds many small objects per frame): about 5 ms of each. At
    # 10,000 it runs about once a keystroke, and the older generations follow it less often.
    gc.set_threshold(GC_THRESHOLDS[0], GC_THRESHOLDS[1], GC_THRESHOLDS[2])

    return YcWorkerApp(
        Path(db_path), passphrase=passphrase if passphrase is not None else from_env(), today=today,
        demo=demo, auto_backup=auto_backup,
    )
