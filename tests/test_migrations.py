"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forms_service.archive.fulltext import declared_by_models
from forms_service.extensions import db


def test_migrations_match_the_models(app):
    """Except the full-text index, which the models cannot declare (Alembic's own comparison
    leaves it out the same way)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": declared_by_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
