"""English copies: where the agency wants one (`Agency.file_english_copy`), a document
signed in another language is also rendered in English and filed beside its record, for
staff, auditors and courts who read English. The copy carries the same data, signers and
signature images and says on its first line which signed original it renders; the original
(what the client read and signed) stays the record."""

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.models import Agency
from ..accounts.service import Actor
from ..database import utcnow
from ..errors import RuleViolation
from ..extensions import db
from ..rendering.resources import Rendered, seal_certificates
from .models import ArchiveCopy, ArchiveDisposal, ArchiveRecord
from .service import (
    DamagedRecord,
    blob_store,
    canonical_value,
    file_problems,
    log_access,
    requested,
    stored_file,
)

COPY_LANGUAGE = "en"
COPY_FIELDS = ("record_id", "language", "template_version", "template_sha256")
COPY_FIELDS += ("docx_sha256", "pdf_sha256", "made_at")


def copy_hash(copy: ArchiveCopy, record: ArchiveRecord) -> str:
    """sha256 over the copy's fields and its original's record hash: ties the two together,
    and `verify` names either one edited later."""
    body = {name: canonical_value(getattr(copy, name)) for name in COPY_FIELDS}
    body["original_record_sha256"] = record.record_sha256
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def copy_of(record: ArchiveRecord) -> ArchiveCopy | None:
    return db.session.execute(
        select(ArchiveCopy).where(ArchiveCopy.record_id == record.id)
    ).scalar_one_or_none()


def wants_copy(record: ArchiveRecord) -> bool:
    if record.language == COPY_LANGUAGE:
        return False
    return db.session.get(Agency, record.agency_id).file_english_copy


def file_copy(record: ArchiveRecord, rendered: Rendered) -> ArchiveCopy:
    """File the English rendering of `record`; a second filing returns the first copy."""
    existing = copy_of(record)
    if existing is not None:
        return existing
    store = blob_store()
    copy = ArchiveCopy(
        id=uuid.uuid4(),
        record_id=record.id,
        language=COPY_LANGUAGE,
        template_version=rendered.version.number,
        template_sha256=rendered.template_sha256,
        docx_sha256=store.put(rendered.docx),
        pdf_sha256=store.put(rendered.pdf),
        made_at=utcnow(),
    )
    copy.copy_sha256 = copy_hash(copy, record)
    db.session.add(copy)
    db.session.flush()
    return copy


def records_missing_copy(
    filed_before: datetime | None = None, filed_after: datetime | None = None
) -> list[uuid.UUID]:
    """Records whose agency wants an English copy that has none yet (its rendering failed or
    was cut short; the agency turned the setting on later), filed in that window: the
    copies' outbox."""
    filed_before = filed_before or utcnow()
    since = [ArchiveRecord.archived_at > filed_after] if filed_after else []
    return list(
        db.session.execute(
            select(ArchiveRecord.id)
            .join(Agency, Agency.id == ArchiveRecord.agency_id)
            .outerjoin(ArchiveCopy, ArchiveCopy.record_id == ArchiveRecord.id)
            .outerjoin(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id)
            .where(
                ArchiveRecord.language != COPY_LANGUAGE,
                Agency.file_english_copy.is_(True),
                ArchiveCopy.id.is_(None),
                ArchiveDisposal.id.is_(None),
                ArchiveRecord.archived_at <= filed_before,
                *since,
            )
            .order_by(ArchiveRecord.archived_at)
        ).scalars()
    )


def open_copy(
    actor: Actor, record_id: str, kind: str, purpose: str, explanation: str = ""
) -> tuple[ArchiveRecord, ArchiveCopy, bytes]:
    """The English copy's PDF or DOCX, logged with its purpose like the original's."""
    record, stated = requested(actor, record_id, kind, purpose, explanation)
    copy = copy_of(record)
    if copy is None:
        raise RuleViolation(
            gettext("%(reference)s has no English copy.", reference=record.reference)
        )
    blob = stored_file(record, kind, copy)
    log_access(actor, record, f"copy_{kind}", stated)
    return record, copy, blob


def verify_copies() -> Iterator[DamagedRecord]:
    """Re-hash every English copy's fields and files and check its seal (`forms-service
    verify`); a disposed record's copy went with it."""
    store = blob_store()
    rows = db.session.execute(
        select(ArchiveCopy, ArchiveRecord)
        .join(ArchiveRecord, ArchiveRecord.id == ArchiveCopy.record_id)
        .outerjoin(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id)
        .where(ArchiveDisposal.id.is_(None))
        .order_by(ArchiveCopy.made_at)
        .execution_options(yield_per=500)
    )
    for copy, record in rows:
        if copy.copy_sha256 != copy_hash(copy, record):
            yield DamagedRecord(record, "english copy", "fields changed since it was filed")
        trusted = seal_certificates(record.agency_id, copy.made_at)
        for kind, reason in file_problems(copy, store, trusted):
            yield DamagedRecord(record, f"english {kind}", reason)
