"""review schedule and delivery mode: when a plan's next review is due; how a contact was delivered

``carer.review_due_date`` (the support plan's next review) with the index the home screen's
"reviews due" list and the caseload's "review overdue" filter read; ``contact.mode`` (face to
face, phone, video, online group, text/message). Existing plans are given a due date: the last
review + 12 weeks, or, with no review, the day the plan was made (its first action) + 12 weeks; only
for open carers whose latest review did not close the case. Existing contacts keep no mode ("not
recorded").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REVIEW_WEEKS = 12


def upgrade() -> None:
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_due_date", sa.Date(), nullable=True))
        batch_op.create_index("ix_carer_review_due", ["status", "archived_at", "review_due_date"],
                              unique=False)
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mode", sa.String(), nullable=True))
    days = f"'+{REVIEW_WEEKS * 7} days'"
    op.execute(sa.text(f"""
        UPDATE carer SET review_due_date = coalesce(
            (SELECT date(max(r.review_date), {days}) FROM review r WHERE r.carer_id = carer.id),
            (SELECT date(min(p.created_at), {days}) FROM plan_action p WHERE p.carer_id = carer.id))
        WHERE status = 'open' AND archived_at IS NULL
          AND (EXISTS (SELECT 1 FROM plan_action p WHERE p.carer_id = carer.id)
               OR EXISTS (SELECT 1 FROM review r WHERE r.carer_id = carer.id))
          AND coalesce((SELECT r.next_step FROM review r WHERE r.carer_id = carer.id
                        ORDER BY r.review_date DESC, r.created_at DESC LIMIT 1), 'continue') = 'continue'
    """))


def downgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("mode")
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.drop_index("ix_carer_review_due")
        batch_op.drop_column("review_due_date")
