"""Termination notice: ends a client's assistance in writing, only after a case conference and
with the reasons, the right to appeal (how, by when, who reviews), referrals, and the client's
right to come back (seed 000 "Non-compliance and Exiting", "Client Exit"; 24 CFR 578.91;
ESG 576.402; VAWA notice and certification, HUD-5380 and HUD-5382)."""

from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from .. import clock
from ..errors import RuleViolation
from ..formatting import long_date
from ..i18n import N_
from .base import BaseForm, Missing, NotInFuture, Rows, Statement, Text, multiline, strip
from .registry import FormType, People, SignerRole, SignerSpec, register

# The fewest and most days an agency gives a client to appeal (its setting): at least a week;
# no appeal waits more than a season.
APPEAL_DAYS = (7, 90)
WITHIN_APPEAL_DAYS = NumberRange(
    *APPEAL_DAYS,
    message=_l(
        "Days the client has to appeal: between %(min)s and %(max)s.",
        min=APPEAL_DAYS[0],
        max=APPEAL_DAYS[1],
    ),
)

CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)
SUPERVISOR = SignerRole("supervisor", N_("Supervisor who approved"), staff=True)


class ReferralForm(Form):
    organization = StringField(_l("Organization or program"), [Text(200)], filters=[strip])
    help = StringField(_l("What they help with"), [Text(300)], filters=[strip])
    contact = StringField(_l("How to reach them (phone, address)"), [Text(300)], filters=[strip])


class TerminationNoticeForm(BaseForm):
    notice_date = DateField(_l("Date of this notice"), validators=[Optional()])
    reasons = TextAreaField(
        _l("Reason(s) services end: a clear statement"),
        [Text(4000, multiline=True)],
        filters=[strip],
    )
    program_rule = TextAreaField(
        _l("Program rule or lease term involved (optional)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    case_conference_date = DateField(
        _l("Case conference held on"), validators=[Optional(), NotInFuture()]
    )
    case_conference_attendees = StringField(
        _l("Who took part in the case conference"), [Text(500)], filters=[strip]
    )
    extenuating_circumstances = TextAreaField(
        _l("Extenuating circumstances considered, and why ending services is still necessary"),
        [Text(3000, multiline=True)],
        filters=[strip],
    )
    last_day = DateField(_l("Last day of services"), validators=[Optional()])
    services_continue = BooleanField(_l("Services continue until an appeal is decided"))
    appeal_days = IntegerField(
        _l("Days the client has to appeal (agency setting)"),
        validators=[Optional(), WITHIN_APPEAL_DAYS],
    )
    appeal_contact = StringField(
        _l("Where the client sends or brings an appeal (person or office, address)"),
        [Text(300)],
        filters=[strip],
    )
    reviewer_name = StringField(_l("Who reviews an appeal (name)"), [Text(200)], filters=[strip])
    reviewer_title = StringField(_l("Reviewer's job title"), [Text(200)], filters=[strip])
    referrals = Rows(FormField(ReferralForm), _l("Referrals"), limit=10, row_label=_l("Referral"))
    written_resources = TextAreaField(
        _l("Written resources given with the notice (one per line)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    vawa_enclosed = BooleanField(
        _l(
            "The VAWA notice of occupancy rights (HUD-5380) and certification form (HUD-5382) "
            "go with this notice"
        )
    )
    ends_lease = BooleanField(_l("This notice also ends a lease or occupancy agreement"))
    lease_description = StringField(
        _l("Which lease or occupancy agreement"), [Text(300)], filters=[strip]
    )
    terminated_by = StringField(
        _l("Who made the termination decision"), [Text(200)], filters=[strip]
    )
    approved_by = StringField(
        _l("Supervisor who approved the termination (they sign too)"),
        [Text(200)],
        filters=[strip],
    )


DECIDERS = ("terminated_by", "approved_by")  # who made and who approved the termination


def appeal_deadline(data: dict) -> date | None:
    """The last day an appeal is on time: the agency's appeal window from the notice date."""
    if not data.get("notice_date") or not data.get("appeal_days"):
        return None
    return date.fromisoformat(data["notice_date"]) + timedelta(days=data["appeal_days"])


def requires_paper(data: dict) -> bool:
    """A notice that also ends a lease falls under state landlord-tenant law, where ESIGN does
    not apply (15 U.S.C. 7003(b)(2)(B)): it is delivered on paper."""
    return bool(data.get("ends_lease"))


def missing_elements(data: dict) -> dict[str, list[str]]:
    """Due process before a termination (seed 000; 24 CFR 578.91): a recorded case conference,
    extenuating circumstances considered, the reasons stated, the appeal route and reviewer
    named, referrals given and the VAWA forms enclosed."""
    missing = Missing()
    missing.require(data, "notice_date", gettext("Give the date of this notice."))
    missing.require(data, "reasons", gettext("State the reason(s) services end, clearly."))
    missing.require(
        data,
        "case_conference_date",
        gettext("A termination needs a recorded case conference first: give its date."),
    )
    missing.require(
        data,
        "case_conference_attendees",
        gettext("Name who took part in the case conference."),
    )
    missing.require(
        data,
        "extenuating_circumstances",
        gettext("Say which extenuating circumstances were considered (24 CFR 578.91(c))."),
    )
    missing.require(data, "last_day", gettext("Give the last day of services."))
    # The notice and conference dates come from the workflow, not the page: compared here.
    notice_date = data.get("notice_date")
    conference, last_day = data.get("case_conference_date"), data.get("last_day")
    if notice_date and conference and conference > notice_date:  # ISO dates compare as text
        missing.add(
            "case_conference_date", gettext("The case conference must come before the notice.")
        )
    if notice_date and last_day and last_day < notice_date:
        missing.add(
            "last_day", gettext("The last day of services cannot be before the notice date.")
        )
    missing.require(
        data, "appeal_days", gettext("Give the number of days the client has to appeal.")
    )
    if data.get("appeal_days") and not APPEAL_DAYS[0] <= data["appeal_days"] <= APPEAL_DAYS[1]:
        missing.add(
            "appeal_days",
            gettext(
                "Days the client has to appeal: between %(min)s and %(max)s.",
                min=APPEAL_DAYS[0],
                max=APPEAL_DAYS[1],
            ),
        )
    missing.require(
        data,
        "appeal_contact",
        gettext(
            "The agency settings do not say where a client sends an appeal yet: an admin adds "
            "it under Agency settings."
        ),
    )
    missing.require(data, "reviewer_name", gettext("Name the person who reviews an appeal."))
    missing.require(data, "terminated_by", gettext("Name who made the termination decision."))
    reviewer = (data.get("reviewer_name") or "").casefold()
    if reviewer and reviewer in {(data.get(k) or "").casefold() for k in DECIDERS}:
        missing.add(
            "reviewer_name",
            gettext(
                "The reviewer must be someone other than the person who made or approved the "
                "termination (24 CFR 578.91(b))."
            ),
        )
    referrals = data.get("referrals") or []
    if not referrals:
        missing.add("referrals", gettext("Give at least one referral the client can go to now."))
    for number, row in enumerate(referrals, 1):
        if not row.get("organization") or not row.get("contact"):
            missing.add(
                "referrals",
                gettext(
                    "Referral %(number)s: give the organization and its contact.", number=number
                ),
            )
    if not data.get("vawa_enclosed"):
        missing.add(
            "vawa_enclosed",
            gettext("Enclose the VAWA notice (HUD-5380) and certification (HUD-5382)."),
        )
    if data.get("ends_lease"):
        missing.require(data, "lease_description", gettext("Name the lease this notice ends."))
    return missing


def context(data: dict, common: dict) -> dict:
    return {
        "notice": {
            "notice_date": long_date(data["notice_date"]),
            "reasons": multiline(data["reasons"]),
            "program_rule": multiline(data.get("program_rule")),
            "case_conference_date": long_date(data["case_conference_date"]),
            "case_conference_attendees": data["case_conference_attendees"],
            "extenuating_circumstances": multiline(data["extenuating_circumstances"]),
            "last_day": long_date(data["last_day"]),
            "services_continue": bool(data.get("services_continue")),
            "appeal_days": str(data["appeal_days"]),
            "appeal_deadline": long_date(appeal_deadline(data)),
            "appeal_contact": data["appeal_contact"],
            "reviewer_name": data["reviewer_name"],
            "reviewer_title": data.get("reviewer_title") or "",
            "referrals": [
                {
                    "organization": r["organization"],
                    "help": r.get("help") or "",
                    "contact": r["contact"],
                }
                for r in data["referrals"]
            ],
            "written_resources": (data.get("written_resources") or "").splitlines(),
            "ends_lease": bool(data.get("ends_lease")),
            "lease_description": data.get("lease_description") or "",
            "terminated_by": data.get("terminated_by") or "",
            "approved_by": data.get("approved_by") or "",
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    specs = [SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label)]
    if data.get("approved_by"):
        if people.supervisor is None:
            raise RuleViolation(
                gettext(
                    "The notice names a supervisor who approved it, but the case manager has no "
                    "supervisor on record to sign it."
                )
            )
        specs.append(SignerSpec(SUPERVISOR, people.supervisor, SUPERVISOR.label))
    return specs


def example() -> dict:
    today = clock.example_today()
    return {
        "notice_date": today.isoformat(),
        "reasons": (
            "On November 3 you threatened another resident with a knife in the shared kitchen. "
            "Staff had to call the police to keep everyone safe."
        ),
        "program_rule": (
            "Program Rule 4, which you received and signed at intake: no violence or threats "
            "of violence toward residents, guests or staff."
        ),
        "case_conference_date": (today - timedelta(days=4)).isoformat(),
        "case_conference_attendees": (
            "You, Sam Okafor (case manager), Dana Whitfield (supervisor), "
            "Ray Brooks (peer support specialist)"
        ),
        "extenuating_circumstances": (
            "We talked about losing your job in October and the stress it caused, and about "
            "your mental health treatment. We offered a move to another site and a safety "
            "plan; you said you did not want either.\n"
            "Because a weapon was used to threaten another person, we decided that ending "
            "services is necessary to keep residents and staff safe."
        ),
        "last_day": (today + timedelta(days=14)).isoformat(),
        "services_continue": True,
        "appeal_days": 14,
        "appeal_contact": "Program Director, Gateway Housing Services, 1200 Market St, Room 210",
        "reviewer_name": "Jordan Ellis",
        "reviewer_title": "Program Director",
        "referrals": [
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
        ],
        "written_resources": (
            "St. Louis City homeless services resource guide\n"
            "How to get help through Coordinated Entry (one page)"
        ),
        "vawa_enclosed": True,
        "ends_lease": False,
        "lease_description": "",
        "terminated_by": "Sam Okafor",
        "approved_by": "Dana Whitfield",
    }


def summary(data: dict) -> str:
    last_day = long_date(data.get("last_day")) or gettext("(not set yet)")
    return gettext("last day %(date)s", date=last_day)


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


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        vital=True,
        workflow_step=True,
        name="termination_notice",
        title=N_("Notice of Termination of Services"),
        prefix="TN",
        form_class=TerminationNoticeForm,
        signer_roles=(CASE_MANAGER, SUPERVISOR),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/termination_notice.html",
        page_context=lambda data: {"appeal_deadline": long_date(appeal_deadline(data))},
        summary=summary,
        agency_settings=(("appeal_days", "appeal_days"), ("appeal_contact", "appeal_contact")),
        workflow_fields=(
            "notice_date",
            "case_conference_date",
            "case_conference_attendees",
            "reviewer_name",
            "terminated_by",
            "approved_by",
        ),
        names_reviewer=True,
    )
)
