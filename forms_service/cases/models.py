import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Agency, User
from ..database import CreatedMixin, IdMixin
from ..extensions import db


class Client(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "client"
    __table_args__ = (
        UniqueConstraint("agency_id", "hmis_personal_id", name="uq_client_hmis_personal_id"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    preferred_language: Mapped[str] = mapped_column(String(10), default="en")
    # Lower-case, accent-free "first last" so records staff find "José" by typing "jose".
    search_name: Mapped[str] = mapped_column(String(201), index=True)
    # The client's PersonalID in the agency's HMIS (HUD data standards: String, 32), so exports
    # and the API join our records to theirs; one client per id within an agency.
    hmis_personal_id: Mapped[str | None] = mapped_column(String(32))

    agency: Mapped[Agency] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # closed with its signed discharge plan; takes no new work


class Case(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("agency_id", "number"),
        UniqueConstraint("agency_id", "hmis_enrollment_id", name="uq_case_file_hmis_enrollment_id"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    case_manager_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    number: Mapped[str] = mapped_column(String(30))
    program: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=CaseStatus.OPEN)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    # Why and where the client left (seed 000/004 exit reasons; HMIS 3.12 destination code).
    exit_reason: Mapped[str | None] = mapped_column(String(50))
    destination_code: Mapped[int | None]
    # The HMIS EnrollmentID of the project stay this case is (a case is one enrolment).
    hmis_enrollment_id: Mapped[str | None] = mapped_column(String(32))

    client: Mapped[Client] = relationship()
    case_manager: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN
