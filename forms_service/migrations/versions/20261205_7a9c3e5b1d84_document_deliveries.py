"""how and when a signed notice, decision or response reached the client

Revision ID: 7a9c3e5b1d84
Revises: d5e1c0a7b3f2
Create Date: 2026-12-05 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7a9c3e5b1d84"
down_revision = "d5e1c0a7b3f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "in_hand",
                "mail",
                "email",
                "text",
                name="deliverymethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_delivery_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_document_delivery_document_id"), ["document_id"])


def downgrade():
    with op.batch_alter_table("document_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_delivery_document_id"))
        batch_op.drop_index(batch_op.f("ix_document_delivery_agency_id"))
    op.drop_table("document_delivery")
