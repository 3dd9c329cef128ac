"""A release of information as a record another system imports (an HMIS's ROI record): who
it is about and who receives what, when it was signed, from when and until when it allows
sharing, when it was revoked, and the template version and hash it was signed on. Written as
JSON beside the release's PDF in a client's record export; what it says is what the release
says, and the end it records is the one the agency had recorded by the export's day."""

from datetime import date

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..forms import form_type_that
from ..workflows.models import ReleaseEnd
from .models import ArchiveRecord
from .service import canonical_value


def is_release(record: ArchiveRecord) -> bool:
    return record.form_type == form_type_that("release_of_information").name


def roi_record(record: ArchiveRecord, on: date) -> dict:
    """The release's ROI record as of the day `on` (an end recorded later is left out, so
    the same export gives the same bytes)."""
    data, client = record.document.data, record.document.client
    end = db.session.scalar(select(ReleaseEnd).where(ReleaseEnd.release_id == record.document_id))
    if end is not None and clock.day_of(end.effective_at, record.document.agency) > on:
        end = None
    return {
        "reference": record.reference,
        "version": record.version,
        "client": {
            "id": str(client.id),
            "name": client.full_name,
            "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
            "hmis_personal_id": client.hmis_personal_id,
        },
        "recipient": {
            "name": data.get("recipient_name"),
            "type": data.get("recipient_type"),
            "contact": data.get("recipient_contact") or None,
        },
        "scope": {
            "categories": sorted(data.get("categories") or []),
            "other_information": data.get("other_information") or None,
            "purpose": data.get("purpose"),
        },
        "signed": canonical_value(record.signed_at),
        "effective": canonical_value(record.signed_at),
        "expires": {"on": data.get("end_date") or None, "event": data.get("end_event") or None},
        "revoked_at": canonical_value(end.effective_at)
        if end and end.reason == "revoked"
        else None,
        "ended": {"reason": end.reason, "at": canonical_value(end.effective_at)} if end else None,
        "template": {"version": record.template_version, "sha256": record.template_sha256},
        "content_sha256": record.content_sha256,
        "pdf_sha256": record.pdf_sha256,
    }
