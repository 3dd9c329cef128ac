"""A form the client chose to sign on paper comes back as a scan: checked by its bytes, attested
by the staff member who received it, and filed with a certificate page that says so."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from forms_service.archive.models import ArchiveRecord
from forms_service.archive.service import blob_store
from forms_service.audit.models import AuditEvent
from forms_service.clock import today
from forms_service.documents import service as documents
from forms_service.documents.models import Document, DocumentStatus, SignerStatus
from forms_service.documents.paper import receive_paper, scan_as_pdf
from forms_service.errors import InvalidInput, RuleViolation
from forms_service.extensions import db
from forms_service.rendering.resources import seal_certificates
from signatures.seal import check_seal
from tests.conftest import login
from tests.pages import open_page


def scanned_pdf(pages=2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(kind: str, size=(1700, 2200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def on_paper(world, consent_document):
    """A consent whose client asked, on the tablet, to sign on paper."""
    document = consent_document()
    documents.choose_paper(world.actor(world.case_manager), document, document.signers[0])
    db.session.commit()
    return document


def _upload_form(client, document):
    show = open_page(client, f"/documents/{document.id}")
    assert "The signed paper form came back: upload the scan" in show.html
    return open_page(client, f"/documents/{document.id}/paper-received").form()


@pytest.mark.soffice
def test_a_scan_of_the_signed_paper_form_is_filed_with_a_certificate_that_says_so(
    client, world, on_paper
):
    login(client, world.case_manager)
    assert "Signing on paper: upload the signed form when María José Núñez returns it" in (
        open_page(client, "/due").html
    )
    form = _upload_form(client, on_paper)
    form["scan"] = (scanned_pdf(pages=2), "scan.pdf")
    form["attested"] = True

    response = form.submit()

    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.get(Document, on_paper.id)
    assert document.status == DocumentStatus.ARCHIVED
    assert [s.status for s in document.signers] == [SignerStatus.SIGNED_ON_PAPER] * 2
    assert all("attested by Sam Okafor" in s.identity_check for s in document.signers)
    record = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()
    pdf = blob_store().get(record.pdf_sha256)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert pages[0].extract_text().strip() == "" and pages[1].extract_text().strip() == ""
    certificate = " ".join(" ".join(p.extract_text().split()) for p in pages[2:])
    assert "Audit certificate" in certificate
    # the certificate's pages are numbered on their own, after the scan's
    assert "Audit certificate, page 1 of 2" in pages[2].extract_text() and len(pages) == 4
    assert "On the paper form: see its scan before this certificate" in certificate
    assert "Signed on paper. The pages before this certificate are the scan" in certificate
    assert "Sam Okafor received it from María José Núñez on" in certificate
    assert document.paper_scan_sha256 in certificate.replace(" ", "")
    assert "On paper, received and attested by staff" in certificate
    assert check_seal(pdf, seal_certificates(document.agency_id)).ok
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.paper_received")
    ).scalar_one()
    assert event.details["attestation"].startswith(
        "I received this signed paper form from María José Núñez on "
    )
    show = open_page(client, f"/documents/{document.id}")
    assert "signed on paper" in show.html and "Void this document" not in show.html
    assert "Signing on paper" not in open_page(client, "/due").html


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "", "Choose the file of the scanned form."),
        (b"Dear case manager, here is the form.", "scan.pdf", "must be a PDF, JPEG or PNG"),
        (b"%PDF-1.7\nnot really a PDF", "scan.pdf", "does not open as a PDF"),
        (b"\x89PNG\r\n\x1a\nbroken", "scan.png", "does not open as a PNG"),
        (image("JPEG")[:200], "scan.jpg", "does not open as a JPEG"),
    ],
)
def test_a_scan_is_checked_by_its_bytes_not_its_name(
    client, world, on_paper, content, filename, message
):
    login(client, world.case_manager)
    form = _upload_form(client, on_paper)
    form["scan"] = (content, filename)
    form["attested"] = True

    response = form.submit()

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Document, on_paper.id).status == DocumentStatus.PAPER


def test_a_scan_over_the_size_limit_is_refused_naming_the_limit(app, client, world, on_paper):
    app.config["PAPER_SCAN_MAX_BYTES"] = 1024 * 1024
    login(client, world.case_manager)
    form = _upload_form(client, on_paper)
    assert "At most 1 MB." in open_page(client, f"/documents/{on_paper.id}/paper-received").html
    form["scan"] = (b"%PDF-1.7\n" + b"0" * 1024 * 1024, "scan.pdf")
    form["attested"] = True

    response = form.submit()

    assert response.status_code == 400
    assert "The scan is too large: at most 1 MB." in response.get_data(as_text=True)


def test_the_staff_member_attests_the_day_they_received_it(client, world, on_paper):
    login(client, world.case_manager)
    form = _upload_form(client, on_paper)
    form["scan"] = (scanned_pdf(), "scan.pdf")
    form["received_on"] = (today(world.agency) + timedelta(days=1)).isoformat()

    html = form.submit().get_data(as_text=True)

    assert "Tick the box to attest that you received this signed paper form." in html
    assert "Give the day you received it: not before the form was sent" in html
    assert "I received this signed paper form from María José Núñez on the day given above." in (
        html
    )
    db.session.expire_all()
    assert db.session.get(Document, on_paper.id).paper_scan_sha256 is None


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_an_image_scan_becomes_a_letter_page(app, kind):
    pdf = scan_as_pdf(image(kind))
    (page,) = PdfReader(io.BytesIO(pdf)).pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_only_a_document_signed_on_paper_takes_a_scan(client, world, consent_document):
    document = consent_document()
    login(client, world.case_manager)
    assert client.get(f"/documents/{document.id}/paper-received").status_code == 302
    with pytest.raises(RuleViolation, match="not waiting for a signed paper form"):
        receive_paper(
            world.actor(world.case_manager), document, scanned_pdf(), today(world.agency), True
        )
    with pytest.raises(InvalidInput):
        scan_as_pdf(b"GIF89a")
