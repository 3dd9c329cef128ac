"""program grants and the grants that served each case (retention from grant closeout)

Revision ID: a7c3e9d21f54
Revises: c41e8b7d2a90
Create Date: 2026-12-05 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9d21f54"
down_revision = "c41e8b7d2a90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "program_grant",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("program", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("funder", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("closeout_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_program_grant_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_grant")),
        sa.UniqueConstraint("agency_id", "number", name=op.f("uq_program_grant_agency_id")),
    )
    with op.batch_alter_table("program_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_grant_agency_id"), ["agency_id"], unique=False)
    op.create_table(
        "case_grant",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("linked_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_grant_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["program_grant.id"], name=op.f("fk_case_grant_grant_id_program_grant")
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["user_account.id"],
            name=op.f("fk_case_grant_linked_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_grant")),
        sa.UniqueConstraint("case_id", "grant_id", name=op.f("uq_case_grant_case_id")),
    )
    with op.batch_alter_table("case_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_grant_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("case_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_grant_case_id"))
    op.drop_table("case_grant")
    with op.batch_alter_table("program_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_grant_agency_id"))
    op.drop_table("program_grant")
