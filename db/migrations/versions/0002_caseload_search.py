"""caseload search: FTS5 word/prefix index and a trigram index over carers, kept in step by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

``carer_fts`` (unicode61, diacritics folded, prefix indexes of 1-3 characters) answers word and
prefix searches over the name (first, preferred, last), carer ref, school and household (name and
ref). ``carer_fts_trigram`` (trigram tokenizer) answers substring searches over the same text.
Both use the integer key of ``carer_fts_key`` as their rowid, so a trigger finds a carer's entry by
key (an index lookup) rather than scanning an UNINDEXED column; the key is an INTEGER PRIMARY KEY,
which VACUUM keeps (a plain table's rowid it may renumber).

Triggers on carer (insert, update of an indexed column, delete), school (rename) and household
(rename, new ref) keep both indexes in step with every writer, including bulk Core inserts.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The text indexed for one carer, given a carer row alias "c".
_NAME = "trim(c.first_name || ' ' || coalesce(c.preferred_name, '') || ' ' || c.last_name)"
_SCHOOL = "coalesce((SELECT s.name FROM school s WHERE s.id = c.school_id), '')"
_HOUSEHOLD = ("coalesce((SELECT trim(coalesce(h.name, '') || ' ' || coalesce(h.ref, '')) "
              "FROM household h WHERE h.id = c.household_id), '')")


def _index_carers(where: str) -> list[str]:
    """Statements that (re)write the index entries of the carers matching ``where`` (alias c)."""
    return [
        f"INSERT OR IGNORE INTO carer_fts_key (carer_id) SELECT c.id FROM carer c WHERE {where}",
        f"DELETE FROM carer_fts WHERE rowid IN (SELECT k.id FROM carer_fts_key k JOIN carer c "
        f"ON c.id = k.carer_id WHERE {where})",
        f"DELETE FROM carer_fts_trigram WHERE rowid IN (SELECT k.id FROM carer_fts_key k JOIN carer c "
        f"ON c.id = k.carer_id WHERE {where})",
        f"INSERT INTO carer_fts (rowid, name, carer_ref, school, household) "
        f"SELECT k.id, {_NAME}, c.carer_ref, {_SCHOOL}, {_HOUSEHOLD} "
        f"FROM carer c JOIN carer_fts_key k ON k.carer_id = c.id WHERE {where}",
        f"INSERT INTO carer_fts_trigram (rowid, body) "
        f"SELECT k.id, {_NAME} || ' ' || c.carer_ref || ' ' || {_SCHOOL} || ' ' || {_HOUSEHOLD} "
        f"FROM carer c JOIN carer_fts_key k ON k.carer_id = c.id WHERE {where}",
    ]


def _trigger(name: str, event: str, statements: list[str]) -> str:
    body = ";\n  ".join(statements)
    return f"CREATE TRIGGER {name} {event} BEGIN\n  {body};\nEND"


_INDEXES = {
    "ix_carer_status_name": ["status", "archived_at", "last_name", "first_name", "id", "date_of_birth"],
    "ix_carer_worker_name": ["worker_id", "status", "archived_at", "last_name", "first_name", "id",
                             "date_of_birth"],
    "ix_carer_archived_name": ["archived_at", "last_name", "first_name", "id", "date_of_birth"],
    "ix_carer_status_contact": ["status", "archived_at", "last_contact_date", "last_name", "first_name",
                                "id"],
}
_REFERRAL_OPEN = ["closed_date", "allocated_date", "assessment_completed_date", "referral_date", "consent",
                  "carer_id"]


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "carer", columns)
    op.create_index("ix_referral_open", "referral", _REFERRAL_OPEN)
    op.execute("CREATE TABLE carer_fts_key (id INTEGER PRIMARY KEY, carer_id TEXT NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE carer_fts USING fts5(name, carer_ref, school, household, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE carer_fts_trigram USING fts5(body, "
        "tokenize = 'trigram remove_diacritics 1')"
    )
    # Carers already present (an upgrade of a store made before this revision).
    for sql in _index_carers("1"):
        op.execute(sql)

    op.execute(_trigger("carer_fts_ai", "AFTER INSERT ON carer", _index_carers("c.id = new.id")))
    op.execute(_trigger(
        "carer_fts_au",
        "AFTER UPDATE OF first_name, last_name, preferred_name, carer_ref, school_id, household_id "
        "ON carer",
        _index_carers("c.id = new.id"),
    ))
    op.execute(_trigger("carer_fts_ad", "AFTER DELETE ON carer", [
        "DELETE FROM carer_fts WHERE rowid = (SELECT id FROM carer_fts_key WHERE carer_id = old.id)",
        "DELETE FROM carer_fts_trigram WHERE rowid = "
        "(SELECT id FROM carer_fts_key WHERE carer_id = old.id)",
        "DELETE FROM carer_fts_key WHERE carer_id = old.id",
    ]))
    op.execute(_trigger("carer_fts_school_au", "AFTER UPDATE OF name ON school",
                        _index_carers("c.school_id = new.id")))
    op.execute(_trigger("carer_fts_household_au", "AFTER UPDATE OF name, ref ON household",
                        _index_carers("c.household_id = new.id")))


def downgrade() -> None:
    for name in ("carer_fts_ai", "carer_fts_au", "carer_fts_ad", "carer_fts_school_au",
                 "carer_fts_household_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS carer_fts_trigram")
    op.execute("DROP TABLE IF EXISTS carer_fts")
    op.execute("DROP TABLE IF EXISTS carer_fts_key")
    for name in _INDEXES:
        op.drop_index(name, table_name="carer")
    op.drop_index("ix_referral_open", table_name="referral")
