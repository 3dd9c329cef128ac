"""Shared model pieces and the one-transaction-per-request rule.

Services only `flush`; the request (or CLI command, or job) commits once at its end, and
rolls back on any error. Work that must happen only once the data is safely committed
(rendering a signed document) is queued with `after_commit`.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Enum, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    """A random UUID primary key: no object can be found by guessing or counting ids."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def enum_column(enum: type[StrEnum], **kwargs):
    """Stored as its text value (no database enum type), loaded back as the enum."""
    return mapped_column(
        Enum(enum, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20),
        **kwargs,
    )


def after_commit(func: Callable[[], None]) -> None:
    """Run `func` after this request's (or job's) transaction has committed."""
    g.setdefault("after_commit", []).append(func)


def committed() -> None:
    """The unit of work has committed: run what was queued for then."""
    for func in g.pop("after_commit", []):
        func()


@contextmanager
def transaction_of_its_own() -> Iterator[None]:
    """The security events of a refused action (a failed sign-in, unlock or identity answer)
    are committed on their own: whatever the request wrote is rolled back first, and the
    refusal's own rollback at the end of the request cannot erase them."""
    db.session.rollback()
    yield
    db.session.commit()


def init_app(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response):
        if response.status_code < 400:
            db.session.commit()
            committed()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_on_error(exc):
        if exc is not None:
            db.session.rollback()


def migrations(app: Flask) -> None:
    """Flask-Migrate on `app` (its `db` commands, `upgrade`), for the commands and tests that
    change the schema: it imports Alembic, 8 MB that no web or render worker needs."""
    from flask_migrate import Migrate

    from .archive.fulltext import declared_by_models

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(MIGRATIONS), include_name=declared_by_models)


def upgrade_schema() -> None:
    """This app's database brought to every head migration."""
    from flask_migrate import upgrade

    migrations(current_app)
    upgrade(directory=str(MIGRATIONS), revision="heads")
