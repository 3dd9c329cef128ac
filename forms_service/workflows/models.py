"""The state of each workflow. Rows are appended or moved forward, never rewritten backwards;
the documents they point to are the signed record."""

import uuid
from datetime import date, datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..cases.models import Case, Client
from ..database import CreatedMixin, IdMixin
from ..documents.models import Document
from ..extensions import db


class ReleaseEnd(IdMixin, CreatedMixin, db.Model):
    """Why and when a consent to release stopped authorising sharing: revoked (effective when
    the agency received the revocation), its end event happened, or the case was closed."""

    __tablename__ = "release_end"

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(20))  # revoked | end_event | case_closed
    effective_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    revocation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    note: Mapped[str | None] = mapped_column(Text)

    release: Mapped[Document] = relationship(foreign_keys=[release_id])


class Termination(IdMixin, CreatedMixin, db.Model):
    """Termination due process for one case (24 CFR 578.91; seed 000): case conference →
    written notice → appeal window → appeal → independent review → written final decision."""

    __tablename__ = "termination"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    conference_on: Mapped[date]
    conference_attendees: Mapped[str] = mapped_column(Text)
    conference_notes: Mapped[str] = mapped_column(Text)
    terminator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    approver_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    notice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    appeal_deadline: Mapped[date | None]
    appeal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    appeal_filed_on: Mapped[date | None]
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decision_due: Mapped[date | None]
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))  # upheld | reversed | modified
    closed_on: Mapped[date | None]

    case: Mapped[Case] = relationship()
    terminator: Mapped[User] = relationship(foreign_keys=[terminator_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    notice: Mapped[Document | None] = relationship(foreign_keys=[notice_id])
    appeal: Mapped[Document | None] = relationship(foreign_keys=[appeal_id])
    decision: Mapped[Document | None] = relationship(foreign_keys=[decision_id])


class Grievance(IdMixin, CreatedMixin, db.Model):
    """A client's grievance (seed 000 "Client Grievance Process"): numbered, with a response
    deadline, answered in writing."""

    __tablename__ = "grievance"
    __table_args__ = (UniqueConstraint("agency_id", "number"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"))
    filed_on: Mapped[date]
    helped_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    response_due: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | responded
    grievance_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))
    response_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))

    client: Mapped[Client] = relationship()
    case: Mapped[Case] = relationship()


class VawaDelivery(IdMixin, CreatedMixin, db.Model):
    """The VAWA notice of occupancy rights (HUD-5380) and certification form (HUD-5382) given
    to a client: when (admission, denial, or with the notice that ends assistance), how, by
    whom and on which day (24 CFR 5.2005(a)(2)). With a notice they are given when it is."""

    __tablename__ = "vawa_delivery"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    occasion: Mapped[str] = mapped_column(String(20))  # admission | denial | termination
    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    certification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    # The notice ending assistance they go with (a termination notice), if any.
    with_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document.id"), index=True
    )
    how: Mapped[str] = mapped_column(String(20))  # in_hand | mail | with_notice
    # With a notice: blank until the notice's delivery is recorded, then that day and whoever
    # handed it over or mailed it (`vawa.given_with`).
    given_on: Mapped[date | None]
    given_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    notice: Mapped[Document] = relationship(foreign_keys=[notice_id])
    certification: Mapped[Document] = relationship(foreign_keys=[certification_id])
    with_document: Mapped[Document | None] = relationship(foreign_keys=[with_document_id])
    given_by: Mapped[User | None] = relationship()
