"""The life of a document: drafted, frozen and sent for signature, signed in order, then
handed to rendering. Every rule that gates a step is checked here."""

import hashlib
import json
import secrets
import uuid

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..cases.service import require_open
from ..database import after_commit, utcnow
from ..errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ..extensions import db
from ..forms import get_form_type
from ..forms.registry import People, Person
from ..rendering.models import RenderJob, RenderStatus
from ..rendering.resources import load_template
from ..templates_admin.service import templates_for
from ..webhooks import service as webhooks
from ..workflows.independence import document_reviewer_conflicts
from . import language_access
from .evidence import (
    IN_PERSON_TABLET,
    PAPER,
    STAFF_SESSION,
    Evidence,
    next_signer,
    record_signature,
)
from .language_access import INTERPRETER, checked_interpreter
from .models import Document, DocumentStatus, PaperDelivery, Signer, SignerStatus
from .typed_language import language_doubts


def _new_reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def start_document(
    actor: Actor,
    case: Case,
    form_type_name: str,
    data: dict,
    language: str | None = None,
    interpreter: dict | None = None,
) -> Document:
    """A draft in `language` (default: the client's preferred language); `interpreter`
    ({"name", "language"}) when an English form is read to the client by an interpreter."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    form_type = get_form_type(form_type_name)
    _require_open_for(case, form_type)
    document = Document(
        agency_id=case.agency_id,
        case_id=case.id,
        client_id=case.client_id,
        form_type=form_type.name,
        reference=_new_reference(form_type.prefix),
        data={**data, **form_type.agency_values(case.client.agency)},
        created_by_id=user.id,
        language=language or case.client.preferred_language,
    )
    if interpreter:
        document.data = {**document.data, INTERPRETER: checked_interpreter(interpreter)}
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.create", document, form_type=form_type.name)
    return document


def _require_open_for(case: Case, form_type) -> None:
    """A draft started before the case closed is not sent after it either: a release signed
    then would authorise sharing for a closed case."""
    if not form_type.continues_after_closing:
        require_open(case)


def get_document(actor: Actor, document_id: str, audit_view: bool = True) -> Document:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    document = get_in_agency(actor, Document, document_id)
    if audit_view:
        audit.record(actor, "document.view", document)
    return document


def content_shown(document: Document) -> bool:
    """A filed document is read in the archive, where every opening states its purpose and
    is in the access log: its document page says what happened to it, not what it says."""
    return document.status != DocumentStatus.ARCHIVED


def update_draft(
    actor: Actor,
    document: Document,
    data: dict,
    language: str | None = None,
    interpreter: dict | None = None,
) -> Document:
    """A draft's new content, in `language` (default: the one it has) and read by
    `interpreter` (default: none), so a draft refused for its language can be put right; what
    its workflow filled stays as it was (the page shows it, never takes it)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.DRAFT:
        raise RuleViolation(
            gettext("This form was sent for signature; it can no longer be changed.")
        )
    form_type = get_form_type(document.form_type)
    kept = {name: document.data.get(name) for name in form_type.workflow_fields}  # never typed
    data = {**data, **kept, **form_type.agency_values(document.agency)}
    document.data = {**data, INTERPRETER: checked_interpreter(interpreter)} if interpreter else data
    document.language = language or document.language
    audit.record(
        actor,
        "document.update",
        document,
        language=document.language,
        interpreter=bool(interpreter),
    )
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
    if document.logo_sha256:  # only then: the hashes of documents sent without one stand
        body["logo"] = document.logo_sha256
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
        author=staff(document.created_by),
    )


class TypedLanguageDoubt(RuleViolation):
    """What staff typed seems not to be in the document's language: `doubts` maps each field
    to the language it reads as."""

    def __init__(self, doubts: dict[str, str]):
        self.doubts = doubts
        super().__init__(
            gettext("What you typed seems not to be in the language of the form; check it.")
        )


def typed_language_doubts(document: Document) -> dict[str, str]:
    """The typed core elements of a vital document that read as another language than the
    document's (field -> that language): a Spanish consent printing "…o cuando I move into
    permanent housing…" fails the client it is written for (72 FR 2732)."""
    form_type = get_form_type(document.form_type)
    if not form_type.vital:
        return {}
    texts = {name: document.data.get(name) or "" for name in form_type.typed_core_fields}
    return language_doubts(document.language, texts)


def send_for_signature(
    actor: Actor,
    document: Document,
    reviewer: User | None = None,
    ask_about_typed_language: bool = False,
) -> Document:
    """Freeze the content, pin the template and create one signer per required role (none:
    the document is complete and goes to rendering); a form given on paper only (a notice
    that ends a lease) waits for its signed paper and its delivery instead of e-signatures. A
    form with a required element blank cannot be sent (45 CFR 164.508(b)(2)). With
    `ask_about_typed_language`, typed text that seems to be in another language stops it
    (TypedLanguageDoubt) so that staff check it; sent anyway, the doubts are audited."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.DRAFT:
        raise RuleViolation(gettext("This form was already sent for signature."))
    form_type = get_form_type(document.form_type)
    _require_open_for(document.case, form_type)
    missing = form_type.missing_elements(document.data)
    if missing:
        raise InvalidInput(missing)
    problems = form_type.signing_rules(document)
    if problems:
        raise InvalidInput(problems)
    if form_type.names_reviewer:
        problems = document_reviewer_conflicts(document, reviewer)
        if problems:
            raise RuleViolation(" ".join(problems))
    templates = templates_for(document.agency)
    language_access.check_language(document, form_type, templates.languages(document.form_type))
    doubts = typed_language_doubts(document)
    if doubts and ask_about_typed_language:
        raise TypedLanguageDoubt(doubts)
    version = templates.current(document.form_type, document.language)
    template = load_template(version, document.language)
    document.template_version = version.number
    document.template_sha256 = hashlib.sha256(template).hexdigest()
    document.logo_sha256 = document.agency.logo_sha256
    document.content_sha256 = content_hash(document)
    on_paper = form_type.requires_paper(document.data)
    if not on_paper:
        language_access.check_signing_pages(document, form_type)
    document.status = DocumentStatus.PAPER if on_paper else DocumentStatus.SIGNING
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
                status=SignerStatus.PAPER if on_paper else SignerStatus.PENDING,
            )
        )
    if on_paper:  # signed in ink and delivered by hand or mail, recorded later
        db.session.add(PaperDelivery(document=document))
    if not document.signers:  # a notice the agency gives (HUD-5380): complete as it is sent
        document.status = DocumentStatus.SIGNED
        document.completed_at = document.sent_at
        db.session.add(RenderJob(document=document))
    db.session.flush()
    audit.record(
        actor,
        "document.send",
        document,
        content_sha256=document.content_sha256,
        **({"paper_only": True} if on_paper else {}),
        **({"typed_language_doubts": doubts} if doubts else {}),
    )
    webhooks.emit(document.agency_id, "document.sent", document=document, case=document.case)
    if document.status == DocumentStatus.SIGNING:
        document_id = document.id
        after_commit(lambda: _prepare_soon(document_id))
    return document


def _prepare_soon(document_id: uuid.UUID) -> None:
    """The form converted while its signers read it (the rendering package imports this one)."""
    from ..rendering.queue import prepare_soon

    prepare_soon(document_id)


def get_signer(actor: Actor, document: Document, signer_id: str) -> Signer:
    get_in_agency(actor, Document, document.id)
    signer = next((s for s in document.signers if str(s.id) == str(signer_id)), None)
    if signer is None:
        raise NotFound
    return signer


def sign(actor: Actor, document: Document, signer: Signer, **given) -> RenderJob | None:
    """A signature given in front of staff: a client on the tablet the case manager handed
    over (identity checked in person), or a staff member as themselves."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if signer.document_id != document.id:
        raise NotFound
    if signer.user_id is not None and signer.user_id != user.id:
        raise PermissionDenied(
            gettext(
                "Only %(name)s can sign as %(role)s.",
                name=signer.name,
                role=gettext(signer.role_label),
            )
        )
    if signer.user_id is None:
        evidence = Evidence(
            IN_PERSON_TABLET,
            f"In person, identity checked by {user.name}",
            actor.ip,
            actor.user_agent,
            witnessed_by_id=user.id,
        )
    else:
        evidence = Evidence(STAFF_SESSION, f"Signed in as {user.email}", actor.ip, actor.user_agent)
    return record_signature(actor, document, signer, evidence, **given)


def decline(actor: Actor, document: Document, signer: Signer, reason: str) -> Document:
    """The signer chose not to sign. A client does not owe a reason: one given is kept, a
    blank one is recorded as none given (None); the document stops there."""
    _close_pending_signer(actor, document, signer)
    reason = " ".join(reason.split())
    if len(reason) > 1000:
        raise InvalidInput(
            {"reason": [gettext("The reason is too long: at most 1,000 characters.")]}
        )
    signer.status = SignerStatus.DECLINED
    signer.declined_reason = reason or None
    document.status = DocumentStatus.DECLINED
    audit.record(actor, "document.decline", document, signer=signer.name, reason=reason or None)
    webhooks.emit(document.agency_id, "document.declined", document=document, signer=signer)
    return document


def choose_paper(actor: Actor, document: Document, signer: Signer) -> Document:
    """The signer wants paper instead (ESIGN: the right to a paper copy and to withdraw
    consent to electronic records): the document is then signed on paper."""
    _close_pending_signer(actor, document, signer)
    signer.status = SignerStatus.PAPER
    signer.method = PAPER
    document.status = DocumentStatus.PAPER
    audit.record(actor, "document.paper_requested", document, signer=signer.name)
    return document


# Sent and not signed by all: what a document can be voided from.
VOIDABLE = (DocumentStatus.SIGNING, DocumentStatus.PAPER, DocumentStatus.DECLINED)


def void(actor: Actor, document: Document, reason: str) -> Document:
    """Call off a document sent for signature before every signature is in. Its tablet
    handover and phone links stop working at once (both need a document being signed). A
    signed or filed document is never voided: a change to it is a new version."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status not in VOIDABLE:
        raise RuleViolation(
            gettext("Only a document sent for signature and not yet signed can be voided.")
        )
    reason = " ".join(reason.split())
    if not reason or len(reason) > 1000:
        raise InvalidInput(
            {"reason": [gettext("Say why it is voided, in at most 1,000 characters.")]}
        )
    document.status = DocumentStatus.VOIDED
    document.void_reason = reason
    audit.record(actor, "document.void", document, reason=reason)
    webhooks.emit(document.agency_id, "document.voided", document=document)
    return document


def delete_draft(actor: Actor, document: Document) -> Document:
    """Throw a draft away. The row stays, marked deleted, with what it held: the audit events
    that name it still lead to it, and its reference is never given to another."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if document.status != DocumentStatus.DRAFT:
        raise RuleViolation(
            gettext("Only a draft can be deleted; a document sent for signature can be voided.")
        )
    document.status = DocumentStatus.DELETED
    audit.record(actor, "document.delete", document)
    return document


def render_job(actor: Actor, document: Document) -> RenderJob | None:
    """The job that renders and files a signed document (None before the last signature)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    return db.session.scalar(select(RenderJob).where(RenderJob.document_id == document.id))


def retry_render(actor: Actor, document: Document) -> RenderJob:
    """One more try at a render that gave up, as `render-pending --retry-failed` does; the
    caller hands the job to the queue once this is committed."""
    job = render_job(actor, document)
    if job is None or job.status != RenderStatus.FAILED:
        raise RuleViolation(gettext("This document is not waiting for another try at rendering."))
    job.status = RenderStatus.PENDING
    audit.record(actor, "document.render_retry", document, attempts=job.attempts)
    db.session.flush()
    return job


def _close_pending_signer(actor: Actor, document: Document, signer: Signer) -> None:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if signer.document_id != document.id:
        raise NotFound
    if document.status != DocumentStatus.SIGNING or next_signer(document) is not signer:
        raise RuleViolation(gettext("This document is not waiting for this signer."))


def documents_for_case(actor: Actor, case: Case) -> list[Document]:
    """Newest first; deleted drafts stay out of the way (their own page still opens)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    return list(
        db.session.execute(
            select(Document)
            .where(Document.case_id == case.id, Document.status != DocumentStatus.DELETED)
            .order_by(Document.created_at.desc())
        ).scalars()
    )
