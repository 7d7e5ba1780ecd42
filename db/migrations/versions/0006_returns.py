"""returns: the service log's Compliments, Comments and Complaints entries say who they came from
and who logged them; bus pass applications are listed by the date applied.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("triple_c_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_from", sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("worker_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_foreign_key("fk_triple_c_entry_worker_id_worker", "worker", ["worker_id"], ["id"])
    with op.batch_alter_table("bus_pass", schema=None) as batch_op:
        batch_op.create_index("ix_bus_pass_applied_date", ["applied_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bus_pass", schema=None) as batch_op:
        batch_op.drop_index("ix_bus_pass_applied_date")
    with op.batch_alter_table("triple_c_entry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_triple_c_entry_worker_id_worker", type_="foreignkey")
        batch_op.drop_column("worker_id")
        batch_op.drop_column("received_from")
