"""agency logo, and the logo each document was sent with

Revision ID: c41e8b7d2a90
Revises: e2b9f7a41c65
Create Date: 2026-12-05 08:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c41e8b7d2a90"
down_revision = "e2b9f7a41c65"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_sha256", sa.String(length=64), nullable=True))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_sha256", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("logo_sha256")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("logo_sha256")
