"""one-time links to a client's copy

Revision ID: d2a7c4e8f316
Revises: b5c2e8d41f07
Create Date: 2026-12-05 11:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2a7c4e8f316"
down_revision = "b5c2e8d41f07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "client_copy_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    with op.batch_alter_table("client_copy_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_copy_link_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_client_copy_link_document_id"), ["document_id"])


def downgrade():
    with op.batch_alter_table("client_copy_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_copy_link_document_id"))
        batch_op.drop_index(batch_op.f("ix_client_copy_link_agency_id"))
    op.drop_table("client_copy_link")
