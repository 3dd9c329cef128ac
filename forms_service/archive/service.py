"""Filing signed documents, opening them (logged, with a purpose) and proving they were not
altered."""

import hashlib
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.service import ALL_STAFF, Actor, get_in_agency, require_role
from ..audit import chains
from ..audit import service as audit
from ..cases.search import normalise_name
from ..database import utcnow
from ..documents.models import Document
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..formatting import date_time
from ..i18n import N_
from ..rendering.resources import Rendered, seal_certificates
from . import fulltext, search
from .models import (
    AccessLog,
    ArchiveCopy,
    ArchiveDisposal,
    ArchiveRecord,
    SealTimestamp,
)
from .store import BlobDamaged, BlobMissing, FilesystemBlobStore, S3BlobStore

if TYPE_CHECKING:
    from signatures.seal import SealCheck

FILE_KINDS = {
    "pdf": "application/pdf",
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
# Logged in English as stated (the access log is a record); labels translated where shown.
PURPOSES = {
    "client_copy": N_("A copy for the client (45 CFR 164.508(c)(4))"),
    "client_request": N_("The client asked for a copy of their record"),
    "audit": N_("Funder or program audit"),
    "legal": N_("Legal request (subpoena, court order)"),
    "continuity": N_("Continuity of care"),
    "quality": N_("Quality review"),
    "other": N_("Other (explain)"),
}


PREVIEW_PAGES = 10  # a quick look, not a reader: the PDF itself has every page
PREVIEW_SCALE = 1.25  # 90 dpi: legible on screen, small enough to send inline


def _setting(name: str) -> str | None:
    return current_app.config.get(name) or os.environ.get(f"FORMS_{name}")


def blob_store() -> FilesystemBlobStore | S3BlobStore:
    """The S3-compatible bucket when `FORMS_ARCHIVE_S3_BUCKET` is set, else the folder
    `ARCHIVE_DIR`; made once per app (an S3 client is slow to create)."""
    store = current_app.extensions.get("archive_store")
    if store is None:
        bucket = _setting("ARCHIVE_S3_BUCKET")
        store = (
            S3BlobStore.from_settings(
                bucket, _setting("ARCHIVE_S3_ENDPOINT_URL"), _setting("ARCHIVE_S3_PREFIX") or ""
            )
            if bucket
            else FilesystemBlobStore(current_app.config["ARCHIVE_DIR"])
        )
        current_app.extensions["archive_store"] = store
    return store


STAMPS = {None: None, True: SealTimestamp.TIMESTAMPED, False: SealTimestamp.MISSING}

# A fixed list, not "every column": a column added later must not change old records' hashes.
HASHED_FIELDS = (
    *("agency_id", "document_id", "client_id", "case_id", "form_type", "reference", "version"),
    *("language", "client_name", "search_name", "case_number", "template_version"),
    *("template_sha256", "content_sha256", "docx_sha256", "pdf_sha256", "signers"),
    *("signer_names", "signed_at", "archived_at"),
)


def canonical_value(value):
    if isinstance(value, datetime):
        return clock.aware(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def record_hash(record: ArchiveRecord) -> str:
    """sha256 over a record's fields, taken at filing: a field changed later in the database
    no longer matches it."""
    body = {name: canonical_value(getattr(record, name)) for name in HASHED_FIELDS}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(prev: str, seq: int, record_sha256: str | None) -> str:
    """A link of an agency's chain of records: its number and hash after the one before."""
    return hashlib.sha256(f"{prev}:{seq}:{record_sha256}".encode()).hexdigest()


def chain_record(record: ArchiveRecord) -> None:
    """Append a record being filed to its agency's chain (once its `record_sha256` is set)."""
    chain = chains.chain_name("archive", record.agency_id)
    record.seq, prev = chains.advance(chain)
    record.chain_sha256 = link_hash(prev, record.seq, record.record_sha256)
    chains.close(chain, record.chain_sha256)


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
        id=uuid.uuid4(),
        agency_id=document.agency_id,
        document_id=document.id,
        client_id=client.id,
        case_id=document.case_id,
        form_type=document.form_type,
        reference=document.reference,
        version=document.version,
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
                "signed_at": date_time(s.signed_at, zone=document.agency.time_zone),
                "method": s.method,
            }
            for s in document.signers
        ],
        signer_names=" | ".join(normalise_name(s.name) for s in document.signers),
        signed_at=document.completed_at,
        archived_at=utcnow(),
        seal_timestamp=STAMPS[rendered.timestamped],
    )
    record.record_sha256 = record_hash(record)
    chain_record(record)
    db.session.add(record)
    db.session.flush()
    search.add_search_entries(record)
    fulltext.index_filed_record(record, document.data, rendered.pdf)
    return record


def find_record(actor: Actor, record_id: str) -> ArchiveRecord:
    """The record if this actor may know it exists (NotFound otherwise), for a refused
    request: nothing of it is shown, so nothing is logged."""
    require_role(actor, ALL_STAFF)
    return get_in_agency(actor, ArchiveRecord, record_id)


def get_record(actor: Actor, record_id: str) -> ArchiveRecord:
    record = find_record(actor, record_id)
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


def stated_purpose(purpose: str, explanation: str = "") -> str:
    """The purpose as logged; refuses an opening without one (or "other" unexplained)."""
    errors = {}
    if purpose not in PURPOSES:
        errors["purpose"] = [gettext("Choose why you are opening this record.")]
    explanation = (explanation or "").strip()
    if purpose == "other" and not explanation:
        errors["explanation"] = [gettext("Explain why you are opening this record.")]
    if len(explanation) > 400:
        errors["explanation"] = [gettext("The explanation can be at most 400 characters.")]
    if errors:
        raise InvalidInput(errors)
    return PURPOSES[purpose] + (f": {explanation}" if explanation else "")


def stored_file(record: ArchiveRecord, kind: str, copy=None) -> bytes:
    """A file of the record (or of its English `copy`), refused unless it still hashes to the
    sha256 filed for it."""
    if _disposed(record):
        raise RuleViolation(
            gettext(
                "The files of %(reference)s were disposed of at the end of their retention.",
                reference=record.reference,
            )
        )
    try:
        return blob_store().get(getattr(copy or record, f"{kind}_sha256"))
    except (BlobMissing, BlobDamaged):
        raise RuleViolation(
            gettext(
                "The stored %(kind)s of %(reference)s is missing or does not match its sha256: "
                "it was altered or damaged. Run `forms-service verify` and restore it from "
                "backup; it is not handed out as genuine.",
                kind=kind.upper(),
                reference=record.reference,
            )
        ) from None


def _disposed(record: ArchiveRecord) -> bool:
    return (
        db.session.execute(
            select(ArchiveDisposal.id).where(ArchiveDisposal.record_id == record.id)
        ).first()
        is not None
    )


def log_access(actor: Actor, record: ArchiveRecord, kind: str, purpose: str) -> None:
    """One retrieval: the access log (shown on the record) and the audit chain."""
    db.session.add(
        AccessLog(
            record_id=record.id, user_id=actor.user.id, kind=kind, purpose=purpose, ip=actor.ip
        )
    )
    audit.record(actor, f"archive.download_{kind}", record, purpose=purpose)


def requested(
    actor: Actor, record_id: str, kind: str, purpose: str, explanation: str = ""
) -> tuple[ArchiveRecord, str]:
    """The record a retrieval asks for and its stated purpose; every error at once."""
    require_role(actor, ALL_STAFF)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    errors = {} if kind in FILE_KINDS else {"kind": [gettext("Choose PDF or DOCX.")]}
    try:
        stated = stated_purpose(purpose, explanation)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return record, stated


def open_file(
    actor: Actor, record_id: str, kind: str, purpose: str, explanation: str = ""
) -> tuple[ArchiveRecord, bytes]:
    """Every retrieval states its purpose and is logged with who and when."""
    record, stated = requested(actor, record_id, kind, purpose, explanation)
    blob = stored_file(record, kind)
    log_access(actor, record, kind, stated)
    return record, blob


class UnreadablePdf(ValueError):
    """pdfium cannot read the PDF."""


def page_images(pdf: bytes, pages: int, scale: float) -> tuple[list[bytes], int]:
    """PNG images of a PDF's first `pages` pages, and its page count. pdfium is loaded here,
    by the processes that show pages, not by every web worker."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(pdf)
        try:
            images = []
            for index in range(min(len(document), pages)):
                page = document[index]
                out = io.BytesIO()
                page.render(scale=scale).to_pil().save(out, format="PNG", optimize=True)
                page.close()
                images.append(out.getvalue())
            return images, len(document)
        finally:
            document.close()
    except pypdfium2.PdfiumError:
        raise UnreadablePdf from None


def preview_pages(
    actor: Actor, record_id: str, purpose: str, explanation: str = ""
) -> tuple[ArchiveRecord, list[bytes], int]:
    """PNG images of the PDF's first pages for a quick look, logged like any opening:
    (record, the PNGs, the PDF's page count)."""
    require_role(actor, ALL_STAFF)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    stated = stated_purpose(purpose, explanation)
    try:
        images, count = page_images(stored_file(record, "pdf"), PREVIEW_PAGES, PREVIEW_SCALE)
    except UnreadablePdf:
        raise RuleViolation(
            gettext(
                "The PDF of %(reference)s cannot be previewed; open the PDF itself.",
                reference=record.reference,
            )
        ) from None
    log_access(actor, record, "preview", stated)
    return record, images, count


@dataclass(frozen=True)
class DamagedRecord:
    record: ArchiveRecord
    kind: str
    reason: str


def verify_records(progress: Callable[[int], None] | None = None) -> Iterator[DamagedRecord]:
    """Re-hash every archived file and check every PDF's seal, streaming over the records;
    `progress` is told how many records were checked, every 500."""
    store = blob_store()
    rows = db.session.execute(
        select(ArchiveRecord, ArchiveDisposal.id)
        .outerjoin(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id)
        .order_by(ArchiveRecord.archived_at)
        .execution_options(yield_per=500)
    )
    for count, (record, disposal) in enumerate(rows, start=1):
        if progress and count % 500 == 0:
            progress(count)
        if record.record_sha256 != record_hash(record):
            yield DamagedRecord(record, "record", "fields changed since it was filed")
        if disposal is not None:
            continue  # its files were destroyed on purpose; the tombstone remains
        trusted = seal_certificates(record.agency_id, record.archived_at)
        for kind, reason in file_problems(record, store, trusted):
            yield DamagedRecord(record, kind, reason)


def file_problems(holder, store, trusted: list[Path]) -> Iterator[tuple[str, str]]:
    """(kind, reason) for each file of a record (or an English copy) that is missing or
    altered, then for its PDF if its seal no longer holds; each file is read once."""
    pdf = None
    for kind in FILE_KINDS:
        try:
            blob = store.get(getattr(holder, f"{kind}_sha256"))
        except (BlobMissing, BlobDamaged):
            yield kind, "missing or does not match its sha256"
            continue
        if kind == "pdf":
            pdf = blob
    if pdf is not None:
        from signatures.seal import check_seal  # pyHanko's, loaded by the checks alone

        seal = check_seal(pdf, trusted)
        if not seal.ok:
            by = f" (sealed by {seal.signer})" if seal.intact and not seal.trusted else ""
            yield "pdf", "seal: " + "; ".join(seal.problems) + by


@dataclass(frozen=True)
class Identification:
    """What the archive can say about a PDF someone shows us: the record it is, or whose
    English copy it is (`copy`)."""

    sha256: str
    record: ArchiveRecord | None
    seal: "SealCheck"
    copy: ArchiveCopy | None = None


def identify_pdf(actor: Actor, pdf: bytes) -> Identification:
    """Is this file, byte for byte, a document filed in this archive (or the English copy
    filed beside one)? Anyone may ask: the answer reveals only what the file itself shows."""
    from signatures.seal import check_seal  # pyHanko's, loaded by the checks alone

    sha256 = hashlib.sha256(pdf).hexdigest()
    record = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.pdf_sha256 == sha256)
    ).scalar_one_or_none()
    copy = None
    if record is None:
        copy = db.session.execute(
            select(ArchiveCopy).where(ArchiveCopy.pdf_sha256 == sha256)
        ).scalar_one_or_none()
        record = copy.record if copy else None
    try:
        seal = check_seal(
            pdf,
            seal_certificates(record.agency_id, record.archived_at)
            if record
            else seal_certificates(),
        )
    except RecursionError:  # nested deeper than any real PDF: a crafted file
        raise InvalidInput(
            {"pdf": [gettext("This PDF cannot be read. Choose the PDF file you were given.")]}
        ) from None
    audit.record(
        actor,
        "archive.verify_upload",
        record,
        sha256=sha256,
        found=record is not None,
        english_copy=copy is not None or None,
        seal_ok=seal.ok,
    )
    return Identification(sha256, record, seal, copy)
