"""Signing in and out: a failed sign-in stays in the audit trail, signing out ends every
session of that person, on every device, and a staff session ends after a while without
activity and after its longest lifetime, whatever the activity."""

from ..audit import service as audit
from ..database import transaction_of_its_own
from .models import User
from .service import Actor, accounts_of, end_sessions


def failed_login(actor: Actor, email: str, step: str = "password", user: User | None = None):
    """A wrong e-mail, password or code, in the trail of the agency of each account with that
    address (of none for an address nobody has; of `user`'s at the second step), committed
    although the refused sign-in rolls back."""
    email = email.strip().lower()[:254]
    with transaction_of_its_own():
        for account in [user] if user else accounts_of(email) or [None]:
            audit.record(actor, "user.login_failed", account, email=email, step=step)


def sign_out(actor: Actor) -> None:
    """This session and every other one of the same person end."""
    audit.record(actor, "user.logout")
    end_sessions(actor.user)


def session_over(started: float, last_active: float, now: float, idle: float, lifetime: float):
    """Why a staff session is over ("idle" or "lifetime"), None while it is not."""
    if now - started > lifetime:
        return "lifetime"
    if now - last_active > idle:
        return "idle"
    return None


def session_timed_out(actor: Actor, reason: str) -> None:
    audit.record(actor, "user.session_timeout", reason=reason)
