"""Lock settings, retention review, and private files."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from sqlmodel import select

from db.models import AuditEntry
from tests.helpers import factories as f
from ycworker.common import settings
from ycworker.common.errors import FormErrors
from ycworker.protection import retention
from ycworker.protection import session as protection


def test_lock_policy_defaults_and_validation(store):
    with store.write() as s:
        assert protection.load_policy(s) == protection.LockPolicy(10, 9)
        with pytest.raises(FormErrors) as err:
            protection.save_policy(s, "ten", "30")
        assert set(err.value.by_field()) == {"idle_minutes", "max_hours"}
        protection.save_policy(s, " 5 ", 8, worker_id="w" * 32)
    with store.read() as s:
        assert protection.load_policy(s) == protection.LockPolicy(5, 8)
        assert s.exec(select(AuditEntry.action, AuditEntry.entity)).all() == [("update", "setting")]


def test_closed_cases_past_retention_are_listed_for_review(store):
    today = date(2026, 11, 24)
    with store.write() as s:
        old = f.carer(s, "Old", "Case", carer_ref="YC-OLD", status="closed")
        f.referral(s, old.id, date(2019, 1, 1), closed_date=date(2020, 3, 1))
        recent = f.carer(s, "Recent", "Case", carer_ref="YC-NEW", status="closed")
        f.referral(s, recent.id, date(2021, 1, 1), closed_date=date(2021, 6, 1))
        reopened = f.carer(s, "Re", "Opened", carer_ref="YC-RE", status="closed")
        f.referral(s, reopened.id, date(2018, 1, 1), closed_date=date(2019, 1, 1))
        f.referral(s, reopened.id, date(2026, 1, 1))  # an open request: not due
        open_case = f.carer(s, "Open", "Case", carer_ref="YC-OPEN")
        f.referral(s, open_case.id, date(2015, 1, 1), closed_date=date(2016, 1, 1))
    with store.read() as s:
        due = retention.due_for_review(s, today)
        assert [d.carer_ref for d in due] == ["YC-OLD"]
        assert due[0].review_from == date(2026, 3, 1)
        assert "6 years ago" in due[0].describe(today)
        assert [d.carer_ref for d in retention.due_for_review(s, today, years=5)] == ["YC-OLD", "YC-NEW"]
    with store.write() as s:
        settings.put(s, settings.RETENTION_YEARS, "7")
    with store.read() as s:
        assert retention.due_for_review(s, today) == []


def test_files_and_folders_are_private_under_a_loose_umask(tmp_path):
    import os

    from db.engine import open_store
    from ycworker.protection import backups

    old = os.umask(0o022)
    try:
        s = open_store(tmp_path / "loose" / "yc.db", "a passphrase!")
        try:
            with s.write() as session:
                f.district(session)
            made = backups.make_backup(s).backup.path
            for p in (s.path, s.path.with_name("yc.db-wal"), s.path.with_name("yc.db-shm"), made):
                if p.exists():
                    assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
            for folder in (s.path.parent, made.parent):
                assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        finally:
            s.close()
    finally:
        os.umask(old)
