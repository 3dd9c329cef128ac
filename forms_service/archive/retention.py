"""Retention and legal hold. Each record's disposal date is the longest rule that applies
(RULES.md "Case records and notes"):
- the agency's schedule for its form type (default 7 years after case closure, never under 5;
  HMIS privacy standards);
- 5 years after the latest closeout of the grants that served its case (24 CFR 578.103(c),
  576.500(y)); never while one of them is open;
- a minimum of the form type's own (its spec's `retention_minimum`), e.g. a release of
  information: 6 years from its creation or from when it was last in effect, whichever is
  later (45 CFR 164.530(j)).
A record of an open case is never due. An active legal hold on the client or the case stops
disposal until it is lifted (2 CFR 200.334)."""

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import or_, select

from .. import clock
from ..accounts.models import Agency, Role
from ..accounts.service import ARCHIVE_ROLES, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..clock import add_years
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms import form_types, get_form_type
from ..programs.models import CaseGrant, Funder, Grant
from . import fulltext
from .models import ArchiveCopy, ArchiveDisposal, ArchiveRecord, LegalHold, RetentionSchedule
from .service import blob_store

DEFAULT_YEARS = 7
MINIMUM_YEARS = 5
GRANT_YEARS = 5
GRANT_RULES = {Funder.COC: "24 CFR 578.103(c)", Funder.ESG: "24 CFR 576.500(y)"}


@dataclass(frozen=True)
class Due:
    record: ArchiveRecord
    due_on: date
    rule: str
    hold: LegalHold | None  # an active hold that stops its disposal


def grant_rule(grants: list[Grant]) -> tuple[date | None, str]:
    """5 years after the latest closeout of the grants that served the case; None (never
    due) while one of them is open."""
    still_open = [g for g in grants if g.closeout_on is None]
    if still_open:
        return None, f"grant {still_open[0].number} is open (no closeout date)"
    last = max(grants, key=lambda g: g.closeout_on)
    citation = GRANT_RULES.get(last.funder, "grant closeout")
    return (
        add_years(last.closeout_on, GRANT_YEARS),
        f"{GRANT_YEARS} years after closeout of grant {last.number} on {last.closeout_on} "
        f"({citation})",
    )


def disposal_date(
    record: ArchiveRecord, closed_on: date, years: int, grants: list[Grant]
) -> tuple[date | None, str]:
    """The latest of the rules that apply, and which rule that is; None while a grant that
    served the case is open."""
    rules = [(add_years(closed_on, years), f"agency schedule: {years} years after case closure")]
    if grants:
        due_on, rule = grant_rule(grants)
        if due_on is None:
            return None, rule
        rules.append((due_on, rule))
    if minimum := get_form_type(record.form_type).retention_minimum(record, closed_on):
        rules.append(minimum)
    return max(rules, key=lambda rule: rule[0])


def _schedules() -> dict[tuple[uuid.UUID, str], int]:
    return {
        (s.agency_id, s.form_type): s.years_after_closure
        for s in db.session.execute(select(RetentionSchedule)).scalars()
    }


def _grants_by_case() -> dict[uuid.UUID, list[Grant]]:
    grants = defaultdict(list)
    for case_id, grant in db.session.execute(
        select(CaseGrant.case_id, Grant).join(Grant, Grant.id == CaseGrant.grant_id)
    ):
        grants[case_id].append(grant)
    return grants


def _active_hold(record: ArchiveRecord) -> LegalHold | None:
    return (
        db.session.execute(
            select(LegalHold)
            .where(
                LegalHold.client_id == record.client_id,
                LegalHold.lifted_at.is_(None),
                or_(LegalHold.case_id.is_(None), LegalHold.case_id == record.case_id),
            )
            .order_by(LegalHold.placed_at)
        )
        .scalars()
        .first()
    )


def due_for_disposal(on: date | None = None) -> Iterator[Due]:
    """Every record whose disposal date is on or before `on` (without it: its agency's date
    now, not the server's) and that still has its files, streaming, held ones included (with
    their hold)."""
    schedules = _schedules()
    grants = _grants_by_case()
    agencies = [] if on else db.session.scalars(select(Agency))
    todays = {agency.id: clock.today(agency) for agency in agencies}
    rows = db.session.execute(
        select(ArchiveRecord, Case.closed_on)
        .join(Case, Case.id == ArchiveRecord.case_id)
        .outerjoin(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id)
        .where(Case.closed_on.is_not(None), ArchiveDisposal.id.is_(None))
        .order_by(Case.closed_on, ArchiveRecord.reference)
        .execution_options(yield_per=500)
    )
    for record, closed_on in rows:
        years = schedules.get((record.agency_id, record.form_type), DEFAULT_YEARS)
        due_on, rule = disposal_date(record, closed_on, years, grants[record.case_id])
        if due_on is not None and due_on <= (on or todays[record.agency_id]):
            yield Due(record, due_on, rule, _active_hold(record))


def dispose(actor: Actor, due: list[Due]) -> list[str]:
    """Tombstone each due record that no hold stops; returns the sha256 of the files to
    destroy once this is committed (`destroy_files`), so a failed commit destroys nothing."""
    disposed = []
    for item in due:
        if item.hold is not None:
            continue
        db.session.add(
            ArchiveDisposal(
                record_id=item.record.id, due_on=item.due_on, rule=item.rule, by=actor.label
            )
        )
        audit.record(
            actor, "archive.dispose", item.record, due_on=item.due_on.isoformat(), rule=item.rule
        )
        disposed.append(item.record)
    fulltext.forget([r.id for r in disposed])
    db.session.flush()
    return files_of_disposed([r.id for r in disposed]) if disposed else []


def files_of_disposed(record_ids: list[uuid.UUID] | None = None) -> list[str]:
    """The sha256 of the files (an English copy's too) of these disposed records, or of all
    of them, that no live record still files: what disposal destroys."""
    files_of = select(
        ArchiveRecord.pdf_sha256,
        ArchiveRecord.docx_sha256,
        ArchiveCopy.pdf_sha256,
        ArchiveCopy.docx_sha256,
    ).outerjoin(ArchiveCopy, ArchiveCopy.record_id == ArchiveRecord.id)
    kept = db.session.execute(
        files_of.outerjoin(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id).where(
            ArchiveDisposal.id.is_(None)
        )
    )
    gone = files_of.join(ArchiveDisposal, ArchiveDisposal.record_id == ArchiveRecord.id)
    if record_ids is not None:
        gone = gone.where(ArchiveRecord.id.in_(record_ids))
    live = {sha for row in kept for sha in row if sha}
    files = {sha for row in db.session.execute(gone) for sha in row if sha}
    return sorted(files - live)  # bytes another record still files are kept


def left_after_disposal() -> list[str]:
    """Files of disposed records still stored: a disposal cut short between its committed
    tombstones and the destruction of its files. `retention --dispose` destroys them."""
    store = blob_store()
    return [sha256 for sha256 in files_of_disposed() if store.exists(sha256)]


def destroy_files(sha256s: list[str]) -> None:
    store = blob_store()
    for sha256 in sha256s:
        store.delete(sha256)


def set_schedule(actor: Actor, form_type: str, years: int) -> RetentionSchedule:
    """An agency admin sets how long its records of one form type are kept after closure."""
    user = require_role(actor, (Role.ADMIN,))
    if form_type not in {t.name for t in form_types()}:
        raise InvalidInput({"form_type": [gettext("Choose a form type.")]})
    if not MINIMUM_YEARS <= years <= 100:
        raise InvalidInput(
            {
                "years": [
                    gettext(
                        "Keep records at least %(years)s years after case closure.",
                        years=MINIMUM_YEARS,
                    )
                ]
            }
        )
    schedule = db.session.execute(
        select(RetentionSchedule).where(
            RetentionSchedule.agency_id == user.agency_id, RetentionSchedule.form_type == form_type
        )
    ).scalar_one_or_none()
    if schedule is None:
        schedule = RetentionSchedule(agency_id=user.agency_id, form_type=form_type)
        db.session.add(schedule)
    schedule.years_after_closure, schedule.set_by_id, schedule.set_at = years, user.id, utcnow()
    db.session.flush()
    audit.record(actor, "retention.schedule", schedule, form_type=form_type, years=years)
    return schedule


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise InvalidInput({"reason": [gettext("Give the reason (at most 500 characters).")]})
    return reason


def place_hold(actor: Actor, record_id: str, scope: str, reason: str) -> LegalHold:
    """Hold every record of the record's client (scope "client") or of its case ("case")."""
    user = require_role(actor, ARCHIVE_ROLES)
    record = get_in_agency(actor, ArchiveRecord, record_id)
    if scope not in ("client", "case"):
        raise InvalidInput({"scope": [gettext("Choose the client or the case.")]})
    hold = LegalHold(
        agency_id=record.agency_id,
        client_id=record.client_id,
        case_id=record.case_id if scope == "case" else None,
        reason=_reason(reason),
        placed_by_id=user.id,
    )
    db.session.add(hold)
    db.session.flush()
    audit.record(actor, "archive.hold", hold, scope=scope, reason=hold.reason)
    return hold


def get_hold(actor: Actor, hold_id: str) -> LegalHold:
    require_role(actor, ARCHIVE_ROLES)
    return get_in_agency(actor, LegalHold, hold_id)


def lift_hold(actor: Actor, hold_id: str, reason: str) -> LegalHold:
    user = actor.user
    hold = get_hold(actor, hold_id)
    if hold.lifted_at is not None:
        raise RuleViolation(gettext("This legal hold was already lifted."))
    hold.lift_reason = _reason(reason)
    hold.lifted_by_id, hold.lifted_at = user.id, utcnow()
    db.session.flush()
    audit.record(actor, "archive.hold_lifted", hold, reason=hold.lift_reason)
    return hold


def holds(actor: Actor, client_id: uuid.UUID | None = None) -> list[LegalHold]:
    """The agency's active holds (or the client's, active and lifted), newest first."""
    user = require_role(actor, ARCHIVE_ROLES)
    query = select(LegalHold).where(LegalHold.agency_id == user.agency_id)
    query = (
        query.where(LegalHold.client_id == client_id)
        if client_id
        else query.where(LegalHold.lifted_at.is_(None))
    )
    return list(db.session.execute(query.order_by(LegalHold.placed_at.desc())).scalars())
