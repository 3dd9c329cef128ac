"""Grievances (seed 000 "Client Grievance Process"): filed by the client alone or with staff
help, numbered, answered in writing by the agency's deadline; overdue ones are listed."""

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import func, select

from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..documents import service as documents
from ..documents.models import Document
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms.grievance import Grievance as GrievanceSpec
from ..forms.grievance_response import GrievanceResponse
from ..i18n import CLIENT_LANGUAGES, language_name
from ..templates_admin.service import templates_for
from ..webhooks import service as webhooks
from .models import Grievance


def _next_number(agency_id, year: int) -> str:
    count = db.session.scalar(
        select(func.count())
        .select_from(Grievance)
        .where(Grievance.agency_id == agency_id, Grievance.number.like(f"G-{year}-%"))
    )
    return f"G-{year}-{count + 1:04d}"


def file_grievance(
    actor: Actor, case: Case, data: dict, helped: bool = True, **language
) -> Grievance:
    """Record a grievance received on its `filed_on`; staff who write it down for the client
    are named as helpers."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)  # a closed case too: a client may grieve their exit
    if not data.get("filed_on"):
        raise InvalidInput({"filed_on": [gettext("Give the date the grievance was received.")]})
    filed_on = date.fromisoformat(str(data["filed_on"]))
    agency = case.client.agency
    grievance = Grievance(
        agency_id=case.agency_id,
        number=_next_number(case.agency_id, filed_on.year),
        client_id=case.client_id,
        case_id=case.id,
        filed_on=filed_on,
        helped_by_id=user.id if helped else None,
        response_due=filed_on + timedelta(days=agency.grievance_response_days),
    )
    db.session.add(grievance)
    db.session.flush()
    document = documents.start_document(
        actor,
        case,
        GrievanceSpec.name,
        {
            **data,
            "grievance_number": grievance.number,
            "filed_on": filed_on.isoformat(),
            "response_due": grievance.response_due.isoformat(),
        },
        **language,
    )
    documents.send_for_signature(actor, document)
    grievance.grievance_id = document.id
    audit.record(actor, "grievance.file", grievance, number=grievance.number)
    webhooks.emit(grievance.agency_id, "grievance.filed", grievance=grievance, document=document)
    return grievance


def respond(
    actor: Actor,
    grievance: Grievance,
    data: dict,
    language: str | None = None,
    interpreter: dict | None = None,
):
    """The written, signed response, in the language the client asked for it in (by default
    too): see `_answer_language`."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Grievance, grievance.id)
    if grievance.status != "open":
        raise RuleViolation(
            gettext("Grievance %(number)s already has its response.", number=grievance.number)
        )
    language = _answer_language(grievance, language, interpreter)
    document = documents.start_document(
        actor,
        grievance.case,
        GrievanceResponse.name,
        {
            **data,
            "grievance_number": grievance.number,
            "grievance_filed_on": grievance.filed_on.isoformat(),
        },
        language,
        interpreter,
    )
    documents.send_for_signature(actor, document)
    grievance.response_id = document.id
    grievance.status = "responded"
    audit.record(actor, "grievance.respond", grievance, response=document.reference)
    webhooks.emit(grievance.agency_id, "grievance.answered", grievance=grievance, response=document)
    return document


def _language_code(typed: str) -> str | None:
    """The code of a language as staff type it ("Spanish", "español" or "es"), else None."""
    typed = " ".join(typed.split()).casefold()
    return next(
        (
            code
            for code in CLIENT_LANGUAGES
            if typed
            in {n.casefold() for n in (code, language_name(code, "en"), language_name(code, code))}
        ),
        None,
    )


def answer_asked(grievance: Grievance) -> dict:
    """What the client asked for the answer: the language as typed on the grievance, its
    code when it names one the client may read (else None), and whether they need an
    interpreter."""
    data = db.session.get(Document, grievance.grievance_id).data
    typed = (data.get("language") or "").strip()
    return {
        "language": typed,
        "code": _language_code(typed),
        "interpreter": bool(data.get("interpreter")),
    }


def _names_language(typed: str, asked: dict) -> bool:
    """Whether `typed` names the language asked for: by its code, else word for word."""
    if asked["code"]:
        return _language_code(typed) == asked["code"]
    return " ".join(typed.split()).casefold() == " ".join(asked["language"].split()).casefold()


def _answer_language(grievance: Grievance, language: str | None, interpreter: dict | None):
    """The answer is in the language the client asked for on the grievance (the CoC's
    grievance process; language access, 72 FR 2732): written in it when the agency has the
    response's template in it, else in English read to the client by an interpreter into it.
    Another choice is refused, naming the language asked for."""
    asked = answer_asked(grievance)
    if not asked["language"]:
        return language
    offered = templates_for(grievance.case.client.agency).languages(GrievanceResponse.name)
    if asked["code"] in offered:
        if language not in (None, asked["code"]):
            raise InvalidInput(
                {
                    "language": [
                        gettext(
                            "The client asked for the answer in %(language)s: write it in "
                            "%(language)s.",
                            language=language_name(asked["code"]),
                        )
                    ]
                }
            )
        return asked["code"]
    interpreter = interpreter or {}
    if (
        language in (None, "en")
        and interpreter.get("name")
        and _names_language(interpreter.get("language") or "", asked)
    ):
        return "en"
    raise InvalidInput(
        {
            "interpreter_language": [
                gettext(
                    "The client asked for the answer in %(language)s, and this answer has no "
                    "template in it: write it in English and name the interpreter who reads "
                    "it to them in %(language)s.",
                    language=language_name(asked["code"]) if asked["code"] else asked["language"],
                )
            ]
        }
    )


def open_grievances(actor: Actor) -> list[Grievance]:
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    return list(
        db.session.execute(
            select(Grievance)
            .where(Grievance.agency_id == user.agency_id, Grievance.status == "open")
            .order_by(Grievance.response_due)
        ).scalars()
    )


def for_case(actor: Actor, case: Case) -> list[Grievance]:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    return list(
        db.session.execute(
            select(Grievance).where(Grievance.case_id == case.id).order_by(Grievance.filed_on)
        ).scalars()
    )


def get(actor: Actor, grievance_id) -> Grievance:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    return get_in_agency(actor, Grievance, grievance_id)
