"""``ycworker team init|invite|remove|serve|export``: exit codes and what is printed last."""

from __future__ import annotations

import itertools
import re

import pytest

from db.server.migrate import current_revision, head_revision, make_engine
from ycworker.cli import main
from ycworker.team import protocol as p
from ycworker.team.server import service

CODE = re.compile(r"^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$")
_n = itertools.count()


@pytest.fixture
def empty_db_url(team_postgres) -> str:
    name = f"team_empty_{next(_n)}_{id(team_postgres) % 10000}"
    with team_postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return team_postgres.url(name)


def _run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["team", *argv])
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err


def _enrols(url: str, code: str) -> p.EnrolResponse:
    engine = make_engine(url)
    try:
        return service.enrol(engine, p.EnrolRequest(code=code))
    finally:
        engine.dispose()


def test_init_makes_the_schema_and_prints_a_first_managers_code_last(capsys, empty_db_url):
    rc, out, err = _run(capsys, "init", "--database-url", empty_db_url, "--service", "Northshire YC")
    assert rc == 0, err
    assert CODE.match(out[-1])
    engine = make_engine(empty_db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    enrolled = _enrols(empty_db_url, out[-1])
    assert enrolled.worker.role == "manager" and enrolled.service_name == "Northshire YC"
    # run again (an upgrade): the schema stays, the secret stays, a fresh code for the same manager
    rc, again, err = _run(capsys, "init", "--database-url", empty_db_url, "--service", "Northshire YC")
    assert rc == 0 and CODE.match(again[-1]) and again[-1] != out[-1], err
    second = _enrols(empty_db_url, again[-1])
    assert second.worker.id == enrolled.worker.id
    assert second.pseudonym_secret == enrolled.pseudonym_secret


def test_invite_and_remove(capsys, team_server, monkeypatch):
    url = team_server.url
    rc, out, err = _run(capsys, "invite", "Ana Lopez", "--database-url", url)
    assert rc == 0 and CODE.match(out[-1]), err
    ana = _enrols(url, out[-1])
    assert (ana.worker.name, ana.worker.role) == ("Ana Lopez", "worker")
    monkeypatch.setenv("YCWORKER_TEAM_DATABASE_URL", url)  # the URL may come from the environment
    rc, out, err = _run(capsys, "invite", "Mo", "--manager")
    assert rc == 0 and _enrols(url, out[-1]).worker.role == "manager", err
    rc, out, err = _run(capsys, "remove", "Ana Lopez")
    assert rc == 0, err
    with pytest.raises(Exception) as refused:
        service.authenticate(team_server.engine, ana.device_token)
    assert refused.value.status == 401  # type: ignore[attr-defined]
    rc, out, err = _run(capsys, "remove", "Ana Lopez")
    assert rc == 1 and "already removed" in err
    rc, out, err = _run(capsys, "invite", "Ana Lopez")
    assert rc == 1 and "was removed" in err
    rc, out, err = _run(capsys, "remove", "Nobody")
    assert rc == 1 and "No worker called Nobody" in err


def test_the_only_manager_cannot_be_removed(capsys, team_server):
    rc, _, err = _run(capsys, "remove", "Manager", "--database-url", team_server.url)
    assert rc == 1 and "only manager" in err


def test_a_missing_or_unreachable_database_is_a_sentence(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("YCWORKER_TEAM_DATABASE_URL", raising=False)
    rc, _, err = _run(capsys, "invite", "Ana")
    assert rc == 1 and "--database-url" in err
    url = f"postgresql://nobody@/nothing?host={tmp_path}"
    rc, _, err = _run(capsys, "invite", "Ana", "--database-url", url)
    assert rc == 1 and "Could not reach the team server's database" in err
    assert "Traceback" not in err and str(tmp_path) not in err


def test_serve_refuses_plain_http_beyond_this_machine(capsys, team_server):
    rc, _, err = _run(capsys, "serve", "--database-url", team_server.url, "--host", "0.0.0.0")
    assert rc == 2 and "--behind-proxy" in err


def test_init_can_make_a_laptops_pseudonym_secret_the_services(capsys, empty_db_url, db_path, monkeypatch):
    from db.engine import open_store
    from tests.conftest import PASSPHRASE
    from ycworker.common import settings

    store = open_store(db_path, PASSPHRASE)
    with store.write() as session:
        laptop_secret = settings.secret(session)
    store.close()
    monkeypatch.setenv("YCWORKER_PASSPHRASE", "not the passphrase")
    rc, _, err = _run(capsys, "init", "--database-url", empty_db_url, "--service", "N",
                      "--pseudonym-secret-from", str(db_path))
    assert rc == 1 and "could not be opened" in err
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    rc, out, err = _run(capsys, "init", "--database-url", empty_db_url, "--service", "N",
                        "--pseudonym-secret-from", str(db_path))
    assert rc == 0, err
    assert bytes.fromhex(_enrols(empty_db_url, out[-1]).pseudonym_secret) == laptop_secret


def test_init_upgrades_a_server_schema_one_revision_behind_and_keeps_its_data(capsys, empty_db_url):
    """A service running the previous server release: `team init` of the new one upgrades its schema
    to head in place; its workers, devices, records and pseudonym secret stay."""
    from datetime import UTC, datetime

    from alembic.script import ScriptDirectory

    from db.server.migrate import alembic_config, upgrade

    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    engine = make_engine(empty_db_url)
    try:
        upgrade(engine, previous)
        first = _enrols(empty_db_url, service.init_service(engine, "Northshire YC"))
        caller = service.authenticate(engine, first.device_token)
        change = p.Change(id="c" * 32, entity="district", record_id="d" * 32, field="*",
                          value='{"name": "Harbourside"}', made_at=datetime.now(UTC))
        pushed = service.push(engine, caller, p.PushRequest(changes=[change], laptop_time=datetime.now(UTC)))
        assert pushed.outcomes[0].outcome == "applied"
        assert current_revision(engine) == previous

        rc, out, err = _run(capsys, "init", "--database-url", empty_db_url, "--service", "Northshire YC")
        assert rc == 0 and CODE.match(out[-1]), err
        assert current_revision(engine) == head_revision()
        assert service.authenticate(engine, first.device_token).device_id == first.device_id
        again = _enrols(empty_db_url, out[-1])
        assert again.worker.id == first.worker.id and again.pseudonym_secret == first.pseudonym_secret
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar() == 1
            # what the last revision added: the open conflicts' index
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_conflict_open'").scalar() == 1
    finally:
        engine.dispose()
