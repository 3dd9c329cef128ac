import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin
from ..extensions import db
from ..notifications.models import OutboxRow


class WebhookEndpoint(IdMixin, CreatedMixin, db.Model):
    """An address of another system that hears the agency's events it chose. Its secret signs
    each delivery; it is kept sealed with the server's secret key (`keys.sealer`), shown once."""

    __tablename__ = "webhook_endpoint"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(JSON)
    secret_sealed: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Why it was turned off: by an admin, or after a delivery failed for about three days.
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))


class WebhookEvent(IdMixin, CreatedMixin, db.Model):
    """Something that happened, once (`event_key`), with the ids and links of what it is about
    (never a form's content); its id is the event id receivers deduplicate by."""

    __tablename__ = "webhook_event"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(250), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)


class WebhookDelivery(IdMixin, CreatedMixin, OutboxRow, db.Model):
    """One event to one endpoint: the outbox row, written with the event. An endpoint's
    deliveries leave in the order they were written, each after the one before is done."""

    __tablename__ = "webhook_delivery"

    endpoint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_endpoint.id"), index=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_event.id"), index=True)
    response_code: Mapped[int | None]  # of the last try
    redelivered_by: Mapped[str | None] = mapped_column(String(254))  # an admin asked again

    endpoint: Mapped[WebhookEndpoint] = relationship()
    event: Mapped[WebhookEvent] = relationship()


class WebhookAttempt(IdMixin, db.Model):
    """One try of a delivery, for the endpoint's delivery log."""

    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    response_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
