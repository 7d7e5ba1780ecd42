"""The team server's first schema: service, workers, enrolment codes, devices, records and their
fields, the change log (commit-ordered), outcomes, conflicts, tombstones and case moves.

Plain PostgreSQL 13 DDL, frozen here (not generated from db.server.tables at run time).

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = "TIMESTAMP WITH TIME ZONE"

DDL = f"""
CREATE TABLE service (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    pseudonym_secret TEXT NOT NULL,
    created_at {TS} NOT NULL
);
CREATE TABLE worker (
    id VARCHAR(32) PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at {TS} NOT NULL,
    removed_at {TS}
);
CREATE TABLE enrolment (
    code_hash TEXT PRIMARY KEY,
    worker_id VARCHAR(32) NOT NULL REFERENCES worker (id),
    created_at {TS} NOT NULL,
    expires_at {TS} NOT NULL,
    used_at {TS},
    device_id VARCHAR(32)
);
CREATE TABLE device (
    id VARCHAR(32) PRIMARY KEY,
    worker_id VARCHAR(32) NOT NULL REFERENCES worker (id),
    name TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    enrolled_at {TS} NOT NULL,
    removed_at {TS},
    last_sync_at {TS},
    waiting_reported INTEGER NOT NULL DEFAULT 0,
    clock_offset_seconds DOUBLE PRECISION
);
CREATE TABLE record (
    entity TEXT NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    rev INTEGER NOT NULL,
    carer_id VARCHAR(32),
    worker_id VARCHAR(32),
    parent_entity TEXT,
    parent_id VARCHAR(32),
    deleted_at {TS},
    PRIMARY KEY (entity, record_id)
);
CREATE INDEX ix_record_carer_id ON record (carer_id);
CREATE INDEX ix_record_worker_id ON record (worker_id);
CREATE INDEX ix_record_parent ON record (parent_entity, parent_id);
CREATE TABLE field (
    entity TEXT NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    rev INTEGER NOT NULL,
    changed_by VARCHAR(32),
    changed_at {TS} NOT NULL,
    PRIMARY KEY (entity, record_id, field)
);
CREATE TABLE change_log (
    seq BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    rev INTEGER NOT NULL,
    by VARCHAR(32),
    at {TS} NOT NULL,
    carer_id VARCHAR(32)
);
CREATE INDEX ix_change_log_record ON change_log (entity, record_id);
CREATE TABLE change_outcome (
    change_id VARCHAR(32) PRIMARY KEY,
    device_id VARCHAR(32) NOT NULL,
    outcome TEXT NOT NULL,
    rev INTEGER,
    reason TEXT,
    conflict_id VARCHAR(32),
    at {TS} NOT NULL
);
CREATE TABLE conflict (
    id VARCHAR(32) PRIMARY KEY,
    change_id VARCHAR(32) NOT NULL,
    entity TEXT NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    field TEXT NOT NULL,
    server_value TEXT,
    server_by VARCHAR(32),
    server_at {TS},
    laptop_value TEXT,
    laptop_by VARCHAR(32),
    laptop_at {TS},
    base_value TEXT,
    opened_at {TS} NOT NULL,
    settled_at {TS},
    settled_by VARCHAR(32),
    choice TEXT
);
CREATE INDEX ix_conflict_record ON conflict (entity, record_id);
CREATE TABLE tombstone (
    entity TEXT NOT NULL,
    record_id VARCHAR(32) NOT NULL,
    erased_at {TS} NOT NULL,
    PRIMARY KEY (entity, record_id)
);
CREATE TABLE case_move (
    seq BIGINT PRIMARY KEY,
    carer_id VARCHAR(32) NOT NULL,
    from_worker_id VARCHAR(32)
);
CREATE INDEX ix_case_move_carer_id ON case_move (carer_id);
"""

TABLES = ("case_move", "tombstone", "conflict", "change_outcome", "change_log", "field", "record",
          "device", "enrolment", "worker", "service")


def upgrade() -> None:
    for statement in DDL.split(";"):
        if statement.strip():
            op.execute(statement)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TABLE {table}")
