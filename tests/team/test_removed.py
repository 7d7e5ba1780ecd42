"""Promise 7 on the laptop: a 401 at sync locks its team data (Setting team.removed), every
passphrase is then refused by the unlock and by the CLI, nothing waiting is deleted; a new
``team join`` (same service) or the recovery key undoes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from db.keyslots import recovery_code
from db.models.people import Carer
from db.models.team import TeamChange
from tests.conftest import PASSPHRASE
from tests.helpers import factories
from tests.helpers import team as t
from ycworker.cli import main
from ycworker.common import settings, team_removal
from ycworker.common.errors import UserError
from ycworker.protection import unlocking, workers
from ycworker.team import enrol
from ycworker.team import sync as team_sync
from ycworker.team.client import TeamClient
from ycworker.team.server import service


def _today_sentence() -> str:
    return team_removal.sentence_for(datetime.now(UTC))


def _pending(store, entity: str = "carer") -> list[str]:
    with store.read() as session:
        return [r.status for r in session.exec(select(TeamChange).where(
            TeamChange.entity == entity,
            TeamChange.status.in_(("waiting", "sending")))).all()]  # type: ignore[attr-defined]


class NoNetwork:
    def post(self, *a, **kw):  # pragma: no cover - the test fails if called
        raise AssertionError("a removed laptop must not call the server")


@pytest.fixture
def removed(team_server, new_laptop):
    """Ana's laptop: joined, a carer synced, one edit waiting; then Ana's device is removed."""
    store = new_laptop("ana")
    t.join(team_server, store, team_server.invite("Ana"))
    with store.write() as session:
        factories.carer(session, carer_ref="R-1", first_name="Amira",
                        worker_id=settings.get(session, team_sync.WORKER))
    t.sync(team_server, store)
    t.set_field(store, "R-1", "first_name", "Mira")
    with store.read() as session:
        device_id = settings.get(session, team_sync.DEVICE)
    service.remove_device(team_server.engine, device_id)
    return store


def test_a_401_locks_the_team_data_and_keeps_what_waits(team_server, removed):
    result = team_sync.sync(removed, t.client_of(team_server, removed))
    assert result.removed and not result.finished
    assert result.problem == _today_sentence()
    assert "removed from the team on" in result.problem and "waiting changes are kept" in result.problem
    assert len(_pending(removed)) == 1  # promise 1: the edit still waits
    assert t.field_of(removed, "R-1", "first_name") == "Mira"
    with removed.read() as session:
        kept = json.loads(settings.get(session, team_removal.REMOVED))
    assert kept["server"] and "removed" in kept["server"]  # the server's own sentence is kept
    again = team_sync.sync(removed, TeamClient(NoNetwork(), "token"))
    assert again.removed and again.problem == _today_sentence()
    with pytest.raises(unlocking.RemovedFromTeam, match="removed from the team on"):
        unlocking.unlock(removed.path, PASSPHRASE)


def test_a_new_join_to_the_same_service_unlocks_and_sends_what_waited(team_server, removed):
    assert team_sync.sync(removed, t.client_of(team_server, removed)).removed
    joined = enrol.join(removed, TeamClient(team_server.client), t.URL, team_server.invite("Ana"),
                        passphrase=PASSPHRASE)
    assert joined.first_sync.finished, joined.first_sync.problem
    assert joined.queued == 0  # nothing queued twice: the waiting edit itself was sent
    assert joined.first_sync.pushed == 1 and _pending(removed) == []
    with removed.read() as session:
        assert team_removal.refusal(session) is None
    unlocking.unlock(removed.path, PASSPHRASE).store.close()  # the passphrase opens again
    with team_server.engine.connect() as conn:
        import sqlalchemy as sa

        from db.server.tables import field
        value = conn.execute(sa.select(field.c.value).where(
            field.c.entity == "carer", field.c.field == "first_name")).scalar()
    assert json.loads(value) == "Mira"


def test_a_code_for_another_worker_is_refused_and_nothing_moves(team_server, removed):
    assert team_sync.sync(removed, t.client_of(team_server, removed)).removed
    with removed.read() as session:
        ana = settings.get(session, team_sync.WORKER)
    with pytest.raises(UserError) as refused:
        enrol.join(removed, TeamClient(team_server.client), t.URL, team_server.invite("Ben"),
                   passphrase=PASSPHRASE)
    assert str(refused.value) == enrol.other_worker("Ana", "Ben")
    with removed.read() as session:
        assert session.exec(select(Carer)).one().worker_id == ana  # Ana's case stays Ana's
        assert settings.get(session, team_sync.WORKER) == ana
        assert team_removal.refusal(session) is not None  # still locked
    assert removed.acting[1] == "Ana"
    assert len(_pending(removed)) == 1  # her edit still waits
    # the code made for Ana joins it again, and her edit reaches the server as hers
    joined = enrol.join(removed, TeamClient(team_server.client), t.URL, team_server.invite("Ana"),
                        passphrase=PASSPHRASE)
    assert joined.worker_name == "Ana" and joined.first_sync.pushed == 1 and _pending(removed) == []


def test_the_recovery_key_still_opens_and_takes_the_laptop_out_of_the_team(team_server, removed):
    assert team_sync.sync(removed, t.client_of(team_server, removed)).removed
    code = recovery_code(removed.data_key)
    path = removed.path
    removed.close()
    done = workers.unlock_with_recovery(path, code, "Office Manager", "a new long passphrase for ana 42")
    done.store.close()
    opened = unlocking.unlock(path, "a new long passphrase for ana 42")
    try:
        assert len(_pending(opened.store)) == 1  # the edit still waits, for a later join
        result = team_sync.sync(opened.store, TeamClient(NoNetwork(), None))
        assert result.problem == team_removal.LEFT and not result.removed
    finally:
        opened.store.close()


def test_the_cli_refuses_every_command_but_join_with_the_sentence(team_server, removed, monkeypatch,
                                                                  capsys):
    assert team_sync.sync(removed, t.client_of(team_server, removed)).removed
    path = removed.path
    removed.close()
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(path))
    for argv in (["team", "sync"], ["carer", "show", "R-1"], ["team", "status"]):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 1, argv
        assert _today_sentence() in err and "Traceback" not in err, err
        assert "Amira" not in out and "Mira" not in out
