"""agency time zone

Revision ID: c41f7d2e9a63
Revises: a7c3e9d21f54
Create Date: 2026-12-05 08:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c41f7d2e9a63"
down_revision = "a7c3e9d21f54"
branch_labels = None
depends_on = None


def upgrade():
    # Existing agencies get the default a new one gets; an admin changes it in the settings.
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "time_zone", sa.String(length=64), server_default="America/Chicago", nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
