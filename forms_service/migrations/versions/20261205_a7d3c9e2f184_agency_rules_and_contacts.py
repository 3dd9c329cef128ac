"""agency settings: program rules, CoC contact and appeal contact

Revision ID: a7d3c9e2f184
Revises: 5d2c7e91a3b4
Create Date: 2026-12-05 07:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3c9e2f184"
down_revision = "5d2c7e91a3b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("program_rules", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("coc_contact", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("appeal_contact", sa.String(length=300), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("appeal_contact")
        batch_op.drop_column("coc_contact")
        batch_op.drop_column("program_rules")
