import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin, utcnow
from ..documents.models import Document
from ..extensions import db


class RenderStatus(StrEnum):
    PENDING = "pending"  # waiting for a runner, or for another try after a failure
    FAILED = "failed"  # gave up after MAX_ATTEMPTS: waits for staff or `render-pending`
    DONE = "done"  # rendered and filed


# A job's claim: a new job is the queue's for QUEUED_LEASE (time to wait its turn behind a
# backlog), a runner takes it for RUN_LEASE as it starts (more than two conversions, two
# converter starts and the seal). The sweep hands over a pending job only once its claim has
# expired: its hand-over was lost, or its runner died.
QUEUE = "queue"
QUEUED_LEASE = timedelta(minutes=5)
RUN_LEASE = timedelta(minutes=5)


def queued_lease() -> datetime:
    return utcnow() + QUEUED_LEASE


class RenderJob(IdMixin, CreatedMixin, db.Model):
    """Written in the same transaction as the last signature, so a signed document always
    gets rendered: a job that failed or was cut short stays pending until it succeeds."""

    __tablename__ = "render_job"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=RenderStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=QUEUE)
    lease_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=queued_lease
    )

    document: Mapped[Document] = relationship()


class PeriodicRun(db.Model):
    """When a periodic task (`rendering.schedule.PERIODIC`) next falls due, for the whole
    instance: the runner that moves it on, in one statement, is the one that runs it, so
    several processes (gunicorn workers, machines) run each task once per interval."""

    __tablename__ = "periodic_run"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ran_by: Mapped[str | None] = mapped_column(String(100))


class PreparedRender(db.Model):
    """A document's form converted while it waits for its signatures (`prepared.py`), with
    where its boxes are: kept until the document is filed, then deleted in that transaction."""

    __tablename__ = "prepared_render"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # sha256 of everything it was rendered from but the signatures: any change, and it is not used
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    boxes: Mapped[dict] = mapped_column(JSON)
