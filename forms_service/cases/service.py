"""Clients and their cases, seen only by staff of the client's agency."""

import re
from datetime import date, datetime, time

from flask_babel import gettext
from sqlalchemy import func, select

from .. import clock
from ..accounts.models import Agency, Role, User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..formatting import long_date
from ..forms import form_type_that
from ..forms.discharge_plan import EXIT_REASONS
from ..forms.hmis_destinations import BY_CODE
from ..i18n import CLIENT_LANGUAGES
from ..workflows.consent import end_releases_of_case
from .models import Case, CaseStatus, Client
from .search import normalise_name

HMIS_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")  # HUD data standards: PersonalID is String(32)


def hmis_id_errors(
    agency_id, personal_id: str, enrollment_id: str, client: Client | None, case: Case | None
) -> dict[str, list[str]]:
    """Field errors of an HMIS PersonalID and EnrollmentID (blank: not known) for a client and
    case of the agency (None: not created yet): the HUD length and plain characters, and each
    used by one client or case of the agency only, so an export or an API call joins to one."""
    errors: dict[str, list[str]] = {}
    for field, value in (("hmis_personal_id", personal_id), ("hmis_enrollment_id", enrollment_id)):
        if value and not HMIS_ID.fullmatch(value):
            errors[field] = [
                gettext("At most 32 letters, digits, hyphens, underscores or full stops.")
            ]
    if personal_id and "hmis_personal_id" not in errors:
        other = db.session.execute(
            select(Client).where(
                Client.agency_id == agency_id,
                Client.hmis_personal_id == personal_id,
                Client.id != (client.id if client else None),
            )
        ).scalar()
        if other is not None:
            errors["hmis_personal_id"] = [
                gettext(
                    "HMIS PersonalID %(id)s is already %(name)s's.",
                    id=personal_id,
                    name=other.full_name,
                )
            ]
    if enrollment_id and "hmis_enrollment_id" not in errors:
        other = db.session.execute(
            select(Case).where(
                Case.agency_id == agency_id,
                Case.hmis_enrollment_id == enrollment_id,
                Case.id != (case.id if case else None),
            )
        ).scalar()
        if other is not None:
            errors["hmis_enrollment_id"] = [
                gettext(
                    "HMIS EnrollmentID %(id)s is already case %(case)s's.",
                    id=enrollment_id,
                    case=other.number,
                )
            ]
    return errors


def create_client(
    agency: Agency,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    preferred_language: str = "en",
) -> Client:
    client = Client(
        agency_id=agency.id,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        preferred_language=preferred_language,
        search_name=normalise_name(f"{first_name} {last_name}"),
    )
    db.session.add(client)
    db.session.flush()
    return client


def open_case(client: Client, case_manager: User, program: str, opened_on: date) -> Case:
    count = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.agency_id == client.agency_id)
    )
    case = Case(
        agency_id=client.agency_id,
        client_id=client.id,
        case_manager_id=case_manager.id,
        number=f"C-{opened_on.year}-{count + 1:04d}",
        program=program,
        opened_on=opened_on,
    )
    db.session.add(case)
    db.session.flush()
    return case


def _line_errors(**values: str) -> dict[str, list[str]]:
    """Each value is required, on one line, at most 100 characters (the page's fields)."""
    errors = {}
    for field, value in values.items():
        if not value:
            errors[field] = [gettext("This is required.")]
        elif len(value) > 100 or any(ord(c) < 0x20 for c in value):
            errors[field] = [gettext("At most %(most)s characters, on one line.", most=100)]
    return errors


def register_client(
    actor: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    language: str,
    program: str,
    hmis_personal_id: str = "",
    hmis_enrollment_id: str = "",
) -> Case:
    """Intake: a new client of the actor's agency and their first case, managed by the
    actor, opened today, with their HMIS ids when known. The same name and date of birth
    already in the agency is refused (one person, one client record: their documents stay
    together), naming that client's case."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    first_name, last_name, program = first_name.strip(), last_name.strip(), program.strip()
    errors = _line_errors(first_name=first_name, last_name=last_name, program=program)
    if date_of_birth and not date(1900, 1, 1) <= date_of_birth <= clock.today(user.agency):
        errors["date_of_birth"] = [gettext("Give a date of birth between 1900 and today.")]
    if language not in CLIENT_LANGUAGES:
        errors["language"] = [gettext("Choose a language from the list.")]
    hmis_personal_id, hmis_enrollment_id = hmis_personal_id.strip(), hmis_enrollment_id.strip()
    errors.update(hmis_id_errors(user.agency_id, hmis_personal_id, hmis_enrollment_id, None, None))
    search_name = normalise_name(f"{first_name} {last_name}")
    if not errors and date_of_birth:
        same = db.session.execute(
            select(Case)
            .join(Client)
            .where(
                Client.agency_id == user.agency_id,
                Client.search_name == search_name,
                Client.date_of_birth == date_of_birth,
            )
            .order_by(Case.opened_on.desc())
        ).scalar()
        if same is not None:
            errors["last_name"] = [
                gettext(
                    "%(name)s, born %(born)s, is already a client: case %(case)s.",
                    name=same.client.full_name,
                    born=date_of_birth.isoformat(),
                    case=same.number,
                )
            ]
    if errors:
        raise InvalidInput(errors)
    client = create_client(user.agency, first_name, last_name, date_of_birth, language)
    client.hmis_personal_id = hmis_personal_id or None
    case = open_case(client, user, program, clock.today(user.agency))
    case.hmis_enrollment_id = hmis_enrollment_id or None
    audit.record(actor, "client.register", client, case=case.number)
    return case


CASE_MANAGING = (Role.CASE_MANAGER, Role.SUPERVISOR)  # whom a case may be assigned to


def case_managers(actor: Actor) -> list[User]:
    """The agency's active case managers and supervisors, whom a new case may be given to."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    return list(
        db.session.execute(
            select(User)
            .where(User.agency_id == actor.agency_id, User.active, User.role.in_(CASE_MANAGING))
            .order_by(User.name)
        ).scalars()
    )


def open_another_case(
    actor: Actor,
    client_id: str,
    program: str,
    opened_on: date | None,
    case_manager_email: str,
    hmis_enrollment_id: str = "",
) -> Case:
    """Another case (enrolment) for a client already registered: one who left and comes back,
    or enters a second program; termination never bars re-entry (24 CFR 578.91(a)). Its
    case manager is an active case manager or supervisor of the agency; it opens on a day
    not in the future nor before the client was born; a program the client has an open case
    in is refused, naming that case. Audited."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    client = get_in_agency(actor, Client, client_id)
    program, hmis_enrollment_id = program.strip(), hmis_enrollment_id.strip()
    errors = _line_errors(program=program)
    same = next(
        (
            c
            for c in cases_of(client)
            if c.is_open and normalise_name(c.program) == normalise_name(program)
        ),
        None,
    )
    if program and same is not None:
        errors["program"] = [
            gettext(
                "%(name)s already has an open case in %(program)s: %(case)s.",
                name=client.full_name,
                program=same.program,
                case=same.number,
            )
        ]
    today = clock.today(client.agency)
    if opened_on is None:
        errors["opened_on"] = [gettext("Give the day the case opens.")]
    elif opened_on > today or (client.date_of_birth and opened_on < client.date_of_birth):
        errors["opened_on"] = [
            gettext(
                "Give a day between the client's birth and today (%(today)s).",
                today=long_date(today),
            )
        ]
    manager = next(
        (u for u in case_managers(actor) if u.email.lower() == case_manager_email.strip().lower()),
        None,
    )
    if manager is None:
        errors["case_manager_email"] = [
            gettext("Choose an active case manager or supervisor of the agency.")
        ]
    errors.update(hmis_id_errors(client.agency_id, "", hmis_enrollment_id, client, None))
    if errors:
        raise InvalidInput(errors)
    case = open_case(client, manager, program, opened_on)
    case.hmis_enrollment_id = hmis_enrollment_id or None
    audit.record(
        actor, "case.open", case, client=str(client.id), program=program, case_manager=manager.email
    )
    return case


def get_client(actor: Actor, client_id: str) -> tuple[Client, list[Case]]:
    """A client of the agency and their cases (newest first), audited as a view."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    client = get_in_agency(actor, Client, client_id)
    audit.record(actor, "client.view", client)
    return client, cases_of(client)


def cases_of(client: Client) -> list[Case]:
    return list(
        db.session.execute(
            select(Case).where(Case.client_id == client.id).order_by(Case.opened_on.desc())
        ).scalars()
    )


def get_case(actor: Actor, case_id: str) -> Case:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    case = get_in_agency(actor, Case, case_id)
    audit.record(actor, "case.view", case)
    return case


def set_preferred_language(actor: Actor, case_id: str, language: str) -> Client:
    """Record the language the client reads: their kiosk and phone pages open in it and new
    forms default to it (a vital document in a language we have no template for needs an
    interpreter)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    client = get_in_agency(actor, Case, case_id).client
    if language not in CLIENT_LANGUAGES:
        raise InvalidInput({"language": [gettext("Choose a language from the list.")]})
    if client.preferred_language != language:
        audit.record(
            actor, "client.language", client, before=client.preferred_language, after=language
        )
        client.preferred_language = language
    return client


def set_hmis_ids(actor: Actor, case_id: str, personal_id: str, enrollment_id: str) -> Case:
    """The client's HMIS PersonalID and this case's EnrollmentID as the agency's HMIS has
    them (blank: not known); a change is audited with what it replaced."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    case = get_in_agency(actor, Case, case_id)
    personal_id, enrollment_id = personal_id.strip(), enrollment_id.strip()
    errors = hmis_id_errors(case.agency_id, personal_id, enrollment_id, case.client, case)
    if errors:
        raise InvalidInput(errors)
    before = (case.client.hmis_personal_id, case.hmis_enrollment_id)
    after = (personal_id or None, enrollment_id or None)
    if before != after:
        case.client.hmis_personal_id, case.hmis_enrollment_id = after
        audit.record(actor, "case.hmis_ids", case, before=list(before), after=list(after))
    return case


def require_open(case: Case) -> None:
    """New work (a form, a termination, a plan update) needs an open case; what a closed case
    still owes the client (an appeal, its decision, a grievance about the exit or anything
    else, and its answer) does not ask this."""
    if not case.is_open:
        raise RuleViolation(
            gettext(
                "Case %(case)s was closed on %(date)s: it takes no new forms or terminations.",
                case=case.number,
                date=long_date(case.closed_on),
            )
        )


def exit_in_words(case: Case) -> tuple[str, str]:
    """A closed case's exit reason and HMIS destination as their labels in the page's
    language (the case keeps the codes, for HMIS); a code no list knows is shown as is."""
    reason = EXIT_REASONS.get(case.exit_reason or "")
    destination = BY_CODE.get(case.destination_code)
    return (
        gettext(reason) if reason else case.exit_reason or "",
        gettext(destination.label) if destination else "",
    )


def close_case(actor: Actor, case: Case, on: date) -> Case:
    """Closing a case needs its signed discharge plan (exit reason and HMIS destination come
    from it) and ends every release still active for it (seeds 000, 004)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    require_open(case)
    plan = (
        db.session.execute(
            select(Document)
            .where(
                Document.case_id == case.id,
                Document.form_type == form_type_that("closes_case").name,
                Document.status == DocumentStatus.ARCHIVED,
            )
            .order_by(Document.completed_at.desc())
        )
        .scalars()
        .first()
    )
    if plan is None:
        raise RuleViolation(
            gettext(
                "Close the case after its discharge plan is signed: it records the exit reason, "
                "the destination and the homelessness-prevention plan."
            )
        )
    case.status = CaseStatus.CLOSED
    case.closed_on = on
    case.exit_reason = plan.data.get("exit_reason")
    case.destination_code = int(plan.data["destination"]) if plan.data.get("destination") else None
    agency = case.client.agency  # a day closed in the past ends at its last moment there
    at = (
        datetime.combine(on, time.max, clock.zone(agency)) if on < clock.today(agency) else utcnow()
    )
    ended = end_releases_of_case(actor, case, at)
    audit.record(
        actor,
        "case.close",
        case,
        exit_reason=case.exit_reason,
        destination=case.destination_code,
        releases_ended=len(ended),
    )
    return case
