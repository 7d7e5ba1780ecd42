"""``ycworker team join|sync|status|conflicts|resolve`` on a laptop: exit codes and JSON outputs."""

from __future__ import annotations

import json

import httpx
import pytest

from db.engine import open_store
from tests.conftest import PASSPHRASE
from tests.helpers import factories
from tests.helpers.team import URL, carer_of, join, run_sync, set_field  # noqa: F401
from ycworker.cli import main
from ycworker.team import sync as team_sync
from ycworker.team.client import UNREACHABLE, TeamClient


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    return db_path


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["team", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_a_laptop_never_enrolled_says_so(env, capsys):
    code, out, err = run(capsys, "status")
    assert code == 0
    assert json.loads(out[-1]) == {"server": None, "last_sync": None, "waiting": 0, "conflicts": 0,
                                   "clock_warning": None}
    assert "has not joined a team" in err
    code, out, err = run(capsys, "sync")
    assert code == 1
    assert "has not joined a team" in err and "Traceback" not in err
    assert json.loads(out[-1]) == {"pushed": 0, "pulled": 0, "conflicts": 0, "refused": 0}
    code, out, _err = run(capsys, "conflicts")
    assert (code, out) == (0, [])


class Shared:
    """The test's client over the app, which the command's ``close()`` must leave open."""

    def __init__(self, http) -> None:
        self.post = http.post


@pytest.fixture
def served(monkeypatch, team_server):
    """The CLI's client talks to the in-process server app."""
    monkeypatch.setattr(TeamClient, "connect", classmethod(
        lambda cls, url, token=None, **kw: cls(Shared(team_server.client), token)))
    return team_server


def edit(path, ref: str, field: str, value) -> None:
    store = open_store(path, PASSPHRASE)
    try:
        set_field(store, ref, field, value)
    finally:
        store.close()


def test_join_sync_conflicts_resolve_and_status(env, served, capsys, new_laptop):
    code, out, err = run(capsys, "join", URL, "--code", served.manager_code)
    assert code == 0, err
    joined = json.loads(out[-1])
    # the first laptop sends the signposting list every file starts with (migration 0012's 8 rows)
    assert (joined["pushed"], joined["conflicts"], joined["refused"]) == (8, 0, 0)
    assert "joined Northshire Young Carers" in err

    store = open_store(env, PASSPHRASE)
    try:
        with store.write() as session:
            factories.carer(session, carer_ref="T-9", first_name="Amira")
    finally:
        store.close()
    code, out, err = run(capsys, "status")
    now = json.loads(out[-1])
    assert code == 0
    assert (now["server"], now["waiting"], now["conflicts"], now["clock_warning"]) == (URL, 1, 0, None)
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    counts = json.loads(out[-1])
    assert (counts["pushed"], counts["conflicts"], counts["refused"]) == (1, 0, 0)

    other = new_laptop("other")
    join(served, other, served.invite("Pat Lee", manager=True))
    set_field(other, "T-9", "first_name", "Amy")
    assert run_sync(served, other).pushed == 1
    edit(env, "T-9", "first_name", "Mira")
    code, out, err = run(capsys, "sync")
    assert code == 4, err
    assert json.loads(out[-1])["conflicts"] == 1
    assert "conflict" in err
    code, out, _ = run(capsys, "conflicts")
    assert code == 0 and len(out) == 1
    line = json.loads(out[0])
    assert set(line) == {"id", "carer_ref", "field", "server_value", "laptop_value", "base_value"}
    assert (line["carer_ref"], line["field"], line["server_value"], line["laptop_value"],
            line["base_value"]) == ("T-9", "first_name", "Amy", "Mira", "Amira")

    code, _, err = run(capsys, "resolve", line["id"], "--keep", "laptop")
    assert code == 0, err
    assert "Settled" in err
    code, _, err = run(capsys, "resolve", line["id"], "--keep", "laptop")
    assert code == 1 and "settled already" in err
    code, _, err = run(capsys, "resolve", "nosuchconflict", "--keep", "server")
    assert code == 1 and "no conflict" in err
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    now = json.loads(run(capsys, "status")[1][-1])
    assert (now["waiting"], now["conflicts"]) == (0, 0) and now["last_sync"]
    assert run_sync(served, other).finished
    assert carer_of(other, "T-9").first_name == "Mira"


def test_sync_that_cannot_reach_the_server_exits_1_and_keeps_the_changes(env, served, capsys, monkeypatch):
    code, _, err = run(capsys, "join", URL, "--code", served.manager_code)
    assert code == 0, err
    edit_store = open_store(env, PASSPHRASE)
    try:
        with edit_store.write() as session:
            factories.carer(session, carer_ref="T-7")
    finally:
        edit_store.close()

    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    offline = httpx.Client(base_url=URL, transport=httpx.MockTransport(refuse))
    monkeypatch.setattr(TeamClient, "connect",
                        classmethod(lambda cls, url, token=None, **kw: cls(offline, token)))
    code, out, err = run(capsys, "sync")
    assert code == 1
    assert UNREACHABLE in err
    assert json.loads(out[-1])["pushed"] == 0
    now = json.loads(run(capsys, "status")[1][-1])
    assert now["waiting"] == 1


def test_join_with_a_wrong_code_exits_1_with_the_servers_sentence(env, served, capsys):
    code, out, err = run(capsys, "join", URL, "--code", "not-a-real-code")
    assert code == 1
    assert err.startswith("ycworker: ") and "Traceback" not in err
    store = open_store(env, PASSPHRASE)
    try:
        with store.read() as session:
            assert not team_sync.is_enrolled(session)
    finally:
        store.close()
