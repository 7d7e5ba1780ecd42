"""Helpers for the App's team sync tests: laptops enrolled with the server app of
tests/team/conftest.py, a carer's field set and read, and the footer's keys."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import select

from db.engine import open_store
from db.models import Carer
from tests.conftest import PASSPHRASE, PATIENCE_SECONDS
from tests.helpers import factories
from ycworker.common import settings
from ycworker.team import enrol
from ycworker.team import sync as team_sync
from ycworker.team.client import TeamClient

URL = "http://testserver"


def copy_template(template_db: Path, folder: Path) -> Path:
    """An empty encrypted laptop file of its own (the test template's copy)."""
    folder.mkdir(mode=0o700, parents=True)
    path = folder / "ycworker.db"
    shutil.copyfile(template_db, path)
    shutil.copyfile(f"{template_db}.keys", f"{path}.keys")
    path.chmod(0o600)
    Path(f"{path}.keys").chmod(0o600)
    return path


def join(server, store, code: str, url: str = URL) -> enrol.Joined:
    """Enrol ``store`` through the server app (``url`` is what the laptop keeps as its server)."""
    joined = enrol.join(store, TeamClient(server.client), url, code, passphrase=PASSPHRASE)
    assert joined.first_sync.finished, joined.first_sync.problem
    return joined


def client_of(server, store) -> TeamClient:
    """This laptop's client over the server app (its own device token)."""
    with store.read() as session:
        token = settings.get(session, team_sync.TOKEN)
    return TeamClient(server.client, token)


def sync(server, store) -> team_sync.SyncResult:
    result = team_sync.sync(store, client_of(server, store))
    assert result.finished, result.problem
    return result


def set_field(store, ref: str, field: str, value) -> None:
    with store.write() as session:
        row = session.exec(select(Carer).where(Carer.carer_ref == ref)).one()
        setattr(row, field, value)
        session.add(row)


def carer_id(store, ref: str) -> str:
    with store.read() as session:
        return session.exec(select(Carer.id).where(Carer.carer_ref == ref)).one()


def field_of(store, ref: str, field: str):
    with store.read() as session:
        row = session.exec(select(Carer).where(Carer.carer_ref == ref)).one()
        return getattr(row, field)


def closed_port_url() -> str:
    """The address of a local port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def footer_actions(app) -> set[str]:
    """The actions of the keys the footer shows now."""
    from textual.widgets._footer import FooterKey

    return {str(k.action) for k in app.screen.query(FooterKey)}


def notes(app) -> str:
    """Every notification shown so far, one a line."""
    return "\n".join(str(n.message) for n in list(app._notifications))


async def notified(pilot, text: str) -> None:
    """Wait until a notification says ``text``."""
    from tests.conftest import until

    await until(pilot, lambda: text in notes(pilot.app),
                lambda: f"no notification said {text!r}; they said:\n{notes(pilot.app)}")


async def while_held(pilot, ready, failed, rounds: int = 2000) -> None:
    """Wait for ``ready()`` while a thread worker is held on purpose: only the screen's own
    messages are let through (``settle`` would wait for every worker, the held one too)."""
    started = time.monotonic()
    done = 0
    while done < rounds or time.monotonic() - started < PATIENCE_SECONDS:
        if ready():
            return
        await pilot.pause(0.005)
        done += 1
    raise AssertionError(failed())


def run_sync(server, store) -> team_sync.SyncResult:
    """A sync that may not finish (the tests of failures read its problem)."""
    return team_sync.sync(store, client_of(server, store))


def carer_of(store, ref: str) -> Carer:
    with store.read() as session:
        found = session.exec(select(Carer).where(Carer.carer_ref == ref)).first()
        if found is not None:
            session.expunge(found)
    assert found is not None, f"{ref} is not on this laptop"
    return found


@contextmanager
def rival_first_names(server, db_path: Path, tmp_path: Path, template_db: Path) -> Iterator:
    """Two managers' laptops hold T-1 Amira Khan. Pat Lee's (yielded, open) changed the first name to
    Amy and synced; Sam Carter's, the file at ``db_path`` (closed again), changed it to Mira and has
    not synced: its next sync makes a conflict."""
    other = open_store(copy_template(template_db, tmp_path / "other"), PASSPHRASE)
    try:
        join(server, other, server.invite("Pat Lee", manager=True))
        with other.write() as session:
            factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan")
        sync(server, other)
        store = open_store(db_path, PASSPHRASE)
        try:
            join(server, store, server.invite("Sam Carter", manager=True))
            set_field(store, "T-1", "first_name", "Mira")  # here, waiting
        finally:
            store.close()
        set_field(other, "T-1", "first_name", "Amy")
        sync(server, other)  # the server has Amy first
        yield other
    finally:
        other.close()
