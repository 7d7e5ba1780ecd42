"""Who can sign in on this laptop, for a manager: the list, adding a worker, resetting a forgotten
passphrase, removing a worker (their records stay); and the manager's rekey after a suspected leak.

``WorkersScreen`` lists every worker (name, role, whether they can sign in here); ``a`` adds one
with a first passphrase typed twice, ``r`` gives the highlighted worker a new passphrase, ``x``
removes their passphrase after a confirmation. Each calls one service of
``ycworker.protection.workers`` off the UI thread; a refusal is shown as its sentence.

``RekeyScreen`` replaces the database's key: confirmed with ``y``, run with the store handed out
of the App (the file is closed and opened again), then the new recovery key is shown once until
Enter.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from ycworker.common.errors import FieldError, FormErrors, collect
from ycworker.common.workers import WorkerInfo
from ycworker.protection import workers as service
from ycworker.protection.session import validate_new_passphrase

PASSPHRASE_SPECS = (
    Spec("new", "Passphrase (10 or more)", extra={"password": True}),
    Spec("again", "Passphrase again", extra={"password": True}),
)


def _new_passphrase(errors: list[FieldError], form: dict[str, Any]) -> None:
    """The rule every new passphrase meets (at least 10 characters) and the two typings match."""
    collect(errors, validate_new_passphrase, "", form.get("new", ""), form.get("again", ""))


class PassphraseForm(FormModal):
    """The one form base, with the passphrase fields hidden as they are typed."""

    def on_mount(self) -> None:
        super().on_mount()
        for spec in self.specs:
            if spec.extra.get("password"):
                self.query_one(f"#f-{spec.name}", Input).password = True


class ConfirmModal(ModalScreen[bool]):
    """A question answered with y (yes) or n / Esc (no)."""

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal #confirm-box { width: 72; height: auto; border: round $warning; background: $surface;
        padding: 1 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=True, id="confirm.yes"),
        Binding("n", "answer(False)", "No", show=True, id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("y yes · n or Esc no", classes="muted")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class WorkersScreen(AreaScreen):
    """The workers of this database and who can sign in here (a manager's)."""

    HELP_TITLE = "Workers"
    DEFAULT_CSS = """
    WorkersScreen #workers-message { height: auto; min-height: 1; padding: 0 1; background: $boost; }
    WorkersScreen #workers-message.-error { color: $error; text-style: bold; }
    WorkersScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("a", "add", "Add a worker", show=True, id="workers.add"),
        Binding("r", "reset", "Reset a passphrase", show=True, id="workers.reset"),
        Binding("x", "remove", "Remove", show=True, id="workers.remove"),
        Binding("f5", "refresh", "Refresh", show=True, id="workers.refresh"),
        Binding("escape", "back", "Back", show=True, id="workers.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[service.WorkerLine] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the workers…", id="workers-message", markup=False)
        table: DataTable[str] = DataTable(id="workers-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Role", "Can sign in on this laptop")
        yield table
        yield Static("a adds a worker · r resets the highlighted worker's passphrase · x removes them "
                     "(their records stay) · Esc goes back", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @property
    def acting(self) -> WorkerInfo | None:
        return self.ycapp.worker_info

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#workers-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    def failed(self, error: BaseException) -> None:
        self.say(plain_error(error, "do that"), error=True)

    def load(self, then_say: str = "") -> None:
        def shown(lines: list[service.WorkerLine]) -> None:
            self._show(lines)
            self.say(then_say or f"{len(lines)} {'worker' if len(lines) == 1 else 'workers'}.")

        self.run_db(service.list_workers, then=shown, on_error=self.failed, what="read the workers",
                    group="workers", exclusive=True)

    def _show(self, lines: list[service.WorkerLine]) -> None:
        self.lines = lines
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for line in lines:
            table.add_row(line.name, "Manager" if line.role == "manager" else "Youth worker",
                          "yes" if line.can_sign_in else "no", key=line.id or line.name)
        if lines:
            table.move_cursor(row=min(max(row, 0), len(lines) - 1))

    def highlighted(self) -> service.WorkerLine | None:
        table = self.query_one(DataTable)
        if not self.lines or table.cursor_row < 0 or table.cursor_row >= len(self.lines):
            self.say("Highlight a worker first.", error=True)
            return None
        return self.lines[table.cursor_row]

    def action_add(self) -> None:
        acting = self.acting
        if acting is None:
            return

        def save(store: Any, form: dict[str, Any]) -> service.WorkerLine:
            errors: list[FieldError] = []
            if not form["name"].strip():
                errors.append(FieldError("name", "A worker needs a name."))
            _new_passphrase(errors, form)
            if errors:
                raise FormErrors(errors)
            return service.add_worker(store, acting, form["name"], form["new"],
                                      manager=form["role"] == "manager")

        specs = [Spec("name", "Name"),
                 Spec("role", "Role", kind="select", value="worker",
                      options=(("Youth worker", "worker"), ("Manager", "manager"))),
                 *PASSPHRASE_SPECS]
        form = PassphraseForm("Add a worker", specs, save,
                              note="They sign in with this passphrase; tell it to them in person.")
        self.app.push_screen(form, lambda line: self._done(line, "can now sign in on this laptop"))

    def action_reset(self) -> None:
        line = self.highlighted()
        acting = self.acting
        if line is None or acting is None:
            return

        def save(store: Any, form: dict[str, Any]) -> service.WorkerLine:
            errors: list[FieldError] = []
            _new_passphrase(errors, form)
            if errors:
                raise FormErrors(errors)
            return service.reset_worker(store, acting, line.name, form["new"])

        form = PassphraseForm(f"A new passphrase for {line.name}", list(PASSPHRASE_SPECS), save,
                              note="Their old passphrase stops working.")
        self.app.push_screen(form, lambda done: self._done(done, "signs in with the new passphrase"))

    def action_remove(self) -> None:
        line = self.highlighted()
        if line is None:
            return
        acting = self.acting

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(service.remove_worker, acting, line.name,
                            then=lambda done: self._done(done, "can no longer sign in; their records stay"),
                            on_error=self.failed, what="remove the worker", group="workers-change",
                            exclusive=True)

        self.app.push_screen(ConfirmModal(f"Remove {line.name}? They will no longer be able to sign in "
                                          "on this laptop. Their records stay."), answered)

    def _done(self, line: service.WorkerLine | None, what: str) -> None:
        if line is not None:
            self.load(f"{line.name} {what}.")

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()


class RekeyScreen(AreaScreen):
    """A manager replaces the database's key; the new recovery key is shown once."""

    HELP_TITLE = "Replace the database's key"
    DEFAULT_CSS = """
    RekeyScreen #rekey-box { height: auto; padding: 1 2; max-width: 110; }
    RekeyScreen #rekey-message.-error { color: $error; text-style: bold; }
    RekeyScreen #rekey-code { height: auto; border: round $warning; padding: 1 2; display: none; }
    RekeyScreen #rekey-code.-shown { display: block; }
    """
    BINDINGS = [
        Binding("y", "rekey", "Replace the key", show=True, id="rekey.yes"),
        Binding("enter", "done", "Go on", show=False, priority=True, id="rekey.done"),
        Binding("escape", "back", "Back", show=True, id="rekey.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state = "ask"  # ask | busy | shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="rekey-box"):
            yield Label("Replace the database's key", classes="prot-title")
            yield Static("Do this when you think the database or a passphrase has leaked. A new key "
                         "locks the file; everyone keeps their own passphrase, and the old recovery "
                         "key stops working. A new recovery key is shown once, to write on paper.\n\n"
                         "Press y to replace the key, Esc to go back.", id="rekey-ask", markup=False)
            yield Static("", id="rekey-message", markup=False)
            yield Static("", id="rekey-code", markup=False)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rekey":
            return self.state == "ask"
        if action == "done":
            return self.state == "shown"
        if action == "back":
            return self.state == "ask"
        return True

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#rekey-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    def action_rekey(self) -> None:
        acting = self.ycapp.worker_info
        store = self.ycapp.detach_store()
        if store is None:
            return
        self.state = "busy"
        self.refresh_bindings()
        self.say("Replacing the key: every passphrase is sealed again. Keep the laptop on…")
        self.run_job(service.rekey, store, acting, then=self._done, on_error=self._failed,
                     what="replace the key", group="rekey", exclusive=True)

    def _failed(self, error: BaseException) -> None:
        # the service closed the file: it opens again with everyone's passphrase, so unlock
        self.ycapp.locked_after(f"The key was not replaced. {plain_error(error, 'replace the key')} "
                                "Unlock to go on.")

    def _done(self, done: service.Rekeyed) -> None:
        self.ycapp.attach_store(done.store)
        self.state = "shown"
        self.refresh_bindings()
        self.query_one("#rekey-ask").display = False
        self.say("The key is replaced. Everyone signs in with the passphrase they had.")
        code = self.query_one("#rekey-code", Static)
        code.update("The new recovery key. Write it on paper now and keep it locked away; it is "
                    f"shown only this once:\n\n    {done.recovery_code}\n\nIt opens the database when "
                    "every passphrase is forgotten. The old recovery key no longer does.\n\n"
                    "Press Enter when it is written down.")
        code.add_class("-shown")

    def action_done(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()

