"""Who may do what: authentication, the acting person, and the role and agency checks that
every other service calls before it reads or writes."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from ..clock import DEFAULT_TIME_ZONE, time_zone_error
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..keys import ensure_agency_seal_key
from .models import Agency, Role, User

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong e-mail costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
STAFF_WHO_FILL_FORMS = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN)
ARCHIVE_ROLES = (Role.RECORDS, Role.ADMIN)  # may search the whole agency's archive
ALL_STAFF = tuple(Role)
MIN_PASSWORD = 12  # characters


@dataclass(frozen=True)
class Actor:
    """The person acting, and where from: passed to every service instead of a request."""

    user: User | None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def label(self) -> str:
        return f"{self.user.email} ({self.user.role})" if self.user else "system"

    @property
    def agency_id(self) -> uuid.UUID | None:
        return self.user.agency_id if self.user else None


SYSTEM = Actor(None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_secret(stored: str | None, secret: str) -> bool:
    """Does `secret` match an argon2 hash (a password or a kiosk PIN)?"""
    if not stored:
        return False
    try:
        return _hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    user = db.session.execute(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def end_sessions(user: User) -> None:
    """Every session of `user`, on every device, ends at its next request."""
    user.session_generation = User.session_generation + 1  # in SQL: two at once both count


def create_agency(
    name: str, address: str, phone: str, time_zone: str = DEFAULT_TIME_ZONE
) -> Agency:
    if error := time_zone_error(time_zone):
        raise InvalidInput({"time_zone": [error]})
    agency = Agency(name=name, address=address, phone=phone, time_zone=time_zone)
    db.session.add(agency)
    db.session.flush()
    ensure_agency_seal_key(Path(current_app.config["SEAL_KEY_DIR"]), agency.id, name)
    return agency


def create_user(
    agency: Agency, email: str, name: str, role: Role, password: str, supervisor: User | None = None
) -> User:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"A password needs at least {MIN_PASSWORD} characters")
    user = User(
        agency_id=agency.id,
        email=email.strip().lower(),
        name=name,
        role=Role(role),
        password_hash=hash_password(password),
        supervisor_id=supervisor.id if supervisor else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def require_role(actor: Actor, roles: tuple[Role, ...]) -> User:
    if actor.user is None or actor.user.role not in roles:
        raise PermissionDenied(gettext("Your role does not allow this."))
    return actor.user


def require_same_agency(actor: Actor, obj):
    """Objects of another agency do not exist for this actor: 404, never 403."""
    if obj is None or actor.user is None or obj.agency_id != actor.user.agency_id:
        raise NotFound
    return obj


def get_in_agency(actor: Actor, model, object_id: str | uuid.UUID):
    try:
        key = object_id if isinstance(object_id, uuid.UUID) else uuid.UUID(str(object_id))
    except ValueError:
        raise NotFound from None
    return require_same_agency(actor, db.session.get(model, key))
