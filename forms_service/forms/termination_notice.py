"""Termination notice: ends a client's assistance in writing, only after a case conference and
with the reasons, the right to appeal (how, by when, who reviews), referrals, and the client's
right to come back (24 CFR 578.91; ESG 576.402; VAWA
notice and certification, HUD-5380 and HUD-5382; Non-compliance and Exiting and Client Exit in
the CoC's written standards)."""

from datetime import date, timedelta

from flask_babel import gettext

from ..errors import RuleViolation
from ..formatting import long_date
from ..i18n import N_
from . import fields as f
from .base import Statement
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

# The fewest and most days an agency gives a client to appeal (its setting): at least a week;
# no appeal waits more than a season.
APPEAL_DAYS = (7, 90)
APPEAL_DAYS_RANGE = N_("Days the client has to appeal: between %(min)s and %(max)s.")

CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)
SUPERVISOR = SignerRole("supervisor", N_("Supervisor who approved"), staff=True)


DECIDERS = ("terminated_by", "approved_by")  # who made and who approved the termination
# Filled from the termination's record; the notice and the final decision both print it.
TERMINATED_BY = f.Text(
    N_("Who made the termination decision"),
    workflow=True,
    required=N_("Name who made the termination decision."),
    example="Sam Okafor",
)


def reviewer_is_not_a_decider(data: dict):
    """The reviewer named on a notice or a decision is neither who made nor who approved the
    termination (24 CFR 578.91(b)); the service checks the whole chain
    (workflows/independence.py)."""
    reviewer = (data.get("reviewer_name") or "").casefold()
    if reviewer and reviewer in {(data.get(k) or "").casefold() for k in DECIDERS}:
        yield (
            "reviewer_name",
            gettext(
                "The reviewer must be someone other than the person who made or approved "
                "the termination (24 CFR 578.91(b))."
            ),
        )


def appeal_deadline(data: dict) -> date | None:
    """The last day an appeal is on time: the agency's appeal window from the notice date."""
    if not data.get("notice_date") or not data.get("appeal_days"):
        return None
    return date.fromisoformat(data["notice_date"]) + timedelta(days=data["appeal_days"])


def requires_paper(data: dict) -> bool:
    """A notice that also ends a lease falls under state landlord-tenant law, where ESIGN does
    not apply (15 U.S.C. 7003(b)(2)(B)): it is delivered on paper."""
    return bool(data.get("ends_lease"))


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "24 CFR 578.91(b)",
        {
            "en": (
                "If you think this decision is wrong, you can ask for it to be looked at again. "
                "This is called an appeal."
            ),
            "es": (
                "Si cree que esta decisión es un error, puede pedir que se revise de nuevo. "
                "Esto se llama apelación."
            ),
            "ar": (
                "إذا كنت ترى أن هذا القرار خاطئ، يمكنك أن تطلب إعادة النظر فيه. ويُسمّى ذلك طعناً."
            ),
        },
    ),
    Statement(
        "24 CFR 578.91(a)",
        {
            "en": "You can come back to our program later.",
            "es": "Puede volver a nuestro programa más adelante.",
            "ar": "ويمكنك العودة إلى برنامجنا لاحقاً.",
        },
    ),
)


EXAMPLE_REFERRALS = (
    {
        "organization": "Biddle Housing Opportunities Center",
        "help": "Emergency shelter beds and day services",
        "contact": "1212 N 13th St, St. Louis, MO 63106 · (314) 555-0142",
    },
    {
        "organization": "Coordinated Entry (Front Door)",
        "help": "A new housing assessment and referral to another program",
        "contact": "(314) 555-0110, weekdays 8 am to 5 pm",
    },
    {
        "organization": "Behavioral Health Response crisis line",
        "help": "Help any time you feel unsafe or in crisis",
        "contact": "(314) 555-0199, 24 hours",
    },
)


@registered
class TerminationNotice(FormSpec):
    name = "termination_notice"
    title = N_("Notice of Termination of Services")
    prefix = "TN"
    required_statements = REQUIRED_STATEMENTS
    vital = True
    workflow_step = True
    names_reviewer = True
    delivered = True
    printed_as = "notice"
    signer_roles = (CASE_MANAGER, SUPERVISOR)
    sections = (
        Section(
            N_("Before this notice"),
            {
                # the notice date and the conference come from the termination's records
                "notice_date": f.Date(
                    N_("Date of this notice"),
                    workflow=True,
                    required=N_("Give the date of this notice."),
                    example=f.days_from_today(0),
                ),
                "case_conference_date": f.Date(
                    N_("Case conference held on"),
                    past=True,
                    workflow=True,
                    required=N_(
                        "A termination needs a recorded case conference first: give its date."
                    ),
                    example=f.days_from_today(-4),
                ),
                "case_conference_attendees": f.Text(
                    N_("Who took part in the case conference"),
                    500,
                    workflow=True,
                    required=N_("Name who took part in the case conference."),
                    example=(
                        "You, Sam Okafor (case manager), Dana Whitfield (supervisor), "
                        "Ray Brooks (peer support specialist)"
                    ),
                ),
                "extenuating_circumstances": f.LongText(
                    N_(
                        "Extenuating circumstances considered, and why ending services is still "
                        "necessary"
                    ),
                    3000,
                    required=N_(
                        "Say which extenuating circumstances were considered (24 CFR 578.91(c))."
                    ),
                    example=(
                        "We talked about losing your job in October and the stress it caused, "
                        "and about your mental health treatment. We offered a move to another "
                        "site and a safety plan; you said you did not want either.\n"
                        "Because a weapon was used to threaten another person, we decided that "
                        "ending services is necessary to keep residents and staff safe."
                    ),
                ),
            },
            hint=N_(
                "A termination is for the most serious cases only, after a case conference with "
                "the client and the people involved (24 CFR 578.91)."
            ),
        ),
        Section(
            N_("The decision"),
            {
                "reasons": f.LongText(
                    N_("Reason(s) services end: a clear statement"),
                    4000,
                    required=N_("State the reason(s) services end, clearly."),
                    hint=N_("Say what happened and when, in words the client understands."),
                    example=(
                        "On November 3 you threatened another resident with a knife in the "
                        "shared kitchen. Staff had to call the police to keep everyone safe."
                    ),
                ),
                "program_rule": f.LongText(
                    N_("Program rule or lease term involved (optional)"),
                    example=(
                        "Program Rule 4, which you received and signed at intake: no violence or "
                        "threats of violence toward residents, guests or staff."
                    ),
                ),
                "last_day": f.Date(
                    N_("Last day of services"),
                    required=N_("Give the last day of services."),
                    example=f.days_from_today(14),
                ),
                "terminated_by": TERMINATED_BY,
                "approved_by": f.Text(
                    N_("Supervisor who approved the termination (they sign too)"),
                    workflow=True,
                    example="Dana Whitfield",
                ),
            },
        ),
        Section(
            N_("Appeal"),
            {
                "appeal_days": f.Number(
                    N_("Days the client has to appeal (agency setting)"),
                    minimum=APPEAL_DAYS[0],
                    maximum=APPEAL_DAYS[1],
                    range_message=APPEAL_DAYS_RANGE,
                    setting="appeal_days",
                    required=N_("Give the number of days the client has to appeal."),
                    example=14,
                ),
                "appeal_contact": f.Text(
                    N_("Where the client sends or brings an appeal (person or office, address)"),
                    300,
                    setting="appeal_contact",
                    required=N_(
                        "The agency settings do not say where a client sends an appeal yet: an "
                        "admin adds it under Agency settings."
                    ),
                    example=(
                        "Program Director, Gateway Housing Services, 1200 Market St, Room 210"
                    ),
                ),
                "reviewer_name": f.Text(
                    N_("Who reviews an appeal (name)"),
                    workflow=True,
                    required=N_("Name the person who reviews an appeal."),
                    example="Jordan Ellis",
                ),
                "reviewer_title": f.Text(
                    N_("Reviewer's job title"),
                    hint=N_("Of the reviewer chosen above."),
                    example="Program Director",
                ),
                "services_continue": f.Checkbox(
                    N_("Services continue until an appeal is decided"), example=True
                ),
            },
        ),
        Section(
            "",
            {
                "referrals": f.Rows(
                    N_("Referrals"),
                    required=N_("Give at least one referral the client can go to now."),
                    hint=N_("At least one place the client can go now, with its contact."),
                    limit=10,
                    row_label=N_("Referral"),
                    fields={
                        "organization": f.Text(N_("Organization or program")),
                        "help": f.Text(N_("What they help with"), 300),
                        "contact": f.Text(N_("How to reach them (phone, address)"), 300),
                    },
                    example=EXAMPLE_REFERRALS,
                ),
            },
        ),
        Section(
            N_("Written resources and enclosures"),
            {
                "written_resources": f.LongText(
                    N_("Written resources given with the notice (one per line)"),
                    2000,
                    example=(
                        "St. Louis City homeless services resource guide\n"
                        "How to get help through Coordinated Entry (one page)"
                    ),
                ),
                "vawa_enclosed": f.Checkbox(
                    N_(
                        "The VAWA notice of occupancy rights (HUD-5380) and certification form "
                        "(HUD-5382) go with this notice"
                    ),
                    required=N_("Enclose the VAWA notice (HUD-5380) and certification (HUD-5382)."),
                    workflow=True,  # the workflow generates and files them with the notice
                    example=True,
                ),
            },
        ),
        Section(
            N_("Lease"),
            {
                "ends_lease": f.Checkbox(
                    N_("This notice also ends a lease or occupancy agreement")
                ),
                "lease_description": f.Text(
                    N_("Which lease or occupancy agreement"),
                    300,
                    when=("ends_lease", True),
                    required=N_("Name the lease this notice ends."),
                ),
            },
            hint=N_(
                "A notice that also ends a lease is delivered on paper: state landlord-tenant "
                "law applies, not e-signature law."
            ),
        ),
    )

    def rules(self, data: dict):
        """Due process before a termination (24 CFR 578.91): the case conference before the
        notice and the last day not before it (both dates come from the workflow, so they are
        compared here), the agency's appeal window, a reviewer other than who decided, and
        every referral with its contact."""
        notice_date = data.get("notice_date")
        conference, last_day = data.get("case_conference_date"), data.get("last_day")
        if notice_date and conference and conference > notice_date:  # ISO dates compare as text
            yield (
                "case_conference_date",
                gettext("The case conference must come before the notice."),
            )
        if notice_date and last_day and last_day < notice_date:
            yield "last_day", gettext("The last day of services cannot be before the notice date.")
        days = data.get("appeal_days")
        if days and not APPEAL_DAYS[0] <= days <= APPEAL_DAYS[1]:
            yield (
                "appeal_days",
                gettext(APPEAL_DAYS_RANGE, min=APPEAL_DAYS[0], max=APPEAL_DAYS[1]),
            )
        yield from reviewer_is_not_a_decider(data)
        for number, row in enumerate(data.get("referrals") or [], 1):
            if not row.get("organization") or not row.get("contact"):
                yield (
                    "referrals",
                    gettext(
                        "Referral %(number)s: give the organization and its contact.",
                        number=number,
                    ),
                )

    def context(self, data: dict, common: dict) -> dict:
        notice = super().context(data, common)
        notice["notice"].update(
            appeal_deadline=long_date(appeal_deadline(data)),
            written_resources=(data.get("written_resources") or "").splitlines(),
        )
        return notice

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        specs = [SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label)]
        if data.get("approved_by"):
            if people.supervisor is None:
                raise RuleViolation(
                    gettext(
                        "The notice names a supervisor who approved it, but the case manager has "
                        "no supervisor on record to sign it."
                    )
                )
            specs.append(SignerSpec(SUPERVISOR, people.supervisor, SUPERVISOR.label))
        return specs

    def page_context(self, data: dict) -> dict:
        return {"appeal_deadline": long_date(appeal_deadline(data))}

    def requires_paper(self, data: dict) -> bool:
        return requires_paper(data)

    def summary(self, data: dict) -> str:
        last_day = long_date(data.get("last_day")) or gettext("(not set yet)")
        return gettext("last day %(date)s", date=last_day)
