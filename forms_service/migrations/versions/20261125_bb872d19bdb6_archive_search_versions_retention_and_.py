"""archive search, versions, retention and legal hold

Revision ID: bb872d19bdb6
Revises: b59574f1519c
Create Date: 2026-11-25 13:32:54.767123

"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "bb872d19bdb6"
down_revision = "b59574f1519c"
branch_labels = None
depends_on = None

# The fields a record hash covers, as `archive.service.record_hash` had them at this revision.
HASHED = [
    "agency_id",
    "document_id",
    "client_id",
    "case_id",
    "form_type",
    "reference",
    "version",
    "language",
    "client_name",
    "search_name",
    "case_number",
    "template_version",
    "template_sha256",
    "content_sha256",
    "docx_sha256",
    "pdf_sha256",
    "signers",
    "signer_names",
    "signed_at",
    "archived_at",
]
TYPED = ("signers", "signed_at", "archived_at")  # read with their own types below


def _value(value):
    if hasattr(value, "isoformat"):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str | int | list | dict) or value is None:
        return value
    return str(value)  # UUIDs


def _hash_existing_records():
    """Records filed before this revision get their record hash now, from their fields as
    they are at the upgrade."""
    bind = op.get_bind()
    record = sa.table(
        "archive_record",
        sa.column("id", sa.Uuid()),
        *(sa.column(name, sa.Uuid()) for name in HASHED if name.endswith("_id")),
        sa.column("signers", sa.JSON()),
        sa.column("signed_at", sa.DateTime(timezone=True)),
        sa.column("archived_at", sa.DateTime(timezone=True)),
        sa.column("record_sha256", sa.String()),
        *(sa.column(name) for name in HASHED if name not in TYPED and not name.endswith("_id")),
    )
    rows = bind.execute(sa.select(record).where(record.c.record_sha256.is_(None))).mappings()
    for row in rows.all():
        body = {name: _value(row[name]) for name in HASHED}
        if isinstance(body["signers"], str):
            body["signers"] = json.loads(body["signers"])
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        bind.execute(
            record.update()
            .where(record.c.id == row["id"])
            .values(record_sha256=hashlib.sha256(canonical.encode()).hexdigest())
        )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # In pg_catalog, so that the trigram operators resolve whatever the schema search path
        # (an app in its own schema, the tests' schema per run); a no-op where it is installed.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA pg_catalog")
    op.create_table(
        "retention_schedule",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("form_type", sa.String(length=50), nullable=False),
        sa.Column("years_after_closure", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Uuid(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_retention_schedule_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user_account.id"],
            name=op.f("fk_retention_schedule_set_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_schedule")),
        sa.UniqueConstraint("agency_id", "form_type", name=op.f("uq_retention_schedule_agency_id")),
    )
    op.create_table(
        "legal_hold",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by_id", sa.Uuid(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by_id", sa.Uuid(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lift_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_legal_hold_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_legal_hold_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_legal_hold_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"],
            ["user_account.id"],
            name=op.f("fk_legal_hold_lifted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["placed_by_id"],
            ["user_account.id"],
            name=op.f("fk_legal_hold_placed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_hold_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_hold_client_id"), ["client_id"], unique=False)

    op.create_table(
        "archive_disposal",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["archive_record.id"],
            name=op.f("fk_archive_disposal_record_id_archive_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_disposal")),
        sa.UniqueConstraint("record_id", name=op.f("uq_archive_disposal_record_id")),
    )
    op.create_table(
        "archive_supersession",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("by_record_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_record_id"],
            ["archive_record.id"],
            name=op.f("fk_archive_supersession_by_record_id_archive_record"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["archive_record.id"],
            name=op.f("fk_archive_supersession_record_id_archive_record"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_archive_supersession_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_supersession")),
        sa.UniqueConstraint("by_record_id", name=op.f("uq_archive_supersession_by_record_id")),
        sa.UniqueConstraint("record_id", name=op.f("uq_archive_supersession_record_id")),
    )
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("signer_names", sa.String(length=1000), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("record_sha256", sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f("ix_archive_record_search_name"))
        batch_op.create_index(
            "ix_archive_record_agency_case_number", ["agency_id", "case_number"], unique=False
        )
        batch_op.create_index(
            "ix_archive_record_agency_form_signed",
            ["agency_id", "form_type", "signed_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_archive_record_agency_signed", ["agency_id", "signed_at"], unique=False
        )
        batch_op.create_index(
            "ix_archive_record_search_name_trgm",
            ["search_name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )
        batch_op.create_index(
            "ix_archive_record_signer_names_trgm",
            ["signer_names"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"signer_names": "gin_trgm_ops"},
        )
    _hash_existing_records()


def downgrade():
    # The pg_trgm extension stays: other schemas of the database may use it.
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_record_signer_names_trgm")
        batch_op.drop_index("ix_archive_record_search_name_trgm")
        batch_op.drop_index("ix_archive_record_agency_signed")
        batch_op.drop_index("ix_archive_record_agency_form_signed")
        batch_op.drop_index("ix_archive_record_agency_case_number")
        batch_op.create_index(
            batch_op.f("ix_archive_record_search_name"), ["search_name"], unique=False
        )
        batch_op.drop_column("record_sha256")
        batch_op.drop_column("signer_names")
        batch_op.drop_column("version")

    op.drop_table("archive_supersession")
    op.drop_table("archive_disposal")
    with op.batch_alter_table("legal_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_hold_client_id"))
        batch_op.drop_index(batch_op.f("ix_legal_hold_agency_id"))

    op.drop_table("legal_hold")
    op.drop_table("retention_schedule")
