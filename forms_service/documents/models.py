import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Agency, User
from ..cases.models import Case, Client
from ..database import CreatedMixin, IdMixin, enum_column
from ..extensions import db


class DocumentStatus(StrEnum):
    DRAFT = "draft"  # being filled; may have blank elements
    SIGNING = "signing"  # content frozen and hashed; collecting signatures in order
    SIGNED = "signed"  # every required signer signed; waiting for its render
    ARCHIVED = "archived"  # rendered and filed in the archive
    DECLINED = "declined"  # a signer chose not to sign
    PAPER = "paper"  # a signer asked for paper: signed outside this service
    VOIDED = "voided"  # sent, then called off before it was signed; the reason is kept
    DELETED = "deleted"  # a draft thrown away; the row stays, so its audit trail names it


class Document(IdMixin, CreatedMixin, db.Model):
    """One filled form. Its content never changes once sent for signature; a change is a new
    Document whose `supersedes_id` points to the one before."""

    __tablename__ = "document"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    form_type: Mapped[str] = mapped_column(String(50))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[DocumentStatus] = enum_column(DocumentStatus, default=DocumentStatus.DRAFT)
    data: Mapped[dict] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(10), default="en")
    template_version: Mapped[int | None]
    template_sha256: Mapped[str | None] = mapped_column(String(64))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # The agency's logo when the document was sent: it prints that one, whatever comes later.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The scan of a form signed on paper (a blob in the archive store), filed in its place.
    paper_scan_sha256: Mapped[str | None] = mapped_column(String(64))
    void_reason: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()
    case: Mapped[Case] = relationship()
    client: Mapped[Client] = relationship()
    created_by: Mapped[User] = relationship()
    signers: Mapped[list["Signer"]] = relationship(
        back_populates="document", order_by="Signer.position"
    )


class SignerStatus(StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"  # chose not to sign; the reason is recorded
    PAPER = "paper"  # asked to sign on paper instead (ESIGN: the right to a paper copy)
    SIGNED_ON_PAPER = "signed_on_paper"  # the signed paper came back and staff attested to it


class Signer(IdMixin, CreatedMixin, db.Model):
    """One required signature, with the evidence that makes it attributable (ESIGN/UETA)."""

    __tablename__ = "signer"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), index=True)
    position: Mapped[int]
    role: Mapped[str] = mapped_column(String(30))
    role_label: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[SignerStatus] = enum_column(SignerStatus, default=SignerStatus.PENDING)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    method: Mapped[str | None] = mapped_column(String(30))
    identity_check: Mapped[str | None] = mapped_column(String(200))
    witnessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    esign_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    declined_reason: Mapped[str | None] = mapped_column(Text)
    # "drawn" with a finger or mouse, or "typed": the signer typed their name and attested to it
    # (WCAG 2.5.7: a way to sign without drawing).
    signature_kind: Mapped[str | None] = mapped_column(String(10))
    typed_name: Mapped[str | None] = mapped_column(String(200))
    # The browser's key for one submission: a retried or repeated submit signs once.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    ink: Mapped[str | None] = mapped_column(Text)
    ink_sha256: Mapped[str | None] = mapped_column(String(64))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)

    document: Mapped[Document] = relationship(back_populates="signers")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class ClientCopyLink(IdMixin, CreatedMixin, db.Model):
    """A one-time, expiring link to a client's copy, sent by message. Only the token's hash
    is kept."""

    __tablename__ = "client_copy_link"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship()
    created_by: Mapped[User] = relationship()


class DeliveryMethod(StrEnum):
    IN_HAND = "in_hand"
    MAIL = "mail"
    EMAIL = "email"
    TEXT = "text"
    FAX = "fax"


class Delivery(IdMixin, CreatedMixin, db.Model):
    """How and when a signed document reached the person it is addressed to (a termination
    notice, a final decision, a grievance response), as staff recorded it."""

    __tablename__ = "document_delivery"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), index=True)
    method: Mapped[DeliveryMethod] = enum_column(DeliveryMethod)
    delivered_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))

    recorded_by: Mapped[User] = relationship()


class PaperDelivery(IdMixin, CreatedMixin, db.Model):
    """How a document that is given on paper only reached the client (a notice that ends a
    lease: ESIGN does not apply, 15 U.S.C. 7003(b)(2)(B)). The row is written when the document
    is sent, empty, and filled once when staff record the delivery: in hand or by mail, on
    which day, by whom."""

    __tablename__ = "paper_delivery"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    method: Mapped[DeliveryMethod | None] = enum_column(DeliveryMethod, nullable=True)
    delivered_on: Mapped[date | None]
    delivered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship()
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])
