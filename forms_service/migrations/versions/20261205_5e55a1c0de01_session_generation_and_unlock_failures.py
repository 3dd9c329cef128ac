"""a user's session generation (bumped to end all their sessions) and wrong kiosk unlocks

Revision ID: 5e55a1c0de01
Revises: 8b3f6a2d1c57
Create Date: 2026-12-05 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e55a1c0de01"
down_revision = "8b3f6a2d1c57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("failed_unlocks", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("failed_unlocks")
        batch_op.drop_column("session_generation")
