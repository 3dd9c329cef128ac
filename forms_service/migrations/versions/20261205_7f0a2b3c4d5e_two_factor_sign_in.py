"""two-factor sign-in: an agency's policy, a user's authenticator secret, recovery codes

Revision ID: 7f0a2b3c4d5e
Revises: c3d5e7f9a124
Create Date: 2026-12-05 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7f0a2b3c4d5e"
down_revision = "c3d5e7f9a124"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("two_factor", sa.String(length=20), server_default="off", nullable=False)
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_recovery_code_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("two_factor")
