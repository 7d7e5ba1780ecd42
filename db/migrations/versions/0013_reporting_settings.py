"""reporting: areas of districts, the return's targets and profile, each quarter's narrative

``area`` (a group of districts, e.g. "East Kent") and ``area_district`` (a district's area, at most
one per district); ``return_setting``
(``target.<kpi>`` and ``profile``: the service's targets and which commissioner's profile the
return follows; a key not set means Bradford's value, ycworker.returns.targets); and
``return_narrative`` (one per quarter: case studies and youth voice, exported as narrative.md).
Nothing already held changes: districts start in no area, no target is stored (the defaults are
the values the return used before), and no narrative exists.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "area", *_stamps(),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "return_setting", *_stamps(),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "return_narrative", *_stamps(),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("confirmed_names", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("label"),
    )
    op.create_table(
        "area_district", *_stamps(),
        sa.Column("district_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("area_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("district_id"),
    )
    with op.batch_alter_table("area_district", schema=None) as batch_op:
        batch_op.create_index("ix_area_district_area_id", ["area_id"], unique=False)


def downgrade() -> None:
    op.drop_table("area_district")
    op.drop_table("return_narrative")
    op.drop_table("return_setting")
    op.drop_table("area")
