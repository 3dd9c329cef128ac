"""The archive: a signed consent is filed once, found by records staff of its agency only,
opened only with a stated purpose (and every opening logged), and checked against its
sha256 on disk. Each test archives one consent through the real services and LibreOffice."""

import hashlib
import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from forms_service.archive import service as archive
from forms_service.archive.models import AccessLog, ArchiveRecord
from forms_service.archive.search import Criteria, search
from forms_service.audit.models import AuditEvent
from forms_service.audit.service import verify_chain
from forms_service.documents.models import Document
from forms_service.errors import InvalidInput, NotFound, PermissionDenied
from forms_service.extensions import db
from forms_service.rendering.jobs import run_job
from forms_service.rendering.models import RenderJob
from forms_service.rendering.resources import Rendered, template_store
from tests.conftest import archive_consent, blob_path

pytestmark = pytest.mark.soffice


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def stored_files() -> list[Path]:
    """The stored blobs (the checkpoints beside them left out)."""
    root = Path(current_app.config["ARCHIVE_DIR"])
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "checkpoints"
    )


def test_another_agency_can_neither_find_nor_open_a_record(world, consent_document):
    record = archive_consent(world, consent_document)
    other_records = world.actor(world.other_records)
    assert search(other_records, Criteria(name="nunez")).records == []
    for stranger in (other_records, world.actor(world.other_case_manager)):
        with pytest.raises(NotFound):
            archive.get_record(stranger, str(record.id))
        with pytest.raises(NotFound):
            archive.open_file(stranger, str(record.id), "pdf", "audit")
        with pytest.raises(NotFound):
            archive.access_history(stranger, record)
    with pytest.raises(NotFound):
        archive.open_file(world.actor(world.other_records), "not-a-uuid", "pdf", "audit")
    assert count(AccessLog) == 0


def test_case_managers_cannot_search_but_can_open_their_agencys_records(world, consent_document):
    record = archive_consent(world, consent_document)
    case_manager = world.actor(world.case_manager)
    with pytest.raises(PermissionDenied):
        search(case_manager, Criteria(name="nunez"))
    assert archive.get_record(case_manager, str(record.id)) == record
    opened, pdf = archive.open_file(case_manager, str(record.id), "pdf", "client_copy")
    assert opened == record and pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256


def test_every_opening_states_a_purpose_and_is_logged(world, consent_document):
    record = archive_consent(world, consent_document)
    records_staff = world.actor(world.records)
    record_id = str(record.id)

    with pytest.raises(InvalidInput) as no_purpose:
        archive.open_file(records_staff, record_id, "pdf", "")
    assert list(no_purpose.value.errors) == ["purpose"]
    with pytest.raises(InvalidInput) as unknown_purpose:
        archive.open_file(records_staff, record_id, "pdf", "curiosity")
    assert list(unknown_purpose.value.errors) == ["purpose"]
    for blank in ["", "   "]:
        with pytest.raises(InvalidInput) as unexplained:
            archive.open_file(records_staff, record_id, "docx", "other", blank)
        assert list(unexplained.value.errors) == ["explanation"]
    with pytest.raises(InvalidInput) as bad_kind:
        archive.open_file(records_staff, record_id, "xlsx", "audit")
    assert list(bad_kind.value.errors) == ["kind"]
    assert count(AccessLog) == 0  # a refused opening shows nothing and logs nothing

    _, pdf = archive.open_file(records_staff, record_id, "pdf", "audit")
    _, docx = archive.open_file(
        world.actor(world.admin, ip="198.51.100.9"),
        record_id,
        "docx",
        "other",
        "  Transfer to the new provider  ",
    )
    db.session.commit()
    assert pdf.startswith(b"%PDF-") and docx.startswith(b"PK")

    log = sorted(db.session.execute(select(AccessLog)).scalars(), key=lambda a: a.kind != "pdf")
    assert [(a.record_id, a.user_id, a.kind, a.ip) for a in log] == [
        (record.id, world.records.id, "pdf", "203.0.113.7"),
        (record.id, world.admin.id, "docx", "198.51.100.9"),
    ]
    assert log[0].purpose == archive.PURPOSES["audit"]
    assert log[1].purpose == f"{archive.PURPOSES['other']}: Transfer to the new provider"
    history = archive.access_history(records_staff, record)
    assert {a.user for a in history} == {world.records, world.admin}

    events = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.action.like("archive.download_%"))
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [(e.action, e.object_id, e.actor, e.details["purpose"]) for e in events] == [
        ("archive.download_pdf", record_id, "rec@a.example (records)", log[0].purpose),
        ("archive.download_docx", record_id, "admin@a.example (admin)", log[1].purpose),
    ]
    assert all(e.agency_id == world.agency.id for e in events)
    assert list(verify_chain()) == []


def test_filing_the_same_document_twice_returns_the_first_record(world, consent_document):
    record = archive_consent(world, consent_document)
    document = db.session.get(Document, record.document_id)
    blobs = stored_files()
    assert blobs == sorted([blob_path(record.pdf_sha256), blob_path(record.docx_sha256)])
    version = template_store().version("consent_release", record.template_version)
    again = archive.file_document(
        document, Rendered(b"other docx", b"%PDF other", version, record.template_sha256)
    )
    db.session.commit()
    assert again.id == record.id and again.pdf_sha256 == record.pdf_sha256
    assert count(ArchiveRecord) == 1
    assert stored_files() == blobs
    job_id = db.session.execute(
        select(RenderJob.id).where(RenderJob.document_id == document.id)
    ).scalar_one()
    assert run_job(job_id) is True  # a job run twice (a retry after a crash) files nothing new
    assert count(ArchiveRecord) == 1


def test_verify_names_the_record_whose_pdf_was_changed(world, consent_document):
    record = archive_consent(world, consent_document)
    assert list(archive.verify_records()) == []
    path = blob_path(record.pdf_sha256)
    path.chmod(0o640)
    pdf = bytearray(path.read_bytes())
    pdf[len(pdf) // 2] ^= 0x01
    path.write_bytes(bytes(pdf))
    damaged = list(archive.verify_records())
    assert [(d.record.id, d.record.reference, d.kind) for d in damaged] == [
        (record.id, record.reference, "pdf")
    ]


def test_verify_names_a_record_whose_seal_does_not_hold(world, consent_document):
    record = archive_consent(world, consent_document)
    # A PDF re-filed under its own new hash (so the hash check passes) without a valid seal.
    unsealed = b"%PDF-1.7\n" + blob_path(record.pdf_sha256).read_bytes()[9:].replace(
        b"/AgencySeal", b"/OtherField"
    )
    record.pdf_sha256 = archive.blob_store().put(unsealed)
    record.record_sha256 = archive.record_hash(record)  # as if filed so: only the seal fails
    db.session.commit()
    damaged = list(archive.verify_records())
    assert [(d.record.reference, d.kind) for d in damaged] == [(record.reference, "pdf")]
    assert damaged[0].reason.startswith("seal:")


def test_an_archived_pdf_is_reproducible_from_its_archived_docx(world, consent_document):
    from pypdf import PdfReader

    from forms_service.rendering.resources import converter

    record = archive_consent(world, consent_document)
    store = archive.blob_store()

    def text(pdf: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    again = text(converter().convert(store.get(record.docx_sha256)))
    filed = text(store.get(record.pdf_sha256))
    assert again == filed[: len(again)]  # the form's pages; the audit certificate's follow
    assert len(filed) > len(again) and all("Audit certificate" in p for p in filed[len(again) :])
