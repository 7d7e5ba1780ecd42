"""The home screen: the worker's day at a glance."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.home import day as home
from ycworker.team import status as team_status

SECTIONS = (
    ("sessions", "Sessions today"),
    ("allocations", "Allocations due (2 working days) and overdue"),
    ("assessments", "Assessments due and overdue"),
    ("turning_18", "Turning 18 within 6 months"),
    ("plan_actions", "Overdue plan actions"),
    ("reviews", "Plan reviews due (2 weeks) and overdue"),
    ("needs_details", "Walk-ins needing referral details"),
)


#: Lines shown in each list: the most urgent first. The service reads up to 2,000 allocations and
#: assessments (to count the overdue exactly); laying out every one of them as an option cost the
#: first paint of home 100-150 ms at 50,000 carers, for lines beyond what anyone scrolls to here.
SHOWN = home.LIST_LIMIT


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class HomeScreen(AreaScreen):
    HELP_TITLE = "Home"
    DEFAULT_CSS = """
    HomeScreen #home-return { padding: 0 1; height: auto; color: $warning; text-style: bold; display: none; }
    HomeScreen #home-return.shown { display: block; }
    HomeScreen #home-return.overdue { color: $error; }
    """
    BINDINGS = [
        ("f5", "refresh", "Refresh"),
        ("enter", "open", "Open"),
        ("t", "team", "Team (manager)"),  # a manager's (check_action): every worker's cases and last sync
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-summary")
        yield Static("", id="home-return")  # the commissioner's return, when due soon or overdue
        team = Static("", id="home-team", markup=False)
        team.display = False  # only on a laptop in a team, while there are conflicts to settle
        yield team
        with Grid(id="home-grid"):
            for key, title in SECTIONS:
                with Vertical(classes="home-section"):
                    yield Label(title, classes="section-title")
                    yield OptionList(id=f"home-{key}", classes="home-list")
        yield Footer()

    def on_mount(self) -> None:
        self.day: home.WorkerDay | None = None
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if getattr(self, "day", None) is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        app = self.ycapp
        worker = app.worker_info
        self.run_db(home.load_day, worker.id if worker else None, app.today(),
                    bool(worker and worker.is_manager), then=self.show, what="load your day",
                    exclusive=True, group="home")
        manager = bool(worker and worker.is_manager)
        self.run_db(lambda store: team_status.line(store, worker_id=worker.id if worker else None,
                                                   manager=manager),
                    then=self.show_team, what="read the team sync status", exclusive=True, group="home-team")

    def on_team_synced(self, _message) -> None:
        """A team sync ended (screens.team.sync_control.TeamSynced): its conflicts may have changed."""
        if getattr(self, "day", None) is not None:
            self.action_refresh()

    def show_team(self, line: team_status.StatusLine | None) -> None:
        """Conflicts to settle, counted: ctrl+g opens them (nothing on a laptop not in a team)."""
        widget = self.query_one("#home-team", Static)
        n = line.conflicts if line else 0
        widget.display = n > 0
        if n:
            widget.update(f"{n:,} conflict{'' if n == 1 else 's'} to settle from the team sync: "
                          "ctrl+g opens them.")

    def show(self, day: home.WorkerDay) -> None:
        self.day = day
        worker = self.ycapp.worker_info
        who = worker.name if worker else ""
        c = day.counts
        self.query_one("#home-summary", Static).update(
            f"{who} · {day.today:%A %d %B %Y} · {c['open_carers']:,} open carers · "
            f"{_count(c['allocations_overdue'], 'allocation')} overdue · "
            f"{_count(c['assessments_overdue'], 'assessment')} overdue · "
            f"{_count(c['reviews_overdue'], 'review')} overdue"
        )
        due = self.query_one("#home-return", Static)
        due.update(" · ".join(r.text for r in day.returns))
        due.set_class(bool(day.returns), "shown")
        due.set_class(any(r.overdue for r in day.returns), "overdue")
        for key, _title in SECTIONS:
            items: list[home.DayItem] = getattr(day, key)
            listing = self.query_one(f"#home-{key}", OptionList)
            listing.clear_options()
            if not items:
                listing.add_option(Option("Nothing here today.", disabled=True))
                continue
            options = [Option(f"{'! ' if i.overdue else ''}{i.title}: {i.detail}", id=f"{key}:{n}")
                       for n, i in enumerate(items[:SHOWN])]
            if len(items) > SHOWN:
                options.append(Option(f"… and {len(items) - SHOWN:,} more: the caseload sorted by "
                                      "deadline (f6) lists every one.", disabled=True))
            listing.add_options(options)
            listing.highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "team":
            worker = self.ycapp.worker_info
            return bool(worker and worker.is_manager)
        return True

    def action_team(self) -> None:
        self.ycapp.open_team()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            focused.action_select()

    @on(OptionList.OptionSelected)
    def opened(self, event: OptionList.OptionSelected) -> None:
        if self.day is None or event.option.id is None:
            return
        key, n = event.option.id.split(":")
        item = getattr(self.day, key)[int(n)]
        if key == "sessions" and item.ref_id:
            self.ycapp.open_register(item.ref_id)
        elif item.carer_id:
            self.ycapp.open_carer(item.carer_id)
