import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import CreatedMixin, IdMixin, enum_column, utcnow
from ..extensions import db


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class MessageStatus(StrEnum):
    PENDING = "pending"  # waiting for a runner, or for its next try after a failure
    SENDING = "sending"  # claimed by one runner; nobody else sends it
    SENT = "sent"
    FAILED = "failed"  # gave up (or a runner died while sending): staff decide


class OutboxRow:
    """The columns of a row waiting to leave (a message, a webhook delivery): its state, its
    tries and its next try (`notifications.outbox` moves them)."""

    status: Mapped[MessageStatus] = enum_column(
        MessageStatus, default=MessageStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(IdMixin, CreatedMixin, OutboxRow, db.Model):
    """One message to one address, written in the transaction of the action that causes it.
    `event_key` names that event (e.g. the signing link it carries): a second row for the
    same event is never written, so nothing is sent twice."""

    __tablename__ = "outbox_message"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[Channel] = enum_column(Channel)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200), default="")
    # Only a link and the agency's name; emptied once sent (a link in it works until then).
    body: Mapped[str] = mapped_column(Text)
    # What the message is about, for staff: the object's table and id (a document, a link).
    about_type: Mapped[str | None] = mapped_column(String(50))
    about_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(100))  # the SMS provider's id


class Invitation(IdMixin, CreatedMixin, db.Model):
    """A one-time signing link sent to a signer by text message or e-mail: where to, and the
    link sealed with the server's secret key, so reminders can send the same link again (a
    copy of the database alone opens no link)."""

    __tablename__ = "signing_invitation"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    link_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("remote_link.id"), unique=True)
    channel: Mapped[Channel] = enum_column(Channel)
    to_address: Mapped[str] = mapped_column(String(254))
    url_sealed: Mapped[str] = mapped_column(Text)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    resends: Mapped[int] = mapped_column(default=0)  # "Send it again" by staff
    next_reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class Notice(IdMixin, CreatedMixin, db.Model):
    """Something a staff member should know or do, shown in the header's count and on the
    Notices page (and e-mailed if they chose so). `event_key` makes each one once."""

    __tablename__ = "staff_notice"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(250), unique=True)
    kind: Mapped[str] = mapped_column(String(30))  # its words come from NOTICE_TEXTS
    subject: Mapped[str] = mapped_column(Text)  # what it is about: a reference, a due item
    # A subject in words (a due item): in each staff language, shown in the reader's.
    subjects: Mapped[dict | None] = mapped_column(JSON)
    url: Mapped[str] = mapped_column(String(300))  # where to act on it, a path of this site
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticePreference(db.Model):
    """A staff member's choice to get their notices by e-mail too."""

    __tablename__ = "notice_preference"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=False)
