"""The queue of changes (db.outbox): what an edit on an enrolled laptop leaves in ``team_change``.

A new record is one "*" change with all its columns; an edit is one change per field with the old
value as its base; repeated edits collapse; a never-enrolled store queues nothing; a rolled-back
or crashed transaction leaves neither edit nor change; a committed one keeps both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from db import outbox
from db.models import Carer, ClubSession, District, Household, Setting, TeamChange, TeamRevision, Worker
from tests.conftest import PASSPHRASE
from tests.helpers import factories as f

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def enrol(store) -> None:
    with store.write() as s:
        s.add(Setting(key=outbox.TEAM_URL, value="https://team.example.org"))
    outbox.set_enrolled(store, True)


def queued(store, status: str = "waiting") -> list[TeamChange]:
    with store.read() as s:
        rows = list(s.exec(select(TeamChange).where(TeamChange.status == status)
                           .order_by(TeamChange.made_at)).all())
        s.expunge_all()
        return rows


def fields_of(changes) -> list[tuple[str, str]]:
    return sorted((c.entity, c.field) for c in changes)


def settle_all(store) -> None:
    """As if the server had applied everything queued so far."""
    with store.write() as s:
        for c in s.exec(select(TeamChange).where(TeamChange.status == "waiting")).all():
            c.status = "applied"


@pytest.fixture
def enrolled(store):
    enrol(store)
    return store


def test_a_new_record_is_one_change_carrying_all_its_columns(enrolled):
    with enrolled.write() as s:
        c = f.carer(s, "Amira", "Khan", date(2012, 5, 1), carer_ref="YC-A1", fsm=True)
    [change] = queued(enrolled)
    assert (change.entity, change.record_id, change.field) == ("carer", c.id, "*")
    value = json.loads(change.value)
    assert set(value) == {col.name for col in Carer.__table__.columns}
    assert value["first_name"] == "Amira" and value["date_of_birth"] == "2012-05-01"
    assert value["fsm"] is True and value["worker_id"] is None
    assert datetime.fromisoformat(value["created_at"]).tzinfo is not None
    assert change.base_value is None and change.base_rev is None
    assert change.worker_id == enrolled.acting[0]
    assert outbox.decode_record("carer", change.value)["date_of_birth"] == date(2012, 5, 1)


def test_an_edit_is_one_change_per_field_with_the_old_value_and_the_servers_revision(enrolled):
    with enrolled.write() as s:
        cid = f.carer(s, "Amira", "Khan").id
        s.add(TeamRevision(entity="carer", record_id=cid, rev=7))
    settle_all(enrolled)
    with enrolled.write() as s:
        c = s.get(Carer, cid)
        c.first_name, c.last_name, c.updated_at = "Amina", "Kahn", datetime.now(UTC)
    changes = queued(enrolled)
    assert fields_of(changes) == [("carer", "first_name"), ("carer", "last_name")]  # no updated_at
    by_field = {c.field: c for c in changes}
    assert (by_field["first_name"].value, by_field["first_name"].base_value) == ('"Amina"', '"Amira"')
    assert by_field["last_name"].base_value == '"Khan"'
    assert {c.base_rev for c in changes} == {7}


def test_repeated_edits_of_one_field_collapse_and_keep_their_base(enrolled):
    with enrolled.write() as s:
        cid = f.carer(s, "Amira", "Khan").id
    settle_all(enrolled)
    for name in ("Amina", "Amna", "Aminah"):
        with enrolled.write() as s:
            s.get(Carer, cid).first_name = name
    [change] = queued(enrolled)
    assert (change.field, change.value, change.base_value, change.base_rev) == (
        "first_name", '"Aminah"', '"Amira"', None)
    with enrolled.write() as s:  # back to where it started: nothing left to send
        s.get(Carer, cid).first_name = "Amira"
    assert queued(enrolled) == []


def test_an_edit_of_a_record_not_yet_sent_folds_into_its_new_record_change(enrolled):
    with enrolled.write() as s:
        cid = f.carer(s, "Amira", "Khan").id
    with enrolled.write() as s:
        s.get(Carer, cid).first_name = "Amina"
    [change] = queued(enrolled)
    assert change.field == "*" and json.loads(change.value)["first_name"] == "Amina"


def test_a_delete_is_one_change_and_drops_the_fields_waiting(enrolled):
    with enrolled.write() as s:
        cid = f.carer(s).id
        s.add(TeamRevision(entity="carer", record_id=cid, rev=3))
    settle_all(enrolled)
    with enrolled.write() as s:
        s.get(Carer, cid).first_name = "Zed"
    with enrolled.write() as s:
        s.delete(s.get(Carer, cid))
    [change] = queued(enrolled)
    assert (change.field, change.value, change.base_rev) == ("-", None, 3)


def test_a_record_made_and_deleted_before_any_sync_leaves_nothing(enrolled):
    with enrolled.write() as s:
        cid = f.carer(s).id
    with enrolled.write() as s:
        s.delete(s.get(Carer, cid))
    assert queued(enrolled) == []


def test_a_never_enrolled_store_queues_nothing(store):
    with store.write() as s:
        cid = f.carer(s).id
    with store.write() as s:
        s.get(Carer, cid).first_name = "Zed"
    with store.write() as s:
        s.delete(s.get(Carer, cid))
    with store.read() as s:
        assert s.exec(select(TeamChange)).all() == []


def test_the_enrolment_is_read_from_the_setting_when_the_store_opens(db_path, store):
    enrol(store)
    store.close()
    from db.engine import open_store

    again = open_store(db_path, PASSPHRASE)  # a new engine: no cached answer yet
    try:
        with again.write() as s:
            f.district(s, "Dover")
        assert fields_of(queued(again)) == [("district", "*")]
        outbox.set_enrolled(again, False)  # left the team
        with again.write() as s:
            f.district(s, "Thanet")
        assert len(queued(again)) == 1
    finally:
        again.close()


def test_local_tables_are_not_synced_and_not_queued(enrolled):
    with enrolled.write() as s:
        s.add(Setting(key="idle_lock_minutes", value="5"))
    assert queued(enrolled) == []
    assert {"audit_log", "sealed_return", "setting", "team_change"}.isdisjoint(outbox.SYNCED_TABLES)
    assert {"carer", "referral", "attendance", "worker", "booking_day"} <= outbox.SYNCED_TABLES
    assert not any("fts" in t for t in outbox.SYNCED_TABLES)


def test_a_rolled_back_transaction_leaves_no_change(enrolled):
    with pytest.raises(RuntimeError), enrolled.write() as s:
        f.carer(s)
        raise RuntimeError("the screen failed after the flush")
    assert queued(enrolled) == []
    with enrolled.read() as s:
        assert s.exec(select(Carer)).all() == []


def test_pulled_changes_applied_are_not_queued(enrolled):
    with enrolled.write() as s, outbox.applying_pulled(s):
        f.carer(s, "Pulled", "Person")
    with enrolled.write() as s:
        f.district(s, "Local")
    assert fields_of(queued(enrolled)) == [("district", "*")]


@pytest.mark.parametrize("column,value", [
    (Carer.__table__.c.date_of_birth, date(2012, 5, 1)),
    (Carer.__table__.c.fsm, True),
    (Carer.__table__.c.first_name, "Seán"),
    (Carer.__table__.c.worker_id, None),
    (Worker.__table__.c.created_at, datetime(2026, 11, 24, 9, 30, tzinfo=UTC)),
    (ClubSession.__table__.c.start_time, time(16, 30)),
    (ClubSession.__table__.c.session_date, date(2026, 11, 24)),
])
def test_values_go_through_json_and_come_back(column, value):
    text = outbox.encode(value)
    assert json.loads(text) == outbox.plain(value)
    assert outbox.decode(column, text) == value
    assert outbox.column(column.table.name, column.name) is column


def test_a_naive_datetime_is_read_as_utc():
    naive = datetime(2026, 11, 24, 9, 30)
    assert outbox.encode(naive) == outbox.encode(naive.replace(tzinfo=UTC)) == '"2026-11-24T09:30:00+00:00"'


_CRASH = """
import os, sys
from datetime import date
from db import outbox
from db.engine import open_store
from tests.helpers import factories as f
store = open_store(sys.argv[1], sys.argv[2])
outbox.set_enrolled(store, True)
if sys.argv[3] == "after-commit":
    with store.write() as s:
        f.carer(s, "Kept", "Together", carer_ref="YC-KEPT")
    os._exit(0)
with store.write() as s:
    f.carer(s, "Never", "Committed", carer_ref="YC-LOST")
    s.flush()
    os._exit(0)
"""


@pytest.mark.parametrize("when", ["after-commit", "before-commit"])
def test_a_crash_keeps_the_edit_and_its_change_together(db_path, store, when):
    enrol(store)
    store.close()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", _CRASH, str(db_path), PASSPHRASE, when], check=True, env=env,
                   cwd=root, timeout=120)
    from db.engine import open_store

    again = open_store(db_path, PASSPHRASE)
    try:
        with again.fresh() as conn:  # a connection of its own, after the crashed process
            carers = conn.execute("SELECT id, carer_ref FROM carer").fetchall()
            changes = conn.execute("SELECT entity, record_id, field FROM team_change").fetchall()
    finally:
        again.close()
    if when == "after-commit":
        assert [ref for _, ref in carers] == ["YC-KEPT"]
        assert changes == [("carer", carers[0][0], "*")]
    else:
        assert carers == [] and changes == []


def test_a_laptop_joining_with_work_of_its_own_can_queue_all_of_it_once(store):
    with store.write() as s:
        d = f.district(s, "Dover")
        cid = f.carer(s, district_id=d.id).id
    enrol(store)
    with store.connect(write=True) as conn:
        # the district, the carer, the template's worker, and the signposting list migration 0012
        # starts every file with (fixed ids: the same records on every laptop, merged by the server)
        assert outbox.queue_existing(conn) == 3 + 8
    with store.connect(write=True) as conn:
        assert outbox.queue_existing(conn) == 0  # already queued
    changes = queued(store)
    listed = [("signposting_organisation", "*")] * 8
    assert fields_of(changes) == [("carer", "*"), ("district", "*"), *listed, ("worker", "*")]
    assert outbox.decode_record("carer", next(c.value for c in changes if c.entity == "carer"))["id"] == cid


def test_every_synced_table_has_an_id_column():
    """Changes name records by ``id``: a synced table without one could not be queued."""
    for name in outbox.SYNCED_TABLES:
        assert "id" in SQLModel.metadata.tables[name].c, name


def test_a_flush_queues_parents_before_children(enrolled):
    with enrolled.write() as s:
        s.add_all([Carer(first_name="A", last_name="B", date_of_birth=date(2012, 1, 1), carer_ref="YC-P1"),
                   Household(ref="H-1"), District(name="Dover")])
    with enrolled.connect() as conn:
        order = [r[0] for r in conn.exec_driver_sql("SELECT entity FROM team_change ORDER BY rowid")]
    assert order.index("district") < order.index("household") < order.index("carer")
