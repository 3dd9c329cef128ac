"""bulk runs: an uploaded CSV and its rows, each made in its own transaction

Revision ID: d7a2f4c6b813
Revises: c3d9e1f5a719
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a2f4c6b813"
down_revision = "c3d9e1f5a719"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bulk_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("send", sa.Boolean(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_bulk_run_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_bulk_run_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_run")),
    )
    with op.batch_alter_table("bulk_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_run_agency_id"), ["agency_id"])
    op.create_table(
        "bulk_row",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "done", "failed", name="rowstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_bulk_row_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["bulk_run.id"], name=op.f("fk_bulk_row_run_id_bulk_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_row")),
    )
    with op.batch_alter_table("bulk_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulk_row_run_id"), ["run_id"])


def downgrade():
    with op.batch_alter_table("bulk_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_row_run_id"))
    op.drop_table("bulk_row")
    with op.batch_alter_table("bulk_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_run_agency_id"))
    op.drop_table("bulk_run")
