import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import IdMixin, utcnow
from ..extensions import db


class ArchiveRecord(IdMixin, db.Model):
    """A filed document: points to its stored DOCX and PDF by sha256 and says exactly what they
    were made from. Never updated in place; a correction is a new document."""

    __tablename__ = "archive_record"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    form_type: Mapped[str] = mapped_column(String(50))
    reference: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    client_name: Mapped[str] = mapped_column(String(201))
    search_name: Mapped[str] = mapped_column(String(201), index=True)
    case_number: Mapped[str] = mapped_column(String(30))
    template_version: Mapped[int]
    template_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)  # the verification page
    signers: Mapped[list] = mapped_column(JSON)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AccessLog(IdMixin, db.Model):
    """Who opened which archived file, when, and why."""

    __tablename__ = "archive_access"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()
