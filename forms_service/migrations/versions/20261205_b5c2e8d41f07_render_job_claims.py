"""a render job's claim: who has it (the queue or a runner) and until when

Revision ID: b5c2e8d41f07
Revises: 5e7a1c9d3b42
Create Date: 2026-12-05 11:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5c2e8d41f07"
down_revision = "5e7a1c9d3b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
