"""The OpenAPI document is valid OpenAPI 3.1, describes every /api/v1 route and nothing
else, and its reference page is served from the package."""

import re

from openapi_spec_validator import validate

from forms_service.api.openapi import document


def _described(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document()["paths"].items() for method in item}


def _routes(app) -> set[tuple[str, str]]:
    return {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_document_is_valid_openapi_3_1(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.get_json()["openapi"] == "3.1.0"
    validate(served.get_json())


def test_every_route_is_described_and_every_described_path_is_a_route(app):
    assert _routes(app) - _described(app) == set(), "describe these in api/openapi.py"
    assert _described(app) - _routes(app) == set(), "these described paths are no routes"


def test_the_reference_page_lists_each_operation_without_a_cdn(client):
    page = client.get("/api/v1/reference")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for method, path in _described(client.application):
        assert f"{method} {path}" in html
    assert "NewDocument" in html and "Idempotency-Key" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
