"""The Alembic migrations build exactly the schema the models declare, on both databases."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from forms_service.archive.fulltext import declared_by_models
from forms_service.cli import main
from forms_service.extensions import db
from tests.conftest import MIGRATIONS, modules_loaded_by


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


def test_no_worker_loads_the_migration_tools(tmp_path):
    """Alembic (with Mako and Pygments) is 8 MB in each process that imports it: the app a web
    or render worker runs, and the `worker` command, leave it to the commands that migrate."""
    code = "from forms_service.cli import main\ncreate_app()\nmain.get_command(None, 'worker')"
    loaded = modules_loaded_by(code, tmp_path)
    assert not {"alembic", "flask_migrate", "mako"} & loaded


def test_the_db_commands_are_loaded_when_asked_for(app):
    listed = app.test_cli_runner().invoke(main, ["db", "--help"])
    assert listed.exit_code == 0 and "upgrade" in listed.output, listed.output
    heads = app.test_cli_runner().invoke(main, ["db", "heads"])
    assert heads.exit_code == 0, heads.output
