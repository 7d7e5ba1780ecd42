"""Which protocol each laptop last spoke, and an index for the open conflicts every pull reads.

* ``device.protocol_version``: the ``X-Ycworker-Protocol`` of the device's last accepted request.
  The server accepts laptops one protocol version behind it (team.md promise 8); before a server
  upgrade drops a version, whoever runs it can see which laptops still speak it (and upgrade them
  first, or they get 426 until they do). NULL until the device's first request after this upgrade.
* ``ix_conflict_open``: every pull lists the conflicts not yet settled (``settled_at IS NULL``,
  oldest first); settled conflicts pile up for good, so a partial index keeps that read small.

Plain PostgreSQL DDL, frozen here. Both steps are additive and quick on a live database: a nullable
column without a default is a catalogue change, and the index is small (open conflicts only), so a
server of the previous revision keeps serving while it runs.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE device ADD COLUMN protocol_version INTEGER")
    op.execute("CREATE INDEX ix_conflict_open ON conflict (opened_at) WHERE settled_at IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX ix_conflict_open")
    op.execute("ALTER TABLE device DROP COLUMN protocol_version")
