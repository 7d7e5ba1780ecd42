"""Saving as it is typed: the latest value of each field, written off the UI thread, one write at
a time and in order.

``OrderedSaver.put(key, value)`` notes a change. At most ``delay`` seconds later (a throttle, not a
debounce: a worker typing without a pause is still saved every ``delay`` seconds) everything
changed since the last write goes to the store in one short transaction, in a thread worker.
While a write is running, new changes wait and go in the next one, so two writes never overlap
and never land out of order. ``flush()`` writes now (on leaving a field); ``flush_now()`` writes
on the UI thread and returns when it is on disk (on leaving the screen or closing the app, when a
thread might not get to finish). Every write carries a sequence number and runs under one lock:
a write older than the newest one written is skipped, whichever thread gets there first.

A value the service refuses (``FieldError`` naming its key) is kept aside and tried again when it
next changes; the rest of the batch is written at once. Any other failure keeps the whole batch
pending (the text stays on screen) until the next change or ``flush``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ycworker.common.errors import FieldError, FormErrors


class OrderedSaver:
    def __init__(self, screen, write: Callable[[Any, dict[str, Any]], Any], *, delay: float = 0.4,
                 on_saved: Callable[[dict[str, Any], Any], None] | None = None,
                 on_failed: Callable[[BaseException, dict[str, Any]], None] | None = None,
                 group: str = "autosave"):
        self.screen = screen
        self.write = write
        self.delay = delay
        self.on_saved = on_saved
        self.on_failed = on_failed
        self.group = group
        self.pending: dict[str, Any] = {}
        self.rejected: dict[str, FieldError] = {}
        self.in_flight: dict[str, Any] | None = None
        self.saved_at: datetime | None = None
        self.error: BaseException | None = None
        self._seq = 0
        self._written = 0
        self._lock = threading.Lock()
        self._timer = None

    # -- state -------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return bool(self.pending) or self.in_flight is not None

    def put(self, key: str, value: Any) -> None:
        self.pending[key] = value
        self.rejected.pop(key, None)
        if self.delay <= 0:
            self.flush()
        elif self._timer is None:
            self._timer = self.screen.set_timer(self.delay, self._timer_fired, name=f"{self.group}-timer")

    def _timer_fired(self) -> None:
        self._timer = None
        self.flush()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- writing in a thread -------------------------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _job(self, store, batch: dict[str, Any], seq: int, after: Callable[[Any], Any] | None):
        with self._lock:
            result = None
            if seq > self._written and batch:
                result = self.write(store, batch)
                self._written = seq
            return result, after(store) if after is not None else None

    def flush(self, after: Callable[[Any], Any] | None = None,
              then: Callable[[Any], Any] | None = None,
              on_error: Callable[[BaseException], Any] | None = None) -> bool:
        """Write what is pending now (off the UI thread). ``after(store)`` runs in the same thread
        under the same lock once the batch is written (e.g. completing the assessment); ``then``
        gets its result. Returns False when nothing could start (no store: the app is locked)."""
        self._stop_timer()
        if self.in_flight is not None:
            if after is not None:  # wait for the running write, then go
                self._queued_after = (after, then, on_error)
            return True
        if not self.pending and after is None:
            return True
        batch, self.pending = self.pending, {}
        seq = self._next()
        self.in_flight = batch
        worker = self.screen.run_db(self._job, batch, seq, after,
                                    then=lambda r: self._done(batch, r, then),
                                    on_error=lambda e: self._failed(batch, e, on_error),
                                    what="save", group=self.group)
        if worker is None:
            self.in_flight = None
            self.pending = {**batch, **self.pending}
            return False
        return True

    _queued_after: tuple | None = None

    def _done(self, batch: dict[str, Any], result: tuple, then) -> None:
        self.in_flight = None
        written, extra = result
        if batch:
            self.saved_at = datetime.now()
            self.error = None
            if self.on_saved is not None:
                self.on_saved(batch, written)
        if then is not None:
            then(extra)
        self._continue()

    def _failed(self, batch: dict[str, Any], error: BaseException, on_error) -> None:
        self.in_flight = None
        bad = []
        if isinstance(error, FormErrors):
            bad = [e for e in error.errors if e.field in batch]
        elif isinstance(error, FieldError) and error.field in batch:
            bad = [error]
        if bad and len(bad) == len(error.errors if isinstance(error, FormErrors) else [error]):
            for e in bad:
                self.rejected[e.field] = e
            rest = {k: v for k, v in batch.items() if k not in self.rejected}
            self.pending = {**rest, **self.pending}
        else:
            self.pending = {**batch, **self.pending}
        self.error = error
        if self.on_failed is not None:
            self.on_failed(error, batch)
        if on_error is not None:
            on_error(error)
        if bad and self.pending:
            self.flush()

    def _continue(self) -> None:
        queued, self._queued_after = self._queued_after, None
        if queued is not None:
            self.flush(*queued)
        elif self.pending:
            self.flush()

    # -- writing on the UI thread (leaving the screen, closing the app) ------------------------------

    def flush_now(self, *, tell: bool = True) -> bool:
        """Write everything not yet confirmed, here and now. True when nothing is left unsaved.
        ``tell=False`` when the screen is going (its widgets may be gone): no ``on_saved``."""
        self._stop_timer()
        store = self.screen.app.store
        batch = {**(self.in_flight or {}), **self.pending}
        if not batch:
            return True
        if store is None:
            return False
        seq = self._next()
        try:
            with self._lock:
                if seq > self._written:
                    written = self.write(store, batch)
                    self._written = seq
        except Exception as exc:  # the caller shows it; nothing is thrown away
            self.error = exc
            return False
        self.pending = {}
        self.saved_at = datetime.now()
        self.error = None
        if tell and self.on_saved is not None:
            self.on_saved(batch, written)
        return True


def field_errors(error: BaseException) -> list[FieldError]:
    """The field errors inside an error (none for any other failure)."""
    if isinstance(error, FormErrors):
        return list(error.errors)
    return [error] if isinstance(error, FieldError) else []


__all__ = ["OrderedSaver", "field_errors"]
