"""The agency's staff, kept by its admins: who may sign in, in which role, under which
supervisor (the supervisor chain decides who may review a termination). Staff are never
deleted, only deactivated: their names stay on what they signed. Every change is audited."""

import re

from flask_babel import gettext
from sqlalchemy import func, select

from ..audit import service as audit
from ..errors import InvalidInput, NotFound
from ..extensions import db
from . import two_factor
from .models import ROLE_LABELS, Role, User
from .service import (
    MIN_PASSWORD,
    Actor,
    create_user,
    end_sessions,
    get_in_agency,
    hash_password,
    require_role,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def list_staff(actor: Actor) -> list[User]:
    user = require_role(actor, (Role.ADMIN,))
    return list(
        db.session.execute(
            select(User).where(User.agency_id == user.agency_id).order_by(User.name)
        ).scalars()
    )


def supervisors(actor: Actor) -> list[User]:
    """Who may be named a supervisor: active supervisors and admins of the agency."""
    return [u for u in list_staff(actor) if u.active and u.role in SUPERVISING_ROLES]


def _supervisor(actor: Actor, supervisor_id: str, user: User | None, errors: dict):
    if not supervisor_id:
        return None
    try:
        supervisor = get_in_agency(actor, User, supervisor_id)
    except NotFound:  # another agency's, or no id at all: the same answer
        supervisor = None
    if supervisor is None or not supervisor.active or supervisor.role not in SUPERVISING_ROLES:
        errors["supervisor_id"] = [gettext("Choose an active supervisor from the list.")]
        return None
    chain, above = set(), supervisor
    while above is not None and above.id not in chain:  # a loop in old data ends here too
        if user is not None and above.id == user.id:
            errors["supervisor_id"] = [
                gettext(
                    "%(name)s reports to this person: choose someone else.", name=supervisor.name
                )
                if supervisor.id != user.id
                else gettext("Nobody supervises themselves.")
            ]
            return None
        chain.add(above.id)
        above = above.supervisor
    return supervisor


def _password_errors(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD:
        return [gettext("At least %(count)s characters.", count=MIN_PASSWORD)]
    return []


def add_staff(
    actor: Actor, email: str, name: str, role: str, password: str, supervisor_id: str = ""
) -> User:
    """A new staff member of the admin's agency, with a first password the admin passes on
    (argon2-hashed; they change it by asking an admin again)."""
    admin = require_role(actor, (Role.ADMIN,))
    email, name = email.strip().lower(), name.strip()
    errors: dict[str, list[str]] = {}
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = [gettext("Give an e-mail address such as name@agency.org.")]
    elif db.session.execute(
        select(User.id).where(User.agency_id == admin.agency_id, func.lower(User.email) == email)
    ).first():  # only this agency's: another agency's staff are neither refused nor revealed
        errors["email"] = [gettext("Someone on your staff already has this e-mail address.")]
    if not name or len(name) > 200:
        errors["name"] = [gettext("Give the name (at most 200 characters).")]
    if role not in {r.value for r in Role}:
        errors["role"] = [gettext("Choose a role from the list.")]
    if password_errors := _password_errors(password):
        errors["password"] = password_errors
    supervisor = _supervisor(actor, supervisor_id, None, errors)
    if errors:
        raise InvalidInput(errors)
    user = create_user(admin.agency, email, name, Role(role), password, supervisor)
    audit.record(actor, "user.create", user, email=email, role=role)
    return user


def update_staff(
    actor: Actor,
    user_id: str,
    role: str,
    supervisor_id: str,
    active: bool,
    new_password: str = "",
    reset_two_factor: bool = False,
) -> User:
    """Change a staff member's role, supervisor or access, or give them a new password. An
    admin cannot take away their own admin role or access: an agency keeps an admin."""
    require_role(actor, (Role.ADMIN,))
    user = get_in_agency(actor, User, user_id)
    errors: dict[str, list[str]] = {}
    if role not in {r.value for r in Role}:
        errors["role"] = [gettext("Choose a role from the list.")]
    elif user.id == actor.user.id and (role != Role.ADMIN or not active):
        errors["role"] = [gettext("You cannot remove your own admin role or access.")]
    supervisor = _supervisor(actor, supervisor_id, user, errors)
    if new_password and (password_errors := _password_errors(new_password)):
        errors["new_password"] = password_errors
    if errors:
        raise InvalidInput(errors)
    changes = {}
    for field, value in (
        ("role", Role(role)),
        ("supervisor_id", supervisor.id if supervisor else None),
        ("active", active),
    ):
        if getattr(user, field) != value:
            before = getattr(user, field)
            changes[field] = {
                "from": str(before) if before is not None else None,
                "to": str(value) if value is not None else None,
            }
            setattr(user, field, value)
    if new_password:
        user.password_hash = hash_password(new_password)
        changes["password_reset"] = True
    if changes:
        audit.record(actor, "user.update", user, changes=changes)
    if reset_two_factor and user.totp_secret is not None:
        two_factor.reset(actor, user_id)
    if changes.keys() & {"role", "active", "password_reset"}:
        end_sessions(user)  # they sign in again, with the new password, role or not at all
    return user


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, gettext(ROLE_LABELS[role])) for role in Role]
