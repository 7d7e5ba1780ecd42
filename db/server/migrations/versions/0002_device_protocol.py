"""What the server keeps of each laptop: the protocol it last spoke and the cursor it last pulled from.

* ``device.protocol_version``: the ``X-Ycworker-Protocol`` of the device's last accepted request.
  The server accepts laptops one protocol version behind it (team.md promise 8); before a server
  upgrade drops a version, whoever runs it can see which laptops still speak it (and upgrade them
  first, or they get 426 until they do). NULL until the device's first request after this upgrade.
* ``device.pulled_cursor``: the highest change-log position the device has pulled (applied) to. A
  worker's push to a case that moved away from them is applied only when the move came after this
  cursor (the old laptop pushes its waiting changes first; team.md promise 4), and refused once the
  laptop has pulled the move (it dropped the case then).

Plain PostgreSQL DDL, frozen here. Both are catalogue changes, quick on a live database.

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
    op.execute("ALTER TABLE device ADD COLUMN pulled_cursor BIGINT NOT NULL DEFAULT 0")


def downgrade() -> None:
    op.execute("ALTER TABLE device DROP COLUMN pulled_cursor")
    op.execute("ALTER TABLE device DROP COLUMN protocol_version")
