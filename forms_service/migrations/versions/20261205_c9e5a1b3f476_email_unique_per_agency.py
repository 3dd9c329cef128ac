"""a staff e-mail address is unique within its agency, not across agencies

Revision ID: c9e5a1b3f476
Revises: e6a1c3f58b27
Create Date: 2026-12-05 13:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c9e5a1b3f476"
down_revision = "e6a1c3f58b27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_account_email", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_account_agency_id"), ["agency_id", "email"]
        )
        batch_op.create_index(batch_op.f("ix_user_account_email"), ["email"])


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_email"))
        batch_op.drop_constraint(batch_op.f("uq_user_account_agency_id"), type_="unique")
        batch_op.create_unique_constraint("uq_user_account_email", ["email"])
