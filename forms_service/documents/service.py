"""The life of a document: drafted, frozen and sent for signature, signed in order, then
handed to rendering. Every rule that gates a step is checked here."""

import hashlib
import json
import secrets

from sqlalchemy import select

from signatures import InkError, canonical_json, ink_sha256, parse_ink, render_png

from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..database import utcnow
from ..errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ..extensions import db
from ..forms import get_form_type
from ..forms.registry import People, Person
from ..rendering.models import RenderJob
from ..rendering.service import template_store
from .models import Document, DocumentStatus, Signer, SignerStatus

IN_PERSON_TABLET = "in_person_tablet"
STAFF_SESSION = "staff_session"


def _new_reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def start_document(actor: Actor, case: Case, form_type_name: str, data: dict) -> Document:
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    if case.status != "open":
        raise RuleViolation("This case is closed; reopen it before starting a new form.")
    form_type = get_form_type(form_type_name)
    document = Document(
        agency_id=case.agency_id,
        case_id=case.id,
        client_id=case.client_id,
        form_type=form_type.name,
        reference=_new_reference(form_type.prefix),
        data=data,
        created_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.create", document, form_type=form_type.name)
    return document


def get_document(actor: Actor, document_id: str, audit_view: bool = True) -> Document:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    document = get_in_agency(actor, Document, document_id)
    if audit_view:
        audit.record(actor, "document.view", document)
    return document


def update_draft(actor: Actor, document: Document, data: dict) -> Document:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.DRAFT:
        raise RuleViolation("This form was sent for signature; it can no longer be changed.")
    document.data = data
    audit.record(actor, "document.update", document)
    return document


def content_hash(document: Document) -> str:
    """The hash of exactly what the signers are shown and what the template will print."""
    body = {
        "reference": document.reference,
        "form_type": document.form_type,
        "template_version": document.template_version,
        "template_sha256": document.template_sha256,
        "language": document.language,
        "agency": [document.agency.name, document.agency.address, document.agency.phone],
        "client": [
            document.client.full_name,
            document.client.date_of_birth.isoformat() if document.client.date_of_birth else None,
        ],
        "case": document.case.number,
        "data": document.data,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def people_of(document: Document, reviewer: User | None = None) -> People:
    """The people who may sign this document, from its case (and workflow, for a reviewer)."""

    def staff(user: User | None) -> Person | None:
        return Person(user.name, user.id) if user else None

    case_manager = document.case.case_manager
    return People(
        client=Person(document.client.full_name),
        case_manager=staff(case_manager),
        supervisor=staff(case_manager.supervisor),
        reviewer=staff(reviewer),
    )


def send_for_signature(actor: Actor, document: Document, reviewer: User | None = None) -> Document:
    """Freeze the content, pin the template and create one signer per required role.
    A form with a required element blank cannot be sent (45 CFR 164.508(b)(2))."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.DRAFT:
        raise RuleViolation("This form was already sent for signature.")
    form_type = get_form_type(document.form_type)
    missing = form_type.missing_elements(document.data)
    if missing:
        raise InvalidInput(missing)
    store = template_store()
    version = store.current(document.form_type)
    template = store.load(version, document.language)
    document.template_version = version.number
    document.template_sha256 = hashlib.sha256(template).hexdigest()
    document.content_sha256 = content_hash(document)
    document.status = DocumentStatus.SIGNING
    document.sent_at = utcnow()
    for position, spec in enumerate(
        form_type.signers(document.data, people_of(document, reviewer))
    ):
        db.session.add(
            Signer(
                document=document,
                position=position,
                role=spec.role.key,
                role_label=spec.label,
                name=spec.person.name,
                user_id=spec.person.user_id,
            )
        )
    db.session.flush()
    audit.record(actor, "document.send", document, content_sha256=document.content_sha256)
    return document


def next_signer(document: Document) -> Signer | None:
    return next((s for s in document.signers if s.status == SignerStatus.PENDING), None)


def get_signer(actor: Actor, document: Document, signer_id: str) -> Signer:
    get_in_agency(actor, Document, document.id)
    signer = next((s for s in document.signers if str(s.id) == str(signer_id)), None)
    if signer is None:
        raise NotFound
    return signer


def sign(
    actor: Actor,
    document: Document,
    signer: Signer,
    *,
    ink_payload: str,
    shown_content_sha256: str,
    esign_accepted: bool,
) -> RenderJob | None:
    """Record one signature with its evidence. Signers sign in the declared order; a client
    signs in person on the tablet the case manager handed over, staff sign as themselves.
    Returns the render job when this was the last signature."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if signer.document_id != document.id:
        raise NotFound
    try:
        ink = parse_ink(ink_payload)
    except InkError as exc:
        raise InvalidInput({"ink": [str(exc)]}) from None
    if signer.status == SignerStatus.SIGNED:
        if signer.ink_sha256 == ink_sha256(ink):
            return None  # the same submission again (a double tap or a retry): nothing to do
        raise RuleViolation(f"{signer.name} has already signed this document.")
    if document.status != DocumentStatus.SIGNING:
        raise RuleViolation("This document is not waiting for signatures.")
    if next_signer(document) is not signer:
        raise RuleViolation(f"{next_signer(document).role_label} must sign first.")
    if shown_content_sha256 != document.content_sha256:
        raise RuleViolation("The document changed while it was on screen; please reload it.")
    if not esign_accepted:
        raise InvalidInput(
            {"esign_accepted": ["Tick the box to agree to sign electronically, or ask for paper."]}
        )
    if signer.user_id is not None and signer.user_id != user.id:
        raise PermissionDenied(f"Only {signer.name} can sign as {signer.role_label}.")
    now = utcnow()
    signer.status = SignerStatus.SIGNED
    signer.signed_at = now
    signer.esign_accepted_at = now
    signer.ip = actor.ip
    signer.user_agent = (actor.user_agent or "")[:400]
    signer.content_sha256 = document.content_sha256
    signer.ink = canonical_json(ink).decode()
    signer.ink_sha256 = ink_sha256(ink)
    signer.signature_png = render_png(ink)
    if signer.user_id is None:
        signer.method = IN_PERSON_TABLET
        signer.identity_check = f"In person, identity checked by {user.name}"
        signer.witnessed_by_id = user.id
    else:
        signer.method = STAFF_SESSION
        signer.identity_check = f"Signed in as {user.email}"
    audit.record(
        actor,
        "document.sign",
        document,
        signer=signer.name,
        role=signer.role,
        method=signer.method,
        ink_sha256=signer.ink_sha256,
        content_sha256=document.content_sha256,
        user_agent=signer.user_agent,
    )
    if next_signer(document) is not None:
        db.session.flush()
        return None
    document.status = DocumentStatus.SIGNED
    document.completed_at = now
    job = RenderJob(document=document)
    db.session.add(job)
    db.session.flush()
    return job


def documents_for_case(actor: Actor, case: Case) -> list[Document]:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    return list(
        db.session.execute(
            select(Document).where(Document.case_id == case.id).order_by(Document.created_at.desc())
        ).scalars()
    )
