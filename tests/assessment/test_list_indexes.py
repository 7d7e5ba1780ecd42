"""Issue 17: migration 0014 adds the indexes the Assessments area's lists and the caseload's
turning-18 filter read, to a file made before it, and the lists read them."""

from __future__ import annotations

from sqlalchemy import text

from db.engine import open_store, upgrade_store
from tests.conftest import PASSPHRASE

NEW = {"ix_referral_to_assess": "referral", "ix_assessment_lists": "assessment",
       "ix_assessment_recent": "assessment", "ix_carer_status_birth": "carer"}


def _indexes(store) -> dict[str, str]:
    with store.read() as s:
        return dict(s.connection().execute(text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")).all())


def test_the_upgrade_adds_the_list_indexes_to_an_existing_file(tmp_path):
    s = open_store(tmp_path / "old.db", PASSPHRASE, migrate=False)
    try:
        upgrade_store(s, "0011")
        with s.write() as session:
            session.connection().execute(text(
                "INSERT INTO carer (id, carer_ref, first_name, last_name, preferred_name, date_of_birth, "
                "sex, ethnicity, disability, caring_tasks, phone, email, status, needs_referral_details, "
                "fsm, send, created_at, updated_at) VALUES ('c1', 'A1', 'A', 'B', '', '2009-01-01', 'U', "
                "'NOBT', 0, '', '', '', 'open', 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        assert not set(NEW) & set(_indexes(s))
        upgrade_store(s)  # to the head, whatever it is by then
        held = _indexes(s)
        assert {name: held.get(name) for name in NEW} == NEW
        with s.read() as session:  # the carer held before is in the new index
            plan = " ".join(r[3] for r in session.connection().execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM carer WHERE status = 'open' AND archived_at IS NULL "
                "AND date_of_birth > '2008-11-24' AND date_of_birth <= '2009-11-24'")).all())
            found = session.connection().execute(text(
                "SELECT id FROM carer INDEXED BY ix_carer_status_birth WHERE status = 'open' "
                "AND archived_at IS NULL AND date_of_birth > '2008-11-24'")).scalars().all()
        assert "ix_carer_status_birth" in plan
        assert found == ["c1"]
    finally:
        s.close()
