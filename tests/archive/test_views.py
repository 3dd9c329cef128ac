"""The public verification page: anyone holding a PDF learns whether it is, byte for byte, a
document filed in this archive."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from forms_service.archive.service import blob_store
from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from tests.archive.conftest import upload
from tests.conftest import archive_consent, blob_path, csrf_token

pytestmark = pytest.mark.soffice


def test_an_archived_pdf_is_recognised_without_signing_in(client, world, consent_document):
    record = archive_consent(world, consent_document)
    pdf = blob_path(record.pdf_sha256).read_bytes()
    html = upload(client, pdf).get_data(as_text=True)
    assert "This is an unaltered document of our archive" in html
    assert record.reference in html
    assert f"Intact, sealed by {world.agency.name}" in html  # the agency's own key
    assert world.client.full_name not in html  # nothing the file does not show already
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "archive.verify_upload")
    ).scalar_one()
    assert event.details["found"] is True and event.object_id == str(record.id)


def test_a_changed_pdf_is_not_recognised(client, world, consent_document):
    record = archive_consent(world, consent_document)
    pdf = bytearray(blob_path(record.pdf_sha256).read_bytes())
    pdf[len(pdf) // 2] ^= 0x01
    response = upload(client, bytes(pdf))
    assert response.status_code == 200
    assert "Not found in our archive" in response.get_data(as_text=True)


def test_uploading_nothing_or_not_a_pdf_is_a_clear_error(client, world):
    assert "The file is empty." in upload(client, b"").get_data(as_text=True)
    assert "This is not a PDF file." in upload(client, b"hello").get_data(as_text=True)
    response = client.post(
        "/archive/verify",
        data={"csrf_token": csrf_token(client), "pdf": (io.BytesIO(b"x"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "Choose a PDF file." in response.get_data(as_text=True)


def test_the_public_verify_page_shows_the_signing_time_in_the_agencys_zone(
    client, world, make_record
):
    """Nobody is signed in: the time is the filing agency's (St. Louis), with its zone."""
    record = make_record(signed_at=datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    page = upload(client, blob_store().get(record.pdf_sha256)).get_data(as_text=True)
    assert "December 5, 2026, 8:00\u00a0PM CST" in page


def _nested_pdf(depth: int = 100_000) -> bytes:
    """A PDF whose form fields are arrays nested deeper than Python can recurse."""
    head = b"%PDF-1.7\n"
    body = (
        b"1 0 obj\n<< /Type /Catalog /AcroForm << /Fields "
        + b"[" * depth
        + b"]" * depth
        + b" >> >>\nendobj\n"
    )
    xref = b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % len(head)
    trailer = b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(head) + len(body)
    )
    return head + body + xref + trailer


def test_a_pdf_of_deeply_nested_arrays_is_a_clear_error_not_a_crash(client, world):
    response = upload(client, _nested_pdf())
    assert response.status_code == 400
    assert "This PDF cannot be read." in response.get_data(as_text=True)
