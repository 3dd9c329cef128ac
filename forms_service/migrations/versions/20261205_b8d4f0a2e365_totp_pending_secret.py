"""the two-factor secret being set up is kept on the server, not in the session cookie

Revision ID: b8d4f0a2e365
Revises: a7c3e9f1d254
Create Date: 2026-12-05 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d4f0a2e365"
down_revision = "a7c3e9f1d254"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_secret")
