"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from forms_service.archive.fulltext import declared_by_models
from forms_service.extensions import db
from tests.conftest import MIGRATIONS


def test_migrations_match_the_models(app):
    """Except the full-text index, which the models cannot declare (Alembic's own comparison
    leaves it out the same way)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": declared_by_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_migrations_have_one_head():
    """Two migrations written side by side on one parent must be put in a line (or merged),
    so `upgrade head` and a downgrade take one well-defined path."""
    script = ScriptDirectory(str(Path(MIGRATIONS)))
    assert script.get_heads() == [script.get_current_head()], script.get_heads()
