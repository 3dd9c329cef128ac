"""Reviewer independence (24 CFR 578.91(b)(3)): a termination is reviewed by someone other
than the people who made or approved it, and not a subordinate of any of them. One rule,
`independence_conflicts`, decided from the supervisor chain; the termination workflow and any
document that names a reviewer (a notice or final decision written directly) both ask it."""

from flask_babel import gettext
from sqlalchemy import func, select

from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS
from ..documents.models import Document
from ..extensions import db
from ..i18n import N_


def chain_above(user: User) -> list[User]:
    """The user's supervisor, their supervisor, and so on (a loop in the data stops it)."""
    chain, seen, boss = [], {user.id}, user.supervisor
    while boss is not None and boss.id not in seen:
        chain.append(boss)
        seen.add(boss.id)
        boss = boss.supervisor
    return chain


def independence_conflicts(
    candidate: User, agency_id, made_by: list[User], approved_by: list[User]
) -> list[str]:
    """Why `candidate` may not review a termination that `made_by` made and `approved_by`
    approved; empty when they may."""
    problems = []
    # One whole sentence per case, so that each reads right once translated.
    made = (
        N_("%(name)s made the termination."),
        N_("%(name)s is a subordinate of %(boss)s, who made it."),
    )
    approved = (
        N_("%(name)s approved the termination."),
        N_("%(name)s is a subordinate of %(boss)s, who approved it."),
    )
    bosses = {boss.id for boss in chain_above(candidate)}
    for people, (did_it, reports_to) in ((made_by, made), (approved_by, approved)):
        for person in {p.id: p for p in people if p is not None}.values():
            if candidate.id == person.id:
                problems.append(gettext(did_it, name=candidate.name))
            elif person.id in bosses:
                problems.append(gettext(reports_to, name=candidate.name, boss=person.name))
    if candidate.agency_id != agency_id or candidate.role not in STAFF_WHO_FILL_FORMS:
        problems.append(
            gettext("%(name)s is not staff of this agency who can review.", name=candidate.name)
        )
    return list(dict.fromkeys(problems))


def _staff_named(agency_id, name: str | None) -> list[User]:
    if not (name or "").strip():
        return []
    return list(
        db.session.execute(
            select(User).where(
                User.agency_id == agency_id, func.lower(User.name) == name.strip().lower()
            )
        ).scalars()
    )


def document_reviewer_conflicts(document: Document, reviewer: User | None = None) -> list[str]:
    """Independence for a document that names a reviewer, however it was written: the
    reviewer (`reviewer`, or the agency's staff member of the name it gives; a reviewer from
    outside the agency is checked by name in the form's own rules) against the case's case
    manager and the staff it names as having made or approved the termination, with the case
    manager's supervisor when it says the termination was approved."""
    data = document.data
    candidates = (
        [reviewer] if reviewer else _staff_named(document.agency_id, data.get("reviewer_name"))
    )
    case_manager = document.case.case_manager
    made_by = [case_manager, *_staff_named(document.agency_id, data.get("terminated_by"))]
    approved_by = _staff_named(document.agency_id, data.get("approved_by"))
    if data.get("approved_by"):
        approved_by.append(case_manager.supervisor)
    problems = []
    for candidate in candidates:
        problems += independence_conflicts(candidate, document.agency_id, made_by, approved_by)
    return problems
