"""the archive's records by agency and client name, the order a common name's search walks

Revision ID: e6a1c3f58b27
Revises: a19c3e5d7f01
Create Date: 2026-12-05 14:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e6a1c3f58b27"
down_revision = "a19c3e5d7f01"
branch_labels = None
depends_on = None


def upgrade():
    # One CREATE INDEX: PostgreSQL builds it in one sorted pass over the rows.
    op.create_index(
        "ix_archive_record_agency_client", "archive_record", ["agency_id", "search_name"]
    )


def downgrade():
    op.drop_index("ix_archive_record_agency_client", table_name="archive_record")
