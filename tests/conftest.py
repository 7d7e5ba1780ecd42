"""Shared fixtures: a temporary encrypted store, the App factory, and a pilot helper.

The schema is migrated once per test session into a template file; each test gets a copy
(same data key, and the keys file beside it), so a test pays one key derivation, not a migration.
The template's slot is made with a low KDF cost (``TEST_KDF``, through open_store's explicit
parameter): the slot records its own cost, so the copies open cheaply, and nothing production runs
can lower it.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery"
TODAY = date(2026, 11, 24)
#: scrypt at 1 MiB: cheap for tests (each slot records its own cost; production uses the default).
TEST_KDF_N = 2**10
#: The template's first manager (PASSPHRASE is theirs): the name an empty service's worker had.
FIRST_MANAGER = "Duty worker"  # a Tuesday; tests and snapshots use a fixed day


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from db.engine import open_store
    from db.keyslots import KdfCost

    path = tmp_path_factory.mktemp("template") / "template.db"
    store = open_store(path, PASSPHRASE, kdf=KdfCost(n=TEST_KDF_N), name=FIRST_MANAGER)
    store.checkpoint()
    store.close()
    return path


@pytest.fixture
def db_path(tmp_path, template_db) -> Path:
    """A migrated, empty database file at tmp_path/data/ycworker.db."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "ycworker.db"
    shutil.copyfile(template_db, path)
    path.chmod(0o600)
    shutil.copyfile(f"{template_db}.keys", f"{path}.keys")
    Path(f"{path}.keys").chmod(0o600)
    return path


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's snap_compare, with blinking cursors held still before the frame
    is taken: on a loaded machine the capture could land in the blink's "off" half."""
    def compare(app, *args, run_before=None, **kw):
        async def before(pilot):
            if run_before is not None:
                await run_before(pilot)
            from textual.widgets import Input, TextArea

            screen = pilot.app.screen
            for widget in (*screen.query(Input), *screen.query(TextArea)):
                widget.cursor_blink = False
            await pilot.pause()

        return snap_compare(app, *args, run_before=before, **kw)

    return compare


@pytest.fixture
def store(db_path):
    from db.engine import open_store

    s = open_store(db_path, PASSPHRASE)
    yield s
    s.close()


@pytest.fixture
def make_app(db_path, monkeypatch):
    """make_app(**kw) -> an App on the test database, already given the passphrase."""
    monkeypatch.delenv("YCWORKER_PASSPHRASE", raising=False)
    from ycworker.app import create_app

    def make(**kw):
        if "passphrase" not in kw:
            kw["passphrase"] = sign_in_as_before(kw.get("db_path", db_path))
        kw.setdefault("today", TODAY)
        app = create_app(kw.pop("db_path", db_path), **kw)
        # No animations in tests: a tab's underline slides after a 20 ms timer, and a frame taken
        # before or during the slide differs from the one after it.
        app.animation_level = "none"
        return app

    return make


@pytest.fixture
def utc_clock(monkeypatch):
    """Times shown in UTC whatever the machine's zone (set back afterwards): for snapshots that
    print a time of day."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def sign_in_as_before(path: Path) -> str:
    """The passphrase of the worker a test's data means to be at the keyboard: the one the app
    chose before passphrases said who (the last chosen, else the first manager, else the first by
    name). Through the workers service they are given PASSPHRASE (so a test that types it unlocks
    as them again) and the template's manager, made inactive, "duty worker passphrase". A database
    with no workers of its own: the template's manager, PASSPHRASE."""
    from sqlmodel import col, select

    from db.engine import StoreError, open_store
    from db.keyslots import KeySlotFile
    from db.models import Worker
    from ycworker.common import settings
    from ycworker.protection import workers

    try:
        store = open_store(path, PASSPHRASE, migrate=False)
    except StoreError:
        return PASSPHRASE
    try:
        acting = workers.acting_worker(store)
        if acting.name != FIRST_MANAGER:  # done already (the test makes its second app)
            return PASSPHRASE
        with store.write() as s:
            listed = s.exec(select(Worker).where(col(Worker.active)).order_by(col(Worker.name))).all()
            rows = [w for w in listed if w.id != acting.id]
            if not rows:
                return PASSPHRASE
            last = settings.get(s, settings.LAST_WORKER)
            chosen = next((w for w in rows if w.id == last), None) or next(
                (w for w in rows if w.role == "manager"), rows[0])
            name, manager = chosen.name, chosen.role == "manager"
            me = s.get(Worker, acting.id)
            if me is not None:
                me.active = False
        if any(w.name == name for w in KeySlotFile.load(path).workers):  # given one by the test
            return f"{name.lower()} passphrase"
        # PASSPHRASE becomes theirs (a test types it to unlock as them again); the template's
        # manager keeps a passphrase of their own
        workers.change_own_passphrase(store, acting, PASSPHRASE, f"{FIRST_MANAGER.lower()} passphrase")
        workers.add_worker(store, acting, name, PASSPHRASE, manager=manager)
        secret = PASSPHRASE
        return secret
    finally:
        store.close()


async def settle(pilot, rounds: int = 3) -> None:
    """Let thread workers finish and their messages land."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await footer_settled(pilot)


async def footer_settled(pilot) -> None:
    """Wait for work Textual leaves to idle time: the footer's coalesced rebuild (after the next
    refresh) and a DataTable's column widths for rows just added (on its next idle). On a loaded
    machine either can land after a snapshot would otherwise be taken."""
    from textual.widgets import DataTable

    from screens.common.footer import Footer

    for _ in range(100):
        screen = pilot.app.screen
        if (all(f.settled for f in screen.query(Footer))
                and not any(t._require_update_dimensions or t._updated_cells
                            for t in screen.query(DataTable))):
            return
        await pilot.pause(0.01)


#: The least wall-clock time a wait gives its condition before failing. Rounds alone are not enough:
#: on CI's busy cores a timer or a thread can take longer than a hundred quick rounds.
PATIENCE_SECONDS = 60.0


async def until(pilot, ready, failed, rounds: int = 100) -> None:
    """Settle until ``ready()`` is true, then settle once more; else fail with ``failed()`` once
    ``rounds`` rounds and ``PATIENCE_SECONDS`` have both passed."""
    started = time.monotonic()
    done = 0
    while done < rounds or time.monotonic() - started < PATIENCE_SECONDS:
        await settle(pilot, 1)
        done += 1
        if ready():
            await settle(pilot)
            return
        if done >= rounds:
            await pilot.pause(0.05)
    raise AssertionError(failed())


async def on_screen(pilot, name: str, rounds: int = 100) -> None:
    """Wait until the screen (or modal) of that class name is on top, then let it settle."""
    app = pilot.app
    await until(pilot, lambda: app.screen.__class__.__name__ == name,
                lambda: f"{name} did not open; on {app.screen.__class__.__name__}", rounds)


async def unlocked(pilot) -> None:
    """Wait until the app has opened the store and shows the home screen."""
    app = pilot.app
    await until(pilot, lambda: app.unlocked and app.current_mode == "home",
                lambda: "the app did not unlock", 200)


def frame_text(app) -> str:
    """The current frame as plain text: what a snapshot of the screen would show."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def until_shows(pilot, *texts: str, rounds: int = 200) -> None:
    """Wait until the frame shows every one of `texts`, then let it settle. Keys pressed before the
    rows they act on have arrived, or a snapshot taken while a screen still loads, would differ
    from run to run on a loaded machine."""
    def failed() -> str:
        frame = frame_text(pilot.app)
        return f"the screen never showed {[t for t in texts if t not in frame]}; it showed:\n{frame}"

    await until(pilot, lambda: all(t in frame_text(pilot.app) for t in texts), failed, rounds)


def screen_text(app) -> str:
    """Everything the current screen shows, as plain text."""
    from textual.widgets import DataTable, Input, Label, OptionList, Static

    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, (Static, Label)):
            parts.append(str(widget.render()))
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, OptionList):
            parts.extend(str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count))
        elif isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.append(" ".join(str(c) for c in widget.get_row_at(row)))
    return "\n".join(parts)


def rekey_and_change(db_path: Path, old: str, new: str) -> None:
    """What used to be "change the file's passphrase": a manager's rekey (a new data key) and a
    change of their own passphrase to ``new``. Backups made before it open with ``old`` only."""
    from db.engine import open_store
    from ycworker.protection import workers

    store = open_store(db_path, old, migrate=False)
    acting = workers.acting_worker(store)
    done = workers.rekey(store, acting)
    try:
        workers.change_own_passphrase(done.store, acting, old, new)
    finally:
        done.store.close()


def give_passphrase(store, name: str, *, manager: bool = False) -> str:
    """Give the worker called ``name`` (made if the records lack them) a key slot through the
    workers service, acting as the store's manager; returns their passphrase, to unlock as them."""
    from ycworker.protection import workers

    secret = f"{name.lower()} passphrase"
    workers.add_worker(store, workers.acting_worker(store), name, secret, manager=manager)
    return secret
