"""the archive's name and signer trigram indexes lead with the agency

Revision ID: 9e4b6f1d2a57
Revises: 7c1e2a9f4b30
Create Date: 2026-11-25 16:15:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9e4b6f1d2a57"
down_revision = "7c1e2a9f4b30"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_archive_record_search_name_trgm": "search_name",
    "ix_archive_record_signer_names_trgm": "signer_names",
}


def _create(columns: list[str], column: str, name: str) -> None:
    op.create_index(
        name,
        "archive_record",
        columns,
        unique=False,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # btree_gin lets a GIN index hold the agency beside the trigrams: a name search reads
        # its own agency's entries only (in pg_catalog like pg_trgm: needs a superuser once).
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA pg_catalog")
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="archive_record")
        _create(["agency_id", column], column, name)


def downgrade():
    # The btree_gin extension stays: other schemas of the database may use it.
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="archive_record")
        _create([column], column, name)
