"""The services behind the App's team sync: the status line and its "synced … ago", the commit
watcher that makes it stale after saves, the conflicts a worker may settle (their own cases; a
manager all, and those on records no longer held), each choice as one call (a typed value checked
as the record screen checks that field), and the sync's progress lines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.models import AuditEntry, Carer
from db.models.team import TeamChange, TeamConflict
from tests.helpers import factories
from tests.helpers import team as t
from ycworker.common import settings
from ycworker.common.context import Context
from ycworker.common.errors import FieldError
from ycworker.team import conflicts, status
from ycworker.team import sync as team_sync

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)


def _enrol(store, last_sync: datetime | None = None) -> None:
    with store.write() as session:
        settings.put(session, team_sync.URL, t.URL)
        if last_sync is not None:
            settings.put(session, team_sync.LAST_SYNC, last_sync.isoformat())


def _conflict(session, cid: str, entity: str, record_id: str, field: str, server: str, laptop: str,
              base: str, *, server_by=None, laptop_by=None) -> None:
    session.add(TeamConflict(id=cid, change_id=f"ch{cid}", entity=entity, record_id=record_id, field=field,
                             server_value=server, server_by=server_by, server_at=NOW - timedelta(hours=3),
                             laptop_value=laptop, laptop_by=laptop_by, laptop_at=NOW - timedelta(hours=1),
                             base_value=base))


@pytest.mark.parametrize(("seconds", "said"), [
    (20, "synced just now"), (600, "synced 10 min ago"), (2 * 3600 + 5, "synced 2 h ago"),
    (3 * 86400, "synced 3 days ago")])
def test_ago_says_how_long_since_the_last_sync(seconds, said):
    assert status.ago((NOW - timedelta(seconds=seconds)).isoformat(), NOW) == said
    assert status.ago(None, NOW) == "never synced"


def test_no_status_line_on_a_laptop_never_enrolled(store):
    assert status.line(store, worker_id=None, manager=True, now=NOW) is None


def test_the_status_line_counts_changes_waiting_and_conflicts(store):
    _enrol(store, NOW - timedelta(hours=2))
    with store.write() as session:
        carer = factories.carer(session, carer_ref="T-1")  # queued: one change with all its fields
        for n in range(13):
            session.add(TeamChange(entity="carer", record_id=carer.id, field=f"f{n}", value='"x"'))
        session.add(TeamChange(entity="carer", record_id=carer.id, field="sent", value='"x"',
                               status="applied"))
        _conflict(session, "c1", "carer", carer.id, "first_name", '"Amy"', '"Mira"', '"Amira"')
    line = status.line(store, worker_id=None, manager=True, now=NOW)
    assert line is not None
    assert line.text == "synced 2 h ago · 14 changes waiting · 1 conflict"
    assert line.conflicts == 1
    conflicts.resolve(store, "c1", "server", by=None)  # settled here, waiting to be sent
    line = status.line(store, worker_id=None, manager=True, now=NOW)
    assert line is not None and line.text == "synced 2 h ago · 15 changes waiting"


def test_the_commit_watcher_hears_writes_not_reads(store):
    heard: list[int] = []
    stop = status.watch_commits(store, lambda: heard.append(1))
    with store.read() as session:
        session.exec(select(Carer)).all()
    assert heard == []
    with store.write() as session:
        factories.carer(session)
    assert heard == [1]
    stop()
    with store.write() as session:
        factories.carer(session)
    assert heard == [1]



def test_the_commit_watcher_speaks_only_once_the_write_can_be_read(store):
    """The status line read from the watcher's call must see the write (CI saw a line stay at
    "1 change waiting" when the call came before the driver's commit and the read raced it)."""
    seen: list[int] = []

    def saved() -> None:  # read at once, from another connection, as the App's refresh does
        with store.read() as other:
            seen.append(len(other.exec(select(Carer)).all()))

    stop = status.watch_commits(store, saved)
    try:
        with store.write() as session:
            factories.carer(session)
        with store.connect(write=True) as conn:  # a Core write is heard too
            conn.execute(sa.text("UPDATE carer SET first_name = 'Ami'"))
    finally:
        stop()
    assert seen == [1, 1]

@pytest.fixture
def scoped(store):
    """Conflicts on: Ann's carer, Bob's carer, a district (edited on Ann's laptop), a referral no
    longer on this laptop."""
    _enrol(store)
    with store.write() as session:
        ann = factories.worker(session, name="Ann Worker")
        bob = factories.worker(session, name="Bob Worker")
        mine = factories.carer(session, carer_ref="T-1", first_name="Amira", last_name="Khan",
                               worker_id=ann.id)
        theirs = factories.carer(session, carer_ref="T-2", first_name="Ben", last_name="Ode",
                                 worker_id=bob.id)
        district = factories.district(session, name="North")
        _conflict(session, "c1", "carer", mine.id, "first_name", '"Amy"', '"Mira"', '"Amira"',
                  server_by=bob.id, laptop_by=ann.id)
        _conflict(session, "c2", "carer", theirs.id, "phone", '"0161 000 0000"', "null", "null")
        _conflict(session, "c3", "district", district.id, "name", '"North East"', '"Northern"', '"North"',
                  laptop_by=ann.id)
        _conflict(session, "c4", "referral", "gone" * 8, "referral_date", '"2026-10-02"', '"2026-10-03"',
                  '"2026-10-01"')
        return {"ann": ann.id, "bob": bob.id, "mine": mine.id}


def test_a_worker_sees_conflicts_on_their_cases_and_a_manager_all(store, scoped):
    assert [c.id for c in conflicts.to_settle(store, scoped["ann"], False)] == ["c1", "c3"]
    assert [c.id for c in conflicts.to_settle(store, scoped["bob"], False)] == ["c2"]
    assert sorted(c.id for c in conflicts.to_settle(store, scoped["bob"], True)) == ["c1", "c2", "c3", "c4"]
    assert conflicts.count_to_settle(store, scoped["ann"], False) == 2
    line = status.line(store, worker_id=scoped["ann"], manager=False, now=NOW)
    assert line is not None and line.text.endswith("· 2 conflicts")
    first = conflicts.to_settle(store, scoped["ann"], False)[0]
    assert (first.carer_ref, first.person, first.label) == ("T-1", "Amira Khan", "First name")
    assert (first.server_value, first.server_by, first.laptop_value, first.laptop_by, first.base_value) == (
        "Amy", "Bob Worker", "Mira", "Ann Worker", "Amira")
    gone = next(c for c in conflicts.to_settle(store, None, True) if c.id == "c4")
    assert (gone.carer_ref, gone.person, gone.base_value) == (None, None, "01/10/2026")
    phone = next(c for c in conflicts.to_settle(store, None, True) if c.id == "c2")
    assert phone.laptop_value == "(empty)"


def test_settle_keeps_the_laptops_value_in_one_call_audited_and_waiting_to_be_sent(store, scoped):
    ctx = Context(TODAY, scoped["ann"])
    with store.read() as session:
        queued = len(session.exec(select(TeamChange)).all())
    assert conflicts.settle(store, "c1", "laptop", ctx) == "Mira"
    assert t.field_of(store, "T-1", "first_name") == "Mira"
    with store.read() as session:
        assert [p["conflict_id"] for p in team_sync.pending_resolves(session)] == ["c1"]
        assert session.exec(select(AuditEntry).where(AuditEntry.record_id == "c1")).first() is not None
        # a settled value is the server's to order: it is not queued as a change of its own
        assert len(session.exec(select(TeamChange)).all()) == queued
    assert [c.id for c in conflicts.to_settle(store, scoped["ann"], False)] == ["c3"]


def test_a_typed_value_is_checked_as_the_record_screen_checks_that_field(store, scoped):
    ctx = Context(TODAY, scoped["ann"])
    with store.write() as session:
        carer = session.get(Carer, scoped["mine"])
        _conflict(session, "c5", "carer", carer.id, "date_of_birth", '"2012-05-02"', '"2012-06-01"',
                  '"2012-05-01"')
    with pytest.raises(FieldError) as refused:
        conflicts.settle(store, "c5", "typed", ctx, "01/01/1990")
    assert refused.value.field == "value" and "ages 5 to 24" in refused.value.message
    with pytest.raises(FieldError):
        conflicts.settle(store, "c1", "typed", ctx, "   ")  # a first name is needed
    assert conflicts.settle(store, "c5", "typed", ctx, "03/05/2012") == "03/05/2012"
    assert t.field_of(store, "T-1", "date_of_birth") == date(2012, 5, 3)
    assert conflicts.settle(store, "c3", "typed", ctx, "  North West ") == "North West"
    with store.read() as session:
        sent = {p["conflict_id"]: p["value"] for p in team_sync.pending_resolves(session)}
    assert sent == {"c5": '"2012-05-03"', "c3": '"North West"'}


def test_an_id_field_cannot_be_typed(store, scoped):
    with store.write() as session:
        _conflict(session, "c6", "carer", scoped["mine"], "worker_id", f'"{scoped["ann"]}"',
                  f'"{scoped["bob"]}"', "null")
    view = next(c for c in conflicts.to_settle(store, None, True) if c.id == "c6")
    assert view.typed_allowed is False
    with pytest.raises(FieldError):
        conflicts.settle(store, "c6", "typed", Context(TODAY, None), "anything")


def test_the_sync_tells_its_steps_and_sums_up(team_server, store):
    t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
    with store.write() as session:
        factories.carer(session, carer_ref="T-1")
        factories.carer(session, carer_ref="T-2")
    steps: list[str] = []
    result = team_sync.sync(store, t.client_of(team_server, store), progress=steps.append)
    assert result.finished
    assert steps[0] == "Sending 2 changes…"
    assert steps[-1].startswith("Receiving…")
    assert result.summary().startswith("Sent 2 changes, received ")
    assert team_sync.SyncResult(pushed=1, pulled=0, conflicts=2, refused=1).summary() == (
        "Sent 1 change, received 0 changes, 1 change refused by the server. 2 conflicts to settle.")
