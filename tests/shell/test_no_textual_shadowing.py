"""Issue 12, item 11: no method of ours replaces one of Textual's by accident.

The App once defined ``check_idle(now=None)`` (its idle lock), which replaced Textual's
``MessagePump.check_idle()``: the call that wakes the message loop after ``call_next``,
``refresh`` and the end of a held update. A switched-to area then stayed unpainted until the next
key. Two screens replaced ``DOMNode.action_toggle`` the same way.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil

from textual.dom import DOMNode
from textual.message_pump import MessagePump

from tests.conftest import unlocked

# Textual's intended override points: hooks it calls on a subclass and expects to be defined there.
HOOK_NAMES = {
    "compose", "render", "render_line", "render_lines", "get_content_width", "get_content_height",
    "notify_style_update", "check_action", "get_system_commands",
}
HOOK_PREFIXES = ("on_", "watch_", "validate_", "compute_")

# Deliberate replacements of a Textual method, each with its reason (same signature, checked below).
DELIBERATE = {
    ("screens.common.footer", "Footer", "bindings_changed"):
        "rebuilds the footer only when the keys it shows change (coalesced); see screens/common/footer.py",
}


def _our_classes() -> list[type]:
    classes: dict[str, type] = {}
    for package in ("screens", "ycworker"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            module = importlib.import_module(info.name)
            for cls in vars(module).values():
                if (inspect.isclass(cls) and issubclass(cls, DOMNode)
                        and cls.__module__.split(".")[0] in ("screens", "ycworker")):
                    classes[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(classes.values())


def _is_method(value: object) -> bool:
    return isinstance(value, (staticmethod, classmethod, property)) or inspect.isfunction(value)


def _shadows() -> list[str]:
    found = []
    for cls in _our_classes():
        textual_bases = [b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"]
        for name, value in vars(cls).items():
            if name.startswith("__") or not _is_method(value):
                continue
            base = next((b for b in textual_bases if name in vars(b)), None)
            if base is None:
                continue
            if name in HOOK_NAMES or name.startswith(HOOK_PREFIXES):
                continue
            key = (cls.__module__, cls.__qualname__, name)
            if key in DELIBERATE:
                ours, theirs = inspect.signature(value), inspect.signature(vars(base)[name])
                assert list(ours.parameters) == list(theirs.parameters), key
                continue
            found.append(f"{cls.__module__}.{cls.__qualname__}.{name} replaces "
                         f"{base.__module__}.{base.__qualname__}.{name}")
    return found


def test_the_walk_finds_the_app_screens_and_widgets():
    names = {cls.__qualname__ for cls in _our_classes()}
    assert {"YcWorkerApp", "HomeScreen", "HafCountsScreen", "BookingsScreen", "Footer",
            "RegisterList"} <= names


def test_no_method_of_ours_shadows_a_textual_one():
    assert _shadows() == []


def test_the_app_keeps_textuals_check_idle():
    from ycworker.app import YcWorkerApp

    assert YcWorkerApp.check_idle is MessagePump.check_idle
    assert "delay_update" not in vars(YcWorkerApp)  # Textual's own hold, ended by check_idle


async def test_call_next_runs_at_once_without_another_message(make_app, store):
    """call_next wakes the App's loop through check_idle; with the override it waited for the
    next message (a key, a timer) to arrive."""
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        ran = asyncio.Event()
        app.call_next(ran.set)
        await asyncio.wait_for(ran.wait(), 10)  # no key is pressed meanwhile
        assert ran.is_set()


async def test_renamed_actions_still_work(make_app, store):
    from screens.bookings.haf import HafCountsScreen

    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        await pilot.press("b")
        screen = HafCountsScreen()
        app.push_screen(screen)
        await pilot.pause()
        before = screen.haf_only
        await pilot.press("f")
        assert screen.haf_only is (not before)
