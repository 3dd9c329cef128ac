"""The audit trail: every view, sign, render, download and export appends one event."""

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event as orm_events
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts.models import Agency
from ..accounts.service import Actor
from ..database import utcnow
from ..extensions import db
from . import chains
from .chains import GENESIS
from .models import AuditEvent, ChainHead

LEGACY = "audit:legacy"  # the one chain of the events written before chains were per agency


def _iso(at: datetime) -> str:
    return clock.aware(at).isoformat()


def event_hash(event: AuditEvent) -> str:
    body = {
        "prev": event.prev_hash,
        "at": _iso(event.at),
        "agency": str(event.agency_id) if event.agency_id else None,
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "ip": event.ip,
    }
    if event.seq is not None:  # events of the per-agency chains also cover their number
        body["seq"] = event.seq
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(actor: Actor, action: str, obj=None, agency_id=None, **details) -> AuditEvent:
    """Append an event for `action` on `obj` (any model with an `id`) to its agency's chain;
    it takes its place in the chain as its transaction commits (`_link`)."""
    agency_id = agency_id or actor.agency_id or getattr(obj, "agency_id", None)
    audit_event = AuditEvent(
        at=utcnow(),
        agency_id=agency_id,
        actor=actor.label,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        details={k: v for k, v in details.items() if v is not None},
        ip=actor.ip,
        prev_hash="",
        hash="",
    )
    db.session.add(audit_event)
    db.session.info.setdefault(UNLINKED, []).append(audit_event)
    db.session.flush()  # with the caller's changes, as a service flushes its own
    return audit_event


UNLINKED = "audit_unlinked"  # in Session.info: the events recorded since its last commit


@orm_events.listens_for(Session, "before_commit")
def _link(session: Session) -> None:
    """The events a transaction recorded are chained as it commits, not as they are recorded:
    an agency's chain head stays locked from here to the commit only, so the rest of a
    request's work (its page, a signature's image) never holds every other request of the
    agency. Chains are taken in one order, so two commits never deadlock over them."""
    if session.in_nested_transaction():  # a savepoint: its events wait for the real commit
        return
    chained = defaultdict(list)
    for audit_event in session.info.pop(UNLINKED, ()):
        if audit_event in session:  # not undone by a rollback to a savepoint
            chained[chains.chain_name("audit", audit_event.agency_id)].append(audit_event)
    if chained:
        session.flush()  # the transaction's other writes first, while no chain is held
    for chain in sorted(chained):
        seq, prev = chains.advance(chain)
        for audit_event in chained[chain]:
            audit_event.seq, audit_event.prev_hash = seq, prev
            audit_event.hash = prev = event_hash(audit_event)
            seq += 1
        chains.close(chain, prev, seq - 1)


@orm_events.listens_for(Session, "after_transaction_end")
def _forget_unlinked(session: Session, transaction) -> None:
    """A rolled-back transaction's events are gone with it."""
    if transaction.parent is None:
        session.info.pop(UNLINKED, None)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    reason: str


def verify_chain(batch: int = 1000) -> Iterator[ChainProblem]:
    """Re-hash every event, chain by chain, streaming; yield each break in a chain."""
    legacy = select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id)
    yield from _verify_links(db.session.get(ChainHead, LEGACY), legacy, batch, "", numbered=False)
    heads = chains.heads("audit")
    owners = set(heads) | {
        chains.owner_of(agency_id)
        for agency_id in db.session.execute(
            select(AuditEvent.agency_id).where(AuditEvent.seq.is_not(None)).distinct()
        ).scalars()
    }
    for owner in sorted(owners - {"legacy"}):
        yield from _verify_links(heads.get(owner), chain_events(owner), batch, owner_name(owner))


def owner_name(owner: str) -> str:
    """The agency a chain belongs to, by name (or "the instance")."""
    agency = None if owner == chains.INSTANCE else db.session.get(Agency, uuid.UUID(owner))
    return agency.name if agency else f"the {owner}"


def chain_events(owner: str):
    """The query of one owner's numbered events, in chain order."""
    agency = None if owner == chains.INSTANCE else uuid.UUID(owner)
    return (
        select(AuditEvent)
        .where(AuditEvent.seq.is_not(None), AuditEvent.agency_id == agency)
        .order_by(AuditEvent.seq, AuditEvent.id)
    )


def _verify_links(
    head, query, batch: int, owner: str, numbered: bool = True
) -> Iterator[ChainProblem]:
    prev, count = GENESIS, 0
    for event in db.session.execute(query.execution_options(yield_per=batch)).scalars():
        count = event.seq if numbered else count + 1  # a gap shows as a broken link
        if event.prev_hash != prev:
            yield ChainProblem(
                event.id, "does not follow the event before it (one was altered or removed)"
            )
        if event_hash(event) != event.hash:
            yield ChainProblem(event.id, "was altered after it was written")
        prev = event.hash
    if head is not None and (head.last_hash != prev or head.count != count):
        yield ChainProblem(None, f"the newest events{f' of {owner}' if owner else ''} were removed")


def events_for(object_id: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.object_id == object_id).order_by(AuditEvent.id)
        ).scalars()
    )
