"""VAWA forms that go with a notice are given when the notice is: their day and giver are
blank until its delivery is recorded, and taken from that delivery for rows made before

Revision ID: c7d3e9a1b584
Revises: d7a2f4c6b813
Create Date: 2026-12-05 13:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d3e9a1b584"
down_revision = "d7a2f4c6b813"
branch_labels = None
depends_on = None

# The notice's recorded hand-over: on paper, else its first delivery.
GIVEN_WITH_NOTICE = """
UPDATE vawa_delivery SET
  given_on = COALESCE(
    (SELECT p.delivered_on FROM paper_delivery p
     WHERE p.document_id = vawa_delivery.with_document_id),
    (SELECT MIN(d.delivered_on) FROM document_delivery d
     WHERE d.document_id = vawa_delivery.with_document_id)),
  given_by_id = COALESCE(
    (SELECT p.delivered_by_id FROM paper_delivery p
     WHERE p.document_id = vawa_delivery.with_document_id),
    (SELECT d.recorded_by_id FROM document_delivery d
     WHERE d.document_id = vawa_delivery.with_document_id
     ORDER BY d.delivered_on, d.created_at LIMIT 1))
WHERE with_document_id IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table("vawa_delivery", schema=None) as batch_op:
        batch_op.alter_column("given_on", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("given_by_id", existing_type=sa.Uuid(), nullable=True)
    op.execute(GIVEN_WITH_NOTICE)


def downgrade():
    op.execute(
        "UPDATE vawa_delivery SET given_on = CAST(created_at AS DATE), given_by_id = "
        "(SELECT d.created_by_id FROM document d WHERE d.id = vawa_delivery.notice_id) "
        "WHERE given_on IS NULL"
    )
    with op.batch_alter_table("vawa_delivery", schema=None) as batch_op:
        batch_op.alter_column("given_by_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column("given_on", existing_type=sa.Date(), nullable=False)
