"""The rules for grants: agency admins record them and their closeout; staff who fill forms
link a case to the grants that served it. Every change is audited."""

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.models import Role
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..errors import InvalidInput, NotFound
from ..extensions import db
from .models import CaseGrant, Funder, Grant


def list_grants(actor: Actor) -> list[Grant]:
    """The agency's grants, open ones first, by program and number."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    return list(
        db.session.execute(
            select(Grant)
            .where(Grant.agency_id == user.agency_id)
            .order_by(Grant.closeout_on.is_not(None), Grant.program, Grant.number)
        ).scalars()
    )


def get_grant(actor: Actor, grant_id: str) -> Grant:
    require_role(actor, (Role.ADMIN,))
    grant = get_in_agency(actor, Grant, grant_id)
    audit.record(actor, "grant.view", grant)
    return grant


def _text(errors: dict, name: str, value: str | None, limit: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        errors[name] = [gettext("Fill this in (at most %(count)s characters).", count=limit)]
    return value


def save_grant(
    actor: Actor,
    grant: Grant | None,
    program: str,
    number: str,
    funder: str,
    starts_on: date | None,
    closeout_on: date | None,
) -> Grant:
    """Add a grant (`grant` None) or correct one; a closeout date closes it out."""
    user = require_role(actor, (Role.ADMIN,))
    errors: dict[str, list[str]] = {}
    program, number = _text(errors, "program", program, 200), _text(errors, "number", number, 100)
    if funder not in set(Funder):
        errors["funder"] = [gettext("Choose the funder from the list.")]
    if starts_on is None:
        errors["starts_on"] = [gettext("Enter the day the grant started.")]
    elif closeout_on is not None and closeout_on < starts_on:
        errors["closeout_on"] = [gettext("The closeout cannot be before the grant started.")]
    same_number = db.session.execute(
        select(Grant.id).where(Grant.agency_id == user.agency_id, Grant.number == number)
    ).scalar_one_or_none()
    if same_number is not None and (grant is None or same_number != grant.id):
        errors["number"] = [gettext("Another grant already has this name or number.")]
    if errors:
        raise InvalidInput(errors)
    if grant is None:
        grant = Grant(agency_id=user.agency_id)
        db.session.add(grant)
    closing = closeout_on is not None and closeout_on != grant.closeout_on
    grant.program, grant.number, grant.funder = program, number, funder
    grant.starts_on, grant.closeout_on = starts_on, closeout_on
    db.session.flush()
    audit.record(
        actor,
        "grant.closeout" if closing else "grant.save",
        grant,
        program=program,
        number=number,
        funder=funder,
        starts_on=starts_on.isoformat(),
        closeout_on=closeout_on.isoformat() if closeout_on else None,
    )
    return grant


def grants_of_case(case: Case) -> list[Grant]:
    return list(
        db.session.execute(
            select(Grant)
            .join(CaseGrant, CaseGrant.grant_id == Grant.id)
            .where(CaseGrant.case_id == case.id)
            .order_by(Grant.program, Grant.number)
        ).scalars()
    )


def link_grant(actor: Actor, case_id: str, grant_id: str) -> Grant:
    """Record that a grant served the case: its records are kept until 5 years after that
    grant's closeout (a closed case too: the link is often learnt late)."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    case = get_in_agency(actor, Case, case_id)
    try:
        grant = get_in_agency(actor, Grant, grant_id)
    except NotFound:  # another agency's, or no id at all: the same answer
        raise InvalidInput({"grant_id": [gettext("Choose a grant from the list.")]}) from None
    if grant in grants_of_case(case):
        raise InvalidInput({"grant_id": [gettext("This grant is already linked to the case.")]})
    db.session.add(CaseGrant(case_id=case.id, grant_id=grant.id, linked_by_id=user.id))
    db.session.flush()
    audit.record(actor, "case.grant_linked", case, grant_id=str(grant.id), number=grant.number)
    return grant
