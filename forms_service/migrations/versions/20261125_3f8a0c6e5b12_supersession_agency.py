"""a supersession names its record's agency, so one agency's "superseded" search reads only
its own supersessions

Revision ID: 3f8a0c6e5b12
Revises: 9e4b6f1d2a57
Create Date: 2026-11-25 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f8a0c6e5b12"
down_revision = "9e4b6f1d2a57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("archive_supersession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE archive_supersession SET agency_id = (SELECT archive_record.agency_id "
        "FROM archive_record WHERE archive_record.id = archive_supersession.record_id)"
    )
    with op.batch_alter_table("archive_supersession", schema=None) as batch_op:
        batch_op.alter_column("agency_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_archive_supersession_agency_id_agency"), "agency", ["agency_id"], ["id"]
        )
        batch_op.create_index(
            "ix_archive_supersession_agency_record", ["agency_id", "record_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("archive_supersession", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_supersession_agency_record")
        batch_op.drop_constraint(
            batch_op.f("fk_archive_supersession_agency_id_agency"), type_="foreignkey"
        )
        batch_op.drop_column("agency_id")
