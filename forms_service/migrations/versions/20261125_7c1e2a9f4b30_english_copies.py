"""english copies beside records signed in another language

Revision ID: 7c1e2a9f4b30
Revises: d40cd5d75e4a
Create Date: 2026-11-25 15:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e2a9f4b30"
down_revision = "d40cd5d75e4a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("file_english_copy", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "archive_copy",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("copy_sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["archive_record.id"],
            name=op.f("fk_archive_copy_record_id_archive_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_copy")),
        sa.UniqueConstraint("record_id", name=op.f("uq_archive_copy_record_id")),
    )
    with op.batch_alter_table("archive_copy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_copy_pdf_sha256"), ["pdf_sha256"], unique=False
        )


def downgrade():
    with op.batch_alter_table("archive_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_copy_pdf_sha256"))
    op.drop_table("archive_copy")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("file_english_copy")
