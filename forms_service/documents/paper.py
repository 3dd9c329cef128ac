"""A form signed on paper comes back: its scan, checked by its bytes, is filed in place of the
e-signatures, attested by the staff member who received it (ESIGN: the signer's right to
sign on paper instead)."""

import io
from datetime import date

from flask import current_app
from flask_babel import gettext
from PIL import Image, ImageOps

from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..archive.service import blob_store
from ..audit import service as audit
from ..clock import day_of, today
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..rendering.models import RenderJob
from ..webhooks import service as webhooks
from .evidence import PAPER
from .models import Document, DocumentStatus, SignerStatus

# What a file is, by its first bytes: its name and Content-Type are whatever the sender says.
SIGNATURES = {b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
LETTER_INCHES = (8.5, 11)  # an image scan is printed at the resolution that fits this page


def scan_as_pdf(scan: bytes) -> bytes:
    """The scan as a PDF: a PDF that opens with at least one page, or a JPEG or PNG made into
    a page of its own; at most `PAPER_SCAN_MAX_BYTES`."""
    limit = current_app.config["PAPER_SCAN_MAX_BYTES"]
    if not scan:
        raise InvalidInput({"scan": [gettext("Choose the file of the scanned form.")]})
    if len(scan) > limit:
        raise InvalidInput(
            {
                "scan": [
                    gettext(
                        "The scan is too large: at most %(size)s MB.",
                        size=limit // (1024 * 1024),
                    )
                ]
            }
        )
    kind = next((k for magic, k in SIGNATURES.items() if scan.startswith(magic)), None)
    if kind is None:
        raise InvalidInput({"scan": [gettext("The scan must be a PDF, JPEG or PNG file.")]})
    unreadable = InvalidInput(
        {
            "scan": [
                gettext("This file does not open as a %(kind)s. Scan the form again.", kind=kind)
            ]
        }
    )
    if kind == "PDF":
        from pypdf import PdfReader  # loaded by the workers that receive paper, not all

        try:
            reader = PdfReader(io.BytesIO(scan))
            opens = not reader.is_encrypted and len(reader.pages) > 0
        except Exception:  # noqa: BLE001 (whatever pypdf trips on, the file does not open)
            opens = False
        if not opens:
            raise unreadable
        return scan
    try:
        with Image.open(io.BytesIO(scan), formats=[kind]) as image:
            page = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    out = io.BytesIO()
    dpi = max(page.width / LETTER_INCHES[0], page.height / LETTER_INCHES[1], 72)
    page.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def attestation(client_name: str, received_on: date) -> str:
    """The statement the staff member ticks, as the audit trail keeps it (in English)."""
    return f"I received this signed paper form from {client_name} on {received_on.isoformat()}."


def receive_paper(
    actor: Actor,
    document: Document,
    scan: bytes,
    received_on: date | None,
    attested: bool,
) -> RenderJob:
    """The signed paper form came back: its scan is stored, every signature still owed is
    recorded as given on that paper, attested by the staff member who received it, and the
    document goes to be filed like any signed one. Every error at once, nothing written."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.PAPER:
        raise RuleViolation(gettext("This document is not waiting for a signed paper form."))
    errors = {}
    agency = document.agency
    if not received_on or not day_of(document.sent_at, agency) <= received_on <= today(agency):
        errors["received_on"] = [
            gettext(
                "Give the day you received it: not before the form was sent, nor in the future."
            )
        ]
    if not attested:
        errors["attested"] = [
            gettext("Tick the box to attest that you received this signed paper form.")
        ]
    try:
        pdf = scan_as_pdf(scan)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    now = utcnow()
    statement = attestation(document.client.full_name, received_on)
    check = f"Signed on paper; received on {received_on.isoformat()} and attested by {user.name}"
    for signer in document.signers:
        if signer.status in (SignerStatus.PENDING, SignerStatus.PAPER):
            signer.status = SignerStatus.SIGNED_ON_PAPER
            signer.method = PAPER
            signer.signed_at = now
            signer.identity_check = check[:200]
            signer.witnessed_by_id = user.id
            signer.content_sha256 = document.content_sha256
            webhooks.emit(document.agency_id, "document.signed", document=document, signer=signer)
    document.paper_scan_sha256 = blob_store().put(pdf)
    document.status = DocumentStatus.SIGNED
    document.completed_at = now
    audit.record(
        actor,
        "document.paper_received",
        document,
        scan_sha256=document.paper_scan_sha256,
        received_on=received_on.isoformat(),
        received_by=user.name,
        attestation=statement,
    )
    job = RenderJob(document=document)
    db.session.add(job)
    db.session.flush()
    return job
