"""an agency's own template versions, their files in the blob store

Revision ID: 5e7a1c9d3b42
Revises: 5e55a1c0de01
Create Date: 2026-12-05 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a1c9d3b42"
down_revision = "5e55a1c0de01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agency_template_version",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("form_type", sa.String(length=50), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "discarded",
                name="templatestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=300), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "form_type", "number"),
    )
    with op.batch_alter_table("agency_template_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_template_version_agency_id"), ["agency_id"], unique=False
        )
    op.create_table(
        "agency_template_file",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("carried_from", sa.Integer(), nullable=True),
        sa.Column("preview_pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["agency_template_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "language"),
    )


def downgrade():
    op.drop_table("agency_template_file")
    with op.batch_alter_table("agency_template_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_template_version_agency_id"))
    op.drop_table("agency_template_version")
