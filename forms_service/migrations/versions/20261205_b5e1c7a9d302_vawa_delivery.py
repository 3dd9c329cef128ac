"""the VAWA notice and certification given to a client, and what they went with

Revision ID: b5e1c7a9d302
Revises: 7f0a2b3c4d5e
Create Date: 2026-12-05 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5e1c7a9d302"
down_revision = "7f0a2b3c4d5e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "vawa_delivery",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("occasion", sa.String(length=20), nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("certification_id", sa.Uuid(), nullable=False),
        sa.Column("with_document_id", sa.Uuid(), nullable=True),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("given_by_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_vawa_delivery_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_vawa_delivery_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["document.id"], name=op.f("fk_vawa_delivery_notice_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["document.id"],
            name=op.f("fk_vawa_delivery_certification_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["with_document_id"],
            ["document.id"],
            name=op.f("fk_vawa_delivery_with_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["given_by_id"],
            ["user_account.id"],
            name=op.f("fk_vawa_delivery_given_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vawa_delivery")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_vawa_delivery_notice_id")),
        sa.UniqueConstraint("certification_id", name=op.f("uq_vawa_delivery_certification_id")),
    )
    with op.batch_alter_table("vawa_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vawa_delivery_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_vawa_delivery_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_vawa_delivery_with_document_id"), ["with_document_id"])


def downgrade():
    with op.batch_alter_table("vawa_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vawa_delivery_with_document_id"))
        batch_op.drop_index(batch_op.f("ix_vawa_delivery_case_id"))
        batch_op.drop_index(batch_op.f("ix_vawa_delivery_agency_id"))
    op.drop_table("vawa_delivery")
