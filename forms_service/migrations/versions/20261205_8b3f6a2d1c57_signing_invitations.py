"""signing links sent by text message or e-mail, for reminders and resending

Revision ID: 8b3f6a2d1c57
Revises: 5e1d0c7a9b42
Create Date: 2026-12-05 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b3f6a2d1c57"
down_revision = "5e1d0c7a9b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_invitation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("email", "sms", name="channel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("url_sealed", sa.Text(), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("resends", sa.Integer(), nullable=False),
        sa.Column("next_reminder_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["remote_link.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id"),
    )
    with op.batch_alter_table("signing_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_invitation_agency_id"), ["agency_id"])
        batch_op.create_index(
            batch_op.f("ix_signing_invitation_next_reminder_at"), ["next_reminder_at"]
        )


def downgrade():
    with op.batch_alter_table("signing_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_invitation_next_reminder_at"))
        batch_op.drop_index(batch_op.f("ix_signing_invitation_agency_id"))
    op.drop_table("signing_invitation")
