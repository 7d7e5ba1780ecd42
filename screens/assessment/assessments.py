"""The Assessments area: drafts to resume, assessments due, recent completions.

Drafts: every needs assessment, re-assessment or transition assessment started and not yet
completed, most urgent deadline first. Due: allocated support requests with no assessment started
(the KPI 3 clock is running) and carers of 17 with no transition assessment. Completed: the latest
completions. Enter resumes a draft, starts a due one, or opens a completed one; v opens the carer's
assessments, plan and reviews; r opens their record. A manager sees everyone; F2 switches.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.assessment.form import open_assessment
from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.assessment import actions
from ycworker.assessment.lists import ListItem, Overview

LISTS = (("drafts", "Drafts to resume"), ("due", "Due: not started yet"), ("completed", "Completed recently"))


class AssessmentsScreen(AreaScreen):
    HELP_TITLE = "Assessments"
    DEFAULT_CSS = """
    AssessmentsScreen #as-summary { height: 1; padding: 0 1; background: $boost; }
    AssessmentsScreen #as-lists { height: 1fr; padding: 0 1; }
    AssessmentsScreen .as-box { border: round $panel; height: 1fr; }
    AssessmentsScreen .as-box:focus-within { border: round $accent; }
    AssessmentsScreen .as-list { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open / start", show=True),
        Binding("v", "carer", "The carer's assessments, plan, reviews", show=True),
        Binding("r", "record", "Open the record", show=True),
        Binding("f2", "toggle_everyone", "Mine / everyone", show=True),
        Binding("f5", "refresh", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None
        self.everyone: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the assessments…", id="as-summary", markup=False)
        with Vertical(id="as-lists"):
            for key, title in LISTS:
                with Vertical(classes="as-box"):
                    yield Label(title, classes="section-title", id=f"as-title-{key}")
                    yield OptionList(id=f"as-{key}", classes="as-list")
        yield Footer()

    def on_mount(self) -> None:
        worker = self.ycapp.worker_info
        self.everyone = bool(worker and worker.is_manager)
        self.query_one("#as-drafts", OptionList).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.overview is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(actions.load_overview, self.context(), bool(self.everyone), then=self.show,
                    what="load the assessments", group="assessments", exclusive=True)

    def show(self, overview: Overview) -> None:
        self.overview = overview
        c = overview.counts
        who = "everyone" if overview.everyone else "my caseload"
        self.query_one("#as-summary", Static).update(
            f"{who} · {c['drafts']:,} draft{'s' if c['drafts'] != 1 else ''} "
            f"({c['drafts_overdue']:,} overdue) · "
            f"{c['due']:,} due to start ({c['due_initial']:,} needs assessments, {c['due_transition']:,} "
            f"transition; {c['overdue']:,} overdue) · F2 mine / everyone", layout=False)
        totals = {"drafts": c["drafts"], "due": c["due"], "completed": len(overview.completed)}
        for key, title in LISTS:
            items: list[ListItem] = getattr(overview, key)
            shown = f" (first {len(items)} of {totals[key]:,})" if totals[key] > len(items) else \
                f" ({totals[key]:,})"
            self.query_one(f"#as-title-{key}", Label).update(title + shown)
            listing = self.query_one(f"#as-{key}", OptionList)
            keep = listing.highlighted
            listing.clear_options()
            if not items:
                listing.add_option(Option("Nothing here.", disabled=True))
                continue
            listing.add_options(Option(self._prompt(i), id=f"{key}:{n}") for n, i in enumerate(items))
            listing.highlighted = min(keep or 0, len(items) - 1)

    @staticmethod
    def _prompt(item: ListItem):
        from rich.text import Text

        text = Text()
        text.append("! " if item.overdue else "  ", style="bold red")
        text.append(f"{item.title:<40}", style="bold")
        text.append(f" {item.detail}", style="red" if item.overdue else "")
        return text

    def _current(self) -> tuple[str, ListItem] | None:
        focused = self.focused
        if not isinstance(focused, OptionList) or self.overview is None or focused.highlighted is None:
            return None
        option = focused.get_option_at_index(focused.highlighted)
        if option.id is None:
            return None
        key, n = option.id.split(":")
        return key, getattr(self.overview, key)[int(n)]

    @on(OptionList.OptionSelected)
    def _selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        current = self._current()
        if current is None:
            return
        _key, item = current
        if item.assessment_id:
            open_assessment(self, item.assessment_id)
            return
        self.run_db(actions.start_assessment, self.context(), item.carer_id, item.kind,
                    then=lambda aid: open_assessment(self, aid), what="start the assessment")

    def action_carer(self) -> None:
        current = self._current()
        if current is not None:
            from screens.assessment.carer_assessments import CarerAssessmentsScreen

            self.app.push_screen(CarerAssessmentsScreen(current[1].carer_id))

    def action_record(self) -> None:
        current = self._current()
        if current is not None:
            self.ycapp.open_carer(current[1].carer_id)

    def action_toggle_everyone(self) -> None:
        self.everyone = not self.everyone
        self.action_refresh()


__all__ = ["AssessmentsScreen"]
