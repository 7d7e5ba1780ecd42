"""home: the worker's day reads indexes, not whole tables

On a 50,000-carer file the home screen's "walk-ins needing referral details" list read the whole
carer table (0.7 s), and one worker's overdue plan actions walked every overdue action of the
service (0.2-0.9 s). With these two indexes they take a few milliseconds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_carer_needs_details", "carer", ["needs_referral_details", "archived_at", "created_at"])
    op.create_index("ix_plan_action_carer_open", "plan_action", ["carer_id", "status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_plan_action_carer_open", table_name="plan_action")
    op.drop_index("ix_carer_needs_details", table_name="carer")
