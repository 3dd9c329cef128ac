"""Signing links that reach the signer: sent by text message or e-mail through the outbox,
with reminders after a set delay until the link is used, revoked or expires. A message says
who sends it and carries the link, nothing about the client or the form."""

import re
from datetime import timedelta

from cryptography.fernet import Fernet
from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from .. import clock, keys
from ..accounts.service import Actor
from ..audit import service as audit
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..formatting import date_time
from ..i18n import LANGUAGES
from ..signing import remote
from ..signing.models import RemoteLink
from .models import Channel, Invitation, OutboxMessage
from .service import channel_ready, queue_message

SHOW = "show"  # no message: staff show the QR code or copy the link
_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone_number(value: str) -> str:
    """A mobile number in the international form providers take (+13145550100); a 10-digit
    number is read as a US one."""
    digits = _PHONE_PUNCTUATION.sub("", value or "")
    if re.fullmatch(r"1?\d{10}", digits):
        digits = "+1" + digits[-10:]
    if not re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        raise InvalidInput(
            {"phone": [gettext("Enter a mobile number, for example (314) 555-0100.")]}
        )
    return digits


def email_address(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput(
            {"email": [gettext("Enter an e-mail address, for example name@example.org.")]}
        )
    return value


def recipient(send_by: str, phone: str, email: str) -> tuple[Channel, str] | None:
    """Where to send a link, checked before anything is written; None to show it only."""
    if send_by == SHOW:
        return None
    if send_by not in (Channel.SMS, Channel.EMAIL):
        raise InvalidInput({"send_by": [gettext("Choose how to send the link.")]})
    channel = Channel(send_by)
    if not channel_ready(channel):
        raise InvalidInput({"send_by": [gettext("This server cannot send that way yet.")]})
    return (
        (channel, phone_number(phone))
        if channel == Channel.SMS
        else (channel, email_address(email))
    )


def send_options() -> dict:
    """What a send form offers: the ways this server can send, and whether links would point
    at the server's own address (FORMS_PUBLIC_URL unset)."""
    return {
        "sms_ready": channel_ready(Channel.SMS),
        "email_ready": channel_ready(Channel.EMAIL),
        "public_url_missing": not current_app.config["PUBLIC_URL"],
    }


def _fernet() -> Fernet:
    return keys.sealer(current_app.config["SECRET_KEY"], "signing-invitation")


def reminder_delay() -> timedelta:
    return timedelta(hours=current_app.config["REMINDER_HOURS"])


def _language(link) -> str:
    language = link.signer.document.client.preferred_language
    return language if language in LANGUAGES else "en"


def _texts(link, url: str, reminder: bool) -> tuple[str, str]:
    """(subject, body) in the client's language: the agency's name, the link, until when."""
    agency = link.signer.document.agency
    with force_locale(_language(link)):
        until = date_time(link.expires_at, zone=agency.time_zone)
        if reminder:
            subject = gettext("Reminder: a document to sign from %(agency)s", agency=agency.name)
            body = gettext(
                "%(agency)s: a reminder that a document is waiting for your signature. "
                "Open this link: %(url)s (it works until %(until)s).",
                agency=agency.name,
                url=url,
                until=until,
            )
        else:
            subject = gettext("A document to sign from %(agency)s", agency=agency.name)
            body = gettext(
                "%(agency)s asks you to sign a document. Open this link: %(url)s "
                "(it works once, until %(until)s).",
                agency=agency.name,
                url=url,
                until=until,
            )
    return subject, body


def send_link(actor: Actor, link, url: str, channel: Channel, to: str) -> OutboxMessage:
    """Write the link's message to the outbox (and its invitation, for reminders)."""
    agency_id = link.signer.document.agency_id
    audit.record(
        actor, "remote_link.send", link.signer.document, link=str(link.id), channel=channel.value
    )
    db.session.add(
        Invitation(
            agency_id=agency_id,
            link_id=link.id,
            channel=channel,
            to_address=to,
            url_sealed=_fernet().encrypt(url.encode()).decode(),
            next_reminder_at=utcnow() + reminder_delay(),
        )
    )
    subject, body = _texts(link, url, reminder=False)
    return queue_message(
        agency_id, f"signing-link:{link.id}", channel, to, body, subject, link.signer.document
    )


def invitation_of(link) -> Invitation | None:
    return db.session.execute(
        select(Invitation).where(Invitation.link_id == link.id).with_for_update()
    ).scalar_one_or_none()


def _url(invitation: Invitation) -> str:
    return _fernet().decrypt(invitation.url_sealed.encode()).decode()


def resend_link(actor: Actor, document, link_id: str, sent_again: int | None) -> OutboxMessage:
    """Send a link that still works again, to where it went the first time (the client lost
    the message); a link shown only as a QR code has nowhere to go: staff send a new one.
    `sent_again` is how many times it had been sent again when staff saw the page: pressing
    the same button twice names the same sending, so the message goes out once."""
    link = remote.get_link(actor, document, link_id)
    invitation = invitation_of(link)
    if invitation is None or not remote.works(link):
        raise RuleViolation(
            gettext("This link was not sent by a message or no longer works: send a new link.")
        )
    if sent_again is None or not 0 <= sent_again <= invitation.resends:
        raise RuleViolation(gettext("The page was out of date: open the document again."))
    if sent_again == invitation.resends:  # a new press; else the press already sent
        invitation.resends += 1
        audit.record(
            actor,
            "remote_link.resend",
            document,
            link=str(link.id),
            channel=invitation.channel.value,
        )
    subject, body = _texts(link, _url(invitation), reminder=False)
    return queue_message(
        invitation.agency_id,
        f"signing-link:{link.id}:again:{sent_again + 1}",
        invitation.channel,
        invitation.to_address,
        body,
        subject,
        document,
    )


def invitations_for(links) -> dict:
    """The invitation of each of these links that was sent by a message, by link id."""
    ids = [link.id for link in links]
    if not ids:
        return {}
    rows = db.session.execute(select(Invitation).where(Invitation.link_id.in_(ids))).scalars()
    return {row.link_id: row for row in rows}


def queue_reminders() -> int:
    """Write a reminder for every sent link that is due one and still works, one each
    `FORMS_REMINDER_HOURS` until its link stops (used, revoked, expired, signed)."""
    now = utcnow()
    due = db.session.execute(
        select(Invitation, RemoteLink)
        .join(RemoteLink, RemoteLink.id == Invitation.link_id)
        .where(Invitation.next_reminder_at <= now)
    ).all()
    queued = 0
    for invitation, link in due:
        if not remote.works(link):
            invitation.next_reminder_at = None
            continue
        invitation.reminders_sent += 1
        later = now + reminder_delay()
        invitation.next_reminder_at = later if later < clock.aware(link.expires_at) else None
        subject, body = _texts(link, _url(invitation), reminder=True)
        queue_message(
            invitation.agency_id,
            f"signing-reminder:{link.id}:{invitation.reminders_sent}",
            invitation.channel,
            invitation.to_address,
            body,
            subject,
            link.signer.document,
        )
        queued += 1
    db.session.commit()
    return queued


def next_reminder_in() -> timedelta | None:
    at = db.session.execute(
        select(Invitation.next_reminder_at)
        .where(Invitation.next_reminder_at.is_not(None))
        .order_by(Invitation.next_reminder_at)
        .limit(1)
    ).scalar_one_or_none()
    db.session.rollback()
    return None if at is None else max(clock.aware(at) - utcnow(), timedelta(0))
