"""a staff notice's subject worded in each staff language

Revision ID: c7d3e9a1f5b2
Revises: c9e5a1b3f476
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d3e9a1f5b2"
down_revision = "c9e5a1b3f476"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_notice") as batch:
        batch.add_column(sa.Column("subjects", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("staff_notice") as batch:
        batch.drop_column("subjects")
