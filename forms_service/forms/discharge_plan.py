"""Discharge plan: made at a discharge meeting before the client leaves, with linkages and
their concrete steps, the hand-off to a new provider, a plan to prevent homelessness, the
client's satisfaction, follow-up only with permission, and the exit reason and HMIS exit
destination (seed 000 "Discharge Planning", "Client Exit"; 004 case closure; HMIS 3.12)."""

from datetime import timedelta

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import (
    NOT_CHOSEN,
    BaseForm,
    Missing,
    NotInFuture,
    Rows,
    Text,
    choices,
    multiline,
    strip,
    translated,
)
from .hmis_destinations import BY_CODE, DESTINATIONS, RENTAL_SUBSIDY_TYPES, RENTAL_WITH_SUBSIDY
from .registry import FormType, People, SignerRole, SignerSpec, register

CLIENT = SignerRole("client", N_("Client"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)

# Why the client leaves: seed 000 "Client Exit" and 004 case closure, in one list.
EXIT_REASONS = {
    "positive": N_("Positive exit: planned move to housing"),
    "goals_met": N_("Goals met"),
    "requested_closure": N_("Client asked to close the case"),
    "left_voluntarily": N_("Left voluntarily: more services were recommended but not wanted"),
    "disengaged": N_("Stopped taking part in services"),
    "left_unknown": N_("Left without the case manager's knowledge"),
    "moved_away": N_("Moved outside the service area"),
    "police_court": N_("Police or court prevented further services"),
    "asked_to_leave": N_("Asked to leave the program, after the termination process"),
}
SATISFACTION = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "neutral": N_("Neither satisfied nor dissatisfied"),
    "dissatisfied": N_("Dissatisfied"),
    "very_dissatisfied": N_("Very dissatisfied"),
    "declined": N_("Did not want to answer"),
}
YES_NO = {"yes": N_("Yes"), "no": N_("No")}


def _code(value):
    """A numeric HMIS code from a select; blank is no answer yet."""
    return int(value) if value not in ("", None) else None


def _coded(code: int, label: str) -> LazyString:
    """An HMIS code and its label, the label in the page's language."""
    return LazyString(lambda: f"{code}: {gettext(label)}")


DESTINATION_CHOICES = [
    NOT_CHOSEN,
    *(
        SelectChoice(d.code, _coded(d.code, d.label), optgroup=translated(d.group))
        for d in DESTINATIONS
    ),
]
SUBSIDY_CHOICES = [
    NOT_CHOSEN,
    *(SelectChoice(code, _coded(code, label)) for code, label in RENTAL_SUBSIDY_TYPES.items()),
]


class LinkageForm(Form):
    organization = StringField(_l("Service or organization"), [Text(200)], filters=[strip])
    purpose = StringField(_l("What it is for"), [Text(300)], filters=[strip])
    steps = TextAreaField(
        _l("Specific steps to get it (who does what, by when)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    contact = StringField(_l("How to reach them"), [Text(300)], filters=[strip])


class DischargePlanForm(BaseForm):
    meeting_date = DateField(
        _l("Discharge meeting held on"), validators=[Optional(), NotInFuture()]
    )
    attendees = TextAreaField(
        _l("Who took part (client, guardian, team, others)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    exit_date = DateField(_l("Exit date (last day in the program)"), validators=[Optional()])
    linkages = Rows(FormField(LinkageForm), _l("Linkages"), limit=10, row_label=_l("Linkage"))
    new_provider = StringField(
        _l("New provider taking over (if any)"), [Text(200)], filters=[strip]
    )
    handoff = TextAreaField(
        _l("How the hand-off to the new provider happens"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    prevention_plan = TextAreaField(
        _l(
            "Plan to keep housing and prevent homelessness (warning signs, who to call, what to do)"
        ),
        [Text(3000, multiline=True)],
        filters=[strip],
    )
    satisfaction = RadioField(
        _l("Client's satisfaction with services"),
        choices=choices(SATISFACTION),
        validators=[Optional()],
    )
    satisfaction_comments = TextAreaField(
        _l("Client's comments on services (optional)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    follow_up = RadioField(
        _l("The client agrees to be contacted after leaving"),
        choices=choices(YES_NO),
        validators=[Optional()],
    )
    follow_up_contact = StringField(
        _l("How to reach the client for follow-up"), [Text(300)], filters=[strip]
    )
    exit_reason = SelectField(
        _l("Exit reason"), choices=[NOT_CHOSEN, *choices(EXIT_REASONS)], validators=[Optional()]
    )
    termination_reference = StringField(
        _l("Termination notice (document number), when asked to leave"),
        [Text(40)],
        filters=[strip],
    )
    destination = SelectField(
        _l("Destination (HMIS 3.12)"),
        choices=DESTINATION_CHOICES,
        coerce=_code,
        validators=[Optional()],
    )
    subsidy_type = SelectField(
        _l("Rental subsidy type (HMIS 3.12.A, for destination 435)"),
        choices=SUBSIDY_CHOICES,
        coerce=_code,
        validators=[Optional()],
    )

    def validate_meeting_date(self, field):
        if field.data and self.exit_date.data and field.data > self.exit_date.data:
            raise ValidationError(gettext("The discharge meeting comes before the exit date."))

    def validate_subsidy_type(self, field):
        if field.data and self.destination.data != RENTAL_WITH_SUBSIDY:
            raise ValidationError(
                gettext(
                    "A rental subsidy type goes only with destination %(code)s.",
                    code=RENTAL_WITH_SUBSIDY,
                )
            )


def missing_elements(data: dict) -> dict[str, list[str]]:
    """Before exit (seed 000): a discharge meeting, linkages with specific steps, the hand-off
    to any new provider, a homelessness-prevention plan, satisfaction asked, follow-up only
    with recorded permission and a way to reach the client, the exit reason and the HMIS
    destination (with its subsidy type for 435)."""
    missing = Missing()
    missing.require(
        data, "meeting_date", gettext("Hold the discharge meeting first: give its date.")
    )
    missing.require(data, "attendees", gettext("Name who took part in the discharge meeting."))
    missing.require(data, "exit_date", gettext("Give the exit date."))
    linkages = data.get("linkages") or []
    if not linkages:
        missing.add(
            "linkages", gettext("Give at least one linkage to community services or supports.")
        )
    for number, row in enumerate(linkages, 1):
        if not row.get("organization") or not row.get("steps"):
            missing.add(
                "linkages",
                gettext(
                    "Linkage %(number)s: name the service and the specific steps.", number=number
                ),
            )
    if data.get("new_provider"):
        missing.require(
            data, "handoff", gettext("Say how the hand-off to the new provider happens.")
        )
    missing.require(
        data,
        "prevention_plan",
        gettext("A homelessness-prevention plan must be in place before exit."),
    )
    if data.get("satisfaction") not in SATISFACTION:
        missing.add("satisfaction", gettext("Ask the client how satisfied they are with services."))
    if data.get("follow_up") not in YES_NO:
        missing.add("follow_up", gettext("Record whether the client agrees to follow-up contact."))
    if data.get("follow_up") == "yes":
        missing.require(
            data, "follow_up_contact", gettext("Say how to reach the client for follow-up.")
        )
    if data.get("exit_reason") not in EXIT_REASONS:
        missing.add("exit_reason", gettext("Choose the exit reason."))
    if data.get("exit_reason") == "asked_to_leave":
        missing.require(
            data,
            "termination_reference",
            gettext("An exit after termination names the termination notice it follows."),
        )
    if data.get("destination") not in BY_CODE:
        missing.add("destination", gettext("Choose the destination (HMIS 3.12)."))
    if data.get("destination") == RENTAL_WITH_SUBSIDY:
        missing.require(
            data, "subsidy_type", gettext("Choose the rental subsidy type (HMIS 3.12.A).")
        )
    return missing


def context(data: dict, common: dict) -> dict:
    destination = BY_CODE[data["destination"]]
    subsidy = data.get("subsidy_type")
    satisfaction = SATISFACTION[data["satisfaction"]]
    exit_reason = EXIT_REASONS[data["exit_reason"]]
    subsidy_label = RENTAL_SUBSIDY_TYPES[subsidy] if subsidy else ""
    label, group = destination.label, destination.group
    return {
        "discharge": {
            "meeting_date": long_date(data["meeting_date"]),
            "attendees": multiline(data["attendees"]),
            "exit_date": long_date(data["exit_date"]),
            "linkages": [
                {
                    "organization": row["organization"],
                    "purpose": row.get("purpose") or "",
                    "steps": multiline(row["steps"]),
                    "contact": row.get("contact") or "",
                }
                for row in data["linkages"]
            ],
            "new_provider": data.get("new_provider") or "",
            "handoff": multiline(data.get("handoff")),
            "prevention_plan": multiline(data["prevention_plan"]),
            "satisfaction": gettext(satisfaction),
            "satisfaction_comments": data.get("satisfaction_comments") or "",
            "follow_up": data["follow_up"] == "yes",
            "follow_up_contact": data.get("follow_up_contact") or "",
            "exit_reason": gettext(exit_reason),
            "termination_reference": data.get("termination_reference") or "",
            "destination_code": str(destination.code),
            "destination": gettext(label),
            "destination_group": gettext(group),
            "subsidy_code": str(subsidy) if subsidy else "",
            "subsidy": gettext(subsidy_label) if subsidy_label else "",
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    return [
        SignerSpec(CLIENT, people.client, CLIENT.label),
        SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label),
    ]


def example() -> dict:
    today = clock.example_today()
    return {
        "meeting_date": today.isoformat(),
        "attendees": (
            "Maria Lopez (client); Sam Okafor (case manager); Ana Lopez (sister); "
            "Lee Park (rapid re-housing case manager, new provider)"
        ),
        "exit_date": (today + timedelta(days=10)).isoformat(),
        "linkages": [
            {
                "organization": "Family Health Center",
                "purpose": "Diabetes care and a primary care doctor",
                "steps": (
                    "Maria calls to move her records to the clinic near her new home by "
                    "December 10. Sam sends the release she signed."
                ),
                "contact": "(314) 555-0175",
            },
            {
                "organization": "St. Louis Job Center",
                "purpose": "Help finding full-time work",
                "steps": "Maria goes to the Tuesday job club; first visit December 8.",
                "contact": "(314) 555-0160",
            },
        ],
        "new_provider": "Lee Park, Rapid Re-Housing case manager, Gateway Housing Services",
        "handoff": (
            "Lee met Maria and Sam at the lease signing on November 20. Sam and Lee meet Maria "
            "together one more time before her exit date."
        ),
        "prevention_plan": (
            "Warning signs: rent more than a week late, losing work hours, a notice from the "
            "landlord.\n"
            "What Maria will do: call Lee at once, and call the Housing Help Line for rent "
            "help.\n"
            "Rent is paid on the 1st by automatic payment; Ana is the back-up contact."
        ),
        "satisfaction": "satisfied",
        "satisfaction_comments": "Sam always called back. Waiting for the ID took too long.",
        "follow_up": "yes",
        "follow_up_contact": "Text or call (314) 555-0123, or through Ana Lopez",
        "exit_reason": "positive",
        "termination_reference": "",
        "destination": 435,
        "subsidy_type": 431,
    }


def summary(data: dict) -> str:
    destination = BY_CODE.get(data.get("destination"))
    if not destination:
        return gettext("(no destination yet)")
    return gettext(
        "to %(code)s: %(destination)s",
        code=destination.code,
        destination=gettext(destination.label),
    )


register(
    FormType(
        closes_case=True,
        release_category="housing",
        name="discharge_plan",
        title=N_("Discharge Plan"),
        prefix="DP",
        form_class=DischargePlanForm,
        signer_roles=(CLIENT, CASE_MANAGER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/discharge_plan.html",
        page_context=lambda data: {
            "destinations": BY_CODE,
            "subsidy_types": RENTAL_SUBSIDY_TYPES,
            "exit_reasons": EXIT_REASONS,
            "satisfaction_labels": SATISFACTION,
        },
        summary=summary,
    )
)
