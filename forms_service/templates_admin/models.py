import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin, enum_column
from ..extensions import db


class TemplateStatus(StrEnum):
    DRAFT = "draft"  # checked and previewed, used by no document yet
    ACTIVE = "active"  # new documents of the agency use the newest active version
    DISCARDED = "discarded"  # never used; its number is not given again
    # No longer given to new documents (they go back to the agency's previous active version,
    # else the shipped one); the documents pinned to it keep it.
    RETIRED = "retired"


class AgencyTemplateVersion(IdMixin, CreatedMixin, db.Model):
    """One version of an agency's template of a form type: a file per language, each in the
    blob store by its sha256. Numbered after every shipped and earlier version of the form
    type, never reused; never changed once active (a document pins number and sha256)."""

    __tablename__ = "agency_template_version"
    __table_args__ = (UniqueConstraint("agency_id", "form_type", "number"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    form_type: Mapped[str] = mapped_column(String(50))
    number: Mapped[int]
    status: Mapped[TemplateStatus] = enum_column(TemplateStatus, default=TemplateStatus.DRAFT)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(300))  # the admin (name, e-mail) or operator
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    files: Mapped[list["AgencyTemplateFile"]] = relationship(
        back_populates="version", order_by="AgencyTemplateFile.language"
    )


class AgencyTemplateFile(IdMixin, db.Model):
    """A language's DOCX of a version: uploaded to it, or carried over unchanged from the
    version current when it was made (so every version has every language it offers)."""

    __tablename__ = "agency_template_file"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency_template_version.id"))
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    carried_from: Mapped[int | None]  # the version it was carried over from, else uploaded
    # The form's example rendered in this file when it was uploaded, for its preview.
    preview_pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    version: Mapped[AgencyTemplateVersion] = relationship(back_populates="files")
