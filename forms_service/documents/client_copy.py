"""The client's copy: the signed form with a one-page summary (who signed, when, how, the
fingerprints and where to check it), not the agency's audit certificate. Staff print it or
send it; a copy sent by message is a one-time download link that expires."""

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from .. import clock
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, require_role
from ..archive.service import record_for_document
from ..audit import service as audit
from ..database import utcnow
from ..errors import RuleViolation
from ..extensions import db
from ..formatting import date_time
from ..forms import get_form_type
from ..i18n import LANGUAGES
from ..notifications.models import Channel
from ..notifications.service import queue_message
from ..rendering.resources import template_store
from .models import ClientCopyLink, Document
from .paper_only import delivery_of

if TYPE_CHECKING:
    from signatures.summary import SummaryData

COPY_LINK_DAYS = 7


def public_url(endpoint: str, **values) -> str:
    """An address for the client, on FORMS_PUBLIC_URL when it is set."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    if public:
        return public + url_for(endpoint, **values)
    return url_for(endpoint, **values, _external=True)


def _summary(document: Document, pdf_sha256: str) -> "SummaryData":
    from signatures.summary import SignedBy, SummaryData  # python-docx's: see copy_pdf

    from ..rendering.jobs import _method

    zone = document.agency.time_zone
    with force_locale(document.language):
        return SummaryData(
            document_id=document.reference,
            title=gettext(get_form_type(document.form_type).title),
            agency=document.agency.name,
            client_name=document.client.full_name,
            signers=[
                SignedBy(
                    s.name, gettext(s.role_label), _method(s), date_time(s.signed_at, zone=zone)
                )
                for s in document.signers
            ],
            content_sha256=document.content_sha256,
            filed_pdf_sha256=pdf_sha256,
            verify_url=public_url("archive.verify"),
        )


def _filed(actor: Actor, document: Document):
    record = record_for_document(actor, document)
    if record is None:
        raise RuleViolation(gettext("The client's copy is ready once the document is filed."))
    if document.paper_scan_sha256:
        raise RuleViolation(
            gettext("Signed on paper: the client keeps the paper; print the filed PDF for them.")
        )
    return record


def copy_pdf(document: Document, pdf_sha256: str) -> bytes:
    """Made on demand, in the web worker: the renderer's libraries are loaded by the first
    copy made, not by a worker that never makes one (its documents filed by Celery)."""
    from ..rendering.jobs import render_input
    from ..rendering.service import render_client_copy

    version = template_store().version(document.form_type, document.template_version)
    return render_client_copy(render_input(document), version, _summary(document, pdf_sha256))


def print_copy(actor: Actor, document: Document) -> bytes:
    """The client's copy to print (or hand over), audited."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    record = _filed(actor, document)
    pdf = copy_pdf(document, record.pdf_sha256)
    audit.record(actor, "document.client_copy", document, how="print")
    return pdf


def _language(document: Document) -> str:
    language = document.client.preferred_language
    return language if language in LANGUAGES else "en"


def send_copy(actor: Actor, document: Document, channel: Channel, to: str):
    """A one-time link to the client's copy, sent by text message or e-mail; never for a
    document given on paper only (a notice that ends a lease, 15 U.S.C. 7003(b)(2)(B))."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    if delivery_of(document) is not None:
        raise RuleViolation(
            gettext(
                "This document is given on paper only: hand it to the client or mail it, and "
                "record its delivery on its page."
            )
        )
    _filed(actor, document)
    token = secrets.token_urlsafe(32)
    link = ClientCopyLink(
        agency_id=document.agency_id,
        document_id=document.id,
        token_sha256=hashlib.sha256(token.encode()).hexdigest(),
        created_by_id=actor.user.id,
        expires_at=utcnow() + timedelta(days=COPY_LINK_DAYS),
    )
    db.session.add(link)
    db.session.flush()
    url = public_url("copies.download", token=token)
    agency = document.agency
    with force_locale(_language(document)):
        subject = gettext("Your copy of a document from %(agency)s", agency=agency.name)
        body = gettext(
            "%(agency)s: here is your copy of the document you signed. Download it once from "
            "%(url)s (until %(until)s).",
            agency=agency.name,
            url=url,
            until=date_time(link.expires_at, zone=agency.time_zone),
        )
    audit.record(actor, "document.client_copy", document, how=channel.value)
    return queue_message(
        document.agency_id, f"client-copy:{link.id}", channel, to, body, subject, document
    )


class CopyLinkDoesNotWork(Exception):
    """Unknown, used or expired: the visitor is not told which."""


def open_copy_link(token: str) -> ClientCopyLink:
    link = db.session.execute(
        select(ClientCopyLink)
        .where(ClientCopyLink.token_sha256 == hashlib.sha256(token.encode()).hexdigest())
        .with_for_update()
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or clock.aware(link.expires_at) <= utcnow():
        raise CopyLinkDoesNotWork
    return link


def download_copy(link: ClientCopyLink, ip: str | None, user_agent: str | None) -> bytes:
    """The copy behind a working link, once: the link stops working."""
    document = link.document
    record = record_for_document(Actor(link.created_by), document)
    pdf = copy_pdf(document, record.pdf_sha256)
    link.used_at = utcnow()
    audit.record(
        Actor(None, ip, user_agent), "document.client_copy_download", document, link=str(link.id)
    )
    return pdf
