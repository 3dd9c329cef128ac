"""Blobs no row points to: a render killed after storing its DOCX and PDF but before its
commit leaves them behind (as may an upload cut short). They were never filed, so no chain or
checkpoint covers them: `verify` names them, and the periodic sweep deletes those older than
`UNREFERENCED_GRACE_HOURS`, never one stored since a render still running began."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, union

from .. import clock
from ..accounts.models import Agency
from ..accounts.service import SYSTEM
from ..audit import service as audit
from ..database import utcnow
from ..documents.models import Document
from ..extensions import db
from ..templates_admin.models import AgencyTemplateFile
from .models import ArchiveCopy, ArchiveRecord
from .service import blob_store

# Every column that names a stored blob by its sha256.
REFERENCES = (
    ArchiveRecord.docx_sha256,
    ArchiveRecord.pdf_sha256,
    ArchiveCopy.docx_sha256,
    ArchiveCopy.pdf_sha256,
    Document.paper_scan_sha256,
    Document.logo_sha256,
    Agency.logo_sha256,
    AgencyTemplateFile.sha256,
    AgencyTemplateFile.preview_pdf_sha256,
)


@dataclass(frozen=True)
class Unreferenced:
    sha256: str
    stored_at: datetime

    def __str__(self) -> str:
        return (
            f"UNREFERENCED {self.sha256}: stored {self.stored_at:%Y-%m-%d %H:%M} UTC and "
            "named by no record (a render or upload cut short before its commit); the "
            "periodic sweep deletes it after FORMS_UNREFERENCED_GRACE_HOURS"
        )


def _referenced() -> set[str]:
    query = union(*(select(column).where(column.is_not(None)) for column in REFERENCES))
    return set(db.session.execute(query).scalars())


def _in_flight_since() -> datetime:
    """Blobs stored after this may belong to a render still running (or just now starting):
    the claim of the oldest running job, and never later than one run's lease ago."""
    from ..rendering.models import QUEUE, RUN_LEASE, RenderJob, RenderStatus

    now = utcnow()
    running = db.session.scalar(
        select(func.min(RenderJob.lease_until)).where(
            RenderJob.status == RenderStatus.PENDING,
            RenderJob.claimed_by != QUEUE,
            RenderJob.lease_until > now,
        )
    )
    since = now - RUN_LEASE
    return min(since, clock.aware(running) - RUN_LEASE) if running is not None else since


def unreferenced(stored_before: datetime | None = None) -> list[Unreferenced]:
    """Stored blobs no row names, stored before `stored_before` (default: before any render
    still running could have stored them)."""
    before = min(stored_before or _in_flight_since(), _in_flight_since())
    referenced = _referenced()
    return sorted(
        (
            Unreferenced(sha256, stored_at)
            for sha256, stored_at in blob_store().blobs()
            if sha256 not in referenced and stored_at < before
        ),
        key=lambda u: u.stored_at,
    )


def sweep_unreferenced() -> int:
    """Delete the unreferenced blobs older than the grace period (the periodic task); each
    deletion is in the instance's audit trail."""
    grace = timedelta(hours=current_app.config["UNREFERENCED_GRACE_HOURS"])
    store = blob_store()
    swept = unreferenced(utcnow() - grace)
    for blob in swept:
        store.delete(blob.sha256)
        audit.record(
            SYSTEM,
            "archive.unreferenced_deleted",
            sha256=blob.sha256,
            stored_at=str(blob.stored_at),
        )
        db.session.commit()
    return len(swept)
