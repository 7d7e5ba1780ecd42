"""registers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Monthly clubs that meet on a date ("the 15th", "the 31st") rather than an nth weekday.
    with op.batch_alter_table("club", schema=None) as batch_op:
        batch_op.add_column(sa.Column("month_day", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("club", schema=None) as batch_op:
        batch_op.drop_column("month_day")
