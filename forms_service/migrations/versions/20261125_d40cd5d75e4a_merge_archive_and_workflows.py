"""merge archive and workflows

Revision ID: d40cd5d75e4a
Revises: 6268d14c95b2, bb872d19bdb6
Create Date: 2026-11-25 14:04:05.294725

"""

# revision identifiers, used by Alembic.
revision = "d40cd5d75e4a"
down_revision = ("6268d14c95b2", "bb872d19bdb6")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
