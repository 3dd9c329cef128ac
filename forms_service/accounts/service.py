"""Who may do what: authentication, the acting person, and the role and agency checks that
every other service calls before it reads or writes."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import repeat
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

# Argon2id at OWASP's cost (Password Storage Cheat Sheet: 19 MiB, 2 passes, 1 lane): 23 ms of
# one core per check on the 2-core machine, against 176 ms of both for argon2-cffi's default
# (RFC 9106's 64 MiB, 3 passes, 4 lanes). A sign-in checks SAME_TIME_UP_TO hashes; at the
# default cost, with 50 clients signing at once, a staff sign-in waited 9.5 s (p95).
PASSWORD_COST = {"memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}
_hasher = PasswordHasher(**PASSWORD_COST)
# Verified in place of missing accounts, so a wrong e-mail costs the time of a wrong password.
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


# An e-mail address is unique within an agency, not across agencies (so adding staff tells
# nothing of other agencies'). Sign-in verifies the password against this many hashes, the
# accounts' padded with a dummy, so its time does not tell how many agencies use the address.
SAME_TIME_UP_TO = 3
# ... all at once: argon2 leaves Python's lock while it hashes, so the checks take the time of
# one where a core is free, and a sign-in's share of busy cores is three threads', not one's
# (with 50 clients signing at once, its checks took 450-600 ms one after the other).
_checks = ThreadPoolExecutor(SAME_TIME_UP_TO, thread_name_prefix="password-check")


def _verifies(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def accounts_of(email: str) -> list[User]:
    """Every account with this e-mail address, one per agency at most."""
    return list(
        db.session.execute(
            select(User).where(func.lower(User.email) == email.strip().lower()).order_by(User.id)
        ).scalars()
    )


def authenticate(email: str, password: str) -> list[User]:
    """The active accounts with this e-mail and password: none, one, or (the same person in
    several agencies) one per agency, who then chooses. Every candidate is verified, padded
    to SAME_TIME_UP_TO, so 0, 1 or 3 accounts take the same time."""
    candidates = accounts_of(email)
    hashes = [u.password_hash for u in candidates]
    hashes += [_DUMMY_HASH] * (SAME_TIME_UP_TO - len(hashes))
    right = list(_checks.map(_verifies, hashes, repeat(password)))  # all of them, always
    signed_in = [u for u, ok in zip(candidates, right, strict=False) if ok and u.active]
    for user in signed_in:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
    return signed_in


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
