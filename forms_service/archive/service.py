"""Filing signed documents, finding them, opening them (logged, with a purpose) and proving
they were not altered."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from signatures.seal import SealCheck, check_seal

from ..accounts.service import ALL_STAFF, ARCHIVE_ROLES, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.service import normalise_name
from ..documents.models import Document
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..formatting import date_time
from ..rendering.service import Rendered, seal_certificate_path
from .models import AccessLog, ArchiveRecord
from .store import BlobDamaged, BlobMissing, FilesystemBlobStore

FILE_KINDS = {
    "pdf": "application/pdf",
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
PURPOSES = {
    "client_copy": "A copy for the client (45 CFR 164.508(c)(4))",
    "client_request": "The client asked for a copy of their record",
    "audit": "Funder or program audit",
    "legal": "Legal request (subpoena, court order)",
    "continuity": "Continuity of care",
    "quality": "Quality review",
    "other": "Other (explain)",
}


def blob_store() -> FilesystemBlobStore:
    return FilesystemBlobStore(current_app.config["ARCHIVE_DIR"])


def _record_of(document: Document) -> ArchiveRecord | None:
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one_or_none()


def record_for_document(actor: Actor, document: Document) -> ArchiveRecord | None:
    get_in_agency(actor, Document, document.id)
    return _record_of(document)


def file_document(document: Document, rendered: Rendered) -> ArchiveRecord:
    """File both renderings; filing the same document twice returns the first record."""
    existing = _record_of(document)
    if existing is not None:
        return existing
    store = blob_store()
    client = document.client
    record = ArchiveRecord(
        agency_id=document.agency_id,
        document_id=document.id,
        client_id=client.id,
        case_id=document.case_id,
        form_type=document.form_type,
        reference=document.reference,
        language=document.language,
        client_name=client.full_name,
        search_name=client.search_name,
        case_number=document.case.number,
        template_version=rendered.version.number,
        template_sha256=rendered.template_sha256,
        content_sha256=document.content_sha256,
        docx_sha256=store.put(rendered.docx),
        pdf_sha256=store.put(rendered.pdf),
        signers=[
            {
                "role": s.role_label,
                "name": s.name,
                "signed_at": date_time(s.signed_at),
                "method": s.method,
            }
            for s in document.signers
        ],
        signed_at=document.completed_at,
    )
    db.session.add(record)
    db.session.flush()
    return record


def search(actor: Actor, name: str = "", limit: int = 50) -> list[ArchiveRecord]:
    """Records of the actor's agency whose client name contains every typed word, ignoring
    case and accents."""
    user = require_role(actor, ARCHIVE_ROLES)
    words = normalise_name(name).split()
    if not words:
        return []
    query = select(ArchiveRecord).where(ArchiveRecord.agency_id == user.agency_id)
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(ArchiveRecord.search_name.like(f"%{escaped}%", escape="\\"))
    rows = db.session.execute(
        query.order_by(ArchiveRecord.archived_at.desc()).limit(limit)
    ).scalars()
    results = list(rows)
    audit.record(actor, "archive.search", query=name, results=len(results))
    return results


def get_record(actor: Actor, record_id: str) -> ArchiveRecord:
    require_role(actor, ALL_STAFF)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    audit.record(actor, "archive.view", record)
    return record


def access_history(actor: Actor, record: ArchiveRecord) -> list[AccessLog]:
    require_role(actor, ALL_STAFF)
    get_in_agency(actor, ArchiveRecord, record.id)
    return list(
        db.session.execute(
            select(AccessLog).where(AccessLog.record_id == record.id).order_by(AccessLog.at)
        ).scalars()
    )


def open_file(
    actor: Actor, record_id: str, kind: str, purpose: str, explanation: str = ""
) -> tuple[ArchiveRecord, bytes]:
    """Every retrieval states its purpose and is logged with who and when."""
    user = require_role(actor, ALL_STAFF)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    errors = {}
    if kind not in FILE_KINDS:
        errors["kind"] = ["Choose PDF or DOCX."]
    if purpose not in PURPOSES:
        errors["purpose"] = ["Choose why you are opening this record."]
    explanation = (explanation or "").strip()
    if purpose == "other" and not explanation:
        errors["explanation"] = ["Explain why you are opening this record."]
    if len(explanation) > 400:
        errors["explanation"] = ["The explanation can be at most 400 characters."]
    if errors:
        raise InvalidInput(errors)
    stated = PURPOSES[purpose] + (f": {explanation}" if explanation else "")
    try:
        blob = blob_store().get(getattr(record, f"{kind}_sha256"))
    except (BlobMissing, BlobDamaged):
        raise RuleViolation(
            f"The stored {kind.upper()} of {record.reference} is missing or does not match its "
            "sha256: it was altered or damaged. Run `forms-service verify` and restore it "
            "from backup; it is not handed out as genuine."
        ) from None
    db.session.add(
        AccessLog(record_id=record.id, user_id=user.id, kind=kind, purpose=stated, ip=actor.ip)
    )
    audit.record(actor, f"archive.download_{kind}", record, purpose=stated)
    return record, blob


@dataclass(frozen=True)
class DamagedRecord:
    record: ArchiveRecord
    kind: str
    reason: str


def verify_records(progress: Callable[[int], None] | None = None) -> Iterator[DamagedRecord]:
    """Re-hash every archived file and check every PDF's seal, streaming over the records;
    `progress` is told how many records were checked, every 500."""
    store = blob_store()
    trusted = seal_certificate_path()
    rows = db.session.execute(
        select(ArchiveRecord).order_by(ArchiveRecord.archived_at).execution_options(yield_per=500)
    ).scalars()
    for count, record in enumerate(rows, start=1):
        for kind in FILE_KINDS:
            if not store.matches(getattr(record, f"{kind}_sha256")):
                yield DamagedRecord(record, kind, "missing or does not match its sha256")
        if store.matches(record.pdf_sha256):
            seal = check_seal(store.get(record.pdf_sha256), trusted)
            if not seal.ok:
                yield DamagedRecord(record, "pdf", "seal: " + "; ".join(seal.problems))
        if progress and count % 500 == 0:
            progress(count)


@dataclass(frozen=True)
class Identification:
    """What the archive can say about a PDF someone shows us."""

    sha256: str
    record: ArchiveRecord | None
    seal: SealCheck


def identify_pdf(actor: Actor, pdf: bytes) -> Identification:
    """Is this file, byte for byte, a document filed in this archive? Anyone may ask: the
    answer reveals only what the file itself shows."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    record = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.pdf_sha256 == sha256)
    ).scalar_one_or_none()
    seal = check_seal(pdf, seal_certificate_path())
    audit.record(
        actor,
        "archive.verify_upload",
        record,
        sha256=sha256,
        found=record is not None,
        seal_ok=seal.ok,
    )
    return Identification(sha256, record, seal)
