"""bookings: who cancelled and when, who marked attendance and recorded offer answers, and an
index for the capacity check and the waiting list.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index("ix_booking_activity_status", ["activity_id", "status", "waiting_position"],
                              unique=False)
    with op.batch_alter_table("booking_day", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marked_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("booking_offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("responded_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking_offer", schema=None) as batch_op:
        batch_op.drop_column("responded_by_id")
    with op.batch_alter_table("booking_day", schema=None) as batch_op:
        batch_op.drop_column("marked_by_id")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_activity_status")
        batch_op.drop_column("cancelled_by_id")
        batch_op.drop_column("cancelled_at")
