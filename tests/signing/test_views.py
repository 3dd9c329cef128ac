"""The whole consent path as a person walks it, through the Flask test client: a case manager
fills the form, hands the tablet to the client, countersigns; records staff find the signed
document by name, open the PDF and download the DOCX."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from forms_service.archive.models import AccessLog, ArchiveRecord
from forms_service.audit.models import AuditEvent
from forms_service.audit.service import verify_chain
from forms_service.documents.models import Document
from forms_service.extensions import db
from tests.conftest import CONSENT, PASSWORD, ink_payload, login, post

pytestmark = pytest.mark.soffice


def _form(data):
    return {k: v for k, v in data.items() if v not in (False, "")}


def test_consent_goes_from_the_form_to_the_archive(client, world):
    login(client, world.case_manager)
    case_page = client.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert "Consent to Release Information" in case_page

    response = post(
        client,
        f"/cases/{world.case.id}/forms/consent_release/new",
        {**_form(CONSENT), "purpose": "Housing <b>search</b> & {{ x }}", "action": "send"},
    )
    assert response.status_code == 302
    document = db.session.execute(select(Document)).scalar_one()
    assert document.status == "signing"
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    client_signer, cm_signer = document.signers
    assert f"/documents/{document.id}/kiosk/{client_signer.id}" in page

    # The kiosk: only this document, no way to the rest of the app until staff unlock it.
    handed = post(client, f"/documents/{document.id}/kiosk/{client_signer.id}")
    assert handed.status_code == 302 and handed.headers["Location"].endswith("/kiosk")
    tablet = client.get("/kiosk")
    html = tablet.get_data(as_text=True)
    assert tablet.status_code == 200
    assert (
        "St. Patrick Center" in html and "Housing &lt;b&gt;search&lt;/b&gt; &amp; {{ x }}" in html
    )
    assert 'href="/cases' not in html and "Sign out" not in html
    assert client.get(f"/cases/{world.case.id}").headers["Location"].endswith("/kiosk")
    content_sha = re.search(r'name="content_sha256" type="hidden" value="([0-9a-f]{64})"', html)

    signed = post(
        client,
        "/kiosk/sign",
        {"ink": ink_payload(), "esign_accepted": "y", "content_sha256": content_sha.group(1)},
    )
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/kiosk")
    assert "hand the tablet back" in client.get("/kiosk").get_data(as_text=True)
    unlocked = post(client, "/kiosk/unlock", {"secret": PASSWORD})
    assert unlocked.headers["Location"].endswith(f"/documents/{document.id}")

    countersigned = post(
        client,
        f"/documents/{document.id}/sign/{cm_signer.id}",
        {
            "ink": ink_payload(loops=2),
            "esign_accepted": "y",
            "content_sha256": content_sha.group(1),
        },
    )
    assert countersigned.status_code == 302
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.status == "archived"
    record = db.session.execute(select(ArchiveRecord)).scalar_one()
    pinned = (record.template_version, record.template_sha256)
    assert pinned == (document.template_version, document.template_sha256)
    assert record.content_sha256 == document.content_sha256
    assert [s["name"] for s in record.signers] == ["María José Núñez", "Sam Okafor"]
    assert post(client, "/logout").status_code == 302

    # Records staff find it by a name typed without accents, and open it with a purpose.
    login(client, world.records)
    results = client.get("/archive/?q=maria nunez").get_data(as_text=True)
    assert f"/archive/{record.id}" in results
    assert client.get(f"/archive/{record.id}").status_code == 200
    pdf = post(client, f"/archive/{record.id}/open", {"kind": "pdf", "purpose": "audit"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Housing <b>search</b> & {{ x }}" in text
    assert "María José Núñez" in text
    docx = post(
        client,
        f"/archive/{record.id}/open",
        {"kind": "docx", "purpose": "other", "explanation": "Transfer to new provider"},
    )
    assert docx.status_code == 200 and docx.headers["Content-Disposition"].startswith("attachment")

    accesses = db.session.execute(select(AccessLog).order_by(AccessLog.at)).scalars().all()
    assert [(a.kind, a.user_id) for a in accesses] == [
        ("pdf", world.records.id),
        ("docx", world.records.id),
    ]
    assert accesses[1].purpose.endswith("Transfer to new provider")
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {
        "document.create",
        "document.send",
        "document.view",
        "document.view_for_signing",
        "document.sign",
        "document.render",
        "archive.file",
        "archive.search",
        "archive.view",
        "archive.download_pdf",
        "archive.download_docx",
    } <= actions
    assert list(verify_chain()) == []


def test_opening_an_archived_file_requires_a_purpose(client, world, consent_document):
    login(client, world.records)
    record_id = "00000000-0000-0000-0000-000000000000"
    response = post(client, f"/archive/{record_id}/open", {"kind": "pdf"})
    assert response.status_code == 404
