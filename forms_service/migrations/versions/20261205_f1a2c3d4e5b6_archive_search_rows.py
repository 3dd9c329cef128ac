"""the archive's search rows: a narrow row per record with what the search finds and sorts by,
indexed in place of the same columns of the records

Revision ID: f1a2c3d4e5b6
Revises: cbd0df38c3e1
Create Date: 2026-12-05 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1a2c3d4e5b6"
down_revision = "cbd0df38c3e1"
branch_labels = None
depends_on = None

COLUMNS = "id, agency_id, search_name, signer_names, case_number, form_type, signed_at"
TRIGRAM = {  # name: column
    "ix_archive_search_name_trgm": "search_name",
    "ix_archive_search_signer_names_trgm": "signer_names",
    "ix_archive_search_case_number_trgm": "case_number",
}
BTREE = {
    "ix_archive_search_agency_signed": ["agency_id", "signed_at"],
    "ix_archive_search_agency_client": ["agency_id", "search_name"],
    "ix_archive_search_agency_form_signed": ["agency_id", "form_type", "signed_at"],
    "ix_archive_search_agency_case_number": ["agency_id", "case_number"],
}
# The record's indexes only the search read, with their columns (trigram ones: GIN).
RECORD_INDEXES = {
    "ix_archive_record_search_name_trgm": ("search_name", True),
    "ix_archive_record_signer_names_trgm": ("signer_names", True),
    "ix_archive_record_case_number_trgm": ("case_number", True),
    "ix_archive_record_agency_client": ("search_name", False),
    "ix_archive_record_agency_case_number": ("case_number", False),
}


def _trigram(name: str, table: str, column: str) -> None:
    op.create_index(
        name,
        table,
        ["agency_id", column],
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


def upgrade():
    op.create_table(
        "archive_search",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("search_name", sa.String(length=201), nullable=False),
        sa.Column("signer_names", sa.String(length=1000), nullable=False),
        sa.Column("case_number", sa.String(length=30), nullable=False),
        sa.Column("form_type", sa.String(length=50), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_archive_search_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["id"], ["archive_record.id"], name=op.f("fk_archive_search_id_archive_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_search")),
    )
    # Filled before it is indexed: one sorted pass per index instead of a million inserts.
    fill = f"INSERT INTO archive_search ({COLUMNS}) SELECT {COLUMNS} FROM archive_record"  # noqa: S608
    op.execute(fill)
    for name, column in TRIGRAM.items():
        _trigram(name, "archive_search", column)
    for name, columns in BTREE.items():
        op.create_index(name, "archive_search", columns)
    for name in RECORD_INDEXES:
        op.drop_index(name, table_name="archive_record")
    op.drop_index("ix_archive_record_agency_form_signed", table_name="archive_record")


def downgrade():
    op.create_index(
        "ix_archive_record_agency_form_signed",
        "archive_record",
        ["agency_id", "form_type", "signed_at"],
    )
    for name, (column, trigram) in RECORD_INDEXES.items():
        if trigram:
            _trigram(name, "archive_record", column)
        else:
            op.create_index(name, "archive_record", ["agency_id", column])
    op.drop_table("archive_search")
