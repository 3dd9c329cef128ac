"""Delivery of the webhook outbox, by the same runner as messages (`notifications.runner`):
each endpoint's deliveries in the order they were written, one at a time; a failure is tried
again after 1, 2, 4, ... minutes, for about three days, while the endpoint's later deliveries
wait. When the last try fails, the endpoint is turned off and the agency's admins are told."""

import json
import time
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from .. import clock
from ..accounts.models import Agency, Role, User
from ..accounts.service import SYSTEM
from ..audit import service as audit
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..extensions import db
from ..notifications import notices, outbox
from ..notifications.models import MessageStatus
from ..workflows import consent
from . import transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .service import emit, secret_of

# 13 tries: the waits 1, 2, 4, ... 2,048 minutes add up to 68 hours.
RETRIES = outbox.Retries(tuple(timedelta(minutes=2**n) for n in range(12)))
# A delivery claimed this long ago and still being sent: its runner died. It is sent again
# (receivers tell a repeat by its event id): the timeout is far shorter than this.
CLAIM_LOST_AFTER = timedelta(minutes=5)
UNFINISHED = (MessageStatus.PENDING, MessageStatus.SENDING)
PER_RUN = 100  # deliveries to one endpoint in one run; the rest in the next
# A consent whose end date passed this many days ago or less is told as expired (an endpoint
# made today does not hear of every consent that ever ended).
EXPIRED_WITHIN = timedelta(days=7)
EXPIRY_SWEEP_EVERY = 3600  # seconds
_last_expiry_sweep = 0.0


def body(delivery: WebhookDelivery) -> bytes:
    """The event as sent: the same bytes on every try, so a receiver's copy hashes alike."""
    event = delivery.event
    agency = db.session.get(Agency, event.agency_id)
    payload = {
        "id": str(event.id),
        "type": event.type,
        "created_at": clock.aware(event.created_at).isoformat().replace("+00:00", "Z"),
        "agency": {"id": str(agency.id), "name": agency.name},
        "data": event.data,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _earlier_unfinished():
    """In the claim's statement: no delivery written before it to its endpoint is still
    unfinished (so two runners never send an endpoint's deliveries out of order)."""
    earlier = aliased(WebhookDelivery)
    return ~exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.status.in_(UNFINISHED),
        earlier.created_at < WebhookDelivery.created_at,
    )


def send_one(delivery: WebhookDelivery) -> bool:
    """One try of a pending delivery, its own unit of work; True when it arrived (a 2xx)."""
    if not outbox.claim(WebhookDelivery, delivery.id, _earlier_unfinished()):
        return False
    db.session.refresh(delivery)
    endpoint = delivery.endpoint
    config = current_app.config
    started = time.monotonic()
    code, reason, permanent = None, None, False
    try:
        answer = transport.post(
            endpoint.url,
            body(delivery),
            secret_of(endpoint),
            transport.allowed_networks(config["WEBHOOKS_ALLOW_PRIVATE"]),
            "forms-service-webhooks",
        )
        code = answer.status
        if not 200 <= code < 300:
            reason = f"answered {code}"
    except transport.Refused as exc:
        reason, permanent = f"refused: {exc}", True
    except ConnectionError as exc:
        reason = f"could not be reached: {exc}"
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=utcnow(),
            response_code=code,
            error=reason,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    )
    delivery.response_code = code
    if reason is None:
        outbox.succeeded(delivery)
        audit.record(SYSTEM, "webhook.delivered", endpoint, event=str(delivery.event_id), code=code)
        db.session.commit()
        return True
    gave_up = outbox.failed(delivery, reason, RETRIES, permanent)
    audit.record(
        SYSTEM,
        "webhook.failed",
        endpoint,
        event=str(delivery.event_id),
        attempt=delivery.attempts,
        error=reason,
        gave_up=gave_up,
    )
    if gave_up:
        _turn_off(endpoint, delivery)
    db.session.commit()
    return False


def _turn_off(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    """Deliveries to it failed for about three days (or it may not be called): off, with a
    notice to each of the agency's admins."""
    endpoint.enabled = False
    endpoint.disabled_reason = (
        f"Turned off after {delivery.attempts} failed tries of one delivery: {delivery.error}"
    )
    audit.record(SYSTEM, "webhook.disabled", endpoint, reason=endpoint.disabled_reason)
    admins = db.session.execute(
        select(User).where(
            User.agency_id == endpoint.agency_id, User.role == Role.ADMIN, User.active.is_(True)
        )
    ).scalars()
    url = notices.path("webhooks.endpoint", endpoint_id=endpoint.id)
    for admin in admins:
        notices.notify(
            admin, notices.WEBHOOK_OFF, f"webhook-off:{delivery.id}", endpoint.url[:200], url
        )


def _requeue_lost_claims() -> None:
    for delivery in outbox.lost_claims(WebhookDelivery, CLAIM_LOST_AFTER):
        delivery.status = MessageStatus.PENDING
        delivery.error = "The runner stopped while sending: sent again."
    db.session.commit()


def _head(endpoint_id) -> WebhookDelivery | None:
    return db.session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status.in_(UNFINISHED))
        .order_by(WebhookDelivery.created_at)
        .limit(1)
    ).scalar_one_or_none()


def deliver_due() -> tuple[int, int]:
    """Send what is due, each endpoint's deliveries in order until one fails: (arrived, not)."""
    _requeue_lost_claims()
    waiting = (
        db.session.execute(
            select(WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookEndpoint.enabled.is_(True), WebhookDelivery.status.in_(UNFINISHED))
            .distinct()
        )
        .scalars()
        .all()
    )
    arrived = failed = 0
    for endpoint_id in waiting:
        for _ in range(PER_RUN):
            head = _head(endpoint_id)
            if (
                head is None
                or head.status != MessageStatus.PENDING
                or outbox.aware(head.next_attempt_at) > utcnow()
                or not head.endpoint.enabled
            ):
                break
            if not send_one(head):
                failed += 1
                break
            arrived += 1
    db.session.rollback()
    return arrived, failed


def next_retry_in() -> timedelta | None:
    return outbox.next_retry_in(WebhookDelivery)


def emit_expired_consents(force: bool = False) -> int:
    """consent.expired for each filed release whose end date passed (within EXPIRED_WITHIN),
    once: an end date is not an action anyone takes, so the runner looks for it, at most
    hourly in one process (a date changes by the day)."""
    global _last_expiry_sweep
    if not force and time.monotonic() - _last_expiry_sweep < EXPIRY_SWEEP_EVERY:
        return 0
    _last_expiry_sweep = time.monotonic()
    agencies = {
        e.agency_id
        for e in db.session.execute(
            select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True))
        ).scalars()
        if "consent.expired" in e.events
    }
    made = 0
    for agency_id in agencies:
        releases = db.session.execute(
            select(Document).where(
                Document.agency_id == agency_id,
                Document.form_type == consent.RELEASE,
                Document.status == DocumentStatus.ARCHIVED,
            )
        ).scalars()
        for release in releases:
            status = consent.release_status(release)
            if status.state != "expired" or not isinstance(status.since, date):
                continue
            if status.since < clock.today(release.agency) - EXPIRED_WITHIN:
                continue
            made += (
                emit(agency_id, "consent.expired", release=release, reason="end_date") is not None
            )
    db.session.commit()
    return made
