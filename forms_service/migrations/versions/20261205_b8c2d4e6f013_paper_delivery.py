"""paper delivery of documents given on paper only

Revision ID: b8c2d4e6f013
Revises: 7a9c3e5b1d84
Create Date: 2026-12-05 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8c2d4e6f013"
down_revision = "7a9c3e5b1d84"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "paper_delivery",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("in_hand", "mail", name="deliverymethod", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("delivered_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["delivered_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id"),
    )


def downgrade():
    op.drop_table("paper_delivery")
