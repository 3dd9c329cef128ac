"""The audit trail: every view, sign, render, download and export appends one event."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import clock
from ..accounts.service import Actor
from ..database import utcnow
from ..extensions import db
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


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
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(actor: Actor, action: str, obj=None, agency_id=None, **details) -> AuditEvent:
    """Append an event for `action` on `obj` (any model with an `id`) to the chain."""
    head = db.session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        db.session.add(head)
    event = AuditEvent(
        at=utcnow(),
        agency_id=agency_id or actor.agency_id or getattr(obj, "agency_id", None),
        actor=actor.label,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        details={k: v for k, v in details.items() if v is not None},
        ip=actor.ip,
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    head.last_hash = event.hash
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    reason: str


def verify_chain(batch: int = 1000) -> Iterator[ChainProblem]:
    """Re-hash every event in order, streaming; yield each break in the chain."""
    prev = GENESIS
    rows = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    ).scalars()
    for event in rows:
        if event.prev_hash != prev:
            yield ChainProblem(
                event.id, "does not follow the event before it (one was altered or removed)"
            )
        if event_hash(event) != event.hash:
            yield ChainProblem(event.id, "was altered after it was written")
        prev = event.hash
    head = db.session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        yield ChainProblem(None, "the newest events were removed")


def events_for(object_id: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.object_id == object_id).order_by(AuditEvent.id)
        ).scalars()
    )
