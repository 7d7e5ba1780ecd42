"""The record's casework section (issue 18): safeguarding status and meetings, the handover to adult
services at 18, signposting, language and access. Its own widget and keys, so the record screen
only places it and mixes the actions in:

``g`` safeguarding status (start one, step up or down, or end it), ``m`` a safeguarding meeting,
``d`` the handover at 18 (referral to Adult Social Care, young adult carers' offer), ``k``
signposting to an organisation on the service's list, ``K`` a new organisation on that list (a
manager's), ``l`` language and access. Each opens a form (errors beside the field) whose save is
one ``ycworker.caseload.casework`` use case.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from screens.common.forms import FormModal, Spec
from ycworker.caseload import casework, handover, language, safeguarding, signposting
from ycworker.caseload.casework import CaseworkView

BINDINGS = [
    Binding("g", "safeguarding_status", "Safeguarding status", show=True),
    Binding("m", "safeguarding_meeting", "Safeguarding meeting", show=True),
    Binding("d", "handover", "Handover at 18", show=True),
    Binding("k", "signposting", "Signposting", show=True),
    Binding("K", "add_organisation", "Add an organisation to the signposting list", show=False),
    Binding("l", "language", "Language and access", show=True),
]


class CaseworkPanel(Vertical):
    """Safeguarding, handover at 18, signposting, language and access, as text."""

    DEFAULT_CSS = """
    CaseworkPanel { height: auto; border: round $panel; padding: 0 1; }
    CaseworkPanel:focus-within { border: round $accent; }
    CaseworkPanel #casework-now { height: auto; color: $error; text-style: bold; }
    CaseworkPanel #casework-text { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Safeguarding, handover at 18, signposting, language", classes="section-title")
        yield Static("", id="casework-now", markup=False)
        yield Static("Loading…", id="casework-text", markup=False)

    def show(self, view: CaseworkView) -> None:
        self.query_one("#casework-now", Static).update(view.safeguarding_line)
        self.query_one("#casework-text", Static).update("\n".join(panel_lines(view)))


def panel_lines(view: CaseworkView) -> list[str]:
    lines = ["Safeguarding (g status, m meeting):"]
    if view.status_history:
        lines += [f" • {p.describe()}" for p in view.status_history]
    else:
        lines.append(" • No Child in Need, Child Protection or Early Help status.")
    lines += [f" • Meeting {m.describe()}" for m in view.meetings]
    lines.append("Handover at 18 (d; the transition assessment is under a):")
    not_yet = (" • Not referred to Adult Social Care or the young adult carers' offer yet."
               if view.age >= handover.FROM_AGE
               else " • From 17: referral to Adult Social Care, young adult carers' offer.")
    lines += [f" • {line}" for line in view.handover.lines()] or [not_yet]
    lines.append("Signposting (k):")
    lines += [f" • {s.describe()}" for s in view.signposting] or [" • None recorded."]
    lines.append("Language and access (l):")
    lines += [f" • {line}" for line in view.access.lines()] or [" • Nothing recorded."]
    return lines


def _save(action: Any, carer_id: str, ctx: Any, store: Any, form: dict) -> Any:
    return action(store, carer_id, form, ctx) or True


class CaseworkActions:
    """The record screen's casework keys (mixed into CarerRecordScreen, an AreaScreen)."""

    carer_id: str
    app: Any

    def casework_refresh(self) -> None:
        self.run_db(casework.load, self.carer_id, self.context(),  # type: ignore[attr-defined]
                    then=self._casework_loaded, what="show the casework", group="casework",
                    exclusive=True)

    def _casework_loaded(self, view: CaseworkView) -> None:
        self.casework_view = view
        self.query_one(CaseworkPanel).show(view)  # type: ignore[attr-defined]

    def _casework_form(self, title: str, specs: list[Spec], action: Any, note: str = "") -> None:
        ctx = self.context()  # type: ignore[attr-defined]
        self.app.push_screen(FormModal(title, specs, partial(_save, action, self.carer_id, ctx), note=note),
                             lambda result: self.casework_refresh() if result else None)

    def action_safeguarding_status(self) -> None:
        today = self.context().today  # type: ignore[attr-defined]
        view: CaseworkView | None = getattr(self, "casework_view", None)
        now = view.safeguarding_now if view else None
        choices = tuple((label, key) for key, label in safeguarding.STATUSES.items())
        if now is not None:
            choices += ((f"End the {now.label} status", safeguarding.ENDED),)
        note = (f"In force: {now.label} since {now.start_date:%d/%m/%Y}. A new status ends it the day before."
                if now else "No status in force.")
        self._casework_form("Safeguarding status", [
            Spec("status", "Status", "select", "", choices, placeholder="Choose the status"),
            Spec("start_date", "From (or ended on)", value=f"{today:%d/%m/%Y}"),
        ], casework.set_safeguarding_status, note)

    def action_safeguarding_meeting(self) -> None:
        today = self.context().today  # type: ignore[attr-defined]
        self._casework_form("Safeguarding meeting", [
            Spec("meeting_date", "Date", value=f"{today:%d/%m/%Y}"),
            Spec("kind", "Kind", "select", "",
                 tuple((label, key) for key, label in safeguarding.MEETING_KINDS.items())),
            Spec("attended", "Who attended", placeholder="e.g. social worker, school DSL, Mum, me"),
            Spec("actions", "Actions agreed", "text", placeholder="who does what, by when"),
        ], casework.add_safeguarding_meeting)

    def action_handover(self) -> None:
        view: CaseworkView | None = getattr(self, "casework_view", None)
        h = view.handover if view else handover.Handover(None, None, None)
        self._casework_form("Handover to adult services at 18", [
            Spec("asc_referral_date", "Referred to Adult Social Care",
                 value=f"{h.asc_referral_date:%d/%m/%Y}" if h.asc_referral_date else "",
                 placeholder="DD/MM/YYYY, blank if not referred"),
            Spec("asc_outcome", "Outcome", "select", h.asc_outcome or "",
                 tuple((label, key) for key, label in handover.OUTCOMES.items())),
            Spec("yac_handover_date", "Young adult carers' offer",
                 value=f"{h.yac_handover_date:%d/%m/%Y}" if h.yac_handover_date else "",
                 placeholder="date handed over, DD/MM/YYYY"),
        ], casework.record_handover)

    def action_signposting(self) -> None:
        today = self.context().today  # type: ignore[attr-defined]

        def open_form(organisations: list[tuple[str, str]]) -> None:
            self._casework_form("Signposting", [
                Spec("organisation", "Organisation", "select", "", tuple(organisations),
                     placeholder="From the service's list"),
                Spec("signposted_date", "Date", value=f"{today:%d/%m/%Y}"),
                Spec("outcome", "Outcome", "select", "referred",
                     tuple((label, key) for key, label in signposting.OUTCOMES.items())),
                Spec("note", "Note", placeholder="optional"),
            ], casework.add_signposting, "Not on the list? A manager adds it with K.")

        self.run_db(casework.organisation_choices, then=open_form,  # type: ignore[attr-defined]
                    what="list the organisations")

    def action_add_organisation(self) -> None:
        ctx = self.context()  # type: ignore[attr-defined]

        def save(store: Any, form: dict) -> Any:
            return casework.add_organisation(store, form, ctx)

        self.app.push_screen(FormModal("Add an organisation to the signposting list", [
            Spec("name", "Name", placeholder="e.g. Kooth"),
            Spec("kind", "What they do", placeholder="e.g. online counselling"),
        ], save), lambda result: self.app.notify("Added to the signposting list.") if result else None)

    def action_language(self) -> None:
        view: CaseworkView | None = getattr(self, "casework_view", None)
        values = (view.access if view else language.Access()).form_values()
        yes_no = (("No", "no"), ("Yes", "yes"))
        specs = []
        for name, label in language.FIELDS.items():
            if name.endswith("interpreter_needed"):
                specs.append(Spec(name, label, "select", values[name], yes_no))
            else:
                specs.append(Spec(name, label, value=values[name],
                                  placeholder="e.g. Polish" if "language" in name
                                  else "e.g. BSL, hearing loss, easy-read letters"))
        self._casework_form("Language and access", specs, casework.save_language)
