"""A document's versions in the archive: v1 … vn, who superseded each and why, and what
changed between two of them. Superseding adds a fact; the old record is never touched."""

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.service import ALL_STAFF, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..errors import InvalidInput, NotFound, RuleViolation
from ..extensions import db
from ..forms import get_form_type
from . import status as record_status
from .models import ArchiveRecord, ArchiveSupersession


@dataclass(frozen=True)
class Version:
    record: ArchiveRecord
    status: str
    superseded: ArchiveSupersession | None  # by the next version: who, when, why


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


def _supersession_of(record: ArchiveRecord) -> ArchiveSupersession | None:
    return db.session.execute(
        select(ArchiveSupersession).where(ArchiveSupersession.record_id == record.id)
    ).scalar_one_or_none()


def _previous(record: ArchiveRecord) -> ArchiveRecord | None:
    earlier = record.document.supersedes_id
    if earlier is None:
        return None
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == earlier)
    ).scalar_one_or_none()


def supersede(
    actor: Actor, old: ArchiveRecord, new: ArchiveRecord, reason: str
) -> ArchiveSupersession:
    """Mark `old` as replaced by `new`, its next version (a case plan updated, a form
    corrected): the new document must point to the old one and follow its version number."""
    user = require_role(actor, ALL_STAFF)
    for record in (old, new):
        get_in_agency(actor, ArchiveRecord, record.id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise InvalidInput(
            {"reason": [gettext("Say why it is superseded (at most 500 characters).")]}
        )
    if (
        new.document.supersedes_id != old.document_id
        or new.version != old.version + 1
        or (new.client_id, new.form_type) != (old.client_id, old.form_type)
    ):
        raise RuleViolation(
            gettext(
                "%(new)s is not the next version of %(old)s: a new version is a new document of "
                "the same form and client that points to the one it replaces.",
                new=new.reference,
                old=old.reference,
            )
        )
    if _supersession_of(old) is not None:
        raise RuleViolation(
            gettext("%(reference)s was already superseded.", reference=old.reference)
        )
    if record_status.statuses([old.id, new.id]).get(new.id) == "disposed":
        raise RuleViolation(gettext("%(reference)s was disposed of.", reference=new.reference))
    supersession = ArchiveSupersession(
        agency_id=old.agency_id,
        record_id=old.id,
        by_record_id=new.id,
        user_id=user.id,
        reason=reason,
    )
    db.session.add(supersession)
    db.session.flush()
    audit.record(actor, "archive.supersede", old, by=new.reference, reason=reason)
    return supersession


def history(actor: Actor, record_id: str) -> list[Version]:
    """Every archived version of the record's document, oldest first."""
    require_role(actor, ALL_STAFF)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    chain = [record]
    while (earlier := _previous(chain[0])) is not None:
        chain.insert(0, earlier)
    while (later := _supersession_of(chain[-1])) is not None:
        chain.append(later.by_record)
    statuses = record_status.statuses([r.id for r in chain])
    audit.record(actor, "archive.history", record, versions=len(chain))
    return [Version(r, statuses[r.id], _supersession_of(r)) for r in chain]


def _shown(value) -> str:
    if value in (None, "", [], False):
        return "—"
    if value is True:
        return gettext("Yes")
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def compare(actor: Actor, record_id: str, other_id: str) -> list[Change]:
    """The fields whose values differ between two versions of one document, in form order."""
    versions = [v.record for v in history(actor, record_id)]
    try:
        other = get_in_agency(actor, ArchiveRecord, other_id)
    except NotFound:
        raise InvalidInput({"compare": [gettext("Choose a version of this document.")]}) from None
    if other not in versions:
        raise InvalidInput({"compare": [gettext("Choose a version of this document.")]})
    old, new = sorted(
        [get_in_agency(actor, ArchiveRecord, record_id), other], key=lambda r: r.version
    )
    audit.record(actor, "archive.compare", new, against=old.reference)
    return field_changes(old.form_type, old.document.data, new.document.data)


def field_changes(form_type: str, old_data: dict, new_data: dict) -> list[Change]:
    """The fields whose values differ between two versions' data, in form order."""
    labels = {f.name: f.label.text for f in get_form_type(form_type).form_class.from_payload({})}
    names = list(labels) + sorted((old_data.keys() | new_data.keys()) - labels.keys())
    return [
        Change(name, labels.get(name, name), _shown(old_data.get(name)), _shown(new_data.get(name)))
        for name in names
        if old_data.get(name) != new_data.get(name)
    ]
