import uuid
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import DEFAULT_TIME_ZONE
from ..database import CreatedMixin, IdMixin, enum_column
from ..extensions import db
from ..i18n import N_


class Role(StrEnum):
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    RECORDS = "records"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CASE_MANAGER: N_("Case manager"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.RECORDS: N_("Records staff"),
    Role.ADMIN: N_("Agency admin"),
}


class Agency(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "agency"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(40))
    # Agency settings that the due-process rules use (seed 000 leaves the numbers to agencies).
    appeal_days: Mapped[int] = mapped_column(default=14, server_default="14")
    decision_days: Mapped[int] = mapped_column(default=14, server_default="14")
    grievance_response_days: Mapped[int] = mapped_column(default=10, server_default="10")
    plan_review_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # File an English rendering beside a document signed in another language (for staff and
    # auditors who read English); the signed original stays the client's language version.
    file_english_copy: Mapped[bool] = mapped_column(default=True, server_default=true())
    # State law lets a minor get substance use treatment on their own: then only the minor
    # may consent to release those records (42 CFR 2.14).
    minors_consent_to_sud_alone: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Printed on the forms that need them, the same for every client (24 CFR 578.91(b)(1)):
    # the program rules, the CoC Governance & Membership Committee contact, where appeals go.
    program_rules: Mapped[str] = mapped_column(Text, default="", server_default="")
    coc_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    appeal_contact: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The agency's logo (PNG or JPEG) in the blob store, printed at the top of its forms.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    # Two-factor sign-in (`accounts.two_factor`): "off" (staff may turn it on themselves),
    # "admins_and_records" or "all" (required).
    two_factor: Mapped[str] = mapped_column(String(20), default="off", server_default="off")
    # The agency's clock (an IANA name): the times it shows and prints, its "today", and how
    # the times its staff type are read (`forms_service.clock`).
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )


class User(IdMixin, CreatedMixin, UserMixin, db.Model):
    __tablename__ = "user_account"
    # Unique within the agency only: another agency's staff are never revealed by a refusal.
    __table_args__ = (UniqueConstraint("agency_id", "email"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = enum_column(Role)
    password_hash: Mapped[str] = mapped_column(String(200))
    # A short PIN that unlocks a kiosk tablet handed to a client (argon2 hash), optional.
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    supervisor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # A session carries the generation it began in; bumping it ends every session of this
    # user at their next request (sign-out, a new password or role, access taken away).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Wrong kiosk unlock answers since the last right one; the fifth closes the kiosk.
    failed_unlocks: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor sign-in: the authenticator app's shared secret (base32) and the last time
    # step whose code was used, so a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    # The secret the set-up page's QR code shows until a code confirms it: kept here, never
    # in the session cookie (which the browser holds, signed but readable).
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))

    agency: Mapped[Agency] = relationship()
    supervisor: Mapped["User | None"] = relationship(remote_side="User.id")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the user and the generation the session began in."""
        return f"{self.id}:{self.session_generation}"


class RecoveryCode(IdMixin, db.Model):
    """One of ten one-time codes that sign in instead of the authenticator app (argon2 hash;
    the code itself was shown once, at enrolment)."""

    __tablename__ = "recovery_code"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
