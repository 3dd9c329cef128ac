"""A record's status, derived from the append-only facts about it, never stored on it."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select

from ..accounts.models import Agency
from ..extensions import db
from ..forms import form_types
from ..i18n import N_
from .models import ArchiveDisposal, ArchiveRecord, ArchiveSupersession

STATUSES = {  # labels translated where shown
    "active": N_("Active"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "superseded": N_("Superseded"),
    "disposed": N_("Disposed of"),
}


def start_of(day: date, zone: str) -> datetime:
    """The first moment of `day` on the agency's clock, in UTC as times are stored (SQLite
    compares the stored text, which ignores a zone)."""
    return datetime.combine(day, time.min, ZoneInfo(zone)).astimezone(UTC)


def _superseded(before: datetime | None = None, record=ArchiveRecord) -> ColumnElement[bool]:
    when = [ArchiveSupersession.at < before] if before else []
    return exists().where(
        ArchiveSupersession.record_id == record.id,
        # redundant for the answer, decisive for the plan: only this agency's supersessions
        ArchiveSupersession.agency_id == record.agency_id,
        *when,
    )


def _disposed(before: datetime | None = None, record=ArchiveRecord) -> ColumnElement[bool]:
    when = [ArchiveDisposal.at < before] if before else []
    return exists().where(ArchiveDisposal.record_id == record.id, *when)


def ended_by_workflow(
    status: str, zone: str, before: datetime | None = None
) -> ColumnElement[bool]:
    """Records their form's workflow ended (before `before`, default now): "revoked" or
    "expired", as each form type's spec says of its own records (`ended_records`), by the
    agency's calendar in `zone`."""
    ended = [
        and_(ArchiveRecord.form_type == form_type.name, condition)
        for form_type in form_types()
        if (condition := form_type.ended_records(status, zone, before)) is not None
    ]
    return or_(*ended) if ended else false()


# The statuses told by a record's id and agency alone: `condition` can test them on a search
# row (`record`: an entity with those two), without reading the record.
BY_ID = ("superseded", "disposed")


def condition(status: str, zone: str, record=ArchiveRecord) -> ColumnElement[bool]:
    """SQL: the records that have `status` now, by the clock of their agency (in `zone`)."""
    if status == "superseded":
        return and_(_superseded(record=record), not_(_disposed(record=record)))
    if status == "disposed":
        return _disposed(record=record)
    if status in ("revoked", "expired"):
        return and_(ended_by_workflow(status, zone), not_(_superseded()), not_(_disposed()))
    return in_force(None, zone)


def in_force(on: date | None, zone: str) -> ColumnElement[bool]:
    """SQL: signed on or before the agency's day `on` (its clock in `zone`), and not
    superseded, disposed of, revoked or expired before it (`None`: now)."""
    before = start_of(on, zone) if on else None
    ended = [
        _superseded(before),
        _disposed(before),
        ended_by_workflow("revoked", zone, before),
        ended_by_workflow("expired", zone, before),
    ]
    signed = [ArchiveRecord.signed_at < start_of(on + timedelta(days=1), zone)] if on else []
    return and_(*signed, *(not_(e) for e in ended))


def statuses(ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The status of each record of one agency (every caller lists one agency's), by its
    clock, in a few queries for a page of results."""
    found = dict.fromkeys(ids, "active")
    if not ids:
        return found
    zone = db.session.scalar(
        select(Agency.time_zone).join(ArchiveRecord).where(ArchiveRecord.id == ids[0])
    )
    for status, model in (("superseded", ArchiveSupersession), ("disposed", ArchiveDisposal)):
        for record_id in db.session.execute(
            select(model.record_id).where(model.record_id.in_(ids))
        ).scalars():
            found[record_id] = status
    for status in ("revoked", "expired"):
        for record_id in db.session.execute(
            select(ArchiveRecord.id).where(ArchiveRecord.id.in_(ids), condition(status, zone))
        ).scalars():
            found[record_id] = status
    return found
