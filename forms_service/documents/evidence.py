"""A signature and its evidence (ESIGN/UETA): who signed, how they were identified, on the
content they were shown, in the declared order; the last one hands the document to rendering.
Every path that takes a signature (the tablet, a staff sign-in, a one-time link) records it
here."""

import hashlib
import uuid
from dataclasses import dataclass

from flask_babel import gettext

from signatures.ink import InkError, canonical_json, ink_sha256, parse_ink, render_png
from signatures.typed import render_typed_png

from ..accounts.service import Actor
from ..audit import service as audit
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..rendering.models import RenderJob
from ..webhooks import service as webhooks
from .models import Document, DocumentStatus, Signer, SignerStatus

# How a signature was given (`Signer.method`); the certificate names each (rendering/jobs.py).
IN_PERSON_TABLET = "in_person_tablet"
STAFF_SESSION = "staff_session"
ONE_TIME_LINK = "one_time_link"
PAPER = "paper"


def next_signer(document: Document) -> Signer | None:
    """Whose turn it is: signers sign in the order the document declares them."""
    return next((s for s in document.signers if s.status == SignerStatus.PENDING), None)


@dataclass(frozen=True)
class Evidence:
    """How the signer was identified and where the signature came from (ESIGN/UETA)."""

    method: str
    identity_check: str
    ip: str | None
    user_agent: str | None
    witnessed_by_id: uuid.UUID | None = None


def _signature_image(ink_payload: str, typed_name: str, typed_attested: bool):
    """(kind, normalised ink or typed name, its sha256, PNG): drawn ink, or a typed name with
    its attestation for those who cannot draw (WCAG 2.5.7)."""
    if typed_name.strip() or (typed_attested and not ink_payload):
        name = " ".join(typed_name.split())
        errors = {}
        if not name:
            errors["typed_name"] = [gettext("Type your full name to sign without drawing.")]
        elif len(name) > 200:
            errors["typed_name"] = [gettext("The name is too long: at most 200 characters.")]
        if not typed_attested:
            errors["typed_attested"] = [
                gettext("Tick the box to confirm the typed name is your signature.")
            ]
        if errors:
            raise InvalidInput(errors)
        digest = hashlib.sha256(f"typed:{name}".encode()).hexdigest()
        return "typed", name, digest, render_typed_png(name)
    try:
        ink = parse_ink(ink_payload)
    except InkError as exc:
        raise InvalidInput({"ink": [gettext(exc.message, **exc.params)]}) from None
    return "drawn", canonical_json(ink).decode(), ink_sha256(ink), render_png(ink)


def record_signature(
    audit_actor: Actor,
    document: Document,
    signer: Signer,
    evidence: Evidence,
    *,
    ink_payload: str = "",
    typed_name: str = "",
    typed_attested: bool = False,
    shown_content_sha256: str,
    esign_accepted: bool,
    submission_key: str = "",
) -> RenderJob | None:
    """Record one signature with its evidence, whoever checked the signer's identity (staff at
    the tablet, or a one-time link). Signers sign in the declared order, on the content they
    were shown, after accepting to sign electronically. A repeated submission (same
    `submission_key`, or the same ink) changes nothing. Returns the render job when this was
    the last signature."""
    kind, mark, mark_sha256, png = _signature_image(ink_payload, typed_name, typed_attested)
    if signer.status == SignerStatus.SIGNED:
        if (submission_key and signer.submission_key == submission_key) or (
            signer.ink_sha256 == mark_sha256
        ):
            return None  # the same submission again (a double tap or a retry): nothing to do
        raise RuleViolation(gettext("%(name)s has already signed this document.", name=signer.name))
    if document.status != DocumentStatus.SIGNING or signer.status != SignerStatus.PENDING:
        raise RuleViolation(gettext("This document is not waiting for this signature."))
    if next_signer(document) is not signer:
        raise RuleViolation(
            gettext("%(role)s must sign first.", role=gettext(next_signer(document).role_label))
        )
    if shown_content_sha256 != document.content_sha256:
        raise RuleViolation(
            gettext("The document changed while it was on screen; please reload it.")
        )
    if not esign_accepted:
        raise InvalidInput(
            {
                "esign_accepted": [
                    gettext("Tick the box to agree to sign electronically, or ask for paper.")
                ]
            }
        )
    now = utcnow()
    signer.status = SignerStatus.SIGNED
    signer.signed_at = now
    signer.esign_accepted_at = now
    signer.method = evidence.method
    signer.identity_check = evidence.identity_check
    signer.witnessed_by_id = evidence.witnessed_by_id
    signer.ip = evidence.ip
    signer.user_agent = (evidence.user_agent or "")[:400]
    signer.content_sha256 = document.content_sha256
    signer.signature_kind = kind
    signer.typed_name = mark if kind == "typed" else None
    signer.ink = mark if kind == "drawn" else None
    signer.ink_sha256 = mark_sha256
    signer.signature_png = png
    signer.submission_key = submission_key[:64] or None
    audit.record(
        audit_actor,
        "document.sign",
        document,
        signer=signer.name,
        role=signer.role,
        method=signer.method,
        kind=kind,
        ink_sha256=signer.ink_sha256,
        content_sha256=document.content_sha256,
        user_agent=signer.user_agent,
    )
    webhooks.emit(document.agency_id, "document.signed", document=document, signer=signer)
    if next_signer(document) is not None:
        db.session.flush()
        return None
    document.status = DocumentStatus.SIGNED
    document.completed_at = now
    job = RenderJob(document=document)
    db.session.add(job)
    db.session.flush()
    return job
