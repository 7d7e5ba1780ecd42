"""The caseload search index (migration 0002: carer_fts, carer_fts_trigram) written in bulk.

Migration 0002's triggers keep both indexes in step row by row: about 200 µs a carer, 10 s of a
50,000-carer demo. For a bulk write (an import, the demo) ``carers_indexed_in_bulk`` drops the
insert trigger inside the caller's transaction, and after the block writes the new carers' entries
with one INSERT ... SELECT per index and re-creates the trigger. SQLite DDL is transactional: if
the block fails, the caller's rollback (or a crash) puts the trigger back as it was.

The indexed text here must stay the same as 0002's (tests/test_demo.py checks that a bulk
write leaves the same entries as the triggers write).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

_NAME = "trim(c.first_name || ' ' || coalesce(c.preferred_name, '') || ' ' || c.last_name)"
_SCHOOL = "coalesce((SELECT s.name FROM school s WHERE s.id = c.school_id), '')"
_HOUSEHOLD = ("coalesce((SELECT trim(coalesce(h.name, '') || ' ' || coalesce(h.ref, '')) "
              "FROM household h WHERE h.id = c.household_id), '')")


@contextmanager
def carers_indexed_in_bulk(conn) -> Iterator[None]:
    """Carers inserted in the block are indexed for search once, at its end.

    Only carer inserts are deferred: the block must not update carers, schools or households
    (their triggers would index some carers twice)."""
    trigger_sql = conn.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'carer_fts_ai'")).scalar()
    if trigger_sql is None:  # no search index in this schema
        yield
        return
    conn.execute(text("DROP TRIGGER carer_fts_ai"))
    before = conn.execute(text("SELECT coalesce(max(id), 0) FROM carer_fts_key")).scalar_one()
    yield
    conn.execute(text(
        "INSERT INTO carer_fts_key (carer_id) SELECT c.id FROM carer c "
        "WHERE NOT EXISTS (SELECT 1 FROM carer_fts_key k WHERE k.carer_id = c.id)"))
    conn.execute(text(
        f"INSERT INTO carer_fts (rowid, name, carer_ref, school, household) "
        f"SELECT k.id, {_NAME}, c.carer_ref, {_SCHOOL}, {_HOUSEHOLD} "
        f"FROM carer_fts_key k JOIN carer c ON c.id = k.carer_id WHERE k.id > :before"), {"before": before})
    conn.execute(text(
        f"INSERT INTO carer_fts_trigram (rowid, body) "
        f"SELECT k.id, {_NAME} || ' ' || c.carer_ref || ' ' || {_SCHOOL} || ' ' || {_HOUSEHOLD} "
        f"FROM carer_fts_key k JOIN carer c ON c.id = k.carer_id WHERE k.id > :before"), {"before": before})
    conn.execute(text(trigger_sql))
