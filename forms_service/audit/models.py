import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """Append-only and hash-chained per agency: each event's hash covers its fields, its
    number in its agency's chain and the hash of the event before it there, so an edited or
    deleted event breaks the chain (and the signed checkpoints outside the database say what
    the chain was). Events written before chains were per agency have no `seq` and form one
    chain of their own."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_agency_seq", "agency_id", "seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class ChainHead(db.Model):
    """The end of one chain (`audit:<agency id>`, `audit:instance` for events of no agency,
    `archive:<agency id>`, `checkpoint:<owner>`): how many links and the last hash. Locking
    the row serialises appends to that chain."""

    __tablename__ = "chain_head"

    chain: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
