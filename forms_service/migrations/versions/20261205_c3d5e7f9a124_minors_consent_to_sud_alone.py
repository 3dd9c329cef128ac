"""an agency says whether minors consent to substance use treatment alone (42 CFR 2.14)

Revision ID: c3d5e7f9a124
Revises: b8c2d4e6f013
Create Date: 2026-12-05 11:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d5e7f9a124"
down_revision = "b8c2d4e6f013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "minors_consent_to_sud_alone",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("minors_consent_to_sud_alone")
