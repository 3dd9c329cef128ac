"""Finding archived documents: by client name (partial, case- and accent-insensitive, "Last,
First" too, and typo-tolerant on PostgreSQL through pg_trgm), document number, words inside
the document, client, part of a case number, form type, dates, status, signer, "in force on a
date" and "on legal hold"; paginated and sortable, within the actor's agency only."""

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import Agency
from ..accounts.service import ARCHIVE_ROLES, Actor, require_role
from ..audit import service as audit
from ..cases.service import escaped, name_matches
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import N_
from . import fulltext
from . import status as record_status
from .models import ArchiveRecord, LegalHold

SORTS = {  # labels translated where shown
    "newest": (N_("Newest signed first"), (ArchiveRecord.signed_at.desc(),)),
    "oldest": (N_("Oldest signed first"), (ArchiveRecord.signed_at.asc(),)),
    "client": (N_("Client name"), (ArchiveRecord.search_name, ArchiveRecord.signed_at.desc())),
    "form": (N_("Form type"), (ArchiveRecord.form_type, ArchiveRecord.signed_at.desc())),
}
BY_SIGNING = ("newest", "oldest")  # the orders an index of the agency's records gives
PER_PAGE = 25
COUNT_LIMIT = 1000  # beyond this the page says "more than 1,000": counting them all is slow


@dataclass(frozen=True)
class Criteria:
    name: str = ""
    reference: str = ""
    text: str = ""  # words inside the document
    client_id: str = ""
    case_number: str = ""  # or part of one
    form_type: str = ""
    signed_from: date | None = None
    signed_to: date | None = None
    status: str = ""
    signer: str = ""
    in_force_on: date | None = None
    on_hold: bool = False
    sort: str = "newest"
    page: int = 1

    def given(self) -> dict:
        """The criteria that narrow the search (for the audit trail and "nothing asked")."""
        ignored = ("sort", "page")
        return {
            f.name: str(getattr(self, f.name))
            for f in fields(self)
            if f.name not in ignored
            and str(getattr(self, f.name) or "").strip()
            and getattr(self, f.name) is not False
        }


@dataclass(frozen=True)
class Page:
    records: list[ArchiveRecord]
    statuses: dict[uuid.UUID, str]
    total: int  # at most COUNT_LIMIT + 1
    number: int

    @property
    def more_than(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_LIMIT) / PER_PAGE))


def validate(criteria: Criteria) -> uuid.UUID | None:
    """Refuse criteria that cannot be searched, naming the field; returns the client id."""
    errors: dict[str, list[str]] = {}
    client_id = None
    if criteria.client_id:
        try:
            client_id = uuid.UUID(criteria.client_id.strip())
        except ValueError:
            errors["client_id"] = [
                gettext("A client id looks like 3f2b…-…; copy it from a record.")
            ]
    if criteria.signed_from and criteria.signed_to and criteria.signed_from > criteria.signed_to:
        errors["signed_to"] = [gettext("The end of the date range is before its start.")]
    if criteria.status and criteria.status not in record_status.STATUSES:
        errors["status"] = [gettext("Choose a status from the list.")]
    if criteria.sort not in SORTS:
        errors["sort"] = [gettext("Choose an order from the list.")]
    if criteria.page < 1:
        errors["page"] = [gettext("Pages start at 1.")]
    if errors:
        raise InvalidInput(errors)
    return client_id


def _on_hold(agency_id: uuid.UUID):
    """A hold not yet lifted covers the record: on its client, or on its case. Read from the
    agency's few holds to their records (not every record to the holds), so it stays fast
    in an archive of millions."""
    held = aliased(ArchiveRecord)
    return ArchiveRecord.id.in_(
        select(held.id)
        .join(LegalHold, LegalHold.client_id == held.client_id)
        .where(
            LegalHold.agency_id == agency_id,
            LegalHold.lifted_at.is_(None),
            or_(LegalHold.case_id.is_(None), LegalHold.case_id == held.case_id),
        )
    )


def build_query(
    agency_id: uuid.UUID, criteria: Criteria, widened: bool, dialect: str, common: bool = False
) -> Select:
    """The records matching `criteria` in one agency, in the chosen order (unpaginated);
    `widened`, a case number is found by part and a name despite a typo (PostgreSQL);
    `common`, the words searched inside documents are common ones (`fulltext.is_common`)."""
    client_id = validate(criteria)
    record = ArchiveRecord
    fuzzy = widened and dialect == "postgresql"
    where = [record.agency_id == agency_id]
    where += name_matches(record.search_name, criteria.name, fuzzy)
    where += name_matches(record.signer_names, criteria.signer, fuzzy)
    if criteria.reference.strip():
        where.append(record.reference == criteria.reference.strip().upper())
    inside = fulltext.matches(agency_id, criteria.text, dialect, common)
    if inside is not None:
        where.append(inside)
    if client_id:
        where.append(record.client_id == client_id)
    number = criteria.case_number.strip().upper()
    if number and widened:
        where.append(record.case_number.like(f"%{escaped(number)}%", escape="\\"))
    elif number:
        where.append(record.case_number == number)
    if criteria.form_type:
        where.append(record.form_type == criteria.form_type)
    zone = db.session.get(Agency, agency_id).time_zone  # its days, not the server's
    if criteria.signed_from:
        where.append(record.signed_at >= record_status.start_of(criteria.signed_from, zone))
    if criteria.signed_to:
        next_day = criteria.signed_to + timedelta(days=1)
        where.append(record.signed_at < record_status.start_of(next_day, zone))
    if criteria.status:
        where.append(record_status.condition(criteria.status, zone))
    if criteria.in_force_on:
        where.append(record_status.in_force(criteria.in_force_on, zone))
    if criteria.on_hold:
        where.append(_on_hold(agency_id))
    order = SORTS[criteria.sort][1]
    return select(record).where(*where).order_by(*order, record.id)


def capped_count(query: Select, walk: bool = False) -> Select:
    """How many records `query` finds, counting no further than COUNT_LIMIT + 1, and without
    its order: sorting every match only to count them is what made counts slow. A `walk` (a
    common word) keeps the order an index gives, so the count stops at the limit."""
    counted = query if walk else query.order_by(None)
    return select(func.count()).select_from(counted.limit(COUNT_LIMIT + 1).subquery())


def find(
    execute: Callable, agency_id: uuid.UUID, criteria: Criteria, dialect: str
) -> tuple[list[ArchiveRecord], int]:
    """One page of matches and their capped count. A name, signer or case number is first
    matched as typed (what staff mean nearly always, and fast); only when that finds nothing
    does part of a case number count, and on PostgreSQL near misses of a name ("nunes"
    finds "Núñez")."""
    names = criteria.name.strip() or criteria.signer.strip()
    widens = criteria.case_number.strip() or (names and dialect == "postgresql")
    common = (
        dialect == "postgresql"
        and criteria.sort in BY_SIGNING
        and fulltext.is_common(execute, agency_id, criteria.text)
    )
    for widened in (False, True) if widens else (False,):
        query = build_query(agency_id, criteria, widened, dialect, common)
        total = execute(capped_count(query, common)).scalar_one()
        if total:
            page = query.limit(PER_PAGE).offset((criteria.page - 1) * PER_PAGE)
            return list(execute(page).scalars()), total
    return [], 0


def search(actor: Actor, criteria: Criteria) -> Page:
    """One page of the actor's agency's records matching `criteria`; no criteria, no
    records (the page asks for some)."""
    user = require_role(actor, ARCHIVE_ROLES)
    validate(criteria)
    given = criteria.given()
    if not given:
        return Page([], {}, 0, 1)
    dialect = db.session.get_bind().dialect.name
    records, total = find(db.session.execute, user.agency_id, criteria, dialect)
    audit.record(actor, "archive.search", criteria=given, results=total)
    return Page(records, record_status.statuses([r.id for r in records]), total, criteria.page)
