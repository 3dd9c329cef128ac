"""a document's form converted while it waits for its signatures, with where its boxes are

Revision ID: b7e3d1f9a2c4
Revises: a3b5c7d9e1f2
Create Date: 2026-12-05 22:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e3d1f9a2c4"
down_revision = "a3b5c7d9e1f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "prepared_render",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("boxes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade():
    op.drop_table("prepared_render")
