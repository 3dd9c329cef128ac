"""Webhook endpoints and the events they hear. `emit` is the one way an event is raised: the
service function where the thing happens calls it, in its own transaction, and it writes the
event with one outbox row (a delivery) per endpoint of the agency that wants it."""

import secrets
import uuid

from flask import current_app, g
from flask_babel import gettext
from sqlalchemy import select

from .. import keys
from ..accounts.models import Role
from ..accounts.service import Actor, get_in_agency, require_role
from ..audit import service as audit
from ..database import after_commit
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..i18n import N_
from . import transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

ADMIN = (Role.ADMIN,)
EVENTS = {
    "document.sent": N_("A document was sent for signature"),
    "document.signed": N_("A signer signed a document (one event per signer)"),
    "document.filed": N_("A signed document was rendered and filed in the archive"),
    "document.declined": N_("A signer declined to sign"),
    "document.voided": N_("A document was voided"),
    "consent.revoked": N_("A consent to release information was revoked"),
    "consent.expired": N_(
        "A consent to release information ended (its end date, its end event, or its case closed)"
    ),
    "termination.notice_issued": N_("A termination notice was issued"),
    "termination.decided": N_("A final decision on a termination appeal was made"),
    "grievance.filed": N_("A grievance was filed"),
    "grievance.answered": N_("A grievance was answered"),
}
# The pages of this site an event's objects link to, by table.
PAGES = {
    "document": ("documents.show", "document_id"),
    "archive_record": ("archive.record", "record_id"),
    "case": ("cases.show", "case_id"),
}
MAX_URL = 500


def _sealer():
    return keys.sealer(current_app.config["SECRET_KEY"], "webhook-secret")


def secret_of(endpoint: WebhookEndpoint) -> str:
    return _sealer().decrypt(endpoint.secret_sealed.encode()).decode()


def link(table: str, object_id) -> str | None:
    """The address of an object's page: on FORMS_PUBLIC_URL (a bare path without it)."""
    if table not in PAGES:
        return None
    endpoint, argument = PAGES[table]
    path = current_app.url_map.bind("localhost").build(endpoint, {argument: str(object_id)})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def _describe(obj) -> dict:
    """What an event says of an object: its id, the reference staff know it by, and its page;
    never what a form says."""
    table = type(obj).__tablename__
    item = {"id": str(obj.id)}
    for attr in ("reference", "number", "form_type", "role"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            item[attr] = value
    if url := link(table, obj.id):
        item["url"] = url
    return item


def emit(agency_id, event_type: str, **about) -> WebhookEvent | None:
    """Raise `event_type` about the objects (models) and plain values in `about`, once (a
    second call with the same objects writes nothing), for each enabled endpoint of the agency
    that wants it, in the caller's transaction; delivered once that commits."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = [
        e
        for e in db.session.execute(
            select(WebhookEndpoint).where(
                WebhookEndpoint.agency_id == agency_id, WebhookEndpoint.enabled.is_(True)
            )
        ).scalars()
        if event_type in e.events
    ]
    if not endpoints:
        return None
    ids = ",".join(f"{k}={v.id}" for k, v in sorted(about.items()) if hasattr(v, "id"))
    key = f"{event_type}:{ids}"[:250]
    if db.session.scalar(select(WebhookEvent.id).where(WebhookEvent.event_key == key)):
        return None
    data = {k: _describe(v) if hasattr(v, "id") else v for k, v in about.items()}
    event = WebhookEvent(agency_id=agency_id, event_key=key, type=event_type, data=data)
    db.session.add(event)
    db.session.add_all(WebhookDelivery(endpoint=e, event=event) for e in endpoints)
    db.session.flush()
    if not g.get("webhooks_after_commit"):
        g.webhooks_after_commit = True
        after_commit(_deliver_soon)
    return event


def _deliver_soon() -> None:
    from ..notifications.runner import send_now  # the runner calls the services, not back

    g.pop("webhooks_after_commit", None)
    send_now()


def _checked(url: str, events: list[str]) -> tuple[str, list[str]]:
    url, errors = url.strip(), {}
    try:
        if len(url) > MAX_URL:
            raise transport.Refused
        transport.check_url(url)
    except transport.Refused:
        errors["url"] = [
            gettext(
                "Give the address as https://host/path (at most %(max)d characters, "
                "no user name or password in it).",
                max=MAX_URL,
            )
        ]
    wanted = [e for e in EVENTS if e in events]
    if not wanted or len(wanted) != len(set(events)):
        errors["events"] = [gettext("Choose at least one of the events listed.")]
    if errors:
        raise InvalidInput(errors)
    return url, wanted


def create_endpoint(actor: Actor, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret, which is shown this once."""
    user = require_role(actor, ADMIN)
    url, events = _checked(url, events)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        agency_id=user.agency_id,
        url=url,
        events=events,
        secret_sealed=_sealer().encrypt(secret.encode()).decode(),
        created_by_id=user.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(actor, "webhook.create", endpoint, url=url, events=events)
    return endpoint, secret


def update_endpoint(
    actor: Actor, endpoint: WebhookEndpoint, url: str, events: list[str], enabled: bool
) -> WebhookEndpoint:
    """Change the address or the events, or turn it off or on again (deliveries kept waiting
    while it was off then leave, in order)."""
    require_role(actor, ADMIN)
    get_in_agency(actor, WebhookEndpoint, endpoint.id)
    endpoint.url, endpoint.events = _checked(url, events)
    if enabled != endpoint.enabled:
        endpoint.disabled_reason = None if enabled else f"Turned off by {actor.user.name}."
    endpoint.enabled = enabled
    audit.record(
        actor, "webhook.update", endpoint, url=endpoint.url, events=endpoint.events, enabled=enabled
    )
    return endpoint


def endpoints(actor: Actor) -> list[WebhookEndpoint]:
    user = require_role(actor, ADMIN)
    return list(
        db.session.execute(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.agency_id == user.agency_id)
            .order_by(WebhookEndpoint.created_at)
        ).scalars()
    )


def get_endpoint(actor: Actor, endpoint_id) -> WebhookEndpoint:
    require_role(actor, ADMIN)
    return get_in_agency(actor, WebhookEndpoint, endpoint_id)


def delivery_log(actor: Actor, endpoint: WebhookEndpoint, limit: int = 100) -> list:
    """The endpoint's latest deliveries, newest first, each with its tries."""
    require_role(actor, ADMIN)
    get_in_agency(actor, WebhookEndpoint, endpoint.id)
    deliveries = list(
        db.session.execute(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.created_at.desc())
            .limit(limit)
        ).scalars()
    )
    tries = db.session.execute(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_([d.id for d in deliveries]))
        .order_by(WebhookAttempt.at)
    ).scalars()
    by_delivery = {}
    for attempt in tries:
        by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
    return [(d, by_delivery.get(d.id, [])) for d in deliveries]


def redeliver(actor: Actor, endpoint: WebhookEndpoint, delivery_id) -> WebhookDelivery:
    """Send an event to the endpoint again (the receiver lost it, or it failed): a new
    delivery, after those already waiting; the receiver sees the same event id."""
    user = require_role(actor, ADMIN)
    get_in_agency(actor, WebhookEndpoint, endpoint.id)
    key = _uuid(delivery_id)
    old = db.session.get(WebhookDelivery, key) if key else None
    if old is None or old.endpoint_id != endpoint.id:
        raise NotFound
    again = WebhookDelivery(endpoint=endpoint, event_id=old.event_id, redelivered_by=user.email)
    db.session.add(again)
    db.session.flush()
    audit.record(actor, "webhook.redeliver", endpoint, event=str(old.event_id))
    after_commit(_deliver_soon)
    return again


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
