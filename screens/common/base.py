"""What every area screen shares: database work off the UI thread, reported back by message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker

from ycworker.common.context import Context
from ycworker.common.errors import describe

if TYPE_CHECKING:
    from ycworker.app import YcWorkerApp

    _ScreenBase = Screen[Any]  # what the mixin is mixed into, for the type checker
else:
    _ScreenBase = object


class DbDone(Message):
    """A thread worker's result, delivered on the UI thread."""

    def __init__(self, callback: Callable[[Any], Any] | None, result: Any):
        super().__init__()
        self.callback = callback
        self.result = result


class DbFailed(Message):
    def __init__(self, callback: Callable[[BaseException], Any] | None, error: BaseException, what: str):
        super().__init__()
        self.callback = callback
        self.error = error
        self.what = what


def plain_error(error: BaseException, what: str = "") -> str:
    """A sentence for the user; field errors and user errors say their own words."""
    return describe(error, what)  # never the exception's text: it can hold SQL and names


def set_loading(widget: Widget, loading: bool) -> None:
    """Put a widget into (or out of) its loading state, and tell the footer.

    While a focused widget loads, Textual leaves its keys out of the screen's bindings, but it
    does not say so when loading starts or ends: the footer went on showing the screen's keys
    (the service log without "⏎ Change entry") until the next key."""
    widget.loading = loading
    widget.screen.refresh_bindings()


class DbMixin(_ScreenBase):
    """``run_db(work, *args, then=...)`` runs ``work(store, *args)`` in a thread worker: the one way
    a screen runs database work. ``work`` is a ycworker service function that owns its transaction;
    its result (or its failure) comes back as a message on the UI thread.

    ``ycapp`` is the App, typed (posting's pattern): ``self.ycapp.today()``,
    ``self.ycapp.worker_info``; ``context()`` is what a service needs of them."""

    @property
    def ycapp(self) -> YcWorkerApp:
        return cast("YcWorkerApp", self.app)

    def on_screen_resume(self) -> None:
        """Back on top: the footer checks its keys again (it does not rebuild while covered).
        (Textual calls this as well as a subclass's own on_screen_resume.)"""
        self.refresh_bindings()

    def context(self) -> Context:
        """Today and the acting worker, for a service call."""
        worker = self.ycapp.worker_info
        return Context(self.ycapp.today(), worker.id if worker else None)

    def run_db(
        self,
        work: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        what: str = "",
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker[None] | None:
        """``work(store, *args)`` off the UI thread, on the App's open store (nothing when locked)."""
        store = self.ycapp.store
        if store is None:
            return None
        return self.run_job(work, store, *args, then=then, on_error=on_error, what=what, group=group,
                            exclusive=exclusive)

    def run_job(
        self,
        work: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        what: str = "",
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker[None]:
        """``work(*args)`` off the UI thread, for work that has no open store to run on (unlocking,
        restoring or rekeying the file itself); the result or the failure comes back as with
        ``run_db``."""

        def job() -> None:
            try:
                result = work(*args)
            except Exception as exc:  # reported on screen, never a crash
                self.post_message(DbFailed(on_error, exc, what))
            else:
                self.post_message(DbDone(then, result))

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def on_db_done(self, message: DbDone) -> None:
        message.stop()
        if message.callback is not None:
            message.callback(message.result)

    def on_db_failed(self, message: DbFailed) -> None:
        message.stop()
        if message.callback is not None:
            message.callback(message.error)
        else:
            self.notify(plain_error(message.error, message.what), severity="error", timeout=10)


class AreaScreen(DbMixin, Screen):
    """Base of the area screens (home, caseload, ...)."""


class DbModalScreen(DbMixin, ModalScreen):
    """Base of pop-up forms that talk to the store."""
