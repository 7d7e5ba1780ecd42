"""A throwaway PostgreSQL for the team tests, and the team server app over it.

One server per test session (per xdist worker), started from the PostgreSQL server binaries on
this machine (``pg_ctl`` on PATH or under ``/usr/lib/postgresql/*/bin``), listening only on a unix
socket in a private temporary folder (no TCP port, so xdist workers never clash). Run as root, the
server runs as the ``postgres`` user. The schema is migrated once into a template database; each
test gets a fresh database copied from it (``CREATE DATABASE ... TEMPLATE``).

Fixtures for every team test:
- ``team_db_url``: a fresh, migrated database's URL (``postgresql://...``), no service yet.
- ``team_server``: a ``TeamServer``: the service made (``team init``), ``.client`` a
  ``fastapi.testclient.TestClient`` (an ``httpx.Client``) over the app, ``.invite(name)`` a code,
  ``.enrol(name)`` an enrolled device (its token, ids and headers).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

INSTALL = "Install PostgreSQL's server (Debian: apt-get install postgresql) to run the team tests."
SERVICE = "Northshire Young Carers"


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and Path(found).with_name("initdb").exists():
        return Path(found).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name)
                  if Path(d).parent.name.isdigit() else 0)
    for d in reversed(dirs):
        if (Path(d) / "pg_ctl").exists() and (Path(d) / "initdb").exists():
            return Path(d)
    return None


class _Postgres:
    def __init__(self) -> None:
        bindir = _bin_dir()
        if bindir is None:
            pytest.fail(INSTALL, pytrace=False)
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="ycw-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "s"
        self.sock.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("The team tests run PostgreSQL as the user 'postgres', which this machine "
                            "lacks. " + INSTALL, pytrace=False)
            for p in (self.root, self.sock):
                os.chown(p, pw.pw_uid, pw.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.root.chmod(0o755)

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True)
        if result.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            pytest.fail(f"PostgreSQL for the team tests did not start: {args[0]} said "
                        f"{result.stderr.strip() or result.stdout.strip()} {log[-2000:]}", pytrace=False)

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        opts = (f"-k {self.sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=100")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                  "-o", opts, "-w", "-t", "60", "start")

    def stop(self) -> None:
        subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "-w", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@/{dbname}?host={quote(str(self.sock), safe='')}"


@pytest.fixture(scope="session")
def team_postgres():
    """The session's PostgreSQL (started once per xdist worker), with a migrated template."""
    from db.server.migrate import make_engine, upgrade

    pg = _Postgres()
    try:
        pg.start()
        admin = make_engine(pg.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE team_template")
        template = make_engine(pg.url("team_template"), poolclass=_null_pool())
        upgrade(template)
        template.dispose()
        pg.admin = admin  # type: ignore[attr-defined]
        yield pg
        admin.dispose()
    finally:
        pg.stop()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


_counter = itertools.count()


@pytest.fixture
def team_db_url(team_postgres) -> str:
    """A fresh database migrated to the server's head revision (copied from the template)."""
    name = f"team_{os.getpid()}_{next(_counter)}"
    with team_postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE team_template")
    return team_postgres.url(name)


@dataclass
class Device:
    """An enrolled laptop: its token, ids and the headers its requests carry."""

    token: str
    device_id: str
    worker_id: str
    worker_name: str
    role: str
    enrolment: dict = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        from ycworker.team.protocol import PROTOCOL, PROTOCOL_HEADER

        return {"Authorization": f"Bearer {self.token}", PROTOCOL_HEADER: str(PROTOCOL)}


@dataclass
class TeamServer:
    """The server app over a fresh database, its service made, a first manager's code waiting."""

    url: str
    client: object  # fastapi.testclient.TestClient (an httpx.Client)
    engine: object  # sqlalchemy Engine over the same database
    manager_code: str

    def invite(self, name: str, *, manager: bool = False) -> str:
        from ycworker.team.server import service

        return service.invite(self.engine, name, manager=manager)

    def enrol(self, name: str, *, manager: bool = False, code: str | None = None) -> Device:
        from ycworker.team.protocol import PROTOCOL, PROTOCOL_HEADER

        code = code or self.invite(name, manager=manager)
        r = self.client.post("/v1/enrol", json={"code": code, "device_name": f"{name}'s laptop"},
                             headers={PROTOCOL_HEADER: str(PROTOCOL)})
        assert r.status_code == 200, r.text
        body = r.json()
        return Device(body["device_token"], body["device_id"], body["worker"]["id"],
                      body["worker"]["name"], body["worker"]["role"], body)

    def enrol_manager(self) -> Device:
        """The first manager (made by ``team init``), enrolled with their code."""
        return self.enrol("", code=self.manager_code)


@pytest.fixture
def team_server(team_db_url):
    from fastapi.testclient import TestClient

    from db.server.migrate import make_engine
    from ycworker.team.server import service
    from ycworker.team.server.app import create_app

    engine = make_engine(team_db_url)
    code = service.init_service(engine, SERVICE)
    app = create_app(team_db_url)
    with TestClient(app) as client:
        yield TeamServer(team_db_url, client, engine, code)
    engine.dispose()
    app.state.engine.dispose()


@pytest.fixture
def new_laptop(tmp_path, template_db):
    """new_laptop(name) -> an open, empty encrypted laptop store of its own (closed at the end)."""
    from db.engine import open_store
    from tests.conftest import PASSPHRASE
    from tests.helpers.team import copy_template

    opened = []

    def make(name: str):
        store = open_store(copy_template(template_db, tmp_path / name), PASSPHRASE)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
