"""The team server's tables as SQLAlchemy Core (PostgreSQL 13 or newer).

Revisions are kept per RECORD (``record.rev``) and the revision of each field's last change per
FIELD (``field.rev``). ``change_log.seq`` is only ever assigned while the writing transaction holds
``LOG_LOCK`` (an advisory transaction lock), so seq order is commit order and a reader paging by
``seq > cursor`` never skips a row that committed late.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: The advisory lock every transaction that appends to ``change_log`` takes first.
LOG_LOCK = 0x79637764  # "ycwd"

TS = sa.DateTime(timezone=True)

service = sa.Table(
    "service", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1: one service per database
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("pseudonym_secret", sa.Text, nullable=False),  # hex
    sa.Column("created_at", TS, nullable=False),
)

worker = sa.Table(
    "worker", metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # the same ids as the laptops' Worker rows
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("role", sa.Text, nullable=False),  # worker | manager
    sa.Column("created_at", TS, nullable=False),
    sa.Column("removed_at", TS),
)

enrolment = sa.Table(
    "enrolment", metadata,
    sa.Column("code_hash", sa.Text, primary_key=True),  # SHA-256 hex of the code
    sa.Column("worker_id", sa.String(32), sa.ForeignKey("worker.id"), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
    sa.Column("used_at", TS),
    sa.Column("device_id", sa.String(32)),
)

device = sa.Table(
    "device", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("worker_id", sa.String(32), sa.ForeignKey("worker.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False, server_default=""),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),  # SHA-256 hex of the token
    sa.Column("enrolled_at", TS, nullable=False),
    sa.Column("removed_at", TS),
    sa.Column("last_sync_at", TS),
    sa.Column("waiting_reported", sa.Integer, nullable=False, server_default="0"),
    sa.Column("clock_offset_seconds", sa.Float),  # laptop clock minus server clock
    sa.Column("protocol_version", sa.Integer),  # of its last accepted request (migration 0002)
    # the highest cursor this device has pulled from (it applied the log up to there): a case that
    # moved away from its worker after it is still theirs to push to (migration 0002)
    sa.Column("pulled_cursor", sa.BigInteger, nullable=False, server_default="0"),
)

record = sa.Table(
    "record", metadata,
    sa.Column("entity", sa.Text, primary_key=True),
    sa.Column("record_id", sa.String(32), primary_key=True),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("carer_id", sa.String(32), index=True),  # the owning carer (scope), if any
    sa.Column("worker_id", sa.String(32), index=True),  # for carers: the worker holding the case
    sa.Column("parent_entity", sa.Text),
    sa.Column("parent_id", sa.String(32)),
    sa.Column("deleted_at", TS),
    sa.Index("ix_record_parent", "parent_entity", "parent_id"),
    sa.Index("ix_record_record_id", "record_id"),  # a push batch reads by id alone (migration 0004)
)

field = sa.Table(
    "field", metadata,
    sa.Column("entity", sa.Text, primary_key=True),
    sa.Column("record_id", sa.String(32), primary_key=True),
    sa.Column("field", sa.Text, primary_key=True),
    sa.Column("value", sa.Text),  # JSON text
    sa.Column("rev", sa.Integer, nullable=False),  # the record's revision when this field last changed
    sa.Column("changed_by", sa.String(32)),
    sa.Column("changed_at", TS, nullable=False),
)

change_log = sa.Table(
    "change_log", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("record_id", sa.String(32), nullable=False),
    sa.Column("field", sa.Text, nullable=False),  # a column, "*", "-" or "erased"
    sa.Column("value", sa.Text),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("by", sa.String(32)),
    sa.Column("at", TS, nullable=False),
    sa.Column("carer_id", sa.String(32)),  # the owning carer when written (scope reads record)
    sa.Index("ix_change_log_record", "entity", "record_id"),
)

change_outcome = sa.Table(
    "change_outcome", metadata,
    sa.Column("change_id", sa.String(32), primary_key=True),
    sa.Column("device_id", sa.String(32), nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),  # applied | conflict | refused
    sa.Column("rev", sa.Integer),
    sa.Column("reason", sa.Text),
    sa.Column("conflict_id", sa.String(32)),
    sa.Column("at", TS, nullable=False),
)

conflict = sa.Table(
    "conflict", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("change_id", sa.String(32), nullable=False),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("record_id", sa.String(32), nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("server_value", sa.Text),
    sa.Column("server_by", sa.String(32)),
    sa.Column("server_at", TS),
    sa.Column("laptop_value", sa.Text),
    sa.Column("laptop_by", sa.String(32)),
    sa.Column("laptop_at", TS),
    sa.Column("base_value", sa.Text),
    sa.Column("opened_at", TS, nullable=False),
    sa.Column("settled_at", TS),
    sa.Column("settled_by", sa.String(32)),
    sa.Column("choice", sa.Text),  # server | laptop | typed
    sa.Index("ix_conflict_record", "entity", "record_id"),
    # the open conflicts every pull lists (migration 0003)
    sa.Index("ix_conflict_open", "opened_at", postgresql_where=sa.text("settled_at IS NULL")),
)

tombstone = sa.Table(
    "tombstone", metadata,
    sa.Column("entity", sa.Text, primary_key=True),
    sa.Column("record_id", sa.String(32), primary_key=True),
    sa.Column("erased_at", TS, nullable=False),
    sa.Index("ix_tombstone_record_id", "record_id"),  # as record's (migration 0004)
)

#: A carer's case moved from one worker to another at log position ``seq``: the old worker drops it.
case_move = sa.Table(
    "case_move", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("carer_id", sa.String(32), nullable=False, index=True),
    sa.Column("from_worker_id", sa.String(32)),
)

#: A wrong enrolment code from a client address at ``at`` (epoch seconds): the brake on guessing
#: codes outlives a restart of the server (migration 0005; rows older than the window are dropped).
enrol_failure = sa.Table(
    "enrol_failure", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("ix_enrol_failure_address_at", "address", "at"),
    sa.Index("ix_enrol_failure_at", "at"),
)
