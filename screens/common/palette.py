"""The command palette (ctrl+p): every action of every area, found by name from anywhere.

Textual's own provider reads each command's title as markup, so a title such as "Search [/]" (a
binding's key shown in brackets) crashed the palette ("auto closing tag ('[/]') has nothing to
close") and "Go to Home [h]" lost its key. Here every title and help line is plain text
(``Content``), never markup.

The commands: Textual's system commands and the App's (areas, data protection), the keys of the
screen on top, and the described keys of every area's screens. One of another screen runs there:
for an area's main screen the area is opened and the action run on it; for a screen that needs a
record (a register, a carer's record), the area is opened with a sentence saying where the key is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from textual.fuzzy import Matcher

    from ycworker.app import YcWorkerApp

# Keys that move around a screen: not actions a worker looks for by name.
NAVIGATION_ACTIONS = {"back", "list_move", "list_page", "cursor", "move", "row", "step", "first",
                      "last", "to_list", "to_results", "next_tab", "dismiss", "dismiss_none", "close",
                      "cancel"}

# Each area's screens: (module, class, where it is when it is not the main screen).
AREA_SCREENS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "home": (("screens.home.home", "HomeScreen", ""),),
    "caseload": (
        ("screens.caseload.caseload", "CaseloadScreen", ""),
        ("screens.caseload.carer_record", "CarerRecordScreen",
         "on a young carer's record: find them on the caseload and press Enter"),
    ),
    "assessments": (
        ("screens.assessment.assessments", "AssessmentsScreen", ""),
        ("screens.assessment.carer_assessments", "CarerAssessmentsScreen",
         "on a carer's assessments: press v on one in the list"),
        ("screens.assessment.form", "AssessmentFormScreen",
         "in an open assessment: press Enter on one in the list"),
        ("screens.assessment.plan", "PlanScreen", "on a support plan: press v, then p"),
    ),
    "registers": (
        ("screens.registers.registers", "RegistersScreen", ""),
        ("screens.registers.register", "RegisterScreen",
         "on an open register: press t for today's, or Enter on a session"),
    ),
    "bookings": (
        ("screens.bookings.activities", "ActivitiesScreen", ""),
        ("screens.bookings.booking_list", "BookingsScreen",
         "on an activity's bookings: press Enter on an activity"),
        ("screens.bookings.waiting_list", "WaitingListScreen",
         "on an activity's waiting list: press Enter on an activity, then w"),
        ("screens.bookings.day_sheet", "DaySheetScreen",
         "on a day sheet: press Enter on an activity, then d"),
        ("screens.bookings.attendance", "AttendanceScreen",
         "on a day's attendance: press Enter on an activity, then t"),
        ("screens.bookings.haf", "HafCountsScreen", "on the HAF counts: press t"),
    ),
    "returns": (
        ("screens.returns.returns", "ReturnsScreen", ""),
        ("screens.returns.sealed", "SealedReturnsScreen", "on the sealed returns: press l"),
        ("screens.returns.drill", "ReturnDrillScreen",
         "on the referrals behind a figure: press Enter on a figure"),
    ),
    "service": (("screens.service_log.service_log", "ServiceActivityScreen", ""),),
}


def key_text(binding: Binding) -> str:
    return binding.key_display or binding.key.split(",")[0]


def described(bindings: Iterable[BindingType]) -> Iterator[Binding]:
    """The bindings with a description, each action once (a key's first binding)."""
    seen: set[str] = set()
    for binding in bindings:
        if isinstance(binding, tuple):
            binding = Binding(*binding)
        if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        yield binding


@dataclass(frozen=True)
class AreaAction:
    title: str  # plain text, never markup
    help: str
    mode: str
    area_title: str
    cls: type
    action: str
    key: str
    where: str  # "" for the area's main screen


def area_actions() -> list[AreaAction]:
    """Every described key of every area's screens."""
    from screens.areas import AREAS

    found = []
    for area in AREAS:
        for module, name, where in AREA_SCREENS.get(area.mode, ()):
            cls = getattr(importlib.import_module(module), name)
            for binding in described(getattr(cls, "BINDINGS", [])):
                if binding.action.split("(")[0] in NAVIGATION_ACTIONS:
                    continue
                key = key_text(binding)
                help_line = f"{area.title}" + (f", {where.split(':')[0]}" if where else "")
                found.append(AreaAction(f"{binding.description} [{key}]", help_line, area.mode,
                                        area.title, cls, binding.action, key, where))
    return found


class ActionsProvider(Provider):
    """Commands as plain text: the App's system commands, the screen's keys, every area's keys."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = cast("YcWorkerApp", self.app)
        screen = self.screen
        commands: list[tuple[str, str, Callable[[], Any]]] = []
        titles: set[str] = set()
        for command in app.get_system_commands(screen):
            if command.title not in titles:
                titles.add(command.title)
                commands.append((command.title, command.help, command.callback))
        if getattr(app, "unlocked", False):
            for item in area_actions():
                if isinstance(screen, item.cls):
                    continue  # the screen's own keys are already there (they act on it)
                title = item.title
                if title in titles:
                    title = f"{item.title} ({item.area_title})"
                titles.add(title)
                commands.append((title, item.help, partial(app.run_area_action, item)))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in sorted(self._commands(), key=lambda c: c[0]):
            yield DiscoveryHit(Content(title), callback, help=_help(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(matcher, title), callback, help=_help(help_text))


def _help(text: str) -> str | None:
    """The help line as plain text. Textual's hits take a ``Content`` here and render it as it
    is, though their annotation says str: the cast keeps the type checker to the annotation."""
    return cast(str, Content(text)) if text else None


def highlight(matcher: Matcher, title: str) -> Content:
    """The title with the matched letters marked, as plain text (no markup is read)."""
    content = Content(title)
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    if not score:
        return content
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
