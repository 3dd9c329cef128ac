"""The draft pages: a saved draft opens again with its values, and a draft with blank required
elements is marked, element by element, before it may go out for signature."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from forms_service.documents.models import Document
from forms_service.documents.service import send_for_signature, sign, start_document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import grievance as grievances
from tests.conftest import CONSENT, ink_payload, login, post
from tests.pages import open_page


def form_fields(data):
    return {k: v for k, v in data.items() if v not in (False, "")}


def test_a_saved_draft_opens_again_with_its_values(client, world):
    login(client, world.case_manager)
    end = (date.today() + timedelta(days=90)).isoformat()
    response = post(
        client,
        f"/cases/{world.case.id}/forms/consent_release/new",
        {**form_fields(CONSENT), "end_date": end, "action": "save"},
    )
    assert response.status_code == 302
    document = db.session.execute(select(Document)).scalar_one()
    page = client.get(f"/documents/{document.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{end}"' in html and "St. Patrick Center" in html


def test_sending_a_draft_with_blank_elements_marks_each_one(client, world):
    login(client, world.case_manager)
    response = post(
        client,
        f"/cases/{world.case.id}/forms/consent_release/new",
        {"recipient_name": "St. Patrick Center", "action": "send"},
    )
    assert response.status_code == 302 and "check=1" in response.headers["Location"]
    document = db.session.execute(select(Document)).scalar_one()
    assert document.status == "draft"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    for message in [
        "Choose whether the recipient is an agency or a person.",
        "Tick at least one kind of information.",
        "Say why the information is shared.",
        "Give an end date or an end event.",
    ]:
        assert message in html


def test_a_too_long_value_is_named_and_nothing_is_saved(client, world):
    login(client, world.case_manager)
    response = post(
        client,
        f"/cases/{world.case.id}/forms/consent_release/new",
        {**form_fields(CONSENT), "recipient_name": "x" * 201, "action": "save"},
    )
    assert response.status_code == 400
    assert "Who receives the information (name) is too long" in response.get_data(as_text=True)
    assert db.session.execute(select(Document)).first() is None


def test_the_form_language_defaults_to_the_clients_and_offers_the_templates_languages(
    client, world
):
    world.client.preferred_language = "es"
    db.session.commit()
    login(client, world.case_manager)
    page = client.get(f"/cases/{world.case.id}/forms/consent_release/new").get_data(as_text=True)
    assert '<option selected value="es">Spanish</option>' in page
    assert 'value="ar">Arabic</option>' in page


def test_a_vital_form_without_the_clients_language_needs_an_interpreter(client, world):
    from forms_service.forms import get_form_type

    world.client.preferred_language = "es"
    db.session.commit()
    login(client, world.case_manager)
    data = form_fields(get_form_type("consent_revocation").example())
    url = f"/cases/{world.case.id}/forms/consent_revocation/new"
    refused = post(client, url, {**data, "language": "en", "action": "send"})
    assert refused.status_code == 302, refused.get_data(as_text=True)[-3000:]
    document = db.session.execute(select(Document)).scalar_one()
    assert document.status == "draft"
    assert "interpreter" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with_interpreter = {
        **data,
        "language": "en",
        "interpreter_name": "Rosa Díaz",
        "interpreter_language": "Spanish",
        "action": "send",
    }
    assert post(client, url, with_interpreter).status_code == 302
    sent = db.session.execute(select(Document).where(Document.id != document.id)).scalar_one()
    assert sent.status == "signing" and sent.data["interpreted_by"]["name"] == "Rosa Díaz"


def test_a_staff_signer_signs_first_and_countersigns_after_another(client, world):
    actor = world.actor(world.case_manager)
    filed = grievances.file_grievance(
        actor, world.case, get_form_type("grievance").example(), date(2026, 11, 2)
    )
    response = grievances.respond(actor, filed, get_form_type("grievance_response").example())
    consent = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, consent)
    sign(
        actor,
        consent,
        consent.signers[0],
        ink_payload=ink_payload(),
        shown_content_sha256=consent.content_sha256,
        esign_accepted=True,
    )
    db.session.commit()

    def sign_link(document, user):
        login(client, user)
        page = open_page(client, f"/documents/{document.id}").html
        return re.findall(r'href="/documents/[^"]+/sign/[^"]+">([^<]+)</a>', page)

    assert sign_link(consent, world.case_manager) == ["Countersign"]  # after the client
    assert sign_link(response, world.supervisor) == ["Sign"]  # its only signer
