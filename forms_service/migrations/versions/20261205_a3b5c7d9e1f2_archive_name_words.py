"""each word of the names an agency's records were filed with, once: near misses of a typed
name are looked up among them

Revision ID: a3b5c7d9e1f2
Revises: f1a2c3d4e5b6
Create Date: 2026-12-05 21:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3b5c7d9e1f2"
down_revision = "f1a2c3d4e5b6"
branch_labels = None
depends_on = None

SHORT_WORD = 3  # shorter typed words are never near misses (cases.search.SHORT_WORD)
RECORDS = sa.table(
    "archive_record",
    sa.column("agency_id", sa.Uuid()),
    sa.column("search_name"),
    sa.column("signer_names"),
)
WORDS = sa.table("archive_name_word", sa.column("agency_id", sa.Uuid()), sa.column("word"))


def upgrade():
    op.create_table(
        "archive_name_word",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("word", sa.String(length=201), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_archive_name_word_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("agency_id", "word", name=op.f("pk_archive_name_word")),
    )
    names = sa.select(RECORDS.c.agency_id, RECORDS.c.search_name, RECORDS.c.signer_names)
    words = {
        (agency_id, word)
        for agency_id, name, signers in op.get_bind().execute(names)
        for word in f"{name} {signers.replace('|', ' ')}".split()
        if len(word) >= SHORT_WORD
    }
    if words:
        op.bulk_insert(WORDS, [{"agency_id": a, "word": w} for a, w in sorted(words)])
    op.create_index(
        "ix_archive_name_word_trgm",
        "archive_name_word",
        ["agency_id", "word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_table("archive_name_word")
