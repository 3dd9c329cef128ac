"""English copies: a document signed in the client's language is filed as signed, and, where
the agency wants it, an English rendering beside it, tied to the same signatures. Each test
signs and archives a Spanish consent through the real services and LibreOffice."""

import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forms_service.archive import copies, retention
from forms_service.archive.models import AccessLog, ArchiveCopy
from forms_service.archive.retention import Due
from forms_service.archive.service import blob_store
from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.errors import InvalidInput, NotFound, RuleViolation
from forms_service.extensions import db
from forms_service.rendering import jobs
from forms_service.rendering.queue import sweep
from forms_service.rendering.resources import seal_certificates
from signatures.seal import check_seal
from tests.archive.conftest import upload
from tests.conftest import archive_consent, blob_path, login
from tests.pages import submit

pytestmark = pytest.mark.soffice


def pdf_text(sha256: str) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(blob_path(sha256)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def spanish_record(world, consent_document):
    world.client.preferred_language = "es"
    db.session.commit()
    return archive_consent(world, consent_document)


def test_a_document_signed_in_spanish_gets_an_english_copy_tied_to_its_signatures(
    world, consent_document
):
    record = spanish_record(world, consent_document)
    copy = copies.copy_of(record)

    assert record.language == "es" and copy.language == "en"
    assert copy.copy_sha256 == copies.copy_hash(copy, record)
    original, english = pdf_text(record.pdf_sha256), pdf_text(copy.pdf_sha256)
    assert "Consentimiento para compartir información" in original
    assert "English copy for the agency's file" not in original
    # the original's audit certificate speaks Spanish too; the copy's, English
    assert "Certificado de auditoría" in original and "En persona en una tableta" in original
    assert "Audit certificate" not in original and "Audit certificate" in english
    assert "Consent to Release Information" in english and "Your rights" in english
    assert f"the signed original is {record.reference}" in english
    assert record.pdf_sha256 in english  # names the exact bytes it renders
    # The same signatures: each signer's ink hash from the original's evidence.
    document = record.document
    for signer in document.signers:
        assert signer.ink_sha256 in english and signer.ink_sha256 in original
    assert document.content_sha256 in english
    seal = check_seal(blob_store().get(copy.pdf_sha256), seal_certificates(record.agency_id))
    assert seal.ok, seal.problems
    events = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_id == str(record.id))
    ).scalars()
    assert "archive.file_copy" in list(events)


def test_an_english_document_gets_no_copy(world, consent_document):
    record = archive_consent(world, consent_document)
    assert record.language == "en"
    assert copies.copy_of(record) is None and copies.records_missing_copy() == []


def test_an_agency_that_does_not_want_copies_gets_none(world, consent_document):
    world.agency.file_english_copy = False
    record = spanish_record(world, consent_document)
    assert copies.copy_of(record) is None and copies.records_missing_copy() == []


def test_a_failed_copy_never_undoes_the_original_and_is_filed_by_render_pending(
    world, consent_document, monkeypatch
):
    def broken(document, record):
        raise RuleViolation("converter unavailable")

    monkeypatch.setattr(jobs, "render_english_copy", broken)
    record = spanish_record(world, consent_document)
    assert copies.copy_of(record) is None
    assert copies.records_missing_copy() == [record.id]
    failure = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "archive.copy_failed")
    ).scalar_one()
    assert failure.details["error"] == "converter unavailable"

    assert copies.records_missing_copy(filed_after=utcnow()) == []  # the sweep's window
    monkeypatch.undo()
    assert sweep(older_than=timedelta(0)) == 1  # the outbox sweep retries it
    assert copies.copy_of(record) is not None
    db.session.delete(copies.copy_of(record))  # lost again: the operator's command files it
    db.session.commit()
    assert jobs.run_pending() == (1, 0)
    assert copies.copy_of(record) is not None and copies.records_missing_copy() == []


def test_opening_the_copy_states_a_purpose_and_is_logged(world, consent_document):
    record = spanish_record(world, consent_document)
    records_staff = world.actor(world.records)
    with pytest.raises(InvalidInput) as error:
        copies.open_copy(records_staff, str(record.id), "pdf", "")
    assert "purpose" in error.value.errors
    with pytest.raises(NotFound):
        copies.open_copy(world.actor(world.other_records), str(record.id), "pdf", "audit")

    _, copy, blob = copies.open_copy(records_staff, str(record.id), "docx", "audit")
    assert blob == blob_store().get(copy.docx_sha256)
    log = db.session.execute(select(AccessLog)).scalar_one()
    assert (log.kind, log.user_id) == ("copy_docx", world.records.id)


def test_verify_names_an_altered_copy_and_disposal_destroys_it_with_its_record(
    world, consent_document
):
    record = spanish_record(world, consent_document)
    copy = copies.copy_of(record)
    assert list(copies.verify_copies()) == []
    blob_path(copy.pdf_sha256).write_bytes(b"%PDF-1.7 altered")
    assert [(d.record.id, d.kind) for d in copies.verify_copies()] == [(record.id, "english pdf")]
    copy.template_version = 99
    assert ("english copy", "fields changed since it was filed") in {
        (d.kind, d.reason) for d in copies.verify_copies()
    }
    db.session.rollback()

    due = Due(record, date(2034, 1, 1), "test", None)
    files = retention.dispose(world.actor(world.admin), [due])
    assert set(files) == {
        record.pdf_sha256,
        record.docx_sha256,
        copy.pdf_sha256,
        copy.docx_sha256,
    }
    db.session.commit()
    assert list(copies.verify_copies()) == []  # gone with its record
    assert db.session.execute(select(ArchiveCopy)).scalar_one().record_id == record.id


def test_records_staff_open_the_english_copy_from_the_record_page(client, world, consent_document):
    record = spanish_record(world, consent_document)
    copy = copies.copy_of(record)
    login(client, world.records)
    page = client.get(f"/archive/{record.id}").get_data(as_text=True)
    assert "Spanish" in page and "Open the English copy (PDF)" in page
    response = submit(client, f"/archive/{record.id}", "copy_pdf", action="/open", purpose="audit")
    assert response.status_code == 200
    assert response.data == blob_store().get(copy.pdf_sha256)
    assert f'filename="{record.reference}-en.pdf"' in response.headers["Content-Disposition"]
    log = db.session.execute(select(AccessLog)).scalar_one()
    assert (log.kind, log.purpose) == ("copy_pdf", "Funder or program audit")


def test_the_verify_page_says_an_english_copy_is_a_copy_of_a_signed_original(
    client, world, consent_document
):
    record = spanish_record(world, consent_document)
    pdf = blob_store().get(copies.copy_of(record).pdf_sha256)
    page = upload(client, pdf).get_data(as_text=True)
    assert "This is an unaltered English copy of a document of our archive" in page
    assert "The client signed the original in Spanish" in page and record.reference in page
