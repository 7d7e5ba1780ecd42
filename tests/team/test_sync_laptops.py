"""Two laptops (encrypted test stores, each enrolled through an invite code) syncing with the team
server app in process over a throwaway PostgreSQL (tests/team/conftest.py)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from db.models import AuditEntry, Carer, Referral
from db.models.team import TeamChange, TeamConflict
from tests.conftest import PASSPHRASE
from tests.helpers import factories
from tests.helpers.team import URL, carer_of, client_of, join, run_sync, set_field
from ycworker.common import settings
from ycworker.team import conflicts, protocol, status
from ycworker.team import sync as team_sync
from ycworker.team.client import UNREACHABLE, TeamClient, TeamError


def pending(store) -> list[TeamChange]:
    with store.read() as session:
        rows = list(session.exec(select(TeamChange).where(col(TeamChange.status).in_(team_sync.PENDING))))
        session.expunge_all()
        return rows


@pytest.fixture
def two_laptops(team_server, new_laptop):
    """Laptop A (the first manager) made carer T-1 and synced; laptop B (a second manager) joined
    and pulled it."""
    a, b = new_laptop("a"), new_laptop("b")
    join(team_server, a, team_server.manager_code)
    with a.write() as session:
        factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan")
    first = run_sync(team_server, a)
    assert first.finished and first.pushed == 1, first
    join(team_server, b, team_server.invite("Pat Lee", manager=True))
    assert carer_of(b, "T-1").first_name == "Amira"
    return a, b


def test_join_saves_the_team_and_takes_the_servers_worker(team_server, new_laptop):
    laptop = new_laptop("a")
    joined = join(team_server, laptop, team_server.invite("Sam Carter"))
    assert (joined.worker_name, joined.role) == ("Sam Carter", "worker")
    assert laptop.acting is not None and laptop.acting[1:] == ("Sam Carter", "worker")
    with laptop.read() as session:
        assert settings.get(session, team_sync.URL) == URL
        assert settings.get(session, team_sync.WORKER) == laptop.acting[0]
        assert settings.get(session, team_sync.LAST_SYNC)
    now = status.status(laptop)
    assert (now.server, now.waiting, now.conflicts) == (URL, 0, 0)
    # the same passphrase opens the file, now as the server's worker
    from db.engine import open_store

    again = open_store(laptop.path, PASSPHRASE)
    try:
        assert again.acting is not None and again.acting[0] == laptop.acting[0]
    finally:
        again.close()


@pytest.mark.parametrize("keep", ["server", "laptop"])
def test_same_field_on_two_laptops_is_one_conflict_settled_either_way(two_laptops, team_server, keep):
    a, b = two_laptops
    set_field(a, "T-1", "first_name", "Amy")
    set_field(b, "T-1", "first_name", "Mira")
    assert run_sync(team_server, a).pushed == 1
    result = run_sync(team_server, b)
    assert result.finished and result.pushed == 0 and result.conflicts == 1
    seen = conflicts.open_conflicts(b)
    assert len(seen) == 1
    line = seen[0]
    assert (line.carer_ref, line.field) == ("T-1", "first_name")
    assert (line.server_value, line.laptop_value, line.base_value) == ("Amy", "Mira", "Amira")
    assert carer_of(a, "T-1").first_name == "Amy"  # the server kept its value

    conflicts.resolve(b, line.id, keep, by=b.acting[0] if b.acting else None)
    wanted = "Amy" if keep == "server" else "Mira"
    assert carer_of(b, "T-1").first_name == wanted
    assert conflicts.open_conflicts(b) == []
    assert run_sync(team_server, b).finished
    assert run_sync(team_server, a).finished
    assert carer_of(a, "T-1").first_name == wanted
    assert carer_of(b, "T-1").first_name == wanted
    assert pending(a) == pending(b) == []
    with b.read() as session:
        assert team_sync.pending_resolves(session) == []
        assert session.exec(select(AuditEntry).where(AuditEntry.entity == "team_conflict",
                                                     AuditEntry.record_id == line.id)).first() is not None


def test_different_fields_merge_on_both_laptops(two_laptops, team_server):
    a, b = two_laptops
    set_field(a, "T-1", "first_name", "Amy")
    set_field(b, "T-1", "preferred_name", "Mimi")
    assert run_sync(team_server, a).pushed == 1
    result = run_sync(team_server, b)
    assert (result.pushed, result.conflicts) == (1, 0)
    assert run_sync(team_server, a).finished
    for laptop in (a, b):
        row = carer_of(laptop, "T-1")
        assert (row.first_name, row.preferred_name) == ("Amy", "Mimi")
        assert status.status(laptop).waiting == 0


class LostAnswer:
    """A client whose next push reaches the server (which commits) but whose answer is lost."""

    def __init__(self, inner: TeamClient) -> None:
        self.inner = inner
        self.lose = True

    def push(self, request):
        answer = self.inner.push(request)
        if self.lose and request.changes:
            self.lose = False
            raise TeamError(UNREACHABLE, "unreachable")
        return answer

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_change_sent_twice_is_applied_once(two_laptops, team_server):
    a, b = two_laptops
    set_field(b, "T-1", "last_name", "Khan-Ali")
    lost = team_sync.sync(b, LostAnswer(client_of(team_server, b)))  # type: ignore[arg-type]
    assert not lost.finished and lost.problem == UNREACHABLE
    [change] = pending(b)
    assert change.status == "sending"
    again = run_sync(team_server, b)  # the same change id, resent
    assert again.finished and (again.pushed, again.conflicts) == (1, 0)
    assert pending(b) == []
    assert run_sync(team_server, a).finished
    assert carer_of(a, "T-1").last_name == "Khan-Ali"
    # the server's log holds the change once
    log = client_of(team_server, a).pull(protocol.PullRequest(cursor=0))
    changes = log.changes
    while log.more:
        log = client_of(team_server, a).pull(protocol.PullRequest(cursor=log.cursor))
        changes += log.changes
    assert [c.value for c in changes if c.field == "last_name"] == ['"Khan-Ali"']


def test_a_crash_between_applying_a_pull_and_saving_the_cursor_repulls_to_the_same_end(
        two_laptops, team_server, new_laptop, monkeypatch):
    a, _b = two_laptops
    with a.write() as session:
        for n in range(2, 5):
            factories.carer(session, carer_ref=f"T-{n}", first_name=f"Name{n}")
    set_field(a, "T-1", "first_name", "Amy")
    assert run_sync(team_server, a).pushed == 4
    c = new_laptop("c")
    real = team_sync.save_cursor
    crashes = []

    def crash(session, cursor):
        if not crashes:
            crashes.append(cursor)
            real(session, cursor)  # written, then the crash: the page's transaction rolls back
            raise RuntimeError("power cut")
        real(session, cursor)

    monkeypatch.setattr(team_sync, "save_cursor", crash)
    with pytest.raises(RuntimeError):
        join(team_server, c, team_server.invite("Cam Reid", manager=True))
    assert crashes
    with c.read() as session:
        assert settings.get(session, team_sync.CURSOR) == "0"
        assert session.exec(select(Carer)).all() == []
    result = run_sync(team_server, c)
    assert result.finished and result.pulled >= 4

    def rows(store):
        with store.read() as session:
            return sorted((r.id, r.carer_ref, r.first_name, r.last_name, r.date_of_birth)
                          for r in session.exec(select(Carer)))
    assert rows(c) == rows(a)
    assert len(rows(c)) == 4
    assert run_sync(team_server, c).pulled == 0  # nothing applied twice, nothing left


def test_a_pulled_change_never_overwrites_a_waiting_edit(two_laptops, team_server):
    a, b = two_laptops
    set_field(a, "T-1", "first_name", "Amy")
    assert run_sync(team_server, a).pushed == 1
    set_field(b, "T-1", "first_name", "Mira")
    result = team_sync.SyncResult()
    team_sync.pull(b, client_of(team_server, b), result)  # a pull alone, the edit still waiting
    assert carer_of(b, "T-1").first_name == "Mira"
    [waiting] = pending(b)
    assert (waiting.field, waiting.status, waiting.value) == ("first_name", "waiting", '"Mira"')
    after = run_sync(team_server, b)  # the push meets the server's value: a conflict, not a loss
    assert after.conflicts == 1
    with b.read() as session:
        kept = session.exec(select(TeamConflict)).one()
        session.expunge(kept)
    assert (kept.server_value, kept.laptop_value) == ('"Amy"', '"Mira"')


def test_an_erased_person_leaves_the_other_laptop_with_their_queued_changes(two_laptops, team_server):
    """The server erases (its ``service.erase``: the tombstone and the "erased" log rows); the
    laptop's waiting edit of that person is refused at its push and the pull removes the person,
    what depends on them, and their queued changes."""
    from ycworker.team.server import service

    a, b = two_laptops
    with a.write() as session:
        carer = session.exec(select(Carer).where(Carer.carer_ref == "T-1")).one()
        factories.referral(session, carer.id)
        carer_id = carer.id
    assert run_sync(team_server, a).pushed == 1
    assert run_sync(team_server, b).finished
    with b.read() as session:
        assert len(session.exec(select(Referral)).all()) == 1
    set_field(b, "T-1", "first_name", "Mira")  # waits on b while the person is erased
    manager = client_of(team_server, a).token
    service.erase(team_server.engine, service.authenticate(team_server.engine, manager), carer_id)
    result = run_sync(team_server, b)
    assert result.finished and result.refused == 1  # the push met the tombstone
    with b.read() as session:
        assert session.exec(select(Carer)).all() == []
        assert session.exec(select(Referral)).all() == []
        assert session.exec(select(TeamChange).where(TeamChange.record_id == carer_id)).all() == []
    assert status.status(b).waiting == 0
    again = run_sync(team_server, b)  # nothing brings them back
    assert again.finished and again.pulled == 0
    with b.read() as session:
        assert session.exec(select(Carer)).all() == []


def test_an_edit_made_while_the_last_was_on_its_way_is_not_a_conflict_with_itself(two_laptops, team_server):
    a, b = two_laptops
    set_field(b, "T-1", "last_name", "Khan-Ali")
    lost = team_sync.sync(b, LostAnswer(client_of(team_server, b)))  # type: ignore[arg-type]
    assert not lost.finished
    set_field(b, "T-1", "last_name", "Khan-Ahmed")  # made on top of the change still on its way
    assert sorted(c.status for c in pending(b)) == ["sending", "waiting"]
    again = run_sync(team_server, b)
    assert again.finished and (again.pushed, again.conflicts) == (2, 0)
    assert pending(b) == []
    assert run_sync(team_server, a).finished
    assert carer_of(a, "T-1").last_name == "Khan-Ahmed"


def test_a_pulled_referral_moves_the_carers_stored_deadline_on_the_other_laptop(two_laptops, team_server):
    from datetime import date

    from ycworker.caseload import deadlines

    a, b = two_laptops
    with a.write() as session:
        carer_id = carer_of(a, "T-1").id
        factories.referral(session, carer_id, date(2026, 11, 30), source="school", consent="given")
    assert run_sync(team_server, a).finished
    assert [c.field for c in pending(a)] == []
    assert run_sync(team_server, b).finished
    with a.read() as sa_, b.read() as sb:
        expected = deadlines.computed(sa_, [carer_id])[carer_id]
        assert expected is not None and expected[0] == "allocation"
        assert deadlines.stored(sb, [carer_id])[carer_id] == expected
