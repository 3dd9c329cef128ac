"""The draft pages: a saved draft opens again with its values, and a draft with blank required
elements is marked, element by element, before it may go out for signature. Every test
submits the page as it renders (tests/pages.py)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.documents.models import Document
from forms_service.documents.service import send_for_signature, sign, start_document
from forms_service.extensions import db
from forms_service.forms import form_types, get_form_type
from forms_service.workflows import grievance as grievances
from tests.conftest import CONSENT, ink_payload, login
from tests.pages import open_page, typed_part


def new_form(client, world, form_type="consent_release"):
    return open_page(client, f"/cases/{world.case.id}/forms/{form_type}/new").form()


def only_document() -> Document:
    return db.session.execute(select(Document)).scalar_one()


def test_a_saved_draft_opens_again_with_its_values(client, world):
    login(client, world.case_manager)
    end = (date.today() + timedelta(days=90)).isoformat()
    form = new_form(client, world).fill(CONSENT)
    form["end_date"] = end
    assert form.submit("save").status_code == 302
    again = open_page(client, f"/documents/{only_document().id}/edit").form()
    assert again["end_date"] == end and again["recipient_name"] == "St. Patrick Center"
    assert again["categories"] == ["housing", "income"]


def test_sending_a_draft_with_blank_elements_marks_each_one(client, world):
    login(client, world.case_manager)
    form = new_form(client, world)
    form["recipient_name"] = "St. Patrick Center"
    response = form.submit("send")
    assert response.status_code == 302 and "check=1" in response.headers["Location"]
    assert only_document().status == "draft"
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
    form = new_form(client, world).fill(CONSENT)
    form["recipient_name"] = "x" * 201
    response = form.submit("save")
    assert response.status_code == 400
    assert "Who receives the information (name) is too long" in response.get_data(as_text=True)
    assert db.session.execute(select(Document)).first() is None


def test_the_form_language_defaults_to_the_clients_and_offers_the_templates_languages(
    client, world
):
    world.client.preferred_language = "es"
    db.session.commit()
    login(client, world.case_manager)
    page = open_page(client, f"/cases/{world.case.id}/forms/consent_release/new")
    assert page.form()["document-language"] == "es"
    assert '<option selected value="es">Spanish</option>' in page.html
    assert 'value="ar">Arabic</option>' in page.html


def test_a_vital_form_without_the_clients_language_needs_an_interpreter(client, world):
    world.client.preferred_language = "es"
    db.session.commit()
    login(client, world.case_manager)
    example = get_form_type("consent_revocation").example()
    form = new_form(client, world, "consent_revocation").fill(example)
    form["document-language"] = "en"
    refused = form.submit("send")
    assert refused.status_code == 302, refused.get_data(as_text=True)[-3000:]
    document = only_document()
    assert document.status == "draft"
    assert "interpreter" in client.get(refused.headers["Location"]).get_data(as_text=True)

    form = new_form(client, world, "consent_revocation").fill(example)
    form["document-language"] = "en"
    form["document-interpreter_name"] = "Rosa Díaz"
    form["document-interpreter_language"] = "Spanish"
    assert form.submit("send").status_code == 302
    sent = db.session.execute(select(Document).where(Document.id != document.id)).scalar_one()
    assert sent.status == "signing" and sent.data["interpreted_by"]["name"] == "Rosa Díaz"


def test_a_staff_signer_signs_first_and_countersigns_after_another(client, world):
    actor = world.actor(world.case_manager)
    example = get_form_type("grievance").example()
    filed = grievances.file_grievance(actor, world.case, {**example, "filed_on": "2026-11-02"})
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


def test_an_interpreter_without_a_language_is_named_on_the_page_not_an_error(client, world):
    login(client, world.case_manager)
    form = new_form(client, world).fill(CONSENT)
    form["document-interpreter_name"] = "Rosa Díaz"
    response = form.submit("save")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="document-interpreter_language-errors"' in page
    assert "Give the interpreter&#39;s name and the language they interpret into." in page
    assert db.session.execute(select(Document)).first() is None


def test_the_edit_page_offers_the_drafts_language_and_interpreter(client, world):
    login(client, world.case_manager)
    form = new_form(client, world).fill(CONSENT)
    form["document-language"] = "en"
    form["document-interpreter_name"] = "Minh Tran"
    form["document-interpreter_language"] = "Vietnamese"
    assert form.submit("save").status_code == 302
    again = open_page(client, f"/documents/{only_document().id}/edit").form()
    assert again["document-language"] == "en"
    assert again["document-interpreter_name"] == "Minh Tran"
    assert again["document-interpreter_language"] == "Vietnamese"


def test_a_draft_refused_for_its_language_is_put_right_on_its_edit_page(client, world):
    """17 of the 20 languages a client may read have no template: the draft refused for lack
    of an interpreter is saved, and its edit page names the interpreter and sends it."""
    world.client.preferred_language = "vi"
    db.session.commit()
    login(client, world.case_manager)
    example = get_form_type("consent_revocation").example()
    refused = new_form(client, world, "consent_revocation").fill(example).submit("send")
    document = only_document()
    assert refused.status_code == 302 and document.status == "draft"

    form = open_page(client, f"/documents/{document.id}/edit").form()
    assert form["document-language"] == "en"  # offered: no Vietnamese template
    form["document-interpreter_name"] = "Minh Tran"
    form["document-interpreter_language"] = "Vietnamese"
    sent = form.submit("send")

    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/{document.id}")
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.status == "signing" and document.language == "en"
    assert document.data["interpreted_by"] == {"name": "Minh Tran", "language": "Vietnamese"}
    update = db.session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "document.update", AuditEvent.object_id == str(document.id)
        )
    ).scalar_one()
    assert update.details == {"language": "en", "interpreter": True}


def test_a_draft_changes_its_language_on_its_edit_page(client, world):
    login(client, world.case_manager)
    form = new_form(client, world).fill(CONSENT)
    assert form.submit("save").status_code == 302
    form = open_page(client, f"/documents/{only_document().id}/edit").form()
    form["document-language"] = "ar"
    assert form.submit("save").status_code == 302
    db.session.expire_all()
    assert only_document().language == "ar"


def rows_offered(form, key: str) -> int:
    return len({n.split("-")[1] for n in form.names() if n.startswith(f"{key}-")})


@pytest.mark.parametrize("name", [t.name for t in form_types() if not t.workflow_step])
def test_every_free_standing_form_goes_out_for_signature_from_its_page(client, world, name):
    """Typed as a person does: rows beyond those the page offers are typed after saving the
    draft, which offers more."""
    data = typed_part(get_form_type(name))
    login(client, world.case_manager)
    form = new_form(client, world, name)
    while True:
        fits = {
            k: v[: rows_offered(form, k)]
            if isinstance(v, list) and v and isinstance(v[0], dict)
            else v
            for k, v in data.items()
        }
        form.fill(fits)
        if fits == data:
            break
        assert form.submit("save").status_code == 302
        form = open_page(client, f"/documents/{only_document().id}/edit").form()
    response = form.submit("send")
    document = only_document()
    assert response.headers["Location"].endswith(f"/documents/{document.id}")
    assert document.status == "signing" and document.form_type == name
    typed = get_form_type(name).form_class.from_payload(get_form_type(name).example()).to_data()
    assert filled(document.data) == filled(typed)


def filled(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "")}


SPANISH = {
    **CONSENT,
    "purpose": "Para solicitar una vivienda de apoyo permanente.",
    "end_event": "me mude a una vivienda permanente",
}


def spanish_consent_form(client, world, data):
    world.client.preferred_language = "es"
    db.session.commit()
    login(client, world.case_manager)
    page = open_page(client, f"/cases/{world.case.id}/forms/consent_release/new")
    assert "Write it in Spanish, the language of the form" in page.html
    return page.form().fill(data)


def test_a_spanish_consent_typed_in_english_is_checked_before_it_is_sent(client, world):
    response = spanish_consent_form(client, world, CONSENT).submit("send")
    assert response.status_code == 302 and "check=language" in response.headers["Location"]
    assert only_document().status == "draft"

    check = open_page(client, response.headers["Location"])
    assert "Check the language before sending" in check.html
    assert '<a href="#purpose">Why it is shared (purpose)</a>: English' in check.html
    assert '<a href="#end_event">Or ends when (event)</a>: English' in check.html

    assert check.form().submit("send-anyway").status_code == 302
    document = only_document()
    assert document.status == "signing"
    sent = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.send")
    ).scalar_one()
    assert sent.details["typed_language_doubts"] == {"purpose": "en", "end_event": "en"}


def test_a_representatives_authority_typed_in_english_is_checked_too(client, world):
    form = spanish_consent_form(client, world, SPANISH)
    form["representative_signs"] = "y"
    form["representative_name"] = "Ana Pérez"
    form["representative_authority"] = "Guardian appointed by the court in 2024"
    response = form.submit("send")
    assert "check=language" in response.headers["Location"]
    check = open_page(client, response.headers["Location"])
    authority = "Representative's authority (e.g. court-appointed guardian)"
    assert f'<a href="#representative_authority">{authority}</a>: English' in check.html


def test_a_spanish_consent_typed_in_spanish_is_sent_at_once(client, world):
    response = spanish_consent_form(client, world, SPANISH).submit("send")
    assert response.status_code == 302 and "check" not in response.headers["Location"]
    assert only_document().status == "signing"


def test_the_language_check_offers_the_interpreter_path(client, world):
    response = spanish_consent_form(client, world, CONSENT).submit("send")
    form = open_page(client, response.headers["Location"]).form()
    form["document-language"] = "en"
    form["document-interpreter_name"] = "Rosa Díaz"
    form["document-interpreter_language"] = "Spanish"
    assert form.submit("send").status_code == 302
    document = only_document()
    assert (document.status, document.language) == ("signing", "en")


def test_a_required_if_message_is_shown_on_the_page_when_its_condition_holds(client, world):
    """Staff who record a revocation are asked how the written request came; a revocation
    the client signs is not."""
    login(client, world.case_manager)
    example = get_form_type("consent_revocation").example()
    page = open_page(client, f"/cases/{world.case.id}/forms/consent_revocation/new")
    assert "Needed when “Who signs” is “Staff record the client" in page.html
    message = "A revocation is in writing: say how the written request came."
    recorded = new_form(client, world, "consent_revocation").fill(example)
    recorded["signed_by"] = "staff_record"
    response = recorded.submit("send")
    assert response.status_code == 302 and "check=1" in response.headers["Location"]
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    signed = new_form(client, world, "consent_revocation").fill(example).submit("send")
    assert message not in client.get(signed.headers["Location"]).get_data(as_text=True)
