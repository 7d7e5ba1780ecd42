"""Data protection: the F9 menu, changing my passphrase, and the manager's settings.

``ProtectionScreen`` lists what the signed-in worker can do: back up and restore, change their own
passphrase; a manager also sees the workers, replacing the database's key, the audit log,
retention review, erasure and settings (a youth worker is not offered them; the services refuse
them too). Enter opens one.

``PassphraseScreen`` asks for the worker's current passphrase and the new one twice; off the UI
thread their own key slot is sealed again (nothing else in the file changes) and a backup that
carries it is made. Each field shows its own error; what was typed is kept.

``SettingsScreen`` (manager): idle lock minutes, maximum session hours, retention years, the
number of backups kept and how many weeks after a plan (or its last review) the next review is
due. Saved together, or each bad field says why beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.common.errors import FieldError, field_errors
from ycworker.protection.actions import protection_settings, save_protection_settings

if TYPE_CHECKING:
    from textual.screen import Screen

    from ycworker.protection.session import Rekeyed

    _FormBase = Screen[Any]  # what the mixin is mixed into, for the type checker
else:
    _FormBase = object

FORM_CSS = """
.prot-box { width: 100%; max-width: 140; height: auto; padding: 0 1; }
.prot-title { text-style: bold; color: $accent; padding: 1 0 0 0; }
.prot-row { height: auto; }
.prot-label { width: 30; padding: 1 1 0 0; text-align: right; }
.prot-row Input { width: 34; }
.prot-error { color: $error; text-style: bold; width: 1fr; padding: 1 0 0 1; height: auto; }
.prot-message { height: auto; padding: 1 0 0 0; }
.prot-message.-error { color: $error; text-style: bold; }
.prot-help { color: $text-muted; height: auto; padding: 1 0 0 0; }
"""


def field_row(name: str, label: str, value: str = "", *, password: bool = False,
              placeholder: str = "") -> Horizontal:
    """A labelled input with its error label beside it (ids ``f-<name>`` and ``err-<name>``)."""
    return Horizontal(
        Label(label, classes="prot-label"),
        Input(value, password=password, placeholder=placeholder, id=f"f-{name}"),
        Label("", classes="prot-error", id=f"err-{name}", markup=False),
        classes="prot-row", id=f"row-{name}",
    )


class FormMixin(_FormBase):
    """Clear and show field errors on a screen built with ``field_row``."""

    FIELDS: tuple[str, ...] = ()

    def clear_errors(self) -> None:
        for name in self.FIELDS:
            self.query_one(f"#err-{name}", Label).update("")
        self.say("")

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#prot-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def show_errors(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self.say(plain_error(error, "save"), error=True)
            return
        first = None
        for e in errors:
            if e.field in self.FIELDS:
                self.query_one(f"#err-{e.field}", Label).update(e.message)
                first = first or self.query_one(f"#f-{e.field}", Input)
            else:
                self.say(e.message, error=True)
        if first is not None:
            first.focus()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#f-{name}", Input).value for name in self.FIELDS}


# -- the F9 menu -------------------------------------------------------------------------------

ENTRIES = (
    ("backups", "Backups: back up now, or restore one", False),
    ("passphrase", "Change my passphrase", False),
    ("workers", "Workers: who can sign in, add, reset, remove", True),
    ("rekey", "Replace the database's key (after a suspected leak)", True),
    ("audit", "Audit log: who did what, when", True),
    ("retention", "Retention review: closed cases past the retention period", True),
    ("erase", "Erase a person (right to erasure)", True),
    ("settings", "Lock, retention and backup settings; review weeks", True),
)

#: the manager's screens of issue 14, opened from this menu (screens.protection.workers)
WORKER_SCREENS = {"workers": "WorkersScreen", "rekey": "RekeyScreen"}


class ProtectionScreen(AreaScreen):
    """What keeps the records safe, in one list."""

    HELP_TITLE = "Data protection"
    DEFAULT_CSS = """
    ProtectionScreen #prot-menu { height: auto; max-height: 12; margin: 1 2; border: round $accent; }
    ProtectionScreen #prot-who { padding: 1 2 0 2; height: auto; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open", show=True, priority=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        worker = self.ycapp.worker_info
        manager = bool(worker and worker.is_manager)
        role = "a manager" if manager else "a youth worker"
        who = f"{worker.name}, signed in as {role}." if worker else ""
        yield Static(who, id="prot-who", markup=False)
        options = [Option(text, id=what) for what, text, manager_only in ENTRIES
                   if manager or not manager_only]  # a youth worker is not offered a manager's work
        yield OptionList(*options, id="prot-menu")
        yield Static("↑ ↓ to choose, Enter to open, Esc to go back. ctrl+l locks at any time.",
                     classes="muted", id="prot-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prot-menu", OptionList).focus()

    @on(OptionList.OptionSelected, "#prot-menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        what = event.option.id
        if what in WORKER_SCREENS:
            from screens.protection import workers

            worker = self.ycapp.worker_info
            if worker and worker.is_manager:
                self.app.push_screen(getattr(workers, WORKER_SCREENS[what])())
        elif what:
            self.ycapp.open_protection(what)

    def action_open(self) -> None:
        menu = self.query_one("#prot-menu", OptionList)
        if menu.highlighted is not None:
            menu.action_select()

    def action_back(self) -> None:
        self.dismiss()


# -- change of my passphrase ------------------------------------------------------------------

class PassphraseScreen(FormMixin, AreaScreen):
    """The worker's current passphrase, the new one twice: their own key slot is sealed again;
    nobody else's passphrase and nothing in the database changes."""

    HELP_TITLE = "Change my passphrase"
    FIELDS = ("old", "new", "again")
    DEFAULT_CSS = FORM_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Change my passphrase", key_display="^s", show=True,
                id="passphrase.save"),
        Binding("escape", "back", "Back", show=True, id="passphrase.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        worker = self.ycapp.worker_info
        with Vertical(classes="prot-box"):
            yield Label("Change my passphrase", classes="prot-title")
            yield Static(f"{worker.name if worker else 'You'}: only your own passphrase changes; "
                         "everyone else signs in as before. Backups made before the change still "
                         "open with your old one until they age out.", classes="prot-help", markup=False)
            yield field_row("old", "My current passphrase", password=True)
            yield field_row("new", "New passphrase (10 or more)", password=True)
            yield field_row("again", "New passphrase again", password=True)
            yield Static("", id="prot-message", classes="prot-message", markup=False)
            yield Static("Enter moves to the next field and, on the last, changes it. Esc goes back.",
                         classes="prot-help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-old", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "f-again":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        from ycworker.protection.session import rekey_store, validate_new_passphrase

        if self.busy:
            return
        self.clear_errors()
        form = self.values()
        if not form["old"]:
            self.show_errors(FieldError("old", "Type your current passphrase."))
            return
        try:  # the quick checks first, on the UI thread
            validate_new_passphrase(form["old"], form["new"], form["again"])
        except FieldError as exc:
            self.show_errors(exc)
            return
        self.busy = True
        self.say("Checking your current passphrase and changing it…")
        worker = self.ycapp.worker_info
        self.run_db(rekey_store, form["old"], form["new"], form["again"], worker.id if worker else None,
                    then=self._done, on_error=self._failed, what="change your passphrase",
                    group="passphrase", exclusive=True)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.say("")
        self.show_errors(error)

    def _done(self, done: Rekeyed) -> None:
        self.busy = False
        for name in self.FIELDS:
            self.query_one(f"#f-{name}", Input).value = ""
        if done.backup:
            text = f"Your passphrase is changed. A new backup that opens with it: {done.backup}."
        else:
            text = f"Your passphrase is changed, but the backup was not made: {done.backup_error}"
        self.say(text)
        self.notify(text, title="Passphrase changed", timeout=10)

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss()


# -- the manager's settings --------------------------------------------------------------------

class SettingsScreen(FormMixin, AreaScreen):
    """Idle lock, session length, retention period, backups kept, review weeks (a manager's)."""

    HELP_TITLE = "Lock, retention, backup and review settings"
    FIELDS = ("idle_minutes", "max_hours", "retention_years", "backups_kept", "review_weeks")
    DEFAULT_CSS = FORM_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save settings", key_display="^s", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="prot-box"):
            yield Label("Lock, retention, backup and review settings", classes="prot-title")
            yield field_row("idle_minutes", "Lock after idle (minutes)", placeholder="1 to 120")
            yield field_row("max_hours", "Longest session (hours)", placeholder="1 to 12")
            yield field_row("retention_years", "Keep closed cases (years)", placeholder="1 to 25")
            yield field_row("backups_kept", "Backups kept", placeholder="1 to 60")
            yield field_row("review_weeks", "Review plans every (weeks)", placeholder="1 to 52")
            yield Static("", id="prot-message", classes="prot-message", markup=False)
            yield Static("The lock settings apply at once and at every unlock. Closed cases older "
                         "than the retention period are listed for review; nothing is deleted "
                         "without a manager erasing it. A support plan's review is due this many "
                         "weeks after the plan is made, then after each review.", classes="prot-help")
        yield Footer()

    def on_mount(self) -> None:
        self.run_db(protection_settings, then=self._loaded, what="read the settings")

    def _loaded(self, values) -> None:
        for name in self.FIELDS:
            self.query_one(f"#f-{name}", Input).value = str(getattr(values, name))
        self.query_one("#f-idle_minutes", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"f-{self.FIELDS[-1]}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.clear_errors()
        worker = self.ycapp.worker_info
        self.run_db(save_protection_settings, self.values(), worker.id if worker else None, then=self._saved,
                    on_error=self.show_errors, what="save the settings", group="settings",
                    exclusive=True)

    def _saved(self, values) -> None:
        self.ycapp.lock_policy = values.policy
        self.say(f"Saved. Locks after {values.idle_minutes} minutes idle; a session lasts at most "
                 f"{values.max_hours} hours; closed cases kept {values.retention_years} years; "
                 f"{values.backups_kept} backups kept; plans reviewed every {values.review_weeks} weeks.")

    def action_back(self) -> None:
        self.dismiss()
