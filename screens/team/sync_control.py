"""The App's team sync: the sync run in a thread worker, its progress line, and the status line
("synced 2 h ago · 14 changes waiting · 1 conflict") shown in the header after the worker's name.

The App owns one ``TeamSync`` (``app.team``). At unlock it reads, off the UI thread, whether this
laptop joined a team; only then is anything of team sync shown (the App's keys ask ``enrolled``).
The status line is read again after a sync, after a conflict is settled, and after saves: a commit
to the store only marks it stale, and a timer reads it again at most every ``REFRESH_SECONDS``
(never a query per keystroke). No key press makes a network call: the sync runs in a thread.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ycworker.common.errors import describe

if TYPE_CHECKING:
    from db.engine import Store
    from ycworker.app import YcWorkerApp
    from ycworker.common.workers import WorkerInfo
    from ycworker.team.client import TeamClient
    from ycworker.team.status import StatusLine
    from ycworker.team.sync import SyncResult


class TeamSynced(Message):
    """Posted to the screen on top when a sync has ended (a screen showing team data reloads)."""

    def __init__(self, result: SyncResult | None) -> None:
        super().__init__()
        self.result = result


class TeamSync:
    """One laptop's team sync, as the App shows and runs it."""

    REFRESH_SECONDS = 2.0

    def __init__(self, app: YcWorkerApp) -> None:
        self.app = app
        self.enrolled = False
        self.conflicts = 0
        self.line: StatusLine | None = None
        self.progress: str | None = None
        self.running = False
        #: How a sync reaches the server (tests hand the server app's client); None: the URL joined.
        self.connect: Callable[[Store], TeamClient] | None = None
        #: The time "synced 2 h ago" is counted to (tests fix it); None: now.
        self.clock: Callable[[], datetime] | None = None
        self._store: Store | None = None
        self._worker: WorkerInfo | None = None
        self._base = ""
        self._stale = threading.Event()
        self._stop_watching: Callable[[], None] | None = None
        self._timer: Any = None

    # -- unlock and lock ---------------------------------------------------------------------------

    def start(self, store: Store, worker: WorkerInfo, header: str) -> None:
        """After unlock: read the status off the UI thread; shown only if this laptop joined.
        ``header``: what the header says without team sync (the worker and the file)."""
        self.stop()
        self._store, self._worker, self._base = store, worker, header
        self.refresh()

    def stop(self) -> None:
        """At lock: nothing of the last session is kept (the header goes back to "Locked")."""
        if self._stop_watching is not None:
            with contextlib.suppress(Exception):
                self._stop_watching()
            self._stop_watching = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._store = self._worker = None
        self.enrolled, self.conflicts, self.line, self.progress = False, 0, None, None

    # -- the status line ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the status line again, off the UI thread."""
        store, worker = self._store, self._worker
        if store is None or worker is None:
            return
        self._stale.clear()
        clock = self.clock

        def load() -> None:
            from ycworker.team import status

            try:
                line = status.line(store, worker_id=worker.id, manager=worker.is_manager,
                                   now=clock() if clock else None)
            except Exception:  # locked or closed meanwhile: the next unlock reads it again
                return
            self._call(self._loaded, store, line)

        self.app.run_worker(load, thread=True, group="team-status", exit_on_error=False)

    def _loaded(self, store: Store, line: StatusLine | None) -> None:
        if store is not self._store:
            return
        was = (self.enrolled, self.conflicts > 0)
        self.line = line
        self.enrolled = line is not None
        self.conflicts = line.conflicts if line else 0
        if self.enrolled and self._stop_watching is None:
            from ycworker.team import status

            self._stop_watching = status.watch_commits(store, self._stale.set)
            self._timer = self.app.set_interval(self.REFRESH_SECONDS, self._tick, name="team-status")
        self._show()
        if (self.enrolled, self.conflicts > 0) != was:
            self.app.screen.refresh_bindings()  # the sync and conflicts keys appear (or go)

    def _tick(self) -> None:
        if self._stale.is_set() and not self.running:
            self.refresh()

    def _show(self) -> None:
        text = self.progress or (self.line.text if self.line else "")
        if self._store is not None:
            self.app.sub_title = f"{self._base} · {text}" if text else self._base

    @property
    def text(self) -> str:
        """What the header shows of team sync now (the progress line while a sync runs)."""
        return self.progress or (self.line.text if self.line else "")

    # -- a sync ------------------------------------------------------------------------------------

    def sync(self) -> None:
        """Push, then pull, in a thread worker; the header shows each step, a notification the end."""
        store = self._store
        if store is None or not self.enrolled:
            return
        if self.running:
            self.app.notify("A sync is already running.", title="Team sync", timeout=4)
            return
        self.running = True
        self.progress = "Starting the sync…"
        self._show()
        connect = self.connect

        def step(text: str) -> None:
            self._call(self._step, store, text)

        def job() -> None:
            from ycworker.team import sync as team_sync

            try:
                client = connect(store) if connect is not None else None
                result = team_sync.sync(store, client, progress=step)
            except Exception as exc:  # the store closed (lock, quit) or a fault: said, never a crash
                self._call(self._ended, store, None, exc)
                return
            self._call(self._ended, store, result, None)

        self.app.run_worker(job, thread=True, group="team-sync", exit_on_error=False)

    def _step(self, store: Store, text: str) -> None:
        if store is self._store and self.running:
            self.progress = text
            self._show()

    def _ended(self, store: Store, result: SyncResult | None, error: BaseException | None) -> None:
        self.running = False
        self.progress = None
        if store is not self._store:
            return
        if result is not None and result.removed and result.problem:
            self.app.lock(result.problem, "removed")  # promise 7: the team data locks at once
            return
        if error is not None:
            self.app.notify(f"The sync stopped. {describe(error, 'sync')} Your changes are kept.",
                            title="Team sync", severity="error", timeout=15, markup=False)
        elif result is not None and result.problem:
            self.app.notify(result.problem, title="Team sync: not finished", severity="error",
                            timeout=15, markup=False)
        elif result is not None:
            self.app.notify(result.summary(), title="Team sync", timeout=8, markup=False)
        if result is not None and result.clock_warning:
            self.app.notify(result.clock_warning, title="Team sync", severity="warning", timeout=15,
                            markup=False)
        self._show()
        self.refresh()
        self.app.screen.post_message(TeamSynced(result))

    def _call(self, callback: Callable[..., Any], *args: Any) -> None:
        """From a thread: run on the UI thread (quiet when the App has already gone)."""
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)
