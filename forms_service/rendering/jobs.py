"""Render jobs: a signed document -> DOCX and PDF -> the archive. A job is its own unit of
work: it commits when it is done and leaves a failed job pending for a retry."""

import os
import socket
import uuid
from dataclasses import replace

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import delete, select, update

from signatures.certificate import CertificateData, SignatureEvidence, TrailEvent
from signatures.seal import TimestampUnavailable

from .. import clock
from ..accounts.service import SYSTEM, Actor
from ..archive import copies, integrity, versions
from ..archive import service as archive
from ..archive.models import ArchiveRecord
from ..audit import service as audit
from ..database import committed, utcnow
from ..documents.evidence import IN_PERSON_TABLET, ONE_TIME_LINK, PAPER, STAFF_SESSION
from ..documents.models import Document, DocumentStatus, SignerStatus
from ..errors import RuleViolation
from ..extensions import db
from ..formatting import date_time, long_date
from ..forms import get_form_type
from ..i18n import N_, RIGHT_TO_LEFT, language_name
from ..notifications import notices
from ..templates_admin.service import templates_for
from ..webhooks import service as webhooks
from . import prepared
from .models import RUN_LEASE, PreparedRender, RenderJob, RenderStatus
from .resources import Rendered, RenderInput, SignerInfo, load_template
from .service import certificate_pages, render, render_paper_signed, signed

MAX_ATTEMPTS = 3


def render_input(document: Document, language: str | None = None) -> RenderInput:
    """The document's values for its template, in its own language unless one is named."""
    agency, client = document.agency, document.client
    language, zone = language or document.language, agency.time_zone
    return RenderInput(
        form_type=document.form_type,
        language=language,
        reference=document.reference,
        created_on=clock.day_of(document.created_at, agency),
        agency_id=agency.id,
        agency_name=agency.name,
        agency_address=agency.address,
        agency_phone=agency.phone,
        client_name=client.full_name,
        client_date_of_birth=client.date_of_birth,
        case_number=document.case.number,
        data=document.data,
        agency_logo=archive.blob_store().get(document.logo_sha256)
        if document.logo_sha256
        else None,
        agency_time_zone=zone,
        signers=[
            SignerInfo(
                s.role_label, s.name, date_time(s.signed_at, language, zone), s.signature_png
            )
            for s in document.signers
        ],
    )


TRAIL_DETAILS = (
    *("signer", "role", "method", "form_type", "content_sha256"),
    *("received_by", "received_on"),  # a form signed on paper: who received it, when
)
METHODS = {
    IN_PERSON_TABLET: N_("In person on a tablet"),
    STAFF_SESSION: N_("Staff sign-in"),
    ONE_TIME_LINK: N_("One-time link on the signer's own device"),
    PAPER: N_("On paper, received and attested by staff"),
}


def _method(signer) -> str:
    method = gettext(METHODS[signer.method]) if signer.method in METHODS else signer.method
    if signer.signature_kind == "typed":
        return gettext("%(method)s, typed name with attestation", method=method or "")
    return method or ""


def certificate_data(document: Document, language: str | None = None) -> CertificateData:
    """The evidence of every signature and the document's event trail, as plain values, in
    the document's language (or `language`) and its agency's time zone; what was recorded
    (names, devices, how the identity was checked, event codes) stays as recorded."""
    with force_locale(language or document.language):
        return _certificate_data(document)


def _certificate_data(document: Document) -> CertificateData:
    zone = document.agency.time_zone
    events = audit.events_for(str(document.id))
    return CertificateData(
        document_id=document.reference,
        title=gettext(get_form_type(document.form_type).title),
        agency=document.agency.name,
        form_type=document.form_type,
        template_version=str(document.template_version),
        content_sha256=document.content_sha256,
        template_sha256=document.template_sha256,
        client_name=document.client.full_name,
        signers=[
            SignatureEvidence(
                name=s.name,
                role=gettext(s.role_label),
                method=_method(s),
                signed_at=date_time(s.signed_at, zone=zone),
                ip=s.ip or "",
                user_agent=s.user_agent or "",
                identity_check=s.identity_check or "",
                ink_sha256=s.ink_sha256 or "",
                signature_png=s.signature_png,
                on_paper=s.status == SignerStatus.SIGNED_ON_PAPER,
            )
            for s in document.signers
        ],
        events=[
            TrailEvent(
                at=date_time(e.at, zone=zone),
                actor=e.actor,
                action=e.action,
                detail=", ".join(f"{k}: {e.details[k]}" for k in TRAIL_DETAILS if k in e.details),
            )
            for e in events
        ],
        paper_note=_paper_note(document, events),
    )


def _paper_note(document: Document, events) -> str:
    """For a form signed on paper: the pages before the certificate are its scan, and who
    received it when, as they attested."""
    received = next((e for e in reversed(events) if e.action == "document.paper_received"), None)
    if received is None:
        return ""
    return gettext(
        "Signed on paper. The pages before this certificate are the scan of the signed paper "
        "form. %(staff)s received it from %(client)s on %(date)s and attested to it on "
        "%(attested)s. SHA-256 of the scan: %(sha256)s.",
        staff=received.details["received_by"],
        client=document.client.full_name,
        date=long_date(received.details["received_on"]),
        attested=date_time(received.at, zone=document.agency.time_zone),
        sha256=document.paper_scan_sha256,
    )


def pinned_version(document: Document):
    """The template version the document was sent with: its number and its file's sha256."""
    return templates_for(document.agency).version(
        document.form_type, document.template_version, document.template_sha256
    )


def prepare_for_signing(document_id: uuid.UUID) -> bool:
    """Convert the form of a document waiting for its signatures, its boxes reserved
    (`prepared.py`); True when it is kept for its filing. Any failure leaves the document to
    be rendered the whole way when it is signed: logged, never raised."""
    try:
        document = db.session.get(Document, document_id)
        if (
            document is None
            or document.status != DocumentStatus.SIGNING
            or document.language in RIGHT_TO_LEFT
            or db.session.get(PreparedRender, document_id) is not None
        ):
            return False
        version = pinned_version(document)
        inp = render_input(document)
        made = prepared.prepare(load_template(version, inp.language), inp, version)
        if made is None:
            current_app.logger.info("%s has no boxes to fill: rendered when signed", document)
            return False
        docx, pdf, boxes = made
        db.session.refresh(document)
        if document.status != DocumentStatus.SIGNING:  # signed meanwhile
            return False
        inputs = prepared.inputs_sha256(inp, version)
        db.session.add(
            PreparedRender(
                document_id=document.id, inputs_sha256=inputs, docx=docx, pdf=pdf, boxes=boxes
            )
        )
        db.session.commit()
    except Exception:  # noqa: BLE001 (the document is rendered the whole way when signed)
        db.session.rollback()
        current_app.logger.exception("Preparing document %s failed", document_id)
        return False
    return True


def _from_prepared(document: Document, inp, version, certificate) -> Rendered | None:
    """The signed document from its form converted before the signatures, or None when there
    is none for exactly these inputs, or its boxes cannot be filled."""
    kept = db.session.get(PreparedRender, document.id)
    if kept is None or kept.inputs_sha256 != prepared.inputs_sha256(inp, version):
        return None
    try:
        filled = prepared.fill(kept.docx, kept.pdf, kept.boxes, inp)
    except Exception:  # noqa: BLE001 (a kept form that cannot be filled: the whole way)
        current_app.logger.exception("Filling the boxes of %s failed", document.reference)
        return None
    if filled is None:
        return None
    docx, pdf = filled
    pages = certificate_pages(docx, inp, certificate)
    # the kept form was made from the file this hash names: `load_template` checks it
    return signed(docx, pdf, inp, version, version.files[inp.language], pages)


def render_signed(document: Document, timestamp: bool = True):
    """Render with the template version pinned when the document was sent for signature,
    with its audit certificate and seal: from its form converted before the signatures where
    there is one."""
    version = pinned_version(document)
    inp = replace(render_input(document), timestamp=timestamp)
    certificate = certificate_data(document)
    rendered = _from_prepared(document, inp, version, certificate) or render(
        inp, version, certificate
    )
    if rendered.template_sha256 != document.template_sha256:
        raise RuleViolation(
            f"The template of {document.reference} is not the one it was signed on."
        )
    return rendered


def render_paper(document: Document, timestamp: bool = True):
    """A form signed on paper: its scan and the certificate that says so, with the template
    version pinned when it was sent (the one printed for signing)."""
    version = pinned_version(document)
    scan = archive.blob_store().get(document.paper_scan_sha256)
    inp = replace(render_input(document), timestamp=timestamp)
    return render_paper_signed(inp, version, certificate_data(document), scan)


def render_for_archive(document: Document, last_attempt: bool):
    """The document rendered and sealed; if the timestamp authority does not answer, an
    error (the job is retried), except on the job's last attempt: then sealed without a
    timestamp, and its record is marked "not timestamped"."""
    renderer = render_paper if document.paper_scan_sha256 else render_signed
    try:
        return renderer(document)
    except TimestampUnavailable:
        if not last_attempt:
            raise
    return renderer(document, timestamp=False)


def render_english_copy(document: Document, record: ArchiveRecord):
    """The English rendering filed beside a record signed in another language: the same
    template version, data, signers and signature images; its first line and its certificate
    name the signed original it renders."""
    version = pinned_version(document)
    note = (
        f"English copy for the agency's file. {document.client.full_name} read and signed "
        f"this document in {language_name(document.language, 'en')}; the signed original is "
        f"{document.reference} (PDF SHA-256 {record.pdf_sha256}). The signatures shown are "
        "the ones given on that original."
    )
    inp = replace(render_input(document, copies.COPY_LANGUAGE), copy_note=note)
    certificate = replace(
        certificate_data(document, copies.COPY_LANGUAGE),
        copy_note=note,
        paper_note="",  # a paper original's scan is not part of its English copy
        template_sha256=version.files.get(copies.COPY_LANGUAGE, ""),  # the English file's
    )
    return render(inp, version, certificate)


def render_for_paper(document: Document) -> bytes:
    """The PDF to print when a signer wants paper: the same pinned template, blank signature
    lines, no seal (the paper signature is the original)."""
    version = pinned_version(document)
    return render(render_input(document), version).pdf


def _supersede_previous(document: Document, record) -> None:
    """A new version, once filed, supersedes the one before in the archive (a case plan
    updated at its 30-day review), in the name of whoever wrote the update."""
    if document.supersedes_id is None:
        return
    previous = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.supersedes_id)
    ).scalar_one()
    versions.supersede(
        Actor(document.created_by), previous, record, f"Replaced by version {document.version}"
    )


RUNNER = f"{socket.gethostname()}:{os.getpid()}"


def _claim(job_id: uuid.UUID) -> None:
    """Mark the job as running here until RUN_LEASE has passed, committed before the work so
    the sweep sees it and leaves it alone."""
    db.session.execute(
        update(RenderJob)
        .where(RenderJob.id == job_id, RenderJob.status == RenderStatus.PENDING)
        .values(claimed_by=RUNNER, lease_until=utcnow() + RUN_LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_job(job_id: uuid.UUID) -> bool:
    """Render and file one signed document; True when it is archived."""
    _claim(job_id)
    # Two runners may pick the same job (a sweep re-sends one still running): the row lock
    # makes the second wait and then see it done. SQLite serialises writers anyway.
    job = db.session.execute(
        select(RenderJob).where(RenderJob.id == job_id).with_for_update()
    ).scalar_one_or_none()
    if job is None or job.status == RenderStatus.DONE:
        db.session.rollback()
        return job is not None
    document = job.document
    try:
        rendered = render_for_archive(document, job.attempts + 1 >= MAX_ATTEMPTS)
        record = archive.file_document(document, rendered)
        db.session.execute(delete(PreparedRender).where(PreparedRender.document_id == document.id))
        _supersede_previous(document, record)
        get_form_type(document.form_type).on_filed(document)
    except Exception as exc:  # noqa: BLE001 (any failure leaves the job queued, never lost)
        db.session.rollback()
        job = db.session.get(RenderJob, job_id)
        if job.status == RenderStatus.DONE:  # another runner filed it (SQLite has no row lock)
            return True
        job.attempts += 1
        job.error = str(exc)[:2000]
        job.status = RenderStatus.FAILED if job.attempts >= MAX_ATTEMPTS else RenderStatus.PENDING
        job.claimed_by = job.lease_until = None  # the next sweep hands it over again
        audit.record(
            SYSTEM, "document.render_failed", job.document, error=job.error, attempt=job.attempts
        )
        if job.status == RenderStatus.FAILED:
            notices.render_failed(job.document)
        db.session.commit()
        return False
    job.attempts += 1
    job.status = RenderStatus.DONE
    job.error = None
    job.finished_at = record.archived_at
    document.status = DocumentStatus.ARCHIVED
    audit.record(
        SYSTEM,
        "document.render",
        document,
        template_version=rendered.version.number,
        docx_sha256=record.docx_sha256,
        pdf_sha256=record.pdf_sha256,
        timestamp=record.seal_timestamp,
    )
    audit.record(SYSTEM, "archive.file", record, document=document.reference)
    notices.filed(document)
    webhooks.emit(document.agency_id, "document.filed", document=document, archive_record=record)
    db.session.commit()
    committed()  # the webhook deliveries
    integrity.checkpoint_after_filing(record.agency_id)  # kept outside the database
    if copies.wants_copy(record):
        file_english_copy(record.id)
    return True


def file_english_copy(record_id: uuid.UUID) -> bool:
    """Render and file the English copy of an archived record; True when it is filed. Its own
    unit of work: a failure never undoes the filed original, and `records_missing_copy`
    keeps asking for it (`render-pending`, the outbox sweep)."""
    record = db.session.get(ArchiveRecord, record_id)
    try:
        if copies.copy_of(record) is None:
            copy = copies.file_copy(record, render_english_copy(record.document, record))
            audit.record(SYSTEM, "archive.file_copy", record, pdf_sha256=copy.pdf_sha256)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 (the original is filed; the copy is retried)
        db.session.rollback()
        record = db.session.get(ArchiveRecord, record_id)
        if copies.copy_of(record) is not None:  # another runner filed it meanwhile
            return True
        audit.record(SYSTEM, "archive.copy_failed", record, error=str(exc)[:2000])
        db.session.commit()
        return False
    return True


def run_pending(retry_failed: bool = False) -> tuple[int, int]:
    """Run every job still pending (after a crash or a failed conversion), with
    `retry_failed` those that gave up too, then file the English copies still missing:
    (done, failed)."""
    statuses = [RenderStatus.PENDING, *([RenderStatus.FAILED] if retry_failed else [])]
    ids = (
        db.session.execute(
            select(RenderJob.id)
            .where(RenderJob.status.in_(statuses))
            .order_by(RenderJob.created_at)
        )
        .scalars()
        .all()
    )
    done = sum(run_job(job_id) for job_id in ids)
    missing = copies.records_missing_copy()
    copied = sum(file_english_copy(record_id) for record_id in missing)
    return done + copied, len(ids) + len(missing) - done - copied
