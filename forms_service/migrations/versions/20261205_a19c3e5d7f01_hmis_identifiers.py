"""HMIS identifiers: a client's PersonalID and a case's EnrollmentID, unique per agency

Revision ID: a19c3e5d7f01
Revises: b8d4f0a2e365
Create Date: 2026-12-05 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a19c3e5d7f01"
down_revision = "b8d4f0a2e365"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hmis_personal_id", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            "uq_client_hmis_personal_id", ["agency_id", "hmis_personal_id"]
        )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hmis_enrollment_id", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            "uq_case_file_hmis_enrollment_id", ["agency_id", "hmis_enrollment_id"]
        )


def downgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_constraint("uq_case_file_hmis_enrollment_id", type_="unique")
        batch_op.drop_column("hmis_enrollment_id")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_constraint("uq_client_hmis_personal_id", type_="unique")
        batch_op.drop_column("hmis_personal_id")
