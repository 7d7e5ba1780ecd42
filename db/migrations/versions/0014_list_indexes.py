"""lists: indexes that match the Assessments area's lists and the caseload's turning-18 filter

Issue 17. The Assessments area read every open allocated referral to find the few not yet
assessed (``ix_referral_open`` is ordered by allocation, not by whether the assessment is done:
12,585 entries walked for 850 at 50,000 carers), every draft's assessment row to sort the drafts
(46,000 rows in the table, 821 drafts), and every carer born in the transition year row by row.

* ``ix_referral_to_assess`` (closed_date, assessment_completed_date, allocated_date, worker_id,
  carer_id, id): the open referrals still to assess are one range of it, in allocation order;
* ``ix_assessment_lists`` (status, kind, carer_id, due_date, started_date, referral_id, id): the
  drafts, and the carers with a transition assessment, are short ranges of it, read from it alone;
* ``ix_assessment_recent`` (status, completed_date, carer_id, kind, impact_level, id): the recent
  completions, newest first, one worker's found without reading each assessment row;
* ``ix_carer_status_birth`` (status, archived_at, date_of_birth, worker_id, last_name, first_name,
  id): open carers born in a window (turning 18, the transition year) as one range, read from the
  index alone.

Indexes only: upgrading an existing file builds them from the rows it holds.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_referral_to_assess", "referral",
     ["closed_date", "assessment_completed_date", "allocated_date", "worker_id", "carer_id", "id"]),
    ("ix_assessment_lists", "assessment",
     ["status", "kind", "carer_id", "due_date", "started_date", "referral_id", "id"]),
    ("ix_assessment_recent", "assessment",
     ["status", "completed_date", "carer_id", "kind", "impact_level", "id"]),
    ("ix_carer_status_birth", "carer",
     ["status", "archived_at", "date_of_birth", "worker_id", "last_name", "first_name", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
