"""chains per agency: numbered audit events and archive records, one head row per chain;
whether a record's seal carries a timestamp

The audit events written before stay one chain of their own (no `seq`), its head kept as
`audit:legacy`. The records filed before are chained now, per agency in filing order.

Revision ID: d5e1c0a7b3f2
Revises: f4b8e1a6c293
Create Date: 2026-12-05 10:40:00

"""

import hashlib
import uuid

import sqlalchemy as sa
from alembic import op

revision = "d5e1c0a7b3f2"
down_revision = "f4b8e1a6c293"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

head = sa.table(
    "chain_head", sa.column("chain", sa.String), sa.column("count", BIG), sa.column("last_hash")
)


def _chain_existing_records():
    """Each agency's records in filing order get their number and chain hash (the rule of
    `archive.service.link_hash`, frozen here)."""
    bind = op.get_bind()
    record = sa.table(
        "archive_record",
        sa.column("id", sa.Uuid()),
        sa.column("agency_id", sa.Uuid()),
        sa.column("archived_at", sa.DateTime(timezone=True)),
        sa.column("record_sha256", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("chain_sha256", sa.String()),
    )
    rows = bind.execute(
        sa.select(record.c.id, record.c.agency_id, record.c.record_sha256).order_by(
            record.c.agency_id, record.c.archived_at, record.c.id
        )
    ).all()
    ends: dict[uuid.UUID, tuple[int, str]] = {}
    for row in rows:
        seq, prev = ends.get(row.agency_id, (0, GENESIS))
        link = hashlib.sha256(f"{prev}:{seq + 1}:{row.record_sha256}".encode()).hexdigest()
        bind.execute(
            record.update().where(record.c.id == row.id).values(seq=seq + 1, chain_sha256=link)
        )
        ends[row.agency_id] = (seq + 1, link)
    for agency_id, (count, last) in ends.items():
        bind.execute(
            head.insert().values(chain=f"archive:{agency_id}", count=count, last_hash=last)
        )


def upgrade():
    op.create_table(
        "chain_head",
        sa.Column("chain", sa.String(length=80), nullable=False),
        sa.Column("count", BIG, nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_chain_head")),
    )
    bind = op.get_bind()
    legacy = bind.execute(sa.text("SELECT last_hash FROM audit_head WHERE id = 1")).scalar()
    if legacy is not None:
        count = bind.execute(sa.text("SELECT count(*) FROM audit_event")).scalar()
        bind.execute(head.insert().values(chain="audit:legacy", count=count, last_hash=legacy))
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", BIG, nullable=True))
        batch_op.create_index("ix_audit_event_agency_seq", ["agency_id", "seq"], unique=False)
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("chain_sha256", sa.String(length=64), nullable=True))
        stamps = sa.Enum(
            "timestamped", "not timestamped", name="sealtimestamp", native_enum=False, length=20
        )
        batch_op.add_column(sa.Column("seal_timestamp", stamps, nullable=True))
        batch_op.create_index("ix_archive_record_agency_seq", ["agency_id", "seq"], unique=False)
    _chain_existing_records()


def downgrade():
    """The events written since stay in the table; the one global chain they broke is what
    `verify` of the older code reports."""
    with op.batch_alter_table("archive_record", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_record_agency_seq")
        batch_op.drop_column("seal_timestamp")
        batch_op.drop_column("chain_sha256")
        batch_op.drop_column("seq")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_agency_seq")
        batch_op.drop_column("seq")
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    bind = op.get_bind()
    legacy = bind.execute(
        sa.select(head.c.last_hash).where(head.c.chain == "audit:legacy")
    ).scalar()
    if legacy is not None:
        bind.execute(
            sa.text("INSERT INTO audit_head (id, last_hash) VALUES (1, :h)"), {"h": legacy}
        )
    op.drop_table("chain_head")
