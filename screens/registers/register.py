"""Taking a register: a room of children marked in seconds, keys only.

Focus model: the list has the focus. Single keys act on the highlighted child (space or enter
present, ``a`` absent, ``l`` late, backspace clears, ``t`` transport, ``n`` note) and the
cursor moves on to the next child not yet marked. ``u`` takes back the last mark made since the
register was opened, wherever the cursor is now (again for the one before: a stack per screen).
``/`` moves to the filter box, where letters type a name; Enter, Escape or Down goes back to the
list (the filter stays until Escape on the list clears it). Escape on an unfiltered list closes the register.

A mark repaints its one row at once and is saved in a thread worker; saves run one batch at a
time, in order. A save that fails leaves the row showing "not saved" and is tried again with
the next mark or with ctrl+s.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.registers.register_list import RegisterList, header_text
from ycworker.common.errors import FieldError, FormErrors
from ycworker.registers import register as registers
from ycworker.registers.actions import apply_ops, export_register, open_register

MARK_ACTIONS = {"mark", "undo", "clear", "transport", "note", "walk_in"}


# -- work done in thread workers (store first) ------------------------------------------------

class RegisterScreen(AreaScreen):
    HELP_TITLE = "Register"
    DEFAULT_CSS = """
    RegisterScreen #reg-title { padding: 0 1; text-style: bold; color: $text; background: $boost; }
    RegisterScreen #reg-cancelled { padding: 0 1; color: $error; text-style: bold; display: none; }
    RegisterScreen #reg-cancelled.shown { display: block; }
    RegisterScreen #reg-headcount { padding: 0 1; color: $accent; }
    RegisterScreen #reg-filter { margin: 0 1; border: tall $panel; height: 3; }
    RegisterScreen #reg-filter:focus { border: tall $accent; }
    RegisterScreen #reg-columns { margin: 0 1; color: $text-muted; text-style: bold; }
    RegisterScreen #reg-list { height: 1fr; margin: 0 1; }
    RegisterScreen #reg-status { padding: 0 1; height: 1; color: $text-muted; }
    RegisterScreen #reg-status.failed { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("space", "mark('present')", "Present", key_display="space/enter"),
        Binding("a", "mark('absent')", "Absent"),
        Binding("l", "mark('late')", "Late"),
        Binding("u", "undo", "Undo last mark"),
        Binding("backspace", "clear", "Clear the highlighted child's mark", show=False),
        Binding("w", "walk_in", "Walk-in"),
        Binding("t", "transport", "Transport (none, bus pass, volunteer driver, taxi)", show=False),
        Binding("n", "note", "Note"),
        Binding("x", "export", "Export CSV", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("down", "to_list", "From the filter back to the list (also Enter, Esc)", show=False,
                key_display="↓"),
        Binding("escape", "back", "Back to the list / clear the filter / close the register", show=False,
                key_display="esc"),
        Binding("ctrl+s", "retry", "Retry unsaved marks", show=False),
        Binding("f5", "reload", "Reload", show=False),
    ]

    def __init__(self, session_id: str):
        super().__init__()
        self.session_id = session_id
        self.reg: registers.Register | None = None
        self.by_id: dict[str, registers.RegisterRow] = {}
        self._queue: deque[tuple[str, str, str]] = deque()
        self._in_flight: list[tuple[str, str, str]] = []
        self.list = RegisterList(id="reg-list")
        self._unsaved: set[str] = self.list.unsaved  # shown as "NOT SAVED" on the row
        self._failed: list[tuple[str, str, str]] = []
        self._leave_armed = False
        # Undo: the state each mark or clear replaced, last first: (carer_id, status, transport, note).
        self._undo: list[tuple[str, str, str, str]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the register…", id="reg-title")
        yield Static("", id="reg-cancelled")
        yield Static("", id="reg-headcount")
        yield Input(placeholder="Filter by name: press / to type, Enter or Esc to go back to the list",
                    id="reg-filter")
        yield Static(header_text(), id="reg-columns")
        yield self.list
        yield Static("Marks are saved as you make them.", id="reg-status")
        # The Footer is mounted once the rows have painted (see show): composing its keys is the
        # slowest part of opening the screen, and the children's names matter first.

    def on_mount(self) -> None:
        self.query_one("#reg-filter", Input).can_focus = True
        self.list.focus()
        self.action_reload()

    # -- loading ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        worker = self.ycapp.worker_info
        self.run_db(open_register, self.session_id, worker.id if worker else None, self.ycapp.today(),
                    then=self.show,
                    what="open the register", group="register-load", exclusive=True)

    def show(self, reg: registers.Register) -> None:
        if self.reg is None:
            self.call_after_refresh(self._mount_footer)
        self.reg = reg
        self.by_id = {r.carer_id: r for r in reg.rows}
        self.query_one("#reg-title", Static).update(reg.title)
        cancelled = self.query_one("#reg-cancelled", Static)
        if reg.session.cancelled:
            cancelled.update(f"Cancelled: {reg.session.cancel_reason}. This session takes no marks.")
        elif reg.not_yet:
            cancelled.update(reg.not_yet)
        cancelled.set_class(reg.session.cancelled or bool(reg.not_yet), "shown")
        self.fill_table()
        self.update_headcount()
        first = self.next_unmarked(-1)
        if first is not None:
            self.list.move_cursor(first)
        if reg.session.cancelled:
            self.refresh_bindings()  # the marking keys show as disabled (a footer recompose: rare)

    def _mount_footer(self) -> None:
        if not self.query(Footer):
            self.mount(Footer())
            self.call_after_refresh(self.refresh_bindings)  # the Footer composes its keys on this

    def fill_table(self, keep: str | None = None) -> None:
        words = self.query_one("#reg-filter", Input).value.lower().split()
        rows = self.reg.rows if self.reg else []
        if words:
            rows = [r for r in rows
                    if all(w in f"{r.first_name} {r.preferred_name} {r.last_name} {r.carer_ref}".lower()
                           for w in words)]
        self.list.set_rows(rows, keep)

    @property
    def shown_ids(self) -> list[str]:
        return [r.carer_id for r in self.list.rows]

    def repaint(self, r: registers.RegisterRow) -> None:
        """The child's row changed: repaint that one line."""
        self.list.refresh_child(r.carer_id)

    def update_headcount(self) -> None:
        rows = self.reg.rows if self.reg else []
        text = registers.headcount(rows).describe()
        shown = len(self.shown_ids)
        if shown != len(rows):
            text += f" · showing {shown} of {len(rows)}"
        self.query_one("#reg-headcount", Static).update(text)

    def set_status(self, text: str, failed: bool = False) -> None:
        status = self.query_one("#reg-status", Static)
        status.update(text)
        status.set_class(failed, "failed")

    # -- cursor -------------------------------------------------------------------------------

    def current(self) -> registers.RegisterRow | None:
        return self.list.current

    def next_unmarked(self, after: int) -> int | None:
        rows = self.list.rows
        n = len(rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            if not rows[i].status:
                return i
        return None

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MARK_ACTIONS and self.reg is not None and self.reg.session.cancelled:
            return None  # shown disabled: a cancelled session takes no marks
        return True

    def refused(self) -> bool:
        """A session after today takes no marks: say so (the service would refuse them too)."""
        if self.reg is None or not self.reg.not_yet:
            return False
        self.set_status(self.reg.not_yet, failed=True)
        self.notify(self.reg.not_yet, severity="warning")
        return True

    def action_mark(self, status: str) -> None:
        r = self.current()
        if r is None or self.reg is None or self.refused():
            return
        self._undo.append((r.carer_id, r.status, r.transport, r.note))
        r.status = status
        self.repaint(r)
        self.update_headcount()
        nxt = self.next_unmarked(self.list.cursor)
        if nxt is not None:
            self.list.move_cursor(nxt)
        self.save(("mark", r.carer_id, status))
        # The line always tells of the latest change (never a stale "Cleared ..." after later marks).
        self.set_status(f"{r.name}: {registers.STATUS_LABELS.get(status, status)}. u takes it back.")

    def action_undo(self) -> None:
        """Take back the last mark (or clear) made here, wherever the cursor is now."""
        if self.reg is None:
            return
        if not self._undo:
            self.set_status("Nothing to undo: no marks made since this register was opened.")
            return
        carer_id, status, transport, note = self._undo.pop()
        r = self.by_id.get(carer_id)
        if r is None:
            return
        if status:
            r.status, r.transport, r.note = status, transport, note
            self.save(("mark", carer_id, status))
            self.save(("transport", carer_id, transport))
            self.save(("note", carer_id, note))
            what = f"{r.name} is back to {registers.STATUS_LABELS.get(status, status)}"
        else:
            had = r.transport != "none" or r.note
            r.status, r.transport, r.note = "", "none", ""
            self.save(("clear", carer_id, ""))
            what = f"Cleared the mark for {r.name}" + (" (and their transport and note)" if had else "")
        self.repaint(r)
        self.update_headcount()
        self.set_status(f"{what}." + (" u again takes back the one before." if self._undo else ""))

    def action_clear(self) -> None:
        """Clear the highlighted child's mark (u puts it back)."""
        r = self.current()
        if r is None or not r.status:
            return
        self._undo.append((r.carer_id, r.status, r.transport, r.note))
        had = r.transport != "none" or r.note
        r.status, r.transport, r.note = "", "none", ""
        self.repaint(r)
        self.update_headcount()
        self.save(("clear", r.carer_id, ""))
        extra = " (and their transport and note)" if had else ""
        self.set_status(f"Cleared the mark for {r.name}{extra}. u puts it back.")

    def action_transport(self) -> None:
        r = self.current()
        if r is None:
            return
        if not r.status:
            self.notify(f"Mark {r.name} present, late or absent first.", severity="warning")
            return
        options = registers.TRANSPORTS
        r.transport = options[(options.index(r.transport) + 1) % len(options)]
        self.repaint(r)
        self.save(("transport", r.carer_id, r.transport))

    def action_note(self) -> None:
        r = self.current()
        if r is None:
            return
        if not r.status:
            self.notify(f"Mark {r.name} present, late or absent first.", severity="warning")
            return
        from screens.registers.register_forms import NoteForm

        def done(note: str | None) -> None:
            if note is None:
                return
            r.note = " ".join(note.split())
            self.repaint(r)
            self.save(("note", r.carer_id, r.note))

        self.app.push_screen(NoteForm(r.name, r.note), done)

    def action_walk_in(self) -> None:
        if self.reg is None or self.refused():
            return
        from screens.registers.register_forms import WalkInForm

        self.app.push_screen(WalkInForm(self.session_id), self.walked_in)

    def walked_in(self, result: registers.WalkIn | None) -> None:
        if result is None or result.row is None or self.reg is None:
            return
        row = result.row
        existing = self.by_id.get(row.carer_id)
        if existing is not None:
            existing.status, existing.walk_in = row.status, True
        else:
            self.reg.rows.append(row)
            self.reg.rows.sort(key=lambda r: ((r.preferred_name or r.first_name).lower(),
                                                   r.last_name.lower()))
            self.by_id[row.carer_id] = row
        self.query_one("#reg-filter", Input).value = ""
        self.fill_table(keep=row.carer_id)
        self.update_headcount()
        self.list.focus()
        what = "New record made (needs referral details)" if result.created else "Linked to their record"
        self.set_status(f"Walk-in: {row.name} marked present. {what}.")
        if result.warning:
            self.notify(result.warning, severity="warning", timeout=8)

    def action_export(self) -> None:
        folder = Path(self.ycapp.db_path).parent / "exports"
        worker = self.ycapp.worker_info

        def done(result) -> None:
            path, n = result
            self.notify(f"Register of {n} children saved to {path}", timeout=10)
            self.set_status(f"Exported to {path}")

        self.run_db(export_register, self.session_id, str(folder), worker.id if worker else None, then=done,
                    what="export the register", group="register-export")

    def action_filter(self) -> None:
        self.query_one("#reg-filter", Input).focus()

    def action_to_list(self) -> None:
        self.list.focus()

    def action_back(self) -> None:
        filt = self.query_one("#reg-filter", Input)
        if filt.has_focus:
            self.action_to_list()
            return
        if filt.value:
            keep = self.current()
            filt.value = ""
            self.fill_table(keep=keep.carer_id if keep else None)
            self.update_headcount()
            return
        if (self._queue or self._in_flight or self._failed) and not self._leave_armed:
            self._leave_armed = True
            self.notify("Some marks are not saved yet: ctrl+s tries again; Escape again leaves anyway.",
                        severity="warning", timeout=8)
            return
        self.dismiss_register()

    def dismiss_register(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Input.Changed, "#reg-filter")
    def filtered(self, _event: Input.Changed) -> None:
        keep = self.current()
        self.fill_table(keep=keep.carer_id if keep else None)
        self.update_headcount()

    @on(Input.Submitted, "#reg-filter")
    def filter_done(self, _event: Input.Submitted) -> None:
        self.action_to_list()

    # -- saving -------------------------------------------------------------------------------

    def save(self, op: tuple[str, str, str]) -> None:
        self._queue.append(op)
        self._leave_armed = False
        self.kick()

    def kick(self) -> None:
        if self._in_flight or not (self._queue or self._failed):
            return
        batch = [*self._failed, *self._queue]
        self._failed.clear()
        self._queue.clear()
        self._in_flight = batch
        worker = self.ycapp.worker_info
        self.run_db(apply_ops, self.session_id, batch, worker.id if worker else None, self.ycapp.today(),
                    then=self.saved, on_error=partial(self.save_failed, batch), what="save the mark",
                    group="register-save")

    def saved(self, batch) -> None:
        self._in_flight = []
        repaint = {carer_id for _k, carer_id, _v in batch if carer_id in self._unsaved}
        self._unsaved -= repaint
        for carer_id in repaint:
            if carer_id in self.by_id:
                self.repaint(self.by_id[carer_id])
        if repaint:
            self.set_status("Saved: every mark is on the laptop now.")
        self.kick()

    def save_failed(self, batch, error: BaseException) -> None:
        self._in_flight = []
        if isinstance(error, (FieldError, FormErrors)):
            # Not worth retrying (e.g. the session was cancelled elsewhere): say so and reload.
            self.notify(str(error), severity="error", timeout=10)
            self.set_status(str(error), failed=True)
            self.action_reload()
            self.kick()
            return
        self._failed = [*batch, *self._failed]
        for _k, carer_id, _v in batch:
            self._unsaved.add(carer_id)
            if carer_id in self.by_id:
                self.repaint(self.by_id[carer_id])
        message = plain_error(error, "save the mark")
        self.set_status(f"NOT SAVED: {message} (ctrl+s to try again)", failed=True)
        self.notify(message, severity="error", timeout=10)

    def action_retry(self) -> None:
        self.kick()
