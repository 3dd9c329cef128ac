"""Archive records made directly, without signing or LibreOffice: a Document row and its
ArchiveRecord with real (tiny) stored files and a real record hash, so search, versions,
export and retention tests stay fast."""

import io
import uuid
from datetime import UTC, date, datetime

import pypdfium2
import pytest

from forms_service.archive.fulltext import index_record
from forms_service.archive.integrity import write_checkpoint
from forms_service.archive.models import ArchiveRecord
from forms_service.archive.search import add_search_entries
from forms_service.archive.service import blob_store, chain_record, record_hash
from forms_service.cases.models import Case
from forms_service.cases.search import normalise_name
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from tests.conftest import CONSENT, csrf_token


def tiny_pdf(pages: int, label: str) -> bytes:
    """A real PDF of `pages` blank pages (distinct bytes per label)."""
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(612, 792).close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue() + f"% {label}\n".encode()


@pytest.fixture
def make_record(world):
    """Factory: an archived document of `case` (default: the world's case)."""

    def make(
        case: Case | None = None,
        form_type: str = "consent_release",
        signed_at: datetime = datetime(2026, 3, 1, 15, 0, tzinfo=UTC),
        data: dict | None = None,
        supersedes: ArchiveRecord | None = None,
        signer: str = "Sam Okafor",
        pages: int = 1,
        checkpoint: bool = True,
        pdf: bytes | None = None,
    ) -> ArchiveRecord:
        case = case or world.case
        reference = f"T-{uuid.uuid4().hex[:8].upper()}"
        document = Document(
            agency_id=case.agency_id,
            case_id=case.id,
            client_id=case.client_id,
            form_type=form_type,
            reference=reference,
            status=DocumentStatus.ARCHIVED,
            data=data if data is not None else dict(CONSENT),
            version=supersedes.version + 1 if supersedes else 1,
            supersedes_id=supersedes.document_id if supersedes else None,
            created_by_id=world.case_manager.id,
            completed_at=signed_at,
        )
        db.session.add(document)
        db.session.flush()
        store = blob_store()
        client = case.client
        record = ArchiveRecord(
            id=uuid.uuid4(),
            agency_id=case.agency_id,
            document_id=document.id,
            client_id=client.id,
            case_id=case.id,
            form_type=form_type,
            reference=reference,
            version=document.version,
            language="en",
            client_name=client.full_name,
            search_name=client.search_name,
            case_number=case.number,
            template_version=1,
            template_sha256="a" * 64,
            content_sha256="b" * 64,
            docx_sha256=store.put(f"docx of {reference}".encode()),
            pdf_sha256=store.put(pdf or tiny_pdf(pages, reference)),
            signers=[{"role": "Client", "name": signer, "signed_at": "", "method": "tablet"}],
            signer_names=normalise_name(signer),
            signed_at=signed_at,
            archived_at=signed_at,
        )
        record.record_sha256 = record_hash(record)
        chain_record(record)
        db.session.add(record)
        db.session.flush()
        add_search_entries(record)
        index_record(record, document.data)  # its blank PDF has no words to read
        db.session.commit()
        if checkpoint:  # as a filing does
            write_checkpoint(case.agency_id)
        return record

    return make


def close(case: Case, on: date) -> None:
    case.status, case.closed_on = "closed", on
    db.session.commit()


def upload(client, pdf: bytes):
    """Post a PDF to the public verification page."""
    return client.post(
        "/archive/verify",
        data={"csrf_token": csrf_token(client), "pdf": (io.BytesIO(pdf), "document.pdf")},
        content_type="multipart/form-data",
    )
