"""assessments: re-assessment dates, the review's feedback response, list indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A re-assessment records when circumstances changed and when the new assessment is due.
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("circumstances_changed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.create_index("ix_assessment_status_completed", ["status", "completed_date"], unique=False)
        batch_op.create_index("ix_assessment_referral_status", ["referral_id", "status"], unique=False)
    # A review's satisfaction answer is one KPI 6 feedback row; the link keeps it counted once.
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_foreign_key("fk_review_feedback_id_feedback", "feedback", ["feedback_id"], ["id"])
    # The home screen's overdue plan actions: open and due before today.
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index("ix_plan_action_open", ["status", "due_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_action_open")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint("fk_review_feedback_id_feedback", type_="foreignkey")
        batch_op.drop_column("feedback_id")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_referral_status")
        batch_op.drop_index("ix_assessment_status_completed")
        batch_op.drop_column("due_date")
        batch_op.drop_column("circumstances_changed_on")
