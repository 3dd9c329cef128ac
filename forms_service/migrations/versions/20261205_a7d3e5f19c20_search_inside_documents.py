"""search inside documents (archive_text and its full-text index), document numbers and
part of a case number

Revision ID: a7d3e5f19c20
Revises: 5d2c7e91a3b4
Create Date: 2026-12-05 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3e5f19c20"
down_revision = "5d2c7e91a3b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "archive_text",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ocr", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["record_id"], ["archive_record.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # 'simple': no stemming, so words in English, Spanish and Arabic match as typed; the
        # GIN index leads with the agency (btree_gin), so a search reads its own entries only.
        op.execute(
            "ALTER TABLE archive_text ADD COLUMN terms tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_archive_text_terms ON archive_text USING gin (agency_id, terms)"
        )
    else:
        # The text is already lower case without accents; the tokenizer folds what is left.
        op.execute(
            "CREATE VIRTUAL TABLE archive_text_fts USING fts5(record_id UNINDEXED, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER archive_text_fts_insert AFTER INSERT ON archive_text BEGIN "
            "INSERT INTO archive_text_fts (record_id, body) VALUES (NEW.record_id, NEW.body); END"
        )
        op.execute(
            "CREATE TRIGGER archive_text_fts_delete AFTER DELETE ON archive_text BEGIN "
            "DELETE FROM archive_text_fts WHERE record_id = OLD.record_id; END"
        )
    op.create_index(
        "ix_archive_record_agency_reference", "archive_record", ["agency_id", "reference"]
    )
    op.create_index(
        "ix_archive_record_case_number_trgm",
        "archive_record",
        ["agency_id", "case_number"],
        postgresql_using="gin",
        postgresql_ops={"case_number": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_index("ix_archive_record_case_number_trgm", table_name="archive_record")
    op.drop_index("ix_archive_record_agency_reference", table_name="archive_record")
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER archive_text_fts_delete")
        op.execute("DROP TRIGGER archive_text_fts_insert")
        op.execute("DROP TABLE archive_text_fts")
    op.drop_table("archive_text")
