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
from sqlalchemy import Select, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ..accounts.models import Agency
from ..accounts.service import ARCHIVE_ROLES, Actor, require_role
from ..audit import service as audit
from ..cases.search import SHORT_WORD, escaped, name_matches, typed_words
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import N_
from . import fulltext
from . import status as record_status
from .models import SEARCHED, ArchiveNameWord, ArchiveRecord, ArchiveSearchRow, LegalHold

SORTS = {  # labels translated where shown; columns by name ("-": descending), then the id
    "newest": (N_("Newest signed first"), ("-signed_at",)),
    "oldest": (N_("Oldest signed first"), ("signed_at",)),
    "client": (N_("Client name"), ("search_name", "-signed_at")),
    "form": (N_("Form type"), ("form_type", "-signed_at")),
}
# The orders an index of the agency's search rows gives (ix_archive_search_agency_signed,
# ix_archive_search_agency_client): a search can walk them (see `find`).
WALKABLE = ("newest", "oldest", "client")
PER_PAGE = 25
COUNT_LIMIT = 1000  # beyond this the page says "more than 1,000": counting them all is slow
SAMPLE = 200  # the agency's newest records, sampled to tell a common search from a rare one
COUNT_WALK = 0.25  # the share of the sample matching from which the count is walked: its
# 1,001 are then within ~4,000 records of the walk


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


def add_search_entries(record: ArchiveRecord) -> None:
    """A record's search row and the words of its names, written in the transaction that
    files it (a word the agency has already is kept once)."""
    db.session.add(ArchiveSearchRow(**{column: getattr(record, column) for column in SEARCHED}))
    names = f"{record.search_name} {record.signer_names.replace('|', ' ')}"
    words = sorted({word for word in names.split() if len(word) >= SHORT_WORD})
    if words:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        rows = [{"agency_id": record.agency_id, "word": word} for word in words]
        db.session.execute(dialect.insert(ArchiveNameWord).values(rows).on_conflict_do_nothing())


def near_words(execute: Callable, agency_id: uuid.UUID, *texts: str) -> dict[str, list[str]]:
    """For each typed word of SHORT_WORD letters or more, the words of the agency's filed
    names it nearly is (PostgreSQL, trigram word similarity ≥ 0.6), in one statement; a word
    holding another of them is left out (the shorter finds it too)."""
    typed = sorted({w for text in texts for w in typed_words(text) if len(w) >= SHORT_WORD})
    if not typed:
        return {}
    known = ArchiveNameWord
    lookups = [
        select(literal(word).label("typed"), known.word).where(
            known.agency_id == agency_id, known.word.op("%>")(word)
        )
        for word in typed
    ]
    near: dict[str, list[str]] = {}
    for word, found in execute(union_all(*lookups)).all():
        near.setdefault(word, []).append(found)
    return {
        word: [w for w in found if not any(o != w and o in w for o in found)]
        for word, found in near.items()
    }


def _on_hold(agency_id: uuid.UUID):
    """A hold not yet lifted covers the record: on its client, or on its case. Read from the
    agency's few holds to their records (not every record to the holds), so it stays fast
    in an archive of millions."""
    held = aliased(ArchiveRecord)
    return ArchiveSearchRow.id.in_(
        select(held.id)
        .join(LegalHold, LegalHold.client_id == held.client_id)
        .where(
            LegalHold.agency_id == agency_id,
            LegalHold.lifted_at.is_(None),
            or_(LegalHold.case_id.is_(None), LegalHold.case_id == held.case_id),
        )
    )


def build_query(
    agency_id: uuid.UUID,
    criteria: Criteria,
    widened: bool,
    dialect: str,
    walked: bool = False,
    near: dict | None = None,
) -> Select:
    """The search rows of the records matching `criteria` in one agency, in the chosen order
    (unpaginated); `widened`, a case number is found by part and a name despite a typo
    (PostgreSQL); `walked` (PostgreSQL), the same records, tested in forms no index answers,
    so the plan reads the agency's rows in the page's order and stops when it has enough;
    `near`: the near misses of the typed names (`near_words`), else tested on each row.
    Only a criterion the rows lack (document number, client, status, legal hold) joins the
    records themselves."""
    client_id = validate(criteria)
    row, record = ArchiveSearchRow, ArchiveRecord
    fuzzy = widened and dialect == "postgresql"
    where = [row.agency_id == agency_id]
    where += name_matches(row.search_name, criteria.name, fuzzy, walked, near)
    where += name_matches(row.signer_names, criteria.signer, fuzzy, walked, near)
    on_record = []
    if criteria.reference.strip():
        on_record.append(record.reference == criteria.reference.strip().upper())
    inside = fulltext.matches(row.id, agency_id, criteria.text, dialect, walked)
    if inside is not None:
        where.append(inside)
    if client_id:
        on_record.append(record.client_id == client_id)
    number = criteria.case_number.strip().upper()
    if number and widened and walked:
        where.append(func.strpos(row.case_number, number) > 0)
    elif number and widened:
        where.append(row.case_number.like(f"%{escaped(number)}%", escape="\\"))
    elif number:
        where.append(row.case_number == number)
    if criteria.form_type:
        where.append(row.form_type == criteria.form_type)
    # Its days, not the server's; read only when a date or status asks (a query each time:
    # nothing keeps the agency loaded).
    dated = criteria.signed_from or criteria.signed_to or criteria.status or criteria.in_force_on
    zone = db.session.get(Agency, agency_id).time_zone if dated else ""
    if criteria.signed_from:
        where.append(row.signed_at >= record_status.start_of(criteria.signed_from, zone))
    if criteria.signed_to:
        next_day = criteria.signed_to + timedelta(days=1)
        where.append(row.signed_at < record_status.start_of(next_day, zone))
    if criteria.status in record_status.BY_ID:
        where.append(record_status.condition(criteria.status, zone, row))
    elif criteria.status:
        on_record.append(record_status.condition(criteria.status, zone))
    if criteria.in_force_on:
        on_record.append(record_status.in_force(criteria.in_force_on, zone))
    if criteria.on_hold:
        where.append(_on_hold(agency_id))
    query = select(row).where(*where)
    if on_record:  # the agency stated on the record too: its indexes lead with it
        query = query.join(record, record.id == row.id).where(
            record.agency_id == agency_id, *on_record
        )
    return query.order_by(*ordering(row, criteria.sort))


def ordering(entity, sort: str) -> list:
    """The ORDER BY of `sort` on `entity` (the search rows, or the matches gathered from
    them)."""
    columns = [getattr(entity, name.lstrip("-")) for name in SORTS[sort][1]]
    named = zip(columns, SORTS[sort][1], strict=True)
    return [c.desc() if name.startswith("-") else c for c, name in named] + [entity.id]


def capped_count(query: Select, walk: bool = False) -> Select:
    """How many records `query` finds, counting no further than COUNT_LIMIT + 1, and without
    its order: sorting every match only to count them is what made counts slow. A `walk` (a
    common search) keeps the order an index gives, so the count stops at the limit."""
    counted = query if walk else query.order_by(None)
    return select(func.count()).select_from(counted.limit(COUNT_LIMIT + 1).subquery())


def share(execute, agency_id: uuid.UUID, walked: Select) -> float:
    """The share of the agency's SAMPLE newest records that the `walked` query finds: a cheap
    estimate of how common its matches are (a common surname, "superseded", a word of every
    consent), read record by record like the walk itself."""
    row = ArchiveSearchRow
    newest = (
        select(row.id)
        .where(row.agency_id == agency_id)
        .order_by(row.signed_at.desc())
        .limit(SAMPLE)
        .subquery()
    )
    found = walked.where(row.id.in_(select(newest.c.id))).order_by(None).subquery()
    sampled, hits = execute(
        select(
            select(func.count()).select_from(newest).scalar_subquery(), func.count()
        ).select_from(found)
    ).one()
    return hits / sampled if sampled else 0.0


def gathered(indexed: Select, sort: str, offset: int) -> Select:
    """One statement for a search that finds few: its matches gathered once through the
    index (at most COUNT_LIMIT + 1, in no order), their number (`total`), and the page among
    them, so the index is read once for both."""
    found = indexed.order_by(None).limit(COUNT_LIMIT + 1).cte("found")
    match = aliased(ArchiveSearchRow, found)
    total = select(func.count()).select_from(found).scalar_subquery().label("total")
    page = select(match.id, total).order_by(*ordering(match, sort))
    return page.limit(PER_PAGE).offset(offset)


def find(
    execute: Callable, agency_id: uuid.UUID, criteria: Criteria, dialect: str
) -> tuple[list[ArchiveRecord], int]:
    """One page of matches and their capped count. A name, signer or case number is first
    matched as typed (what staff mean nearly always, and fast); only when that finds nothing
    does part of a case number count, and on PostgreSQL near misses of a name ("nunes"
    finds "Núñez"). On PostgreSQL its statements are planned for what they read (for the
    rest of the transaction): without parallel workers, since each reads a few thousand rows
    at most and starting workers cost more than they saved (12 ms against 6 for
    "superseded" at a million records); and with index lookups priced as reads from memory,
    as the narrow search rows and their indexes are (`random_page_cost` 1.1, the usual
    setting for a cached database, against a default made for spinning disks): priced as
    disk reads, "superseded" read all 150,000 rows of an agency instead of looking up its
    1,001 superseded ones (16 ms against 2)."""
    if dialect == "postgresql":
        execute(
            select(
                func.set_config("max_parallel_workers_per_gather", "0", True),
                func.set_config("random_page_cost", "1.1", True),
            )
        )
    names = criteria.name.strip() or criteria.signer.strip()
    widens = criteria.case_number.strip() or (names and dialect == "postgresql")
    near = None
    for widened in (False, True) if widens else (False,):
        if widened and names and dialect == "postgresql":
            near = near_words(execute, agency_id, criteria.name, criteria.signer)
        ids, total = _find(execute, agency_id, criteria, widened, dialect, near)
        if total:
            return _records(execute, ids), total
    return [], 0


def _records(execute: Callable, ids: list[uuid.UUID]) -> list[ArchiveRecord]:
    """The page's records, in the order of its ids."""
    found = execute(select(ArchiveRecord).where(ArchiveRecord.id.in_(ids))).scalars()
    by_id = {record.id: record for record in found}
    return [by_id[record_id] for record_id in ids]


def _find(
    execute: Callable,
    agency_id: uuid.UUID,
    criteria: Criteria,
    widened: bool,
    dialect: str,
    near: dict | None,
) -> tuple[list[uuid.UUID], int]:
    """One try of `find`: the ids of its page and the capped count. An index gathers the
    matches of a rare search fast, and its page is sorted from them; gathering (and sorting)
    the thousands of a common one ("garcia" in a large agency) is slow, while the agency's
    rows read in the page's order (PostgreSQL, `WALKABLE`) hold a page of them within a few
    hundred: more than COUNT_LIMIT matches, the page is walked; a search matching a quarter
    of the agency's newest records walks for its count too, which then stops at its limit
    instead of gathering."""
    offset = (criteria.page - 1) * PER_PAGE
    indexed = build_query(agency_id, criteria, widened, dialect, near=near)
    walks = dialect == "postgresql" and criteria.sort in WALKABLE
    walked = build_query(agency_id, criteria, widened, dialect, True, near) if walks else None
    if walks and share(execute, agency_id, walked) >= COUNT_WALK:
        total = execute(capped_count(walked, walk=True)).scalar_one()
        return _page(execute, walked, offset) if total else [], total
    rows = execute(gathered(indexed, criteria.sort, offset)).all()
    if rows:
        total = rows[0].total
    elif offset:  # past the last page: nothing to show, but the count still tells
        total = execute(capped_count(indexed)).scalar_one()
    else:
        total = 0
    if total <= COUNT_LIMIT:
        return [row.id for row in rows], total
    return _page(execute, walked if walks else indexed, offset), total


def _page(execute: Callable, query: Select, offset: int) -> list[uuid.UUID]:
    page = query.with_only_columns(ArchiveSearchRow.id).limit(PER_PAGE).offset(offset)
    return list(execute(page).scalars())


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
