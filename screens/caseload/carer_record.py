"""A young carer's record: profile, household and siblings, cared-for people, support requests
with their clocks, the timeline of contacts and notes, and what is due next.

Every profile field saves itself when you press Enter or leave it; a problem shows beside the
field and what you typed stays. Actions (allocate, consent, close, reopen, add a contact or note,
add a cared-for person, add a sibling, a new support request) open small forms.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Static

from screens.caseload import casework_panel
from screens.caseload.casework_panel import CaseworkActions, CaseworkPanel
from screens.caseload.widgets import FieldRow
from screens.common.base import AreaScreen
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from ycworker.caseload import actions, carers, referrals
from ycworker.caseload.record import CarerRecord

FIELD_HINTS = {
    "date_of_birth": "DD/MM/YYYY", "sex": "M, F or U", "ethnicity": "DfE code, e.g. WBRI",
    "disability": "yes / no", "send": "yes / no", "fsm": "yes / no", "postcode": "e.g. BD1 1AA",
    "caring_tasks": "e.g. cooking, medication, keeping Mum company",
}


#: Beside a field whose value this laptop and the team server disagree on, until a person chooses.
CONFLICT_MARK = "⚠ "


def _form_action(action: Any, target_id: str, ctx: Any, store: Any, form: Any) -> Any:
    """A form's save: ``action(store, target_id, form, ctx)``, truthy when it saved."""
    return action(store, target_id, form, ctx) or True


class CarerRecordScreen(CaseworkActions, AreaScreen):
    HELP_TITLE = "A young carer's record"
    DEFAULT_CSS = """
    CarerRecordScreen #record-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    CarerRecordScreen #record-flag { height: auto; padding: 0 1; color: $warning; }
    CarerRecordScreen #record-conflict { height: auto; padding: 0 1; color: $warning; text-style: bold;
        display: none; }
    CarerRecordScreen #record-conflict.-shown { display: block; }
    CarerRecordScreen FieldRow.-conflict > .field-label { color: $warning; text-style: bold; }
    CarerRecordScreen #record-due { height: auto; padding: 0 1; border: round $warning; }
    CarerRecordScreen #record-body { height: 1fr; }
    CarerRecordScreen .record-section { height: auto; border: round $panel; padding: 0 1; }
    CarerRecordScreen .record-section:focus-within { border: round $accent; }
    CarerRecordScreen .record-text { height: auto; }
    CarerRecordScreen .saved { color: $success; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", show=True),
        Binding("w", "allocate", "Allocate to a worker", show=True),
        Binding("o", "consent", "Consent", show=True),
        Binding("x", "close_request", "Close the request", show=True),
        Binding("u", "reopen", "Reopen", show=True),
        Binding("t", "add_contact", "Add contact / note", show=True),
        Binding("p", "add_cared_for", "Add cared-for person", show=True),
        Binding("i", "add_sibling", "Add a sibling", show=False),
        Binding("n", "new_request", "New support request", show=False),
        Binding("f", "edit", "Edit fields", show=True),
        Binding("a", "assessments", "Assessments, plan, reviews", show=True),
        Binding("f5", "refresh", "Refresh", show=False),
        *casework_panel.BINDINGS,  # safeguarding, handover at 18, signposting, language
    ]

    def __init__(self, carer_id: str):
        super().__init__()
        self.carer_id = carer_id
        self.record: CarerRecord | None = None
        self.saved_values: dict[str, str] = {}
        self._saving: dict[str, str] = {}  # field -> value being saved now

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the record…", id="record-title", markup=False)
        yield Static("", id="record-flag", markup=False)
        yield Static("", id="record-conflict", markup=False)
        yield Static("", id="record-due", markup=False)
        with VerticalScroll(id="record-body"):
            yield CaseworkPanel(id="sec-casework")
            with Vertical(classes="record-section", id="sec-profile"):
                yield Label("Profile", classes="section-title")
                for name, label in carers.PROFILE_FIELDS.items():
                    yield FieldRow(name, label, placeholder=FIELD_HINTS.get(name, ""))
            with Vertical(classes="record-section", id="sec-household"):
                yield Label("Household", classes="section-title")
                for name, label in carers.HOUSEHOLD_FIELDS.items():
                    yield FieldRow(name, label, placeholder=FIELD_HINTS.get(name, ""))
                yield Static("", id="record-siblings", classes="record-text", markup=False)
            with Vertical(classes="record-section", id="sec-cared-for"):
                yield Label("Cared for", classes="section-title")
                yield Static("", id="record-cared-for", classes="record-text", markup=False)
            with Vertical(classes="record-section", id="sec-referrals"):
                yield Label("Support requests", classes="section-title")
                yield Static("", id="record-referrals", classes="record-text", markup=False)
            with Vertical(classes="record-section", id="sec-timeline"):
                yield Label("Contacts and notes", classes="section-title")
                yield Static("", id="record-timeline", classes="record-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#record-body").focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from the assessments, plan or a review: the plan's review date may have moved.
        if self.record is not None:
            self.action_refresh()

    # -- loading and showing ---------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.run_db(actions.open_record, self.carer_id, self.context(), self.record is None,
                    then=self.show, what="open the record", group="record",
                    exclusive=True)

    def show(self, rec: CarerRecord) -> None:
        self.record = rec
        self.casework_refresh()

        preferred = f" ({rec.preferred_name})" if rec.preferred_name else ""
        worker = f" · worker {rec.worker}" if rec.worker else " · no worker yet"
        impact = f" · impact {rec.impact_level}" if rec.impact_level else ""
        self.query_one("#record-title", Static).update(
            f"{rec.name}{preferred} · {rec.carer_ref} · {rec.age} (born {rec.date_of_birth:%d/%m/%Y}) · "
            f"{rec.status}{worker}{impact}")
        self.query_one("#record-flag", Static).update(rec.flag)
        due = rec.due_next or ["Nothing due."]
        self.query_one("#record-due", Static).update("Due next:\n" + "\n".join(f" • {d}" for d in due))
        self.show_conflicts(rec.conflicted_fields)
        for row in self.query(FieldRow):
            value = rec.value_of(row.field_name)
            self.saved_values[row.field_name] = value
            if not row.input.has_focus:
                row.input.value = value
        sibs = "\n".join(f" • {s.name} ({s.carer_ref}), {s.age}, {s.status}" for s in rec.siblings)
        self.query_one("#record-siblings", Static).update(
            "Siblings who care too:\n" + sibs if sibs else "No siblings on record (i adds one by carer ref).")
        cared = []
        for cf in rec.cared_for:
            conds = ", ".join(carers.CONDITIONS.get(c, c) for c in cf.conditions) or "no condition recorded"
            also = f"; also cared for by {', '.join(cf.also_cared_for_by)}" if cf.also_cared_for_by else ""
            cared.append(f" • {cf.name or '(no name)'}: {cf.relationship}; {conds}{also}"
                         + (f"\n   {cf.notes}" if cf.notes else ""))
        self.query_one("#record-cared-for", Static).update(
            "\n".join(cared) or "No one recorded yet (p adds the person they care for).")
        refs = []
        for r in rec.referrals:
            lines = [f" • {r.referral_date:%d/%m/%Y} from {referrals.SOURCES.get(r.source, r.source)}"
                     f"{' (' + r.referrer_name + ')' if r.referrer_name else ''}: {r.stage}"]
            consent = f"consent {r.consent}"
            if r.consent_date:
                consent += f" on {r.consent_date:%d/%m/%Y}"
            if r.consent_given_by:
                consent += f" by {r.consent_given_by}"
            lines.append(f"   {consent}")
            if r.allocated_date:
                lines.append(f"   allocated {r.allocated_date:%d/%m/%Y} to {r.worker or 'a worker'}")
            if r.assessment_completed_date:
                lines.append(f"   assessed {r.assessment_completed_date:%d/%m/%Y}")
            if r.deadline_text:
                lines.append(f"   {r.deadline_text} ({r.deadline:%a %d %b %Y})")
            if r.reason:
                lines.append(f"   why: {r.reason}")
            if r.reopened_count:
                lines.append(f"   reopened {r.reopened_count} time(s)")
            refs.append("\n".join(lines))
        if rec.review_text:
            refs.append(f" • Support plan: {rec.review_text}")
        self.query_one("#record-referrals", Static).update(
            "\n".join(refs) or "No support request yet (n adds one).")
        timeline = [
            f" • {c.contact_date:%d/%m/%Y} {carers.CONTACT_KINDS.get(c.kind, c.kind)}"
            f"{'' if c.kind == 'note' else ', ' + carers.mode_text(c.mode)}"
            f"{f' ({c.duration_minutes} min)' if c.duration_minutes else ''}"
            f"{' by ' + c.worker if c.worker else ''}: {c.note}"
            for c in rec.timeline
        ]
        self.query_one("#record-timeline", Static).update(
            "\n".join(timeline) or "No contacts yet (t adds one).")


    def show_conflicts(self, fields: list[str]) -> None:
        """A field with a team conflict waiting: a marker by its label and a line saying how to
        settle it (the Conflicts screen's key)."""
        for row in self.query(FieldRow):
            waiting = row.field_name in fields
            row.set_class(waiting, "-conflict")
            label = f"{CONFLICT_MARK}{row.label}" if waiting else row.label
            row.query_one(".field-label", Label).update(label)
        line = self.query_one("#record-conflict", Static)
        line.set_class(bool(fields), "-shown")
        if fields:
            names = carers.PROFILE_FIELDS | carers.HOUSEHOLD_FIELDS
            labels = ", ".join(names.get(f, f).lower() for f in fields)
            line.update(f"{CONFLICT_MARK}conflict waiting on {labels}: press ctrl+g to see both values "
                        "and choose")
        else:
            line.update("")

    # -- field-by-field saving -------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._save_input(event.input)

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        self._save_input(event.input)

    def _save_input(self, widget: Input) -> None:
        wid = widget.id or ""
        if not wid.startswith("f-") or self.record is None:
            return
        name = wid[2:]
        value = widget.value
        # Enter then leaving the field asks twice: the second waits for nothing (one save, one
        # audit entry).
        if value == self.saved_values.get(name) or value == self._saving.get(name):
            return
        row = self.query_one(f"#row-{name}", FieldRow)
        self._saving[name] = value
        self.run_db(actions.save_field, self.carer_id, name, value, self.context(),
                    then=partial(self._field_saved, name, value),
                    on_error=partial(self._field_failed, name, row),
                    what=f"save {name}", group=f"field-{name}")

    def _field_failed(self, name: str, row: FieldRow, error: BaseException) -> None:
        self._saving.pop(name, None)
        row.show_error(error)

    def _field_saved(self, name: str, typed: str, shown: str) -> None:
        if self._saving.get(name) == typed:
            del self._saving[name]
        row = self.query_one(f"#row-{name}", FieldRow)
        row.show_error("")
        self.saved_values[name] = shown
        if row.input.value == typed and not row.input.has_focus:
            row.input.value = shown
        self.notify(f"{carers.PROFILE_FIELDS.get(name) or carers.HOUSEHOLD_FIELDS.get(name)} saved.",
                    timeout=2)
        self.action_refresh()

    # -- actions ---------------------------------------------------------------------------------

    def _worker_id(self) -> str | None:
        return self.context().worker_id

    def _referral(self, *, open_only: bool = True):
        if self.record is None:
            return None
        r = self.record.open_referral if open_only else (self.record.latest_referral)
        if r is None:
            self.notify("There is no open support request: n adds one." if open_only
                        else "There is no support request yet.", severity="warning")
        return r

    def _after_form(self, result) -> None:
        if result:
            self.action_refresh()

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            self._save_input(focused)
            self.query_one("#record-body").focus()
            return
        self.app.pop_screen()

    def action_edit(self) -> None:
        self.query_one("#f-first_name", Input).focus()

    def action_assessments(self) -> None:
        self.ycapp.open_carer_assessments(self.carer_id, lambda _r: self.action_refresh())

    def action_allocate(self) -> None:
        r = self._referral()
        if r is None:
            return
        ctx = self.context()
        today = ctx.today

        def open_form(workers) -> None:
            mine = self._worker_id()
            specs = [
                Spec("worker", "Worker", "select", r.worker_id or mine or "",
                     tuple((name, wid) for name, wid in workers), placeholder="Choose the worker"),
                Spec("allocated_date", "Date allocated", value=f"{today:%d/%m/%Y}"),
            ]
            note = f"{r.deadline_text[:1].upper()}{r.deadline_text[1:]}." if r.deadline_text else ""
            self.app.push_screen(FormModal(
                "Allocate the support request", specs,
                partial(_form_action, actions.allocate, r.referral_id, ctx), note=note),
                self._after_form)

        self.run_db(actions.workers_to_allocate, then=open_form, what="list the workers")

    def action_consent(self) -> None:
        r = self._referral()
        if r is None:
            return
        ctx = self.context()
        today = ctx.today
        specs = [
            Spec("consent", "Consent", "select", r.consent,
                 tuple((label, key) for key, label in referrals.CONSENTS.items())),
            Spec("consent_date", "Date", value=f"{(r.consent_date or today):%d/%m/%Y}"),
            Spec("consent_given_by", "Given (or refused) by", value=r.consent_given_by,
                 placeholder="e.g. Mum (Sarah Khan)"),
        ]
        self.app.push_screen(FormModal("Parental consent", specs,
                                       partial(_form_action, actions.record_consent, r.referral_id,
                                               ctx)), self._after_form)

    def action_close_request(self) -> None:
        r = self._referral()
        if r is None:
            return
        ctx = self.context()
        today = ctx.today
        suggested = "consent_not_given" if r.consent == "refused" else ""
        specs = [
            Spec("closure_reason", "Reason", "select", suggested,
                 tuple((label, key) for key, label in referrals.CLOSURE_REASONS.items())),
            Spec("closed_date", "Date closed", value=f"{today:%d/%m/%Y}"),
            Spec("closure_note", "Note", "text", placeholder="optional"),
        ]
        self.app.push_screen(FormModal("Close the support request", specs,
                                       partial(_form_action, actions.close_request, r.referral_id,
                                               ctx)), self._after_form)

    def action_reopen(self) -> None:
        if self.record is None:
            return
        closed = next((r for r in self.record.referrals if not r.is_open), None)
        if closed is None:
            self.notify("Nothing is closed to reopen.", severity="warning")
            return
        self.run_db(actions.reopen_request, closed.referral_id, self.context(),
                    then=self._reopened, what="reopen the request")

    def _reopened(self, _result: object) -> None:
        self.notify("Support request reopened.")
        self.action_refresh()

    def action_add_contact(self) -> None:
        ctx = self.context()
        today = ctx.today
        specs = [
            Spec("kind", "Kind", "select", "one_to_one",
                 tuple((label, key) for key, label in carers.CONTACT_KINDS.items())),
            Spec("mode", "How", "select", "",
                 tuple((label, key) for key, label in carers.CONTACT_MODES.items()),
                 placeholder="How it was delivered (not for a note)"),
            Spec("contact_date", "Date", value=f"{today:%d/%m/%Y}"),
            Spec("duration_minutes", "Minutes", placeholder="e.g. 45"),
            Spec("note", "Note", "text", placeholder="what happened, what was agreed"),
        ]
        self.app.push_screen(FormModal("Add a contact or note", specs,
                                       partial(_form_action, actions.add_contact, self.carer_id,
                                               ctx)), self._after_form)

    def action_add_cared_for(self) -> None:
        def open_form(known) -> None:
            specs = []
            if known:
                specs.append(Spec("existing", "Already in household", "select", "",
                                  tuple((name or "(no name)", cid) for cid, name in known),
                                  placeholder="or add someone new below"))
            specs += [
                Spec("name", "Name", placeholder="e.g. Mum, or Sarah"),
                Spec("relationship", "Relationship", "select", "",
                     tuple((r.title(), r) for r in carers.RELATIONSHIPS)),
                Spec("conditions", "Conditions", "multi", (),
                     tuple((label, key) for key, label in carers.CONDITIONS.items())),
                Spec("notes", "Notes", placeholder="optional"),
            ]
            self.app.push_screen(FormModal("Add a person they care for", specs,
                                           partial(_form_action, actions.add_cared_for, self.carer_id,
                                                   self.context())), self._after_form)

        self.run_db(actions.household_cared_for, self.carer_id, then=open_form, what="list the household")

    def action_add_sibling(self) -> None:
        ctx = self.context()

        def save(store, form):
            return actions.add_sibling(store, self.carer_id, form["sibling"], ctx)

        self.app.push_screen(FormModal("Add a sibling who cares too", [
            Spec("sibling", "Sibling's carer ref", placeholder="e.g. YC-7KQ2MD")], save),
            self._after_form)

    def action_new_request(self) -> None:
        if self.record is None:
            return
        from screens.caseload.referral_form import ReferralFormScreen

        self.app.push_screen(ReferralFormScreen(prefill_name=self.record.name),
                             lambda cid: self.action_refresh() if cid else None)
