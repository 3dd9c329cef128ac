"""Two-factor sign-in for staff: after the password, a 6-digit code from an authenticator app
(TOTP, RFC 6238), or one of ten recovery codes given at enrolment. An agency makes it required
for all staff or for admins and records staff; otherwise staff may turn it on themselves.
Each code works once: a code replayed within its 30-second window is refused. Enrolment, use,
recovery and an admin's reset are audited."""

import hmac
import secrets
import time

import pyotp
from flask_babel import gettext
from sqlalchemy import delete, or_, select, update

from ..audit import service as audit
from ..database import utcnow
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import N_
from .models import RecoveryCode, Role, User
from .service import Actor, end_sessions, get_in_agency, hash_password, require_role, verify_secret

OFF, ADMINS_AND_RECORDS, ALL = "off", "admins_and_records", "all"
POLICIES = {
    OFF: N_("Not required (staff may turn it on for themselves)"),
    ADMINS_AND_RECORDS: N_("Required for admins and records staff"),
    ALL: N_("Required for all staff"),
}
REQUIRED_FOR = {OFF: (), ADMINS_AND_RECORDS: (Role.ADMIN, Role.RECORDS), ALL: tuple(Role)}
RECOVERY_CODES = 10
STEP = 30  # seconds a code is shown for


def required(user: User) -> bool:
    return user.role in REQUIRED_FOR.get(user.agency.two_factor, ())


def enrolled(user: User) -> bool:
    return user.totp_secret is not None


def pending_secret(user: User) -> str:
    """The secret being set up for `user`: the same one on every visit to the set-up page
    until a code confirms it, kept on the server."""
    if user.totp_pending_secret is None:
        user.totp_pending_secret = pyotp.random_base32()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: the authenticator app names the account by e-mail and agency."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=user.agency.name)


def _step(secret: str, code: str, after: int | None) -> int | None:
    """The time step (the one before, now or the next, for clocks a little apart) whose code
    this is, if it is later than `after`; None otherwise."""
    totp, now = pyotp.TOTP(secret), int(time.time()) // STEP
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join((code or "").split())


def enrol(actor: Actor, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on for `user` (the person signing in, or signed in) once they
    type a code their app shows for the pending secret. Returns the ten recovery codes, shown
    once."""
    secret = user.totp_pending_secret
    step = _step(secret, _digits(code), None) if secret else None
    if step is None:
        raise _wrong_code()
    user.totp_secret, user.totp_last_step, user.totp_pending_secret = secret, step, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(c)) for c in codes)
    audit.record(actor, "user.two_factor_enrol", user)
    return codes


def _wrong_code() -> InvalidInput:
    return InvalidInput({"code": [gettext("That code is not right, or was already used.")]})


def check(actor: Actor, user: User, code: str) -> None:
    """The second factor at sign-in: a code from the app not used before, or an unused
    recovery code. A wrong one raises InvalidInput."""
    code = _digits(code)
    if code.isdigit() and len(code) == 6:
        step = _step(user.totp_secret, code, user.totp_last_step)
        # one statement: two sign-ins with the same code at once cannot both pass
        if step is not None and _take_step(user, step):
            audit.record(actor, "user.two_factor_used", user)
            return
        raise _wrong_code()
    for recovery in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if verify_secret(recovery.code_hash, code.lower()) and _take_recovery(recovery):
            left = recovery_codes_left(user)
            audit.record(actor, "user.two_factor_recovery", user, codes_left=left)
            return
    raise _wrong_code()


def _take_step(user: User, step: int) -> bool:
    taken = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def _take_recovery(recovery: RecoveryCode) -> bool:
    taken = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == recovery.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def reset(actor: Actor, user_id: str) -> User:
    """An admin turns a staff member's two-factor sign-in off (a lost phone): they enrol
    again at their next sign-in where it is required; their sessions end."""
    require_role(actor, (Role.ADMIN,))
    user = get_in_agency(actor, User, user_id)
    user.totp_secret = user.totp_last_step = user.totp_pending_secret = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)
    audit.record(actor, "user.two_factor_reset", user)
    return user
