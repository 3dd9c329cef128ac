"""a partial index of the records signed in another language than English, by filing time,
for the English copies' outbox

Revision ID: 5d2c7e91a3b4
Revises: 3f8a0c6e5b12
Create Date: 2026-11-25 17:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d2c7e91a3b4"
down_revision = "3f8a0c6e5b12"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_archive_record_translated_archived",
        "archive_record",
        ["archived_at"],
        unique=False,
        postgresql_where=sa.text("language <> 'en'"),
        sqlite_where=sa.text("language <> 'en'"),
    )


def downgrade():
    op.drop_index("ix_archive_record_translated_archived", table_name="archive_record")
