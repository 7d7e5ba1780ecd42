"""``enrol_failure``: the wrong enrolment codes per client address, kept in the database.

The brake on guessed codes lived in the server process's memory, so restarting the server (or
running it as several processes) gave a guesser a fresh slate. A server on the revision before
keeps them in memory until the table exists (ycworker.team.server.enrol_limit).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrol_failure",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_enrol_failure_address_at", "enrol_failure", ["address", "at"])
    op.create_index("ix_enrol_failure_at", "enrol_failure", ["at"])


def downgrade() -> None:
    op.drop_table("enrol_failure")
