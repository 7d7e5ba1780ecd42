"""Right to erasure: everything about the person goes, from the file, the WAL and shared memory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import Store, _make_engine, upgrade_store
from db.models import (
    Assessment,
    AssessmentScore,
    AssessmentSection,
    Attendance,
    AuditEntry,
    Booking,
    BookingDay,
    CaredFor,
    CaredForCondition,
    Carer,
    CareRelationship,
    Club,
    Contact,
    Feedback,
    HolidayActivity,
    Household,
    PlanAction,
    Referral,
    Review,
    ReviewOutcome,
    SafeguardingEntry,
)
from tests.helpers import factories as f
from tests.helpers.protection import CANARY
from tests.helpers.protection import person as _person
from ycworker.common import audit
from ycworker.common.errors import FieldError, UserError
from ycworker.common.workers import WorkerInfo
from ycworker.protection import backups, erasure

MANAGER = WorkerInfo("m" * 32, "Mo Manager", "manager")


def _count(session, model, *where):
    return len(session.exec(select(model.id).where(*where)).all())


def test_erasure_removes_the_person_and_everything_about_them(store):
    with store.write() as s:
        c, hh, mum = _person(s)
        cid, hid, mid = c.id, hh.id, mum.id
    plan = erasure.preview(store, cid)
    assert plan.name == f"{CANARY} {CANARY}son"
    assert plan.counts()["carer"] == 1 and plan.counts()["household"] == 1
    assert plan.unlink == {("feedback", "carer_id"): 1, ("safeguarding_entry", "carer_id"): 1}

    result = erasure.erase_carer(store, cid, by=MANAGER, confirm=plan.carer_ref.lower())
    assert result.wal_cleared
    with store.read() as s:
        for model in (Carer, Referral, Assessment, PlanAction, Review, Contact, Attendance, Booking,
                      CareRelationship, CaredFor, CaredForCondition, Household, AssessmentSection,
                      AssessmentScore, ReviewOutcome, BookingDay):
            assert _count(s, model) == 0, model.__name__
        assert s.exec(select(Feedback.carer_id)).all() == [None]  # counts for the return stay
        assert s.exec(select(SafeguardingEntry.carer_id)).all() == [None]
        assert _count(s, Club) == 1 and _count(s, HolidayActivity) == 1  # not about the person
        entries = s.exec(select(AuditEntry.action, AuditEntry.entity, AuditEntry.record_id,
                                AuditEntry.worker_id)).all()
    assert entries == [("erase", "carer", cid, MANAGER.id)]
    assert hid and mid


def test_a_sibling_keeps_the_household_and_the_person_they_care_for(store):
    with store.write() as s:
        c, hh, mum = _person(s, ref="YC-ONE")
        sib, _, _ = _person(s, first="Sibling", household=hh, mother=mum, ref="YC-TWO")
        cid, sib_id = c.id, sib.id
    erasure.erase_carer(store, cid, by=MANAGER, confirm="YC-ONE")
    with store.read() as s:
        assert s.exec(select(Carer.id)).all() == [sib_id]
        assert _count(s, Household) == 1 and _count(s, CaredFor) == 1
        assert _count(s, CaredForCondition) == 1
        assert _count(s, CareRelationship) == 1 and _count(s, Referral, Referral.carer_id == sib_id) == 1


def test_only_a_manager_with_the_right_reference_can_erase(store):
    with store.write() as s:
        c, _, _ = _person(s, ref="YC-KEEP")
        cid = c.id
    with pytest.raises(UserError, match="Only a manager"):
        erasure.erase_carer(store, cid, by=WorkerInfo("w" * 32, "Wes", "worker"), confirm="YC-KEEP")
    with pytest.raises(FieldError, match="YC-KEEP") as err:
        erasure.erase_carer(store, cid, by=MANAGER, confirm="YC-NOPE")
    assert err.value.field == "confirm"
    with store.read() as s:
        assert _count(s, Carer) == 1 and _count(s, Referral) == 1 and _count(s, AuditEntry) == 0


def test_the_audit_log_refuses_updates_and_deletes(store):
    with store.write() as s:
        audit.record(s, "view", "carer", "x" * 32)
    for sql in ("UPDATE audit_log SET action = 'create'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.connect(write=True) as conn:
            conn.exec_driver_sql(sql)
    with store.read() as s:
        assert s.exec(select(AuditEntry.action)).all() == ["view"]


def _files(path: Path) -> dict[str, bytes]:
    return {sfx: Path(str(path) + sfx).read_bytes() for sfx in ("", "-wal", "-shm")
            if Path(str(path) + sfx).exists()}


def test_plaintext_twin_proves_the_canary_leaves_db_wal_and_shm(tmp_path):
    """Encrypted bytes never show a name, so the proof of secure_delete + checkpoint is made on a
    plaintext twin (same engine, pragmas and schema, no key): the canary is in the bytes before
    erasure (so the test can fail) and in none of the db, -wal, -shm files after it."""
    path = tmp_path / "plain.db"
    store = Store(path=path, engine=_make_engine(path, ""), created=True)
    try:
        upgrade_store(store)
        with store.write() as s:
            keep = f.carer(s, "Keeper", "Stays", date(2012, 1, 1), carer_ref="YC-STAY")
            c, _, _ = _person(s, ref="YC-GONE")
            cid = c.id
            keep_id = keep.id
        store.checkpoint()
        with store.write() as s:  # a change after the checkpoint leaves the name in the WAL
            s.get(Carer, cid).phone = f"{CANARY} 07700"
        files = _files(path)
        assert CANARY.encode() in files[""] and CANARY.encode() in files["-wal"]
        erasure.erase_carer(store, cid, by=MANAGER, confirm="YC-GONE")
        files = _files(path)
        assert set(files) >= {""}
        for suffix, data in files.items():
            assert CANARY.encode() not in data, f"canary left in {suffix or 'db'}"
        assert b"Keeper" in files[""]
        with store.read() as s:
            assert s.exec(select(Carer.id)).all() == [keep_id]
    finally:
        store.close()


def test_encrypted_files_and_backups_never_show_the_canary(store):
    with store.write() as s:
        c, _, _ = _person(s, ref="YC-ENC")
        cid = c.id
    made = backups.make_backup(store, reason="manual").backup.path
    for data in [*_files(store.path).values(), made.read_bytes()]:
        assert CANARY.encode() not in data
    erasure.erase_carer(store, cid, by=MANAGER, confirm="YC-ENC")
    after = backups.make_backup(store, reason="manual", now=datetime(2030, 1, 1)).backup.path
    twin = Store(path=after, engine=_make_engine(after, store.key_hex))
    try:
        with twin.read() as s:
            assert _count(s, Carer) == 0 and _count(s, Household) == 0
    finally:
        twin.close()
    for data in [*_files(store.path).values(), after.read_bytes()]:
        assert CANARY.encode() not in data
