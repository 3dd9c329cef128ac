"""Grievance: a client's written complaint, filed alone or with staff help; it carries its
number, the agency's response deadline, the client's language and accommodation needs, the
promise of no retaliation and the routes outside the agency (seed 000 "Client Grievance
Process")."""

from datetime import timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import BaseForm, Missing, NotInFuture, Statement, Text, choices, multiline, strip
from .registry import FormType, People, SignerRole, SignerSpec, register

CLIENT = SignerRole("client", N_("Client"), staff=False)
FILED_BY = {
    "client": N_("The client, alone"),
    "with_help": N_("The client, with help from staff"),
}
# Public complaint routes outside the agency and the CoC (their published national contacts).
OUTSIDE_ROUTES = (
    {
        "name": N_(
            "U.S. Department of Housing and Urban Development (HUD), Office of Fair "
            "Housing and Equal Opportunity"
        ),
        "about": N_(
            "Unfair treatment in housing or in a HUD-funded program because of race, color, "
            "religion, sex, national origin, disability or family status"
        ),
        "contact": N_("1-800-669-9777 (TTY: dial 711) · hud.gov/fairhousing"),
    },
    {
        "name": N_("U.S. Department of Health and Human Services (HHS), Office for Civil Rights"),
        "about": N_(
            "Unfair treatment in health or human services, or a breach of your health "
            "privacy rights"
        ),
        "contact": N_("1-800-368-1019 (TDD 1-800-537-7697) · hhs.gov/ocr/complaints"),
    },
)


def outside_routes() -> list[dict]:
    """The outside offices a client can go to, in the current language (while a document
    renders: the document's)."""
    routes = []
    for route in OUTSIDE_ROUTES:
        routes.append({key: gettext(text) for key, text in route.items()})
    return routes


# An agency setting; forms print it from there (the example is for previews).
NO_COC_CONTACT = N_(
    "The agency settings have no CoC Governance & Membership Committee contact yet: an admin "
    "adds it under Agency settings."
)
EXAMPLE_COC_CONTACT = (
    "City of St. Louis Continuum of Care, Governance & Membership Committee, "
    "c/o Department of Human Services, Homeless Services Division, 1520 Market Street, "
    "Room 4062, St. Louis, MO 63103 · (314) 657-1704"
)


class GrievanceForm(BaseForm):
    grievance_number = StringField(_l("Grievance number"), [Text(40)], filters=[strip])
    filed_on = DateField(_l("Received on"), validators=[Optional(), NotInFuture()])
    filed_by = RadioField(_l("Filed by"), choices=choices(FILED_BY), validators=[Optional()])
    helper_name = StringField(_l("Staff member who helped"), [Text(200)], filters=[strip])
    what_happened = TextAreaField(
        _l("What happened (in the client's words)"),
        [Text(5000, multiline=True)],
        filters=[strip],
    )
    when_where = StringField(_l("When and where it happened"), [Text(300)], filters=[strip])
    people_involved = StringField(_l("People involved"), [Text(300)], filters=[strip])
    outcome_wanted = TextAreaField(
        _l("What the client would like to happen"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    response_due = DateField(_l("We answer in writing by"), validators=[Optional()])
    language = StringField(_l("Language for our answer"), [Text(100)], filters=[strip])
    interpreter = BooleanField(_l("Needs an interpreter"))
    accommodations = TextAreaField(
        _l("Accommodations needed (e.g. large print, reading aloud, meeting by phone)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    how_to_reach = StringField(
        _l("How the client wants to get the answer"), [Text(300)], filters=[strip]
    )
    coc_contact = TextAreaField(
        _l("CoC Governance & Membership Committee contact (agency setting)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )

    def validate_response_due(self, field):
        if field.data and self.filed_on.data and field.data < self.filed_on.data:
            raise ValidationError(
                gettext("The answer cannot be due before the grievance was received.")
            )


def missing_elements(data: dict) -> dict[str, list[str]]:
    """A grievance has its number and the agency's response deadline, says who filed it (and
    who helped), what happened, the language for the answer, and the CoC committee contact
    (seed 000)."""
    missing = Missing()
    missing.require(data, "grievance_number", gettext("Give the grievance its number."))
    missing.require(data, "filed_on", gettext("Give the date the grievance was received."))
    if data.get("filed_by") not in FILED_BY:
        missing.add(
            "filed_by", gettext("Say whether the client filed it alone or with staff help.")
        )
    if data.get("filed_by") == "with_help":
        missing.require(data, "helper_name", gettext("Name the staff member who helped."))
    missing.require(data, "what_happened", gettext("Write down what happened."))
    missing.require(data, "response_due", gettext("Give the date the agency answers by."))
    missing.require(data, "language", gettext("Record the language for the answer."))
    missing.require(data, "coc_contact", gettext(NO_COC_CONTACT))
    return missing


def context(data: dict, common: dict) -> dict:
    return {
        "grievance": {
            "number": data["grievance_number"],
            "filed_on": long_date(data["filed_on"]),
            "with_help": data["filed_by"] == "with_help",
            "helper_name": data.get("helper_name") or "",
            "what_happened": multiline(data["what_happened"]),
            "when_where": data.get("when_where") or "",
            "people_involved": data.get("people_involved") or "",
            "outcome_wanted": multiline(data.get("outcome_wanted")),
            "response_due": long_date(data["response_due"]),
            "language": data["language"],
            "interpreter": bool(data.get("interpreter")),
            "accommodations": multiline(data.get("accommodations")),
            "how_to_reach": data.get("how_to_reach") or "",
            "coc_contact": multiline(data["coc_contact"]),
            "outside_routes": outside_routes(),
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    return [SignerSpec(CLIENT, people.client, CLIENT.label)]


def example() -> dict:
    today = clock.example_today()
    return {
        "grievance_number": "G-2026-0007",
        "filed_on": today.isoformat(),
        "filed_by": "with_help",
        "helper_name": "Sam Okafor",
        "what_happened": (
            "On two nights the front desk would not let me in after 9 pm, even though I had a "
            "late shift at work and had told staff. I had to sleep in the bus station."
        ),
        "when_where": "November 12 and 14, Market Street shelter front desk",
        "people_involved": "Night front desk staff",
        "outcome_wanted": "A written late pass for my work nights, and for staff to know about it.",
        "response_due": (today + timedelta(days=10)).isoformat(),
        "language": "Spanish",
        "interpreter": True,
        "accommodations": "Please read the answer to me in Spanish.",
        "how_to_reach": "At my Tuesday meeting, or by phone (314) 555-0123",
        "coc_contact": EXAMPLE_COC_CONTACT,
    }


def summary(data: dict) -> str:
    return data.get("grievance_number") or gettext("(no number yet)")


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "Client Grievance Process (no retaliation)",
        {
            "en": "You will not be punished for making a complaint",
            "es": "No recibirá ningún castigo por presentar una queja",
            "ar": "لن تتعرّض لأي عقوبة بسبب تقديم شكوى",
        },
    ),
)


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        continues_after_closing=True,
        workflow_step=True,
        name="grievance",
        title=N_("Grievance"),
        prefix="GR",
        form_class=GrievanceForm,
        signer_roles=(CLIENT,),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/grievance.html",
        page_context=lambda data: {"outside_routes": OUTSIDE_ROUTES},
        summary=summary,
        agency_settings=(("coc_contact", "coc_contact"),),
        # numbered and given its answer date when recorded (workflows/grievance.py)
        workflow_fields=("grievance_number", "response_due"),
    )
)
