"""The JSON shape of each object the API returns (allow-listed fields, never a whole row)."""

from datetime import date, datetime

from flask import url_for

from ..archive.models import ArchiveRecord
from ..cases.models import Case, Client
from ..documents.models import Document
from ..documents.service import content_shown


def _time(at: datetime | date | None) -> str | None:
    return at.isoformat() if at else None


def client(c: Client, cases: list[Case] | None = None) -> dict:
    shape = {
        "id": str(c.id),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "date_of_birth": _time(c.date_of_birth),
        "preferred_language": c.preferred_language,
        "hmis_personal_id": c.hmis_personal_id,
        "url": url_for("api.client", client_id=c.id),
    }
    if cases is not None:
        shape["cases"] = [case(k) for k in cases]
    return shape


def case(k: Case, documents: list[Document] | None = None) -> dict:
    shape = {
        "id": str(k.id),
        "number": k.number,
        "client_id": str(k.client_id),
        "program": k.program,
        "status": k.status,
        "opened_on": _time(k.opened_on),
        "closed_on": _time(k.closed_on),
        "hmis_enrollment_id": k.hmis_enrollment_id,
        "url": url_for("api.case", case_id=k.id),
    }
    if documents is not None:
        shape["documents"] = [document(d, with_data=False) for d in documents]
    return shape


def document(d: Document, with_data: bool = True) -> dict:
    """A filed document's content is read in the archive (with a stated purpose), never
    here: `data` is given only while it is not filed."""
    shape = {
        "id": str(d.id),
        "reference": d.reference,
        "form_type": d.form_type,
        "status": d.status.value,
        "language": d.language,
        "case_id": str(d.case_id),
        "client_id": str(d.client_id),
        "created_at": _time(d.created_at),
        "sent_at": _time(d.sent_at),
        "completed_at": _time(d.completed_at),
        "void_reason": d.void_reason,
        "signers": [
            {
                "id": str(s.id),
                "position": s.position,
                "role": s.role,
                "name": s.name,
                "status": s.status.value,
                "signed_at": _time(s.signed_at),
            }
            for s in d.signers
        ],
        "url": url_for("api.document", document_id=d.id),
    }
    if with_data and content_shown(d):
        shape["data"] = d.data
    return shape


def record(r: ArchiveRecord, status: str | None = None) -> dict:
    return {
        "id": str(r.id),
        "reference": r.reference,
        "version": r.version,
        "form_type": r.form_type,
        "language": r.language,
        "client_id": str(r.client_id),
        "client_name": r.client_name,
        "case_id": str(r.case_id),
        "case_number": r.case_number,
        "document_id": str(r.document_id),
        "signed_at": _time(r.signed_at),
        "status": status,
        "pdf_sha256": r.pdf_sha256,
        "docx_sha256": r.docx_sha256,
        "url": url_for("api.record", record_id=r.id),
        "pdf_url": url_for("api.download", record_id=r.id, kind="pdf"),
        "docx_url": url_for("api.download", record_id=r.id, kind="docx"),
    }
