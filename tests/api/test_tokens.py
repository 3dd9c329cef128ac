"""API tokens: shown once, kept as a hash, scoped, revocable, last use recorded; made on the
admin's page or by the CLI; every call is audited as the token's agency and name."""

import re

from sqlalchemy import select

from forms_service.api.models import ApiToken
from forms_service.api.service import digest
from forms_service.audit.models import AuditEvent
from forms_service.cli import main
from forms_service.extensions import db
from tests.api.conftest import Api, make_api
from tests.conftest import login
from tests.pages import open_page, submit


def test_a_call_without_a_valid_token_is_401_problem_json(client, world, api):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/form-types", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_post_without_a_token_is_checked_for_csrf_like_a_page(client, world):
    response = client.post("/api/v1/clients", json={})
    assert response.status_code == 400  # the session cookie alone can do nothing


def test_the_token_is_stored_as_its_hash_and_its_use_recorded(client, world, api):
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert token.token_sha256 == digest(api.secret) and api.secret not in token.token_sha256
    assert token.last_used_at is None
    assert api.get("/form-types").status_code == 200
    db.session.expire_all()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    call = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "api.call")
    ).scalar_one()
    assert call.actor == "API token 'HMIS sync' of admin@a.example (admin)"
    assert call.agency_id == world.agency.id
    assert call.details == {"method": "GET", "path": "/api/v1/form-types"}


def test_a_token_without_the_scope_is_refused(client, world):
    reader = make_api(client, world, scopes=["read"], name="Reader")
    assert reader.get("/form-types").status_code == 200
    refused = reader.post("/clients", {"first_name": "A", "last_name": "B", "program": "P"})
    assert refused.status_code == 403
    assert "write" in refused.get_json()["detail"]
    assert reader.get("/archive/records?name=nunez").status_code == 403


def test_a_token_of_an_admin_no_longer_admin_stops_working(client, world, api):
    world.admin.active = False
    db.session.commit()
    assert api.get("/form-types").status_code == 401


def test_the_admin_makes_a_token_on_the_page_sees_it_once_and_revokes_it(client, world):
    login(client, world.admin)
    made = submit(
        client, "/agency/api-tokens", name="CoC data warehouse", scopes=["read", "archive"]
    )
    assert made.status_code == 200
    secret = re.search(r'<code id="new-token">([^<]+)</code>', made.get_data(as_text=True))[1]
    api = Api(client, secret)
    assert api.get("/form-types").status_code == 200
    listing = open_page(client, "/agency/api-tokens").html
    assert "CoC data warehouse" in listing and secret not in listing
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert token.scopes == ["read", "archive"]
    revoked = submit(client, "/agency/api-tokens", action=f"/{token.id}/revoke")
    assert revoked.status_code == 302
    assert api.get("/form-types").status_code == 401


def test_a_token_without_a_name_or_scope_is_refused_on_its_fields(client, world):
    login(client, world.admin)
    refused = submit(client, "/agency/api-tokens", name=" ", scopes=[])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="name-errors"' in html and 'id="scopes-errors"' in html


def test_only_admins_reach_the_tokens_page(client, world):
    login(client, world.case_manager)
    assert client.get("/agency/api-tokens").status_code == 403


def test_the_cli_prints_the_token_alone_on_its_last_line(app, client, world):
    result = app.test_cli_runner().invoke(
        main,
        [
            "api-token",
            "create",
            "--as",
            world.admin.email,
            "--name",
            "Nightly",
            "--scopes",
            "read,write",
        ],
    )
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]
    assert re.fullmatch(r"fsk_[A-Za-z0-9_-]{40,}", secret)
    assert Api(client, secret).get("/form-types").status_code == 200


def test_the_cli_refuses_a_scope_it_does_not_know(app, world):
    result = app.test_cli_runner().invoke(
        main, ["api-token", "create", "--as", world.admin.email, "--name", "X", "--scopes", "all"]
    )
    assert result.exit_code == 2
    assert "scopes" in result.output
