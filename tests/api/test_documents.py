"""Documents through the API: made from prefilled data by the same service as the pages,
as a draft or sent at once; read with their signers; linked; voided."""

from sqlalchemy import func, select

from forms_service.audit.models import AuditEvent
from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.forms import form_types
from tests.conftest import CONSENT


def consent_data():
    return {k: v for k, v in CONSENT.items() if v not in (False, "")}


def test_a_prefilled_consent_sent_at_once_waits_for_its_signers(api, world):
    response = api.post(
        f"/cases/{world.case.id}/documents",
        {"form_type": "consent_release", "data": consent_data(), "send": True},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "signing"
    assert [s["status"] for s in body["signers"]] == ["pending"] * len(body["signers"])
    assert body["data"]["purpose"] == CONSENT["purpose"]
    read = api.get(f"/documents/{body['id']}").get_json()
    assert read["reference"] == body["reference"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.send")
    ).scalar_one()
    assert event.actor.startswith("API token 'HMIS sync' of admin@a.example")
    assert event.agency_id == world.agency.id


def test_a_field_the_page_would_refuse_is_a_problem_naming_the_field(api, world):
    response = api.post(
        f"/cases/{world.case.id}/documents",
        {
            "form_type": "consent_release",
            "data": {**consent_data(), "categories": ["nonsense"], "colour": "red"},
        },
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert set(errors) == {"categories", "colour"}
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_draft_with_required_elements_blank_is_kept_but_not_sent(api, world):
    draft = api.post(
        f"/cases/{world.case.id}/documents",
        {"form_type": "consent_release", "data": {"recipient_name": "St. Patrick Center"}},
    )
    assert draft.status_code == 201 and draft.get_json()["status"] == "draft"
    refused = api.post(
        f"/cases/{world.case.id}/documents",
        {"form_type": "consent_release", "data": {"recipient_name": "X"}, "send": True},
    )
    assert refused.status_code == 422
    assert "purpose" in refused.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_a_signing_link_and_a_void(api, world):
    made = api.post(
        f"/cases/{world.case.id}/documents",
        {"form_type": "consent_release", "data": consent_data(), "send": True},
    ).get_json()
    client_signer = made["signers"][0]
    link = api.post(f"/documents/{made['id']}/signers/{client_signer['id']}/links", {})
    assert link.status_code == 201, link.get_json()
    assert "/sign/" in link.get_json()["url"] or "/s/" in link.get_json()["url"]
    assert len(link.get_json()["code"]) == 6
    no_reason = api.post(f"/documents/{made['id']}/void", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    voided = api.post(f"/documents/{made['id']}/void", {"reason": "Sent by mistake"})
    assert voided.status_code == 200 and voided.get_json()["status"] == "voided"
    again = api.post(f"/documents/{made['id']}/void", {"reason": "Twice"})
    assert again.status_code == 409


def test_a_workflow_step_is_not_made_through_the_api(api, world):
    step = next(t for t in form_types() if t.workflow_step)
    response = api.post(f"/cases/{world.case.id}/documents", {"form_type": step.name, "data": {}})
    assert response.status_code == 422
    assert "form_type" in response.get_json()["errors"]


def test_a_vital_form_in_english_for_a_client_who_reads_another_language_needs_an_interpreter(
    api, world
):
    """The send page's language-access rule (72 FR 2732), through the API's own fields."""
    world.client.preferred_language = "es"
    db.session.commit()
    asked = {"form_type": "consent_release", "data": consent_data(), "send": True, "language": "en"}
    url = f"/cases/{world.case.id}/documents"

    alone = api.post(url, asked)
    assert alone.status_code == 409 and "interpreter" in alone.get_json()["detail"]
    half = api.post(url, {**asked, "interpreter_name": "Rosa Díaz"})
    assert half.status_code == 422
    assert set(half.get_json()["errors"]) == {"interpreter_language"}
    bad = api.post(url, {**asked, "interpreter_name": 7, "interpreter_language": "Spanish"})
    assert set(bad.get_json()["errors"]) == {"interpreter_name"}
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0

    sent = api.post(
        url, {**asked, "interpreter_name": " Rosa  Díaz ", "interpreter_language": "Spanish"}
    )

    assert sent.status_code == 201, sent.get_json()
    body = sent.get_json()
    assert (body["status"], body["language"]) == ("signing", "en")
    assert body["data"]["interpreted_by"] == {"name": "Rosa Díaz", "language": "Spanish"}


def test_an_interpreter_half_given_is_named_with_the_forms_own_field_errors(api, world):
    response = api.post(
        f"/cases/{world.case.id}/documents",
        {
            "form_type": "consent_release",
            "data": {**consent_data(), "colour": "red"},
            "interpreter_language": "Spanish",
        },
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"colour", "interpreter_name"}
