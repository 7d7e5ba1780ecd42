"""An index for the open conflicts every pull reads (``ix_conflict_open``).

Every pull lists the conflicts not yet settled (``settled_at IS NULL``, oldest first); settled
conflicts pile up for good, so a partial index keeps that read small. The index is small (open
conflicts only) and the server's code does not depend on it, so a server keeps serving while it is
built: the 20-laptop week test upgrades a live database to this revision mid-week.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_conflict_open ON conflict (opened_at) WHERE settled_at IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX ix_conflict_open")
