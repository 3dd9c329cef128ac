"""The outbox: `queue_message` writes a message in the caller's transaction; `send_due` sends
what is due, each message claimed by one runner first, so it goes out once. A failure is
retried with growing waits, audited, and shown to staff."""

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..accounts.service import ALL_STAFF, SYSTEM, Actor, require_role
from ..audit import service as audit
from ..database import utcnow
from ..extensions import db
from . import outbox
from .channels import NotConfigured, Outgoing, SendFailed, email_sender, sms_sender
from .models import Channel, MessageStatus, OutboxMessage

# Waits before the 2nd, 3rd, ... try; after the last the message is failed for staff to see.
RETRIES = outbox.Retries(
    (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
)
# A message claimed this long ago and still "sending": its runner died mid-send. It may have
# arrived, so it is not sent again by itself: staff see it failed and can send a new one.
CLAIM_LOST_AFTER = timedelta(minutes=15)


def queue_message(
    agency_id: uuid.UUID,
    event_key: str,
    channel: Channel,
    to: str,
    body: str,
    subject: str = "",
    about=None,
) -> OutboxMessage:
    """The message for `event_key`, written with the caller's transaction; the one already
    written when that event has its message (so a retried action sends nothing twice)."""
    existing = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.event_key == event_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    message = OutboxMessage(
        agency_id=agency_id,
        event_key=event_key,
        channel=channel,
        to_address=to,
        subject=subject,
        body=body,
        about_type=type(about).__tablename__ if about is not None else None,
        about_id=str(about.id) if about is not None else None,
    )
    db.session.add(message)
    db.session.flush()
    return message


def sender_for(channel: Channel):
    """The configured sender of `channel`, or NotConfigured with what is missing."""
    config = current_app.config
    return email_sender(config) if channel == Channel.EMAIL else sms_sender(config)


def channel_ready(channel: Channel) -> bool:
    try:
        sender_for(channel)
    except NotConfigured:
        return False
    return True


def send_one(message_id: uuid.UUID) -> bool:
    """Send one pending message; True when it went out. Its own unit of work."""
    if not outbox.claim(OutboxMessage, message_id):
        return False
    message = db.session.get(OutboxMessage, message_id)
    try:
        provider_id = sender_for(message.channel).send(
            Outgoing(message.to_address, message.subject, message.body)
        )
    except SendFailed as exc:
        gave_up = outbox.failed(message, exc.reason, RETRIES, exc.permanent)
        audit.record(
            SYSTEM,
            "message.failed",
            message,
            channel=message.channel.value,
            attempt=message.attempts,
            error=message.error,
            gave_up=gave_up,
        )
        db.session.commit()
        return False
    outbox.succeeded(message)
    message.provider_id = (provider_id or "")[:100] or None
    message.body = ""  # it may hold a working link; what was sent is not kept
    audit.record(SYSTEM, "message.sent", message, channel=message.channel.value)
    db.session.commit()
    return True


def _give_up_lost_claims() -> None:
    for message in outbox.lost_claims(OutboxMessage, CLAIM_LOST_AFTER):
        message.status = MessageStatus.FAILED
        message.error = "The sender stopped while sending: it may or may not have arrived."
        audit.record(SYSTEM, "message.failed", message, error=message.error, gave_up=True)
    db.session.commit()


def send_due(limit: int = 200) -> tuple[int, int]:
    """Send the messages whose time has come, oldest first: (sent, not sent)."""
    _give_up_lost_claims()
    now = utcnow()
    ids = (
        db.session.execute(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == MessageStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.created_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    db.session.rollback()
    sent = sum(send_one(message_id) for message_id in ids)
    return sent, len(ids) - sent


def next_retry_in() -> timedelta | None:
    """How long until the earliest message waiting for another try is due."""
    return outbox.next_retry_in(OutboxMessage)


def messages_about(actor: Actor, about) -> list[OutboxMessage]:
    """The messages sent (or tried) about one object of the actor's agency, newest first."""
    require_role(actor, ALL_STAFF)
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.agency_id == actor.agency_id,
                OutboxMessage.about_id == str(about.id),
            )
            .order_by(OutboxMessage.created_at.desc())
        ).scalars()
    )


def agency_messages(actor: Actor, status: MessageStatus | None = None, limit: int = 200):
    """The agency's recent messages (or those in one status), newest first, for staff."""
    require_role(actor, ALL_STAFF)
    query = select(OutboxMessage).where(OutboxMessage.agency_id == actor.agency_id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(
        db.session.execute(query.order_by(OutboxMessage.created_at.desc()).limit(limit)).scalars()
    )


def send_test_message(channel: Channel, to: str) -> str | None:
    """Send a test message now, outside the outbox (an operator checks the settings): the
    provider's id, or SendFailed with the reason."""
    return sender_for(channel).send(
        Outgoing(
            to,
            "forms-service test message",
            "This is a test message from forms-service. Your settings work.",
        )
    )
