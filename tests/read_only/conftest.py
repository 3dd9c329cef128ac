"""Tests that only read pages or are refused (and check they changed nothing): each module
gets one app, pair of agencies and holdings per database, made once, instead of one per test."""

import uuid

import pytest

from forms_service.extensions import db
from tests.conftest import DATABASES, World, app_on
from tests.test_access import Holdings, holdings_of


@pytest.fixture(scope="module", params=DATABASES)
def app(request, tmp_path_factory):
    with app_on(request, request.param, tmp_path_factory.mktemp("read-only")) as app:
        yield app


@pytest.fixture(scope="module")
def world(app):
    return World()


@pytest.fixture(scope="module")
def holdings(world) -> dict[uuid.UUID, Holdings]:
    return holdings_of(world)


@pytest.fixture(autouse=True)
def fresh_session(app):
    """Each test starts from what is committed, whatever the one before left half done."""
    yield
    db.session.rollback()
