"""team: the laptop's queue of changes for the team server, revisions and conflicts

Local bookkeeping for team sync (``db.models.team``). A laptop never enrolled keeps these
tables empty.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_change",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=True),
        sa.Column("base_value", sa.String(), nullable=True),
        sa.Column("base_rev", sa.Integer(), nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("worker_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_team_change_status", "team_change", ["status"])
    op.create_index("ix_team_change_field", "team_change", ["entity", "record_id", "field", "status"])
    op.create_table(
        "team_revision",
        sa.Column("entity", sa.String(), primary_key=True),
        sa.Column("record_id", sa.String(32), primary_key=True),
        sa.Column("rev", sa.Integer(), nullable=False),
    )
    op.create_table(
        "team_conflict",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("change_id", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("server_value", sa.String(), nullable=True),
        sa.Column("server_by", sa.String(), nullable=True),
        sa.Column("server_at", sa.DateTime(), nullable=True),
        sa.Column("laptop_value", sa.String(), nullable=True),
        sa.Column("laptop_by", sa.String(), nullable=True),
        sa.Column("laptop_at", sa.DateTime(), nullable=True),
        sa.Column("base_value", sa.String(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("settled_by", sa.String(), nullable=True),
        sa.Column("choice", sa.String(), nullable=True),
    )
    op.create_index("ix_team_conflict_settled_at", "team_conflict", ["settled_at"])


def downgrade() -> None:
    op.drop_table("team_conflict")
    op.drop_table("team_revision")
    op.drop_index("ix_team_change_field", table_name="team_change")
    op.drop_index("ix_team_change_status", table_name="team_change")
    op.drop_table("team_change")
