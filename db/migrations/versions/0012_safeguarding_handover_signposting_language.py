"""casework: safeguarding status and meetings, handover to adult services, signposting, language

Issue 18 (Casework): ``safeguarding_status`` (periods of Child in Need / Child Protection / Early
Help, with start and end dates, so the history is kept) and ``safeguarding_meeting`` (date, kind,
who attended, actions); on the carer, the referral to Adult Social Care (date, outcome) and the
handover to the young adult carers' offer (date); ``signposting_organisation`` (the list the
service keeps, started here with the organisations the council papers name or imply) and
``signposting`` (carer, organisation, date, outcome); language and access (first language,
interpreter needed, communication needs) on the carer and on the household.

Existing carers and households get no language recorded (blank, no interpreter), no handover and
no safeguarding status. The starting list of organisations has fixed ids, the same on every
laptop (each laptop's migration makes it; a manager's additions sync as usual).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: (fixed id, name, kind): the starting signposting list.
ORGANISATIONS = (
    ("0012000000000000000000000000001a", "Kooth", "online counselling and wellbeing"),
    ("0012000000000000000000000000002a", "Youth in Mind+", "young people's mental health"),
    ("0012000000000000000000000000003a", "School counselling service", "counselling"),
    ("0012000000000000000000000000004a", "Local food bank", "food bank"),
    ("0012000000000000000000000000005a", "Early Help Family Hub", "family support"),
    ("0012000000000000000000000000006a", "Carers' Resource", "carers' support"),
    ("0012000000000000000000000000007a", "Citizens Advice", "benefits and money advice"),
    ("0012000000000000000000000000008a", "Childline", "helpline"),
)


def _record_columns() -> list:
    return [
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "safeguarding_status", *_record_columns(),
        sa.Column("carer_id", text(), nullable=False),
        sa.Column("status", text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("worker_id", text(), nullable=True),
        sa.ForeignKeyConstraint(["carer_id"], ["carer.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_safeguarding_status_carer", "safeguarding_status", ["carer_id", "start_date"])
    op.create_table(
        "safeguarding_meeting", *_record_columns(),
        sa.Column("carer_id", text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("attended", text(), nullable=False),
        sa.Column("actions", text(), nullable=False),
        sa.Column("worker_id", text(), nullable=True),
        sa.ForeignKeyConstraint(["carer_id"], ["carer.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_safeguarding_meeting_carer", "safeguarding_meeting", ["carer_id", "meeting_date"])
    op.create_table(
        "signposting_organisation", *_record_columns(),
        sa.Column("name", text(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "signposting", *_record_columns(),
        sa.Column("carer_id", text(), nullable=False),
        sa.Column("organisation_id", text(), nullable=False),
        sa.Column("signposted_date", sa.Date(), nullable=False),
        sa.Column("outcome", text(), nullable=False),
        sa.Column("note", text(), nullable=False),
        sa.Column("worker_id", text(), nullable=True),
        sa.ForeignKeyConstraint(["carer_id"], ["carer.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["signposting_organisation.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["worker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signposting_carer", "signposting", ["carer_id", "signposted_date"])
    op.create_index("ix_signposting_date", "signposting", ["signposted_date", "organisation_id"])
    for table in ("carer", "household"):
        op.add_column(table, sa.Column("first_language", text(), nullable=False, server_default=""))
        op.add_column(table, sa.Column("interpreter_needed", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
        op.add_column(table, sa.Column("communication_needs", text(), nullable=False, server_default=""))
    op.add_column("carer", sa.Column("asc_referral_date", sa.Date(), nullable=True))
    op.add_column("carer", sa.Column("asc_outcome", text(), nullable=True))
    op.add_column("carer", sa.Column("yac_handover_date", sa.Date(), nullable=True))
    stamp = "2026-12-06 00:00:00.000000"
    op.get_bind().execute(
        sa.text("INSERT INTO signposting_organisation (id, created_at, updated_at, name, kind, active) "
                "VALUES (:id, :t, :t, :name, :kind, 1)"),
        [{"id": i, "t": stamp, "name": name, "kind": kind} for i, name, kind in ORGANISATIONS])


def downgrade() -> None:
    for column in ("yac_handover_date", "asc_outcome", "asc_referral_date"):
        op.execute(f"ALTER TABLE carer DROP COLUMN {column}")
    for table in ("household", "carer"):
        for column in ("communication_needs", "interpreter_needed", "first_language"):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index("ix_signposting_date", table_name="signposting")
    op.drop_index("ix_signposting_carer", table_name="signposting")
    op.drop_table("signposting")
    op.drop_table("signposting_organisation")
    op.drop_index("ix_safeguarding_meeting_carer", table_name="safeguarding_meeting")
    op.drop_table("safeguarding_meeting")
    op.drop_index("ix_safeguarding_status_carer", table_name="safeguarding_status")
    op.drop_table("safeguarding_status")
