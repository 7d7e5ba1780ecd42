"""Indexes on ``record.record_id`` and ``tombstone.record_id`` for a push batch's first reads.

A push batch reads which of its record ids (and the ids its new records link to) exist and which
were erased, in one query each, by record id alone: a new record's links (``carer_id``,
``household_id``...) name an id, not always its table. The primary keys lead with ``entity``, so
without these indexes each batch read the whole ``record`` table, and a first push of a service
(tens of thousands of records, in batches of 500) grew with the square of its size.

The server's code does not depend on them (only its speed does), so a server keeps serving while
they are built: the 20-laptop week test upgrades a live database to this revision mid-week.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_record_record_id ON record (record_id)")
    op.execute("CREATE INDEX ix_tombstone_record_id ON tombstone (record_id)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_tombstone_record_id")
    op.execute("DROP INDEX ix_record_record_id")
