"""A young carer's support plan: actions co-designed with them (what, who, by when, status).

Open actions come first, soonest due first; an open action past its due date is marked overdue
(the home screen lists those too). n adds an action, enter edits one, d marks it done today, x
drops it, u opens it again.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from ycworker.assessment import actions, plans
from ycworker.assessment.plans import Plan


class PlanScreen(AreaScreen):
    HELP_TITLE = "Support plan"
    DEFAULT_CSS = """
    PlanScreen #plan-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    PlanScreen #plan-summary { height: auto; padding: 0 1; }
    PlanScreen #plan-table { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", show=True),
        Binding("n", "add", "Add an action", show=True),
        Binding("enter", "edit", "Edit", show=True),
        Binding("d", "status('done')", "Done", show=True),
        Binding("x", "status('dropped')", "Drop", show=True),
        Binding("u", "status('open')", "Open again", show=True),
        Binding("f5", "refresh", "Refresh", show=False),
    ]

    def __init__(self, carer_id: str):
        super().__init__()
        self.carer_id = carer_id
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Support plan", id="plan-title", markup=False)
        yield Static("", id="plan-summary", markup=False)
        yield DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plan-table", DataTable)
        table.add_columns("What", "Who", "Due", "Status")
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(actions.load_plan, self.context(), self.carer_id, then=self.show, what="open the plan",
                    group="plan", exclusive=True)

    def show(self, plan: Plan) -> None:
        self.plan = plan
        self.query_one("#plan-title", Static).update(f"Support plan · {plan.name} ({plan.carer_ref})")
        overdue = f", {plan.overdue} overdue" if plan.overdue else ""
        review = (f" {plan.review_text[:1].upper()}{plan.review_text[1:]}." if plan.review_text
                  else "")
        self.query_one("#plan-summary", Static).update(
            f"{plan.open} open action{'s' if plan.open != 1 else ''}{overdue}.{review} Agree each action "
            "with the young carer: what, who does it, and by when.")
        table = self.query_one("#plan-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for a in plan.actions:
            due = f"{a.due_date:%d/%m/%Y}" if a.due_date else ""
            status = a.status_text.upper() if a.overdue else a.status_text
            table.add_row(a.what, a.who, due, status, key=a.id)
        if not plan.actions:
            table.add_row("No actions yet: n adds one.", "", "", "", key="none")
        table.move_cursor(row=min(keep, table.row_count - 1))

    def _current(self):
        table = self.query_one("#plan-table", DataTable)
        if self.plan is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((a for a in self.plan.actions if a.id == key), None)

    @on(DataTable.RowSelected)
    def _selected(self, _event) -> None:
        self.action_edit()

    def _specs(self, action=None) -> list[Spec]:
        specs = [Spec("what", "What", value=action.what if action else "",
                      placeholder="e.g. Join the Chill Club"),
                 Spec("who", "Who", value=action.who if action else "",
                      placeholder=" / ".join(plans.WHO_SUGGESTIONS)),
                 Spec("due_date", "By when", value=f"{action.due_date:%d/%m/%Y}" if action and action.due_date
                      else "", placeholder="DD/MM/YYYY")]
        if action is not None:
            specs.append(Spec("status", "Status", "select", action.status,
                              tuple((label, key) for key, label in plans.STATUSES.items())))
        return specs

    def action_add(self) -> None:
        ctx, carer_id = self.context(), self.carer_id

        def save(store, form):
            return actions.add_plan_action(store, ctx, carer_id, form)

        self.app.push_screen(FormModal("Add an action to the plan", self._specs(), save),
                             lambda r: self.action_refresh() if r else None)

    def action_edit(self) -> None:
        action = self._current()
        if action is None:
            return
        ctx, action_id = self.context(), action.id

        def save(store, form):
            return actions.update_plan_action(store, ctx, action_id, form)

        self.app.push_screen(FormModal("Change the action", self._specs(action), save),
                             lambda r: self.action_refresh() if r else None)

    def action_status(self, status: str) -> None:
        action = self._current()
        if action is None:
            return
        self.run_db(actions.set_plan_status, self.context(), action.id, status,
                    then=lambda _r: self.action_refresh(), what="change the action")

    def action_back(self) -> None:
        self.app.pop_screen()


__all__ = ["PlanScreen"]
