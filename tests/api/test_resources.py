"""Form types, clients and cases, and the archive through the API: the page's rules and
audit, JSON in and out, cursor pages, idempotent POSTs, per-token rate limits."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from forms_service.archive.models import AccessLog
from forms_service.audit.models import AuditEvent
from forms_service.cases.models import Case, Client
from forms_service.cases.service import create_client
from forms_service.extensions import db
from forms_service.forms import get_form_type
from tests.api.conftest import make_api
from tests.conftest import _make_app, archive_consent

NEW = {
    "first_name": "Rosa",
    "last_name": "Quintero",
    "date_of_birth": "1971-02-03",
    "program": "Rapid Rehousing",
    "hmis_personal_id": "HMIS-9001",
    "hmis_enrollment_id": "ENR-1",
}


def test_each_form_type_gives_the_json_schema_its_spec_derives(api):
    listed = api.get("/form-types").get_json()["items"]
    assert "consent_release" in {t["name"] for t in listed}
    consent = api.get("/form-types/consent_release").get_json()
    assert consent["schema"] == get_form_type("consent_release").json_schema()
    assert api.get("/form-types/nothing").status_code == 404


def test_a_client_made_by_the_api_is_found_by_hmis_id_and_by_name_and_birth(api, world):
    made = api.post("/clients", NEW)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["hmis_personal_id"] == "HMIS-9001"
    assert body["cases"][0]["hmis_enrollment_id"] == "ENR-1"
    by_id = api.get("/clients?hmis_personal_id=HMIS-9001").get_json()["items"]
    assert [c["id"] for c in by_id] == [body["id"]]
    by_name = api.get("/clients?name=quintero, rosa&date_of_birth=1971-02-03").get_json()["items"]
    assert [c["id"] for c in by_name] == [body["id"]]
    assert api.get("/clients?name=quintero&date_of_birth=1971-02-04").get_json()["items"] == []
    case = api.get(f"/cases/{body['cases'][0]['id']}").get_json()
    assert case["documents"] == [] and case["number"].startswith("C-")


def test_the_same_name_and_birth_twice_is_refused_naming_the_field(api, world):
    assert api.post("/clients", NEW).status_code == 201
    twice = api.post("/clients", {**NEW, "hmis_personal_id": "", "hmis_enrollment_id": ""})
    assert twice.status_code == 422
    assert "last_name" in twice.get_json()["errors"]
    bad = api.post("/clients", {**NEW, "first_name": "", "date_of_birth": "03/02/1971"})
    assert set(bad.get_json()["errors"]) == {"first_name"}
    worse = api.post("/clients", {**NEW, "first_name": "Ann", "date_of_birth": "03/02/1971"})
    assert set(worse.get_json()["errors"]) == {"date_of_birth"}


def test_the_hmis_ids_are_set_on_a_case(api, world):
    changed = api.patch(f"/cases/{world.case.id}", {"hmis_enrollment_id": "E-55"})
    assert changed.status_code == 200
    assert changed.get_json()["hmis_enrollment_id"] == "E-55"
    too_long = api.patch(f"/cases/{world.case.id}", {"hmis_personal_id": "x" * 33})
    assert too_long.status_code == 422
    assert "hmis_personal_id" in too_long.get_json()["errors"]


def test_another_case_is_opened_for_a_registered_client_as_on_the_page(api, world):
    asked = {
        "program": "Shelter Plus Care",
        "opened_on": "2026-10-15",
        "case_manager_email": "sup@a.example",
        "hmis_enrollment_id": "ENR-7",
    }
    opened = api.post(f"/clients/{world.client.id}/cases", asked, key="reentry-1")

    assert opened.status_code == 201, opened.get_json()
    body = opened.get_json()
    assert (body["program"], body["status"], body["opened_on"]) == (
        "Shelter Plus Care",
        "open",
        "2026-10-15",
    )
    assert (body["client_id"], body["hmis_enrollment_id"]) == (str(world.client.id), "ENR-7")
    assert db.session.get(Case, uuid.UUID(body["id"])).case_manager_id == world.supervisor.id
    client_cases = api.get(f"/clients/{world.client.id}").get_json()["cases"]
    assert {c["id"] for c in client_cases} == {body["id"], str(world.case.id)}
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.open")
    ).scalar_one()
    assert event.actor.startswith("API token 'HMIS sync'")

    again = api.post(f"/clients/{world.client.id}/cases", asked)
    assert again.status_code == 422 and body["number"] in again.get_json()["errors"]["program"][0]
    blank = api.post(f"/clients/{world.client.id}/cases", {"opened_on": "15/10/2026"})
    assert blank.status_code == 422
    assert set(blank.get_json()["errors"]) == {"opened_on"}
    nothing = api.post(f"/clients/{world.client.id}/cases", {})
    assert set(nothing.get_json()["errors"]) == {"program", "opened_on", "case_manager_email"}


def test_clients_come_in_cursor_pages(api, world):
    for n in range(5):
        create_client(world.agency, f"Pat{n}", "Same", date(1990, 1, n + 1))
    db.session.commit()
    seen, cursor = [], None
    while True:
        page = api.get("/clients?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    total = db.session.scalar(
        select(func.count()).select_from(Client).where(Client.agency_id == world.agency.id)
    )
    assert len(seen) == len(set(seen)) == total == 6
    assert api.get("/clients?cursor=garbage").status_code == 422
    assert "limit" in api.get("/clients?limit=0").get_json()["errors"]


def test_the_same_idempotency_key_makes_one_client_and_another_body_is_422(api, world):
    first = api.post("/clients", NEW, key="intake-42")
    again = api.post("/clients", NEW, key="intake-42")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 3  # 2 in the world
    changed = api.post("/clients", {**NEW, "first_name": "Other"}, key="intake-42")
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.get_json()["errors"]


def test_the_same_idempotency_key_sent_twice_at_once_is_done_by_the_first_only(world):
    from forms_service.api import service
    from forms_service.api.models import IdempotentResponse
    from forms_service.errors import RuleViolation

    token, _secret = service.create_token(world.actor(world.admin), "HMIS sync", ["write"])
    service.remember_response(token, "intake-43", "digest", 201, {"id": "first"})
    # the second call checked for the key before the first had stored its answer
    with pytest.raises(RuleViolation, match="send it again to get its answer"):
        service.remember_response(token, "intake-43", "digest", 201, {"id": "second"})
    db.session.commit()
    (kept,) = db.session.execute(select(IdempotentResponse)).scalars()
    assert kept.body == {"id": "first"}


def test_a_key_is_the_tokens_own(client, world, api):
    other = make_api(client, world, name="Second system")
    assert api.post("/clients", NEW, key="k1").status_code == 201
    assert other.post("/clients", NEW, key="k1").status_code == 422  # a new call: same person


def test_the_archive_is_searched_and_a_file_downloaded_with_a_purpose_logged(
    api, world, consent_document
):
    record = archive_consent(world, consent_document)
    found = api.get("/archive/records?name=nunez").get_json()
    assert [r["id"] for r in found["items"]] == [str(record.id)]
    assert found["items"][0]["status"] == "active"
    without = api.get(f"/archive/records/{record.id}/pdf")
    assert without.status_code == 422 and "purpose" in without.get_json()["errors"]
    pdf = api.get(f"/archive/records/{record.id}/pdf?purpose=audit")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    log = db.session.execute(select(AccessLog)).scalar_one()
    assert (log.kind, log.purpose, log.user_id) == (
        "pdf",
        "Funder or program audit",
        world.admin.id,
    )
    assert api.get(f"/archive/records/{record.id}/txt?purpose=audit").status_code == 422


def test_calls_beyond_the_limit_are_429_per_token(tmp_path, converter_profile, sqlite_template):
    import shutil

    from forms_service.extensions import db as database
    from tests.conftest import RequestClient, World

    path = tmp_path / "forms.db"
    shutil.copy(sqlite_template, path)
    app = _make_app(
        tmp_path,
        f"sqlite:///{path}",
        converter_profile,
        RATELIMIT_ENABLED=True,
        API_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        app.test_client_class = RequestClient
        client = app.test_client()
        world = World()
        first, second = make_api(client, world, name="One"), make_api(client, world, name="Two")
        answers = [first.get("/form-types").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert first.get("/form-types").mimetype == "application/problem+json"
        assert second.get("/form-types").status_code == 200
        database.session.remove()
        database.engine.dispose()
