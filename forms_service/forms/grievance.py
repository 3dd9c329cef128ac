"""Grievance: a client's written complaint, filed alone or with staff help; it carries its
number, the agency's response deadline, the client's language and accommodation needs, the
promise of no retaliation and the routes outside the agency (Client Grievance Process of the
CoC's written standards)."""

from flask_babel import gettext

from .. import clock
from ..i18n import N_
from . import fields as f
from .base import Statement
from .registry import SignerRole
from .spec import FormSpec, Section, registered

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
COC_CONTACT = f.LongText(
    N_("CoC Governance & Membership Committee contact (agency setting)"),
    setting="coc_contact",
    required=NO_COC_CONTACT,
    example=EXAMPLE_COC_CONTACT,
)


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


def _today():
    return clock.example_today().isoformat()


@registered
class Grievance(FormSpec):
    name = "grievance"
    title = N_("Grievance")
    prefix = "GR"
    required_statements = REQUIRED_STATEMENTS
    workflow_step = True
    continues_after_closing = True
    signer_roles = (CLIENT,)
    page_note = N_(
        "The form also names HUD's Office of Fair Housing and Equal Opportunity and HHS's "
        "Office for Civil Rights."
    )
    sections = (
        Section(
            N_("The grievance"),
            {
                # numbered when recorded (workflows/grievance.py)
                "grievance_number": f.Text(
                    N_("Grievance number"),
                    40,
                    workflow=True,
                    required=N_("Give the grievance its number."),
                    printed_as="number",
                    example="G-2026-0007",
                ),
                "filed_on": f.Date(
                    N_("Received on"),
                    past=True,
                    required=N_("Give the date the grievance was received."),
                    example=_today,
                ),
                "filed_by": f.Radio(
                    N_("Filed by"),
                    options=FILED_BY,
                    required=N_("Say whether the client filed it alone or with staff help."),
                    example="with_help",
                ),
                "helper_name": f.Text(
                    N_("Staff member who helped"),
                    when=("filed_by", "with_help"),
                    required=N_("Name the staff member who helped."),
                    example="Sam Okafor",
                ),
                "what_happened": f.LongText(
                    N_("What happened (in the client's words)"),
                    5000,
                    required=N_("Write down what happened."),
                    hint=N_("Write it as the client says it."),
                    example=(
                        "On two nights the front desk would not let me in after 9 pm, even "
                        "though I had a late shift at work and had told staff. I had to sleep "
                        "in the bus station."
                    ),
                ),
                "when_where": f.Text(
                    N_("When and where it happened"),
                    300,
                    example="November 12 and 14, Market Street shelter front desk",
                ),
                "people_involved": f.Text(
                    N_("People involved"), 300, example="Night front desk staff"
                ),
                "outcome_wanted": f.LongText(
                    N_("What the client would like to happen"),
                    2000,
                    example=(
                        "A written late pass for my work nights, and for staff to know about it."
                    ),
                ),
            },
        ),
        Section(
            N_("Our answer"),
            {
                # given its answer date when recorded (workflows/grievance.py)
                "response_due": f.Date(
                    N_("We answer in writing by"),
                    workflow=True,
                    required=N_("Give the date the agency answers by."),
                    example=f.days_from_today(10),
                ),
                "language": f.Text(
                    N_("Language for our answer"),
                    100,
                    required=N_("Record the language for the answer."),
                    example="Spanish",
                ),
                "interpreter": f.Checkbox(N_("Needs an interpreter"), example=True),
                "accommodations": f.LongText(
                    N_("Accommodations needed (e.g. large print, reading aloud, meeting by phone)"),
                    example="Please read the answer to me in Spanish.",
                ),
                "how_to_reach": f.Text(
                    N_("How the client wants to get the answer"),
                    300,
                    example="At my Tuesday meeting, or by phone (314) 555-0123",
                ),
                "coc_contact": COC_CONTACT,
            },
        ),
    )

    def checks(self, values: dict):
        due, filed = values["response_due"], values["filed_on"]
        if due and filed and due < filed:
            yield (
                "response_due",
                gettext("The answer cannot be due before the grievance was received."),
            )

    def context(self, data: dict, common: dict) -> dict:
        grievance = super().context(data, common)
        grievance["grievance"].update(
            with_help=data["filed_by"] == "with_help", outside_routes=outside_routes()
        )
        return grievance

    def page_context(self, data: dict) -> dict:
        return {"outside_routes": OUTSIDE_ROUTES}

    def summary(self, data: dict) -> str:
        return data.get("grievance_number") or gettext("(no number yet)")
