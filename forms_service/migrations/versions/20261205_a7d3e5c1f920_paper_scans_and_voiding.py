"""paper scans filed in place of e-signatures; a voided document's reason

Revision ID: a7d3e5c1f920
Revises: c41f7d2e9a63
Create Date: 2026-12-05 08:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3e5c1f920"
down_revision = "c41f7d2e9a63"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper_scan_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("void_reason")
        batch_op.drop_column("paper_scan_sha256")
