import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin
from ..documents.models import Document
from ..extensions import db


class RenderStatus(StrEnum):
    PENDING = "pending"  # waiting for a runner, or for another try after a failure
    FAILED = "failed"  # gave up after MAX_ATTEMPTS: waits for staff or `render-pending`
    DONE = "done"  # rendered and filed


class RenderJob(IdMixin, CreatedMixin, db.Model):
    """Written in the same transaction as the last signature, so a signed document always
    gets rendered: a job that failed or was cut short stays pending until it succeeds."""

    __tablename__ = "render_job"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=RenderStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship()
