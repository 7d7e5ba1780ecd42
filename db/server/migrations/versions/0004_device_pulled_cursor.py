"""The cursor each device last pulled from (``device.pulled_cursor``): a worker's push to a case
that moved away from them is applied only when the move came after this cursor (the old laptop
pushes its waiting changes first; team.md promise 4), and refused once the laptop has pulled the
move (it dropped the case then).

Revision ID: 0004
Revises: 0001
"""

from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE device ADD COLUMN pulled_cursor BIGINT NOT NULL DEFAULT 0")


def downgrade() -> None:
    op.execute("ALTER TABLE device DROP COLUMN pulled_cursor")
