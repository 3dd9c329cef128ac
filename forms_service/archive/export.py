"""A client's whole record as one zip, for a records request or a transfer: the PDFs and a
manifest.json (sha256, form type, version, dates and the audit trail of each document).
Reproducible: the same archive and the same inputs give the same bytes (fixed timestamps,
fixed order, nothing about the moment of export inside)."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.service import ARCHIVE_ROLES, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Client
from ..errors import InvalidInput
from ..extensions import db
from ..forms.consent_release import PART2_NOTICE, SUD_CATEGORIES
from . import roi
from . import status as record_status
from .models import ArchiveRecord, ArchiveSupersession
from .service import canonical_value, log_access, record_for_document, stated_purpose, stored_file
from .sharing import CLIENT, Recipient, categories_needed, sharing_allowed, sharing_decision

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no export moment in the bytes


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    records: list[ArchiveRecord]  # those included


def _entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _trail(record: ArchiveRecord) -> list[dict]:
    """The document's own events (created, sent, signed, rendered): not the later views of
    the record, so that exporting twice gives the same trail."""
    return [
        {
            "id": e.id,
            "at": canonical_value(e.at),
            "actor": e.actor,
            "action": e.action,
            "details": e.details,
            "hash": e.hash,
        }
        for e in audit.events_for(str(record.document_id))
    ]


def _consent_copy(actor, archive, release: ArchiveRecord, written: set) -> dict:
    """Substance use disorder records go with a copy of the consent that lets them go
    (42 CFR 2.32(b)): its PDF, once per export, and its reference."""
    name = f"consents/{release.reference}-v{release.version}.pdf"
    if name not in written:
        _entry(archive, name, stored_file(release, "pdf"))
        log_access(actor, release, "export", "copy of the consent that lets Part 2 records go")
        written.add(name)
    return {"consent": release.reference, "file": name}


def _json(value: dict) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()


def _named(recipient: str | Recipient) -> str:
    return recipient.value if isinstance(recipient, Recipient) else recipient


def export_client(
    actor: Actor,
    client_id: str,
    recipient: str,
    on: date,
    purpose: str,
    explanation: str = "",
) -> Export:
    """Everything the recipient may receive of the client's record as of `on`: for the
    client, all of it; for a partner, what `sharing_allowed` lets through. Logged per file."""
    require_role(actor, ARCHIVE_ROLES)
    client = get_in_agency(actor, Client, client_id)
    if recipient is not CLIENT:
        recipient = (recipient or "").strip()
        if not recipient or len(recipient) > 200:
            raise InvalidInput({"recipient": [gettext("Name who receives the export.")]})
    stated = stated_purpose(purpose, explanation)
    records = [
        r
        for r in db.session.execute(
            select(ArchiveRecord)
            .where(ArchiveRecord.client_id == client.id)
            .order_by(ArchiveRecord.signed_at, ArchiveRecord.reference)
        ).scalars()
        if sharing_allowed(r, recipient, on)
    ]
    statuses = record_status.statuses([r.id for r in records])
    superseded_by = {
        s.record_id: s.by_record.reference
        for s in db.session.execute(
            select(ArchiveSupersession).where(
                ArchiveSupersession.record_id.in_([r.id for r in records])
            )
        ).scalars()
    }
    out = io.BytesIO()
    entries, written = [], set()
    with zipfile.ZipFile(out, "w") as archive:
        for record in records:
            entry = {
                "reference": record.reference,
                "form_type": record.form_type,
                "version": record.version,
                "status": statuses[record.id],
                "superseded_by": superseded_by.get(record.id),
                "signed_at": canonical_value(record.signed_at),
                "archived_at": canonical_value(record.archived_at),
                "template_version": record.template_version,
                "pdf_sha256": record.pdf_sha256,
                "file": None,
                "audit_trail": _trail(record),
            }
            if statuses[record.id] != "disposed":
                entry["file"] = f"documents/{record.reference}-v{record.version}.pdf"
                _entry(archive, entry["file"], stored_file(record, "pdf"))
                log_access(actor, record, "export", f"{stated} (export to {_named(recipient)})")
                if roi.is_release(record):  # beside its PDF, as an HMIS imports an ROI
                    entry["roi"] = entry["file"].removesuffix(".pdf") + ".roi.json"
                    _entry(archive, entry["roi"], _json(roi.roi_record(record, on)))
                if recipient is not CLIENT and SUD_CATEGORIES & categories_needed(record):
                    release = sharing_decision(record, recipient, on).release
                    entry["disclosed_under"] = _consent_copy(
                        actor, archive, record_for_document(actor, release), written
                    )
                    entry["part2_notice"] = PART2_NOTICE
            entries.append(entry)
        manifest = {
            "client": {"id": str(client.id), "name": client.full_name},
            "agency": client.agency.name,
            "recipient": _named(recipient),
            "as_of": on.isoformat(),
            "documents": entries,
        }
        _entry(archive, "manifest.json", _json(manifest))
    data = out.getvalue()
    audit.record(
        actor,
        "archive.export",
        client,
        recipient=_named(recipient),
        purpose=stated,
        as_of=on.isoformat(),
        documents=[r.reference for r in records],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    filename = f"record-{client.id.hex[:8]}-{on.isoformat()}.zip"
    return Export(filename, data, records)
