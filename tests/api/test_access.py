"""Every /api/v1 route that names an object answers 404 for another agency's object, as for
one that never existed, and changes nothing; without a token, every route but the
description answers 401."""

import uuid

import pytest
from flask import current_app

from forms_service.api.views import PUBLIC
from forms_service.audit.models import AuditEvent
from forms_service.documents.models import Document
from forms_service.extensions import db
from tests.conftest import archive_consent


@pytest.fixture
def foreign(world, other_api, consent_document):
    """The first agency's objects (the second agency's token must not reach them)."""
    record = archive_consent(world, consent_document)
    document = db.session.get(Document, record.document_id)
    return {
        "client_id": str(world.client.id),
        "case_id": str(world.case.id),
        "document_id": str(document.id),
        "signer_id": str(document.signers[0].id),
        "record_id": str(record.id),
        "kind": "pdf",
        "name": "consent_release",
    }


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]


def _call(api, rule, values, method):
    url = rule.build(values, append_unknown=False)[1]
    path = url.removeprefix("/api/v1") + (
        "?purpose=audit" if rule.endpoint == "api.download" else ""
    )
    if method == "GET":
        return api.get(path)
    return api.post(path, {"reason": "x", "hmis_enrollment_id": "E-9"}, method=method.lower())


def test_no_api_route_reaches_another_agencys_object(client, world, other_api, foreign):
    checked = 0
    for rule in _api_rules(current_app):
        ids = [a for a in rule.arguments if a.endswith("_id")]
        if not ids:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            events = (
                db.session.query(AuditEvent).filter(AuditEvent.agency_id == world.agency.id).count()
            )
            response = _call(other_api, rule, foreign, method)
            assert response.status_code == 404, (rule.rule, method, response.get_json())
            assert "Núñez" not in response.get_data(as_text=True)
            unknown = _call(
                other_api, rule, {**foreign, **{a: str(uuid.uuid4()) for a in ids}}, method
            )
            assert unknown.get_json() == response.get_json()
            db.session.expire_all()
            assert (
                db.session.query(AuditEvent).filter(AuditEvent.agency_id == world.agency.id).count()
                == events
            )
            checked += 1
    assert checked >= 9


def test_every_api_route_wants_a_token_but_its_description(client, world, foreign):
    seen = 0
    for rule in _api_rules(current_app):
        if rule.endpoint in PUBLIC:
            assert client.get(rule.rule).status_code == 200
            continue
        url = rule.build(foreign, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, headers={"Authorization": "Bearer fsk_x"})
            assert response.status_code == 401, (method, url)
            seen += 1
    assert seen >= 12
