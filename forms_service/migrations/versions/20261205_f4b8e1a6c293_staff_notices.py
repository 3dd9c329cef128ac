"""staff notices and the choice to get them by e-mail

Revision ID: f4b8e1a6c293
Revises: d2a7c4e8f316
Create Date: 2026-12-05 11:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4b8e1a6c293"
down_revision = "d2a7c4e8f316"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("event_key", sa.String(length=250), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_key"),
    )
    with op.batch_alter_table("staff_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_notice_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_staff_notice_user_id"), ["user_id"])
    op.create_table(
        "notice_preference",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade():
    op.drop_table("notice_preference")
    with op.batch_alter_table("staff_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_notice_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_notice_agency_id"))
    op.drop_table("staff_notice")
