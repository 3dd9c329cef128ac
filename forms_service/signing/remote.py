"""One-time links: a signer who is not in the room signs on their own phone. Staff create the
link; whoever holds it must answer an identity question before seeing anything, and the link
signs once. A link that does not work says only that, to anyone: the audit trail says why."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..accounts import service as accounts
from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..database import utcnow
from ..documents.evidence import ONE_TIME_LINK, Evidence, next_signer, record_signature
from ..documents.models import Document, DocumentStatus, Signer, SignerStatus
from ..errors import NotFound, PermissionDenied, RuleViolation
from ..extensions import db
from ..i18n import LANGUAGES, language_name
from ..rendering.models import RenderJob
from .models import RemoteLink

DOB = "dob"
CODE = "code"
MAX_ATTEMPTS = 5


class LinkDoesNotWork(Exception):
    """Unknown, expired, used, revoked or locked: the visitor is not told which."""


@dataclass(frozen=True)
class LinkVisitor(Actor):
    """Whoever holds a link, in the audit trail: nobody signed in, known by the link only."""

    who: str = "unverified visitor"

    @property
    def label(self) -> str:
        return f"{self.who} (one-time link)"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(actor: Actor, action: str, link: RemoteLink, **details) -> None:
    """Link events go on the document's trail, so its audit certificate shows them."""
    audit.record(actor, action, link.signer.document, link=str(link.id), **details)


def _identity_check(link: RemoteLink) -> str:
    if link.identity_method == DOB:
        return "Date of birth matched"
    return f"Code read out by {db.session.get(User, link.created_by_id).name} matched"


def create_link(
    actor: Actor, document: Document, signer: Signer, identity_method: str
) -> tuple[RemoteLink, str, str | None]:
    """A link for the next signer who is not staff (staff sign as themselves). Returns the
    link, its token and, for the code method, the code: both are shown once and only their
    hashes are kept. The signer's older links stop working."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if signer.document_id != document.id:
        raise NotFound
    if signer.user_id is not None:
        raise RuleViolation(gettext("Staff sign as themselves, not through a link."))
    if document.status != DocumentStatus.SIGNING or next_signer(document) is not signer:
        raise RuleViolation(gettext("This document is not waiting for this signer."))
    if document.language not in LANGUAGES:  # only an agency template has it
        raise RuleViolation(
            gettext(
                "The signing pages are not available in %(language)s: the interpreter reads "
                "this form to the client, so it is signed on the tablet with them, not "
                "through a link.",
                language=language_name(document.language),
            )
        )
    if identity_method not in (DOB, CODE):
        raise RuleViolation(gettext("Choose date of birth or a code."))
    if identity_method == DOB and document.client.date_of_birth is None:
        raise RuleViolation(gettext("The client's date of birth is not known: use a code instead."))
    now = utcnow()
    for older in _links_of(signer):
        if older.revoked_at is None and older.used_at is None:
            older.revoked_at = now
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}" if identity_method == CODE else None
    link = RemoteLink(
        signer=signer,
        token_sha256=digest(token),
        created_by_id=user.id,
        expires_at=now + timedelta(hours=current_app.config["REMOTE_LINK_HOURS"]),
        identity_method=identity_method,
        code_hash=accounts.hash_password(code) if code else None,
    )
    db.session.add(link)
    db.session.flush()
    _audit(
        actor,
        "remote_link.create",
        link,
        signer=signer.name,
        identity_method=identity_method,
        expires_at=link.expires_at.isoformat(),
    )
    return link, token, code


def _links_of(signer: Signer) -> list[RemoteLink]:
    return list(
        db.session.execute(
            select(RemoteLink)
            .where(RemoteLink.signer_id == signer.id)
            .order_by(RemoteLink.created_at)
        ).scalars()
    )


def _refusal(link: RemoteLink, now: datetime) -> str | None:
    """Why this link does not work now, or None when it does."""
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    if clock.aware(link.expires_at) <= now:
        return "expired"
    if link.failed_attempts >= MAX_ATTEMPTS:
        return "locked"
    document = link.signer.document
    if document.status != DocumentStatus.SIGNING or next_signer(document) is not link.signer:
        return "not_waiting"  # signed on the tablet meanwhile, declined, paper or voided
    return None


def open_link(token: str, ip: str | None = None, user_agent: str | None = None) -> RemoteLink:
    """The working link for `token`, locked for this transaction (so that parallel answers
    count every failure and a link signs once), or LinkDoesNotWork."""
    link = db.session.execute(
        select(RemoteLink).where(RemoteLink.token_sha256 == digest(token)).with_for_update()
    ).scalar_one_or_none()
    visitor = LinkVisitor(None, ip, user_agent)
    if link is None:
        audit.record(visitor, "remote_link.refused", reason="unknown")
        raise LinkDoesNotWork
    reason = _refusal(link, utcnow())
    if reason:
        _audit(visitor, "remote_link.refused", link, reason=reason)
        raise LinkDoesNotWork
    return link


def _answer_matches(link: RemoteLink, answer: str | date) -> bool:
    if link.identity_method == DOB:
        return isinstance(answer, date) and answer == link.signer.document.client.date_of_birth
    return accounts.verify_secret(link.code_hash, "".join(str(answer).split()))


def check_identity(
    link: RemoteLink, answer: str | date, ip: str | None, user_agent: str | None
) -> bool:
    """True when the answer (a date of birth, or the code read out) matches. Each wrong answer
    is in the audit trail; the fifth locks the link (LinkDoesNotWork)."""
    if _answer_matches(link, answer):
        link.verified_at = utcnow()
        _audit(LinkVisitor(None, ip, user_agent, link.signer.name), "remote_link.verified", link)
        return True
    visitor = LinkVisitor(None, ip, user_agent)
    attempts = _count_failure(link)
    if attempts is None:  # locked by answers sent at the same time as this one
        _audit(visitor, "remote_link.refused", link, reason="locked")
        raise LinkDoesNotWork
    _audit(visitor, "remote_link.identity_failed", link, attempts=attempts)
    if attempts >= MAX_ATTEMPTS:
        _audit(visitor, "remote_link.locked", link)
        raise LinkDoesNotWork
    return False


def _count_failure(link: RemoteLink) -> int | None:
    """One more wrong answer, counted in one statement so that answers sent at the same time
    never count as one (SQLite has no row lock); None when the link was already locked."""
    attempts = db.session.execute(
        update(RemoteLink)
        .where(RemoteLink.id == link.id, RemoteLink.failed_attempts < MAX_ATTEMPTS)
        .values(failed_attempts=RemoteLink.failed_attempts + 1)
        .returning(RemoteLink.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    set_committed_value(link, "failed_attempts", attempts or MAX_ATTEMPTS)
    return attempts


def attempts_left(link: RemoteLink) -> int:
    return MAX_ATTEMPTS - link.failed_attempts


def sign_with_link(
    link: RemoteLink,
    ip: str | None,
    user_agent: str | None,
    *,
    verified_in_session: bool,
    **given,
) -> RenderJob | None:
    """Sign through the link, once. The identity answer must have been given in this browser
    session: a link copied elsewhere after someone else answered gets no signature."""
    if not verified_in_session or link.verified_at is None:
        raise PermissionDenied(gettext("Answer the question first."))
    signer = link.signer
    evidence = Evidence(ONE_TIME_LINK, _identity_check(link), ip, user_agent)
    visitor = LinkVisitor(None, ip, user_agent, signer.name)
    job = record_signature(visitor, signer.document, signer, evidence, **given)
    link.used_at = utcnow()
    _audit(visitor, "remote_link.used", link)
    return job


def signed_by_this_submission(token: str, submission_key: str) -> bool:
    """Whether this link already saved the signature that `submission_key` sent: the retry
    of a submission whose answer was lost (the phone dropped its connection after the
    signature was committed) is told "Thank you", not that the link does not work. The key is
    random per page view, known only to the browser that sent it."""
    if not submission_key:
        return False
    link = db.session.execute(
        select(RemoteLink).where(RemoteLink.token_sha256 == digest(token))
    ).scalar_one_or_none()
    return (
        link is not None
        and link.used_at is not None
        and link.signer.status == SignerStatus.SIGNED
        and link.signer.submission_key == submission_key[:64]
    )


def active_links(actor: Actor, document: Document) -> list[RemoteLink]:
    """The links of this document that still work, for the staff page."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    now = utcnow()
    return [
        link
        for signer in document.signers
        if signer.status == SignerStatus.PENDING
        for link in _links_of(signer)
        if _refusal(link, now) is None
    ]


def get_link(actor: Actor, document: Document, link_id: str) -> RemoteLink:
    """A link of this document, for staff who fill forms in its agency; else NotFound."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    try:
        link = db.session.get(RemoteLink, uuid.UUID(str(link_id)))
    except ValueError:
        raise NotFound from None
    if link is None or link.signer.document_id != document.id:
        raise NotFound
    return link


def revoke_link(actor: Actor, document: Document, link_id: str) -> RemoteLink:
    link = get_link(actor, document, link_id)
    if link.revoked_at is None and link.used_at is None:
        link.revoked_at = utcnow()
        _audit(actor, "remote_link.revoke", link, signer=link.signer.name)
    return link


def works(link: RemoteLink) -> bool:
    """True while the link can still be used (for reminders: a stopped link gets none)."""
    return _refusal(link, utcnow()) is None
