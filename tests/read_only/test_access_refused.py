"""Refusals: no route reaches another agency's object by changing an id in the URL (404, as
for an id that never existed), ids that are not ids are 404, records staff are refused case
pages, and anonymous visitors are sent to sign in. A refusal changes nothing (each test checks
that), so the tests of a database share one pair of agencies and their holdings, made once
(tests/read_only/conftest.py)."""

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from forms_service.archive.models import AccessLog, ArchiveRecord
from forms_service.audit.models import AuditEvent
from forms_service.documents.models import Document, Signer
from forms_service.extensions import db
from tests.conftest import login, post
from tests.test_access import (
    FILL,
    PUBLIC_ENDPOINTS,
    ROUTES,
    USERS,
    Holdings,
    Route,
)

# Bodies differ only in these values (CSRF token, typed input); compare pages without them.
VALUES = re.compile(r'value="[^"]*"')

MALFORMED_IDS = [
    "1",
    "0",
    "-1",
    "not-a-uuid",
    "../../etc",
    "\x00",
    "' OR '1'='1",
    "x" * 300,
    "{}",
    "%s",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffffff",
]


def _sides(holdings, user) -> tuple[Holdings, Holdings]:
    own = holdings[user.agency_id]
    (foreign,) = (h for agency_id, h in holdings.items() if agency_id != user.agency_id)
    return own, foreign


def _trace_of(holdings: Holdings) -> tuple:
    """What a request could have changed about an agency's objects."""
    db.session.expire_all()
    documents = select(Document.id).where(Document.agency_id == holdings.agency_id)
    return (
        db.session.scalar(select(func.count()).select_from(documents.subquery())),
        db.session.get(Document, uuid.UUID(holdings.draft_id)).data,
        sorted(
            (str(s.id), s.status)
            for s in db.session.scalars(select(Signer).where(Signer.document_id.in_(documents)))
        ),
        db.session.scalar(
            select(func.count())
            .select_from(AccessLog)
            .join(ArchiveRecord)
            .where(ArchiveRecord.agency_id == holdings.agency_id)
        ),
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id.in_(holdings.ids))
        ),
    )


RECORDS_REFUSED = [
    Route("cases.index", "GET", FILL, 200, {}),
    *(route for route in ROUTES if route.roles == FILL),
]


@pytest.mark.parametrize(
    ("route", "who"),
    [
        pytest.param(route, who, id=f"{route}-{who}")
        for route in ROUTES
        for who, role in USERS.items()
        if role in route.roles
    ],
)
def test_no_route_reaches_another_agencys_object(client, world, holdings, route, who):
    user = getattr(world, who)
    _, foreign = _sides(holdings, user)
    login(client, user)
    before = _trace_of(foreign)

    response = route.request(client, foreign)

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert foreign.client_name not in html
    assert _trace_of(foreign) == before
    # The same page as for ids that never existed: nothing tells the two apart.
    unknown = route.request(client, foreign, **{arg: str(uuid.uuid4()) for arg in route.args})
    assert unknown.status_code == 404
    assert VALUES.sub("", html) == VALUES.sub("", unknown.get_data(as_text=True))


@pytest.mark.parametrize(
    ("route", "slot"),
    [
        pytest.param(route, arg, id=f"{route}-{arg}")
        for route in ROUTES
        for arg in route.args
        if arg.endswith("_id")
    ],
)
def test_a_random_or_malformed_id_is_not_found_never_an_error(client, world, holdings, route, slot):
    """Each id in turn, the others left valid: a random UUID, the id of another kind of object,
    and strings that are no UUID at all. (Under TESTING an error would raise here.)"""
    own = holdings[world.agency.id]
    login(client, world.admin)  # the admin may use every route: only the id can refuse
    for value in [str(uuid.uuid4()), str(world.agency.id), *MALFORMED_IDS]:
        response = route.request(client, own, **{slot: value})
        assert response.status_code == 404, (value, response.status_code)
        assert "Not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/cases/1",
        "/cases/../../etc",
        "/cases/..%2F..%2Fetc%2Fpasswd",
        "/cases/%00",
        "/cases/1/forms/consent_release/new",
        "/documents/1",
        "/documents/1/edit",
        "/documents/1/sign/2",
        "/documents/../../etc/hand-back",
        "/archive/1",
        "/archive/%2e%2e",
        "/archive/1%27%20OR%201=1--",
    ],
)
def test_a_path_with_a_non_id_is_not_found(client, world, path):
    login(client, world.admin)
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_protected_route(client, world, holdings):
    own = holdings[world.agency.id]
    values = {
        "client_id": own.client_id,
        "case_id": own.case_id,
        "document_id": own.document_id,
        "signer_id": own.signer_id,
        "record_id": own.record_id,
        "hold_id": own.hold_id,
        "link_id": own.link_id,
        "termination_id": own.termination_id,
        "grievance_id": own.grievance_id,
        "user_id": own.user_id,
        "grant_id": own.grant_id,
        "token_id": own.token_id,
        "run_id": own.run_id,
        "endpoint_id": own.endpoint_id,
        "delivery_id": own.delivery_id,
        "form_type": own.form_type,
        "number": "1",  # a template version (the Templates page)
        "language": "en",
    }
    adapter = client.application.url_map.bind("localhost")
    problems, seen = [], 0
    for rule in client.application.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.startswith("api."):
            continue  # the JSON API answers 401 without a token (tests/api/test_access.py)
        unknown_args = set(rule.arguments) - set(values)
        assert not unknown_args, f"give this test a value for {unknown_args} ({rule.rule})"
        url = adapter.build(rule.endpoint, {arg: values[arg] for arg in rule.arguments})
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            seen += 1
            response = client.get(url) if method == "GET" else post(client, url, {})
            location = urlsplit(response.headers.get("Location", ""))
            if response.status_code != 302 or location.path != "/login":
                problems.append((method, url, response.status_code, response.location))
            elif method == "GET" and parse_qs(location.query).get("next") != [url]:
                problems.append((method, url, "next", location.query))
    assert seen >= 14
    assert not problems


@pytest.mark.parametrize("route", RECORDS_REFUSED, ids=str)
def test_records_staff_cannot_open_case_or_document_pages(client, world, holdings, route):
    own = holdings[world.agency.id]
    before = _trace_of(own)
    login(client, world.records)
    response = route.request(client, own)
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    assert _trace_of(own) == before


@pytest.mark.parametrize("query", ["", "?q=nunez"])
@pytest.mark.parametrize("who", ["case_manager", "supervisor"])
def test_case_managers_and_supervisors_cannot_use_archive_search(
    client, world, holdings, who, query
):
    login(client, getattr(world, who))
    response = client.get(f"/archive/{query}")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["records", "admin"])
def test_archive_search_finds_only_the_own_agencys_records(client, world, holdings, who):
    own, foreign = _sides(holdings, getattr(world, who))
    login(client, getattr(world, who))
    found = client.get("/archive/?q=nunez").get_data(as_text=True)
    assert f"/archive/{own.record_id}" in found
    stranger = client.get("/archive/?q=stranger")
    assert stranger.status_code == 200
    assert foreign.client_name not in stranger.get_data(as_text=True)
    assert f"/archive/{foreign.record_id}" not in stranger.get_data(as_text=True)
