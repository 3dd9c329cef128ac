"""merge the agency texts and the search inside documents

Revision ID: e2b9f7a41c65
Revises: a7d3c9e2f184, a7d3e5f19c20
Create Date: 2026-12-05 08:25:00

"""

# revision identifiers, used by Alembic.
revision = "e2b9f7a41c65"
down_revision = ("a7d3c9e2f184", "a7d3e5f19c20")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
