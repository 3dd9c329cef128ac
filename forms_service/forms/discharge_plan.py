"""Discharge plan: made at a discharge meeting before the client leaves, with linkages and
their concrete steps, the hand-off to a new provider, a plan to prevent homelessness, the
client's satisfaction, follow-up only with permission, and the exit reason and HMIS exit
destination (Discharge Planning and Client Exit in the CoC's written standards; case closure; HMIS
3.12)."""

from flask_babel import LazyString, gettext
from wtforms import SelectChoice

from ..i18n import N_
from . import fields as f
from .base import NOT_CHOSEN, translated
from .hmis_destinations import BY_CODE, DESTINATIONS, RENTAL_SUBSIDY_TYPES, RENTAL_WITH_SUBSIDY
from .registry import SignerRole
from .spec import FormSpec, Section, registered

CLIENT = SignerRole("client", N_("Client"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)

# Why the client leaves: the standards' client exit and case closure reasons, in one list.
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


# Destinations that tell a treatment the client gets (HMIS 3.12) -> its release category.
TREATMENT_DESTINATIONS = {204: "mental_health", 205: "substance_use"}


@registered
class DischargePlan(FormSpec):
    name = "discharge_plan"
    title = N_("Discharge Plan")
    prefix = "DP"
    printed_as = "discharge"
    closes_case = True
    release_category = "housing"
    signer_roles = (CLIENT, CASE_MANAGER)
    sections = (
        Section(
            N_("Discharge meeting"),
            {
                "meeting_date": f.Date(
                    N_("Discharge meeting held on"),
                    past=True,
                    required=N_("Hold the discharge meeting first: give its date."),
                    example=f.days_from_today(0),
                ),
                "attendees": f.LongText(
                    N_("Who took part (client, guardian, team, others)"),
                    required=N_("Name who took part in the discharge meeting."),
                    example=(
                        "Maria Lopez (client); Sam Okafor (case manager); Ana Lopez (sister); "
                        "Lee Park (rapid re-housing case manager, new provider)"
                    ),
                ),
                "exit_date": f.Date(
                    N_("Exit date (last day in the program)"),
                    required=N_("Give the exit date."),
                    example=f.days_from_today(10),
                ),
            },
            hint=N_(
                "Before the exit date, with the client, a guardian if there is one, and the "
                "team. The plan must be in place before exit."
            ),
        ),
        Section(
            "",
            {
                "linkages": f.Rows(
                    N_("Linkages"),
                    required=N_("Give at least one linkage to community services or supports."),
                    hint=N_(
                        "Community services and supports, each with the specific steps to get it."
                    ),
                    limit=10,
                    row_label=N_("Linkage"),
                    fields={
                        "organization": f.Text(N_("Service or organization")),
                        "purpose": f.Text(N_("What it is for"), 300),
                        "steps": f.LongText(
                            N_("Specific steps to get it (who does what, by when)")
                        ),
                        "contact": f.Text(N_("How to reach them"), 300),
                    },
                    example=[
                        {
                            "organization": "Family Health Center",
                            "purpose": "Diabetes care and a primary care doctor",
                            "steps": (
                                "Maria calls to move her records to the "
                                "clinic near her new home by "
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
                ),
            },
        ),
        Section(
            N_("Hand-off"),
            {
                "new_provider": f.Text(
                    N_("New provider taking over (if any)"),
                    example="Lee Park, Rapid Re-Housing case manager, Gateway Housing Services",
                ),
                "handoff": f.LongText(
                    N_("How the hand-off to the new provider happens"),
                    hint=N_(
                        "For example: the new provider meets the client and case manager at "
                        "lease signing."
                    ),
                    example=(
                        "Lee met Maria and Sam at the lease signing on "
                        "November 20. Sam and Lee meet Maria "
                        "together one more time before her exit date."
                    ),
                ),
            },
        ),
        Section(
            N_("Preventing homelessness"),
            {
                "prevention_plan": f.LongText(
                    N_(
                        "Plan to keep housing and prevent homelessness (warning signs, who to "
                        "call, what to do)"
                    ),
                    3000,
                    required=N_("A homelessness-prevention plan must be in place before exit."),
                    example=(
                        "Warning signs: rent more than a week late, losing "
                        "work hours, a notice from the "
                        "landlord.\n"
                        "What Maria will do: call Lee at once, and call "
                        "the Housing Help Line for rent "
                        "help.\n"
                        "Rent is paid on the 1st by automatic payment; Ana is the back-up contact."
                    ),
                ),
            },
        ),
        Section(
            N_("The client's view and follow-up"),
            {
                "satisfaction": f.Radio(
                    N_("Client's satisfaction with services"),
                    options=SATISFACTION,
                    print_label=True,
                    required=N_("Ask the client how satisfied they are with services."),
                    example="satisfied",
                ),
                "satisfaction_comments": f.LongText(
                    N_("Client's comments on services (optional)"),
                    2000,
                    lines=False,
                    example="Sam always called back. Waiting for the ID took too long.",
                ),
                "follow_up": f.Radio(
                    N_("The client agrees to be contacted after leaving"),
                    options=YES_NO,
                    required=N_("Record whether the client agrees to follow-up contact."),
                    hint=N_("Follow-up contact only with the client's permission."),
                    example="yes",
                ),
                "follow_up_contact": f.Text(
                    N_("How to reach the client for follow-up"),
                    300,
                    when=("follow_up", "yes"),
                    required=N_("Say how to reach the client for follow-up."),
                    example="Text or call (314) 555-0123, or through Ana Lopez",
                ),
            },
        ),
        Section(
            N_("Exit (HMIS)"),
            {
                "exit_reason": f.Select(
                    N_("Exit reason"),
                    options=EXIT_REASONS,
                    print_label=True,
                    required=N_("Choose the exit reason."),
                    example="positive",
                ),
                "termination_reference": f.Text(
                    N_("Termination notice (document number), when asked to leave"),
                    40,
                    when=("exit_reason", "asked_to_leave"),
                    required=N_(
                        "An exit after termination names the termination notice it follows."
                    ),
                ),
                "destination": f.Coded(
                    N_("Destination (HMIS 3.12)"),
                    choices=tuple(DESTINATION_CHOICES),
                    codes=frozenset(BY_CODE),
                    required=N_("Choose the destination (HMIS 3.12)."),
                    example=435,
                ),
                "other_destination": f.Text(
                    N_("Other destination, described (HMIS 3.12, for destination 17)"),
                    50,
                    when=("destination", 17),
                    required=N_("Describe the destination (HMIS 3.12 Other)."),
                ),
                "subsidy_type": f.Coded(
                    N_("Rental subsidy type (HMIS 3.12.A, for destination 435)"),
                    choices=tuple(SUBSIDY_CHOICES),
                    codes=frozenset(RENTAL_SUBSIDY_TYPES),
                    example=431,
                ),
            },
        ),
    )

    def rules(self, data: dict):
        """Each linkage with its specific steps; a hand-off to any new provider; the rental
        subsidy type of a destination with a subsidy (HMIS 3.12.A)."""
        for number, row in enumerate(data.get("linkages") or [], 1):
            if not row.get("organization") or not row.get("steps"):
                yield (
                    "linkages",
                    gettext(
                        "Linkage %(number)s: name the service and the specific steps.",
                        number=number,
                    ),
                )
        if data.get("new_provider") and not data.get("handoff"):
            yield "handoff", gettext("Say how the hand-off to the new provider happens.")
        if data.get("destination") == RENTAL_WITH_SUBSIDY and not data.get("subsidy_type"):
            yield "subsidy_type", gettext("Choose the rental subsidy type (HMIS 3.12.A).")

    def checks(self, values: dict):
        meeting, exit_date = values["meeting_date"], values["exit_date"]
        if meeting and exit_date and meeting > exit_date:
            yield "meeting_date", gettext("The discharge meeting comes before the exit date.")
        if values["subsidy_type"] and values["destination"] != RENTAL_WITH_SUBSIDY:
            yield (
                "subsidy_type",
                gettext(
                    "A rental subsidy type goes only with destination %(code)s.",
                    code=RENTAL_WITH_SUBSIDY,
                ),
            )

    def context(self, data: dict, common: dict) -> dict:
        destination = BY_CODE[data["destination"]]
        subsidy = data.get("subsidy_type")
        subsidy_label = RENTAL_SUBSIDY_TYPES[subsidy] if subsidy else ""
        discharge = super().context(data, common)
        discharge["discharge"].update(
            follow_up=data["follow_up"] == "yes",
            destination_code=str(destination.code),
            destination=gettext(destination.label),
            destination_group=gettext(destination.group),
            subsidy_code=str(subsidy) if subsidy else "",
            subsidy=gettext(subsidy_label) if subsidy_label else "",
        )
        return discharge

    def release_categories(self, data: dict) -> frozenset[str]:
        """What a discharge plan tells a recipient: where the client goes and how they keep a
        home (housing), and the health services they are linked to (health); a psychiatric or
        substance use treatment destination tells that treatment too."""
        treatment = TREATMENT_DESTINATIONS.get(data.get("destination"))
        return frozenset({"housing", "health", *([treatment] if treatment else [])})

    def page_context(self, data: dict) -> dict:
        return {
            "destinations": BY_CODE,
            "subsidy_types": RENTAL_SUBSIDY_TYPES,
            "exit_reasons": EXIT_REASONS,
            "satisfaction_labels": SATISFACTION,
        }

    def summary(self, data: dict) -> str:
        destination = BY_CODE.get(data.get("destination"))
        if not destination:
            return gettext("(no destination yet)")
        return gettext(
            "to %(code)s: %(destination)s",
            code=destination.code,
            destination=gettext(destination.label),
        )
