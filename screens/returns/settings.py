"""The return's settings (a manager's, from the Returns screen with ``m``): which commissioner's
profile the return follows, the targets it is counted against, and the areas the districts are
grouped into.

Profile: ←/→ or Enter on the choice. Targets: one field each, Bradford's contract values until a
manager types others; ctrl+s saves the profile and every target together, or each bad field says
why beside it (what was typed stays). Areas: type a new area's name and press Enter; on the
districts table Enter (or ``a``) puts the district in the next area (then no area, then the first
again), so the grouping is made with the keyboard alone.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.common.errors import field_errors
from ycworker.returns import setting_actions, targets
from ycworker.returns.areas import NO_AREA, Grouping


class DistrictTable(DataTable):
    BINDINGS = [Binding("enter", "screen.next_area", "Next area"),
                Binding("a", "screen.next_area", "Next area", show=False)]


class ReturnSettingsScreen(AreaScreen):
    HELP_TITLE = "The return's targets, profile and areas"
    DEFAULT_CSS = """
    ReturnSettingsScreen #rs-body { padding: 0 1; }
    ReturnSettingsScreen .rs-title { text-style: bold; color: $accent; padding: 1 0 0 0; }
    ReturnSettingsScreen .rs-row { height: auto; }
    ReturnSettingsScreen .rs-label { width: 44; padding: 1 1 0 0; text-align: right; }
    ReturnSettingsScreen .rs-row Input { width: 14; }
    ReturnSettingsScreen .rs-row Select { width: 48; }
    ReturnSettingsScreen .rs-error { color: $error; text-style: bold; width: 1fr; padding: 1 0 0 1;
                                     height: auto; }
    ReturnSettingsScreen #rs-message { height: auto; padding: 1 0 0 0; }
    ReturnSettingsScreen #rs-message.-error { color: $error; text-style: bold; }
    ReturnSettingsScreen #rs-districts { height: auto; max-height: 16; margin: 1 0 0 0; }
    ReturnSettingsScreen .rs-help { color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save profile and targets", priority=True),
        Binding("escape", "back", "Back to the return"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.grouping: Grouping | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rs-body"):
            yield Label("Profile", classes="rs-title")
            yield Horizontal(
                Label("Which commissioner's return", classes="rs-label"),
                Select([(text, key) for key, text in targets.PROFILES.items()], allow_blank=False,
                       value=targets.DEFAULT_PROFILE, id="f-profile"),
                Label("", classes="rs-error", id="err-profile", markup=False),
                classes="rs-row")
            yield Label("Targets (the return records which were in force)", classes="rs-title")
            for t in targets.TARGETS:
                unit = "%" if t.unit == "percent" else ""
                yield Horizontal(
                    Label(f"{t.label}{' ' + unit if unit else ''}", classes="rs-label"),
                    Input(str(t.default), id=f"f-{t.key}"),
                    Label("", classes="rs-error", id=f"err-{t.key}", markup=False),
                    classes="rs-row", id=f"row-{t.key}")
            yield Static("", id="rs-message", markup=False)
            yield Label("Areas", classes="rs-title")
            yield Horizontal(
                Label("New area (Enter adds it)", classes="rs-label"),
                Input("", placeholder="e.g. East Kent", id="f-area"),
                Label("", classes="rs-error", id="err-area", markup=False),
                classes="rs-row")
            yield Static("On a district, Enter puts it in the next area (then in no area).",
                         classes="rs-help")
            table = DistrictTable(id="rs-districts", cursor_type="row", zebra_stripes=True)
            table.add_column("District", width=28, key="district")
            table.add_column("Area", width=28, key="area")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#f-profile", Select).focus()
        self.run_db(setting_actions.load_settings, then=self.loaded, what="read the return's settings")

    def loaded(self, view: setting_actions.SettingsView) -> None:
        self.query_one("#f-profile", Select).value = view.settings.profile
        for t in targets.TARGETS:
            self.query_one(f"#f-{t.key}", Input).value = str(view.settings.target(t.key))
        self.show_grouping(view.grouping)

    def show_grouping(self, grouping: Grouping) -> None:
        self.grouping = grouping
        table = self.query_one(DistrictTable)
        keep = table.cursor_row
        table.clear()
        for d in grouping.districts:
            table.add_row(d.name, d.area, key=d.id)
        if keep is not None and grouping.districts:
            table.move_cursor(row=min(keep, len(grouping.districts) - 1))
        names = ", ".join(name for _id, name in grouping.areas) or "none yet"
        self.query_one("#err-area", Label).update("")
        self.query_one("#f-area", Input).placeholder = f"e.g. East Kent (areas: {names})"

    # -- profile and targets ---------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#rs-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def action_save(self) -> None:
        for t in targets.TARGETS:
            self.query_one(f"#err-{t.key}", Label).update("")
        self.query_one("#err-profile", Label).update("")
        typed = {t.key: self.query_one(f"#f-{t.key}", Input).value for t in targets.TARGETS}
        profile = str(self.query_one("#f-profile", Select).value)
        worker = self.ycapp.worker_info
        self.run_db(setting_actions.save_targets, typed, profile, worker.id if worker else None,
                    then=self.saved, on_error=self.not_saved, what="save the targets")

    def saved(self, settings: targets.ReturnSettings) -> None:
        profile = targets.PROFILES[settings.profile].split(" (")[0]
        self.say(f"Saved: the {profile} profile and its targets are in force from the next count.")
        self.app.notify("The return's targets and profile are saved.", title="Saved")

    def not_saved(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self.say(plain_error(error, "save the targets"), error=True)
            return
        first = None
        for e in errors:
            self.query_one(f"#err-{e.field}", Label).update(e.message)
            if e.field != "profile" and first is None:
                first = self.query_one(f"#f-{e.field}", Input)
        self.say("Nothing was saved: put right the fields marked, then ctrl+s.", error=True)
        if first is not None:
            first.focus()

    # -- areas -----------------------------------------------------------------------------------

    @on(Input.Submitted, "#f-area")
    def add_area(self, event: Input.Submitted) -> None:
        event.stop()
        worker = self.ycapp.worker_info
        self.run_db(setting_actions.add_area, event.value, worker.id if worker else None,
                    then=self.area_added, on_error=self.area_failed, what="add the area")

    def area_added(self, grouping: Grouping) -> None:
        name = self.query_one("#f-area", Input).value.strip()
        self.query_one("#f-area", Input).value = ""
        self.show_grouping(grouping)
        self.say(f"Area {name} added: choose its districts below (Enter on a district).")

    def area_failed(self, error: BaseException) -> None:
        errors = field_errors(error)
        text = errors[0].message if errors else plain_error(error, "add the area")
        self.query_one("#err-area", Label).update(text)

    def action_next_area(self) -> None:
        table = self.query_one(DistrictTable)
        grouping = self.grouping
        if grouping is None or not grouping.districts or table.cursor_row is None:
            return
        if not grouping.areas:
            self.say("Add an area first (type its name above and press Enter).", error=True)
            return
        district = grouping.districts[table.cursor_row]
        ids: list[str | None] = [a_id for a_id, _name in grouping.areas] + [None]
        at = ids.index(district.area_id) if district.area_id in ids else len(ids) - 1
        area_id = ids[(at + 1) % len(ids)]
        worker = self.ycapp.worker_info
        self.run_db(setting_actions.put_district, district.id, area_id, worker.id if worker else None,
                    then=lambda g: self.district_moved(g, district.id), on_error=self.area_failed,
                    what="put the district in an area")

    def district_moved(self, grouping: Grouping, district_id: str) -> None:
        self.show_grouping(grouping)
        moved = next(d for d in grouping.districts if d.id == district_id)
        table = self.query_one(DistrictTable)
        table.move_cursor(row=grouping.districts.index(moved))
        where = "in no area" if moved.area == NO_AREA else f"in {moved.area}"
        self.say(f"{moved.name} is now {where}.")

    def action_back(self) -> None:
        self.app.pop_screen()
