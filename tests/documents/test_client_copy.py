"""The client's copy is the signed form with a summary page (who signed, when, how, the
fingerprints and where to check it), never the agency's event trail; staff print it, or send a
link that downloads it once."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from forms_service.notifications.runner import run_outbox
from tests.conftest import archive_consent, login
from tests.pages import open_page

PUBLIC = "https://forms.gateway.example"


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _audited(action: str) -> list[dict]:
    return list(
        db.session.execute(select(AuditEvent.details).where(AuditEvent.action == action)).scalars()
    )


@pytest.mark.soffice
def test_the_clients_copy_has_a_summary_page_and_not_the_event_trail(
    app, client, world, consent_document
):
    app.config["PUBLIC_URL"] = PUBLIC
    record = archive_consent(world, consent_document)
    login(client, world.case_manager)
    page = open_page(client, f"/documents/{record.document_id}")
    assert "data-print" in page.html  # the page's own Print button

    response = client.get(f"/documents/{record.document_id}/client-copy.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "Summary of signatures" in text and "María José Núñez" in text
    assert "Sam Okafor" in text and "In person on a tablet" in text
    unbroken = re.sub(r"\s", "", text)  # a hash or an address may wrap
    assert record.pdf_sha256 in unbroken and f"{PUBLIC}/archive/verify" in unbroken
    for internal in (
        "Event trail",
        "Audit certificate",
        "cm@a.example",
        "pytest tablet",
        "203.0.113",
    ):
        assert internal not in text, internal
    assert _audited("document.client_copy") == [{"how": "print"}]


@pytest.mark.soffice
def test_a_copy_sent_by_text_message_downloads_once(app, client, world, consent_document, channels):
    _, sms = channels
    app.config["PUBLIC_URL"] = PUBLIC
    record = archive_consent(world, consent_document)
    login(client, world.case_manager)
    form = open_page(client, f"/documents/{record.document_id}").form(action="/client-copy/send")
    form["copy-send_by"] = "sms"
    form["copy-phone"] = "314 555 0123"

    assert form.submit().status_code == 302

    (sent,) = sms.arrived
    assert sent["To"] == "+13145550123"
    assert "María" not in sent["Body"] and "Consent" not in sent["Body"]
    path = re.search(rf"{PUBLIC}(/c/[\w-]{{43}})", sent["Body"]).group(1)
    app.test_client_class = type(client)
    phone = app.test_client()
    landing = open_page(phone, path)
    assert "Gateway Housing Services" in landing.html and "Núñez" not in landing.html
    downloaded = landing.form().submit()
    assert downloaded.status_code == 200 and "Summary of signatures" in _text(downloaded.data)
    assert phone.get(path).status_code == 404  # once
    assert len(_audited("document.client_copy_download")) == 1


@pytest.mark.soffice
def test_a_mistyped_address_for_the_copy_is_named_on_its_field_and_nothing_is_sent(
    app, client, world, consent_document, channels
):
    mail_server, sms = channels
    record = archive_consent(world, consent_document)
    login(client, world.case_manager)
    form = open_page(client, f"/documents/{record.document_id}").form(action="/client-copy/send")
    form["copy-send_by"] = "email"
    form["copy-email"] = "maria at example"

    page = form.submit()

    assert page.status_code == 400
    assert "Enter an e-mail address, for example name@example.org." in page.text
    assert 'id="copy-email-errors"' in page.text and 'value="maria at example"' in page.text
    assert run_outbox() == (0, 0) and not mail_server.arrived and not sms.arrived
    assert _audited("document.client_copy") == []
