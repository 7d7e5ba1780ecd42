"""The terminal App and its factory (used by the CLI and the tests).

Start-up is kept light: nothing here imports sqlmodel or opens a file at import time. The
unlock screen paints first; the store is opened (and migrated) in a thread worker after the
passphrase is given, and each area's screen is imported only when it is first opened.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from db.engine import Store
    from ycworker.workers import WorkerInfo

CSS_FILE = Path(__file__).resolve().parent.parent / "screens" / "app.tcss"


@dataclass(frozen=True)
class Area:
    mode: str
    key: str
    title: str
    module: str
    cls: str
    help: str


AREAS: tuple[Area, ...] = (
    Area("home", "h", "Home", "screens.home", "HomeScreen", "Your day: sessions, deadlines, flags"),
    Area("caseload", "c", "Caseload", "screens.caseload", "CaseloadScreen",
         "Find any young carer; new support requests"),
    Area("assessments", "a", "Assessments", "screens.assessments", "AssessmentsScreen",
         "Needs assessments, plans and reviews"),
    Area("registers", "r", "Registers", "screens.registers", "RegistersScreen",
         "Clubs and today's registers"),
    Area("bookings", "b", "Bookings", "screens.activities", "ActivitiesScreen",
         "Holiday activities, bookings and day sheets"),
    Area("returns", "e", "Returns", "screens.returns", "ReturnsScreen",
         "The commissioner's quarterly return and sync"),
    Area("service", "s", "Service log", "screens.service_activity", "ServiceActivityScreen",
         "Awareness, training, feedback, Triple C, safeguarding, bus passes"),
)


def _screen_factory(area: Area):
    def make() -> Screen:
        module = importlib.import_module(area.module)
        return getattr(module, area.cls)()

    return make


class YcWorkerApp(App[int]):
    """ycworker's terminal UI."""

    TITLE = "ycworker"
    SUB_TITLE = "Young Carers Service"
    CSS_PATH = str(CSS_FILE)
    ENABLE_COMMAND_PALETTE = True
    MODES = {area.mode: _screen_factory(area) for area in AREAS}

    BINDINGS = [
        *(Binding(area.key, f"area('{area.mode}')", area.title, show=True) for area in AREAS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        passphrase: str | None = None,
        today: date | None = None,
        demo: bool = False,
        demo_carers: int = 2000,
    ):
        super().__init__()
        self.db_path = Path(db_path)
        self._passphrase = passphrase
        self._today = today
        self.demo = demo
        self.demo_carers = demo_carers
        self.store: Store | None = None
        self.worker_info: WorkerInfo | None = None

    # -- state shared with the screens -------------------------------------------------------

    def today(self) -> date:
        return self._today or date.today()

    @property
    def unlocked(self) -> bool:
        return self.store is not None

    def take_passphrase(self) -> str | None:
        """The passphrase given at start (environment or test), handed over once."""
        value, self._passphrase = self._passphrase, None
        return value

    def on_mount(self) -> None:
        from screens.unlock import UnlockScreen

        self.push_screen(UnlockScreen())

    def unlocked_with(self, store: Store, worker: WorkerInfo) -> None:
        """Called by the unlock screen once the store is open and migrated."""
        self.store = store
        self.worker_info = worker
        self.sub_title = f"{worker.name} · {store.path.name}"
        self.switch_mode("home")

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- navigation ----------------------------------------------------------------------------

    def action_area(self, mode: str) -> None:
        if not self.unlocked:
            return
        self.switch_mode(mode)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def open_carer(self, carer_id: str) -> None:
        """Open a young carer's record on top of the current area."""
        from screens.carer_record import CarerRecordScreen

        self.push_screen(CarerRecordScreen(carer_id))

    def open_register(self, session_id: str) -> None:
        from screens.register import RegisterScreen

        self.push_screen(RegisterScreen(session_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "area" and not self.unlocked:
            return None  # shown disabled until unlocked
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not self.unlocked:
            return
        for area in AREAS:
            yield SystemCommand(f"Go to {area.title} [{area.key}]", area.help,
                                lambda mode=area.mode: self.switch_mode(mode))
        yield from screen_commands(screen)


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """Every described binding of the screen, as a palette command."""
    seen: set[str] = set()
    for binding in getattr(screen, "BINDINGS", []):
        if isinstance(binding, tuple):
            binding = Binding(*binding)
        if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        action = binding.action

        def run(action: str = action) -> Any:
            return screen.run_action(action)

        key = binding.key_display or binding.key
        yield SystemCommand(f"{binding.description} [{key}]", f"on {screen.__class__.__name__}", run)


def create_app(
    db_path: Path | str,
    *,
    passphrase: str | None = None,
    today: date | None = None,
    demo: bool = False,
) -> YcWorkerApp:
    """The one way to make the App: the CLI and the tests both come through here."""
    from ycworker.passphrase import from_env

    return YcWorkerApp(
        Path(db_path), passphrase=passphrase if passphrase is not None else from_env(), today=today,
        demo=demo,
    )
