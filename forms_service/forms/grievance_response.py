"""Response to a grievance: the agency's written, signed answer to grievance N, with what it
found and what it will do, and where the client can go next (seed 000 "Client Grievance
Process")."""

from datetime import timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import BaseForm, Missing, Text, choices, multiline, strip
from .grievance import EXAMPLE_COC_CONTACT, NO_COC_CONTACT, OUTSIDE_ROUTES, outside_routes
from .registry import FormType, People, SignerRole, SignerSpec, register

RESPONDER = SignerRole("responder", N_("Responding staff member"), staff=True)
OUTCOMES = {
    "upheld": N_("Upheld: we agree with your complaint"),
    "partly_upheld": N_("Partly upheld: we agree with part of your complaint"),
    "not_upheld": N_("Not upheld: we do not agree with your complaint"),
}


class GrievanceResponseForm(BaseForm):
    grievance_number = StringField(_l("Grievance number"), [Text(40)], filters=[strip])
    grievance_filed_on = DateField(_l("Grievance received on"), validators=[Optional()])
    response_date = DateField(_l("Date of this response"), validators=[Optional()])
    grievance_summary = TextAreaField(
        _l("The grievance, in short"), [Text(2000, multiline=True)], filters=[strip]
    )
    findings = TextAreaField(
        _l("What we found (who we spoke to, what we looked at)"),
        [Text(5000, multiline=True)],
        filters=[strip],
    )
    outcome = RadioField(_l("Outcome"), choices=choices(OUTCOMES), validators=[Optional()])
    actions = TextAreaField(
        _l("What we will do, and by when"), [Text(3000, multiline=True)], filters=[strip]
    )
    coc_contact = TextAreaField(
        _l("CoC Governance & Membership Committee contact (agency setting)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )

    def validate_response_date(self, field):
        filed = self.grievance_filed_on.data
        if field.data and filed and field.data < filed:
            raise ValidationError(gettext("The response cannot come before the grievance."))


def missing_elements(data: dict) -> dict[str, list[str]]:
    """The response is written, answers a numbered grievance with findings, an outcome and
    actions, and says where to go if the client is not satisfied (seed 000)."""
    missing = Missing()
    missing.require(data, "grievance_number", gettext("Name the grievance this answers."))
    missing.require(
        data, "grievance_filed_on", gettext("Give the date the grievance was received.")
    )
    missing.require(data, "response_date", gettext("Give the date of this response."))
    missing.require(data, "grievance_summary", gettext("Sum up the grievance."))
    missing.require(data, "findings", gettext("Say what was found."))
    if data.get("outcome") not in OUTCOMES:
        missing.add("outcome", gettext("Choose the outcome."))
    missing.require(
        data, "actions", gettext("Say what will be done (or that nothing will, and why).")
    )
    missing.require(data, "coc_contact", gettext(NO_COC_CONTACT))
    return missing


def context(data: dict, common: dict) -> dict:
    outcome = OUTCOMES[data["outcome"]]
    return {
        "response": {
            "grievance_number": data["grievance_number"],
            "grievance_filed_on": long_date(data["grievance_filed_on"]),
            "response_date": long_date(data["response_date"]),
            "grievance_summary": multiline(data["grievance_summary"]),
            "findings": multiline(data["findings"]),
            "outcome": gettext(outcome),
            "actions": multiline(data["actions"]),
            "coc_contact": multiline(data["coc_contact"]),
            "outside_routes": outside_routes(),
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    """The case manager's supervisor answers when there is one, else the case manager."""
    return [SignerSpec(RESPONDER, people.supervisor or people.case_manager, RESPONDER.label)]


def example() -> dict:
    today = clock.example_today()
    return {
        "grievance_number": "G-2026-0007",
        "grievance_filed_on": (today - timedelta(days=6)).isoformat(),
        "response_date": today.isoformat(),
        "grievance_summary": (
            "You were not let in after 9 pm on November 12 and 14, although you had told staff "
            "about your late work shifts, and you had to sleep at the bus station."
        ),
        "findings": (
            "We spoke with you, with the night front desk staff and with your case manager, "
            "and read the front desk log. Your case manager had recorded your work schedule, "
            "but it was not passed on to the night staff. You should have been let in."
        ),
        "outcome": "upheld",
        "actions": (
            "You now have a written late pass for your work nights, starting today.\n"
            "By December 1, all front desk staff will be trained on late passes, and late "
            "passes will be shown in the front desk log."
        ),
        "coc_contact": EXAMPLE_COC_CONTACT,
    }


def summary(data: dict) -> str:
    grievance = data.get("grievance_number") or gettext("(grievance not named yet)")
    return gettext("to %(grievance)s", grievance=grievance)


register(
    FormType(
        workflow_step=True,
        continues_after_closing=True,
        name="grievance_response",
        title=N_("Response to Grievance"),
        prefix="GRR",
        form_class=GrievanceResponseForm,
        signer_roles=(RESPONDER,),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/grievance_response.html",
        page_context=lambda data: {"outcomes": OUTCOMES, "outside_routes": OUTSIDE_ROUTES},
        summary=summary,
        agency_settings=(("coc_contact", "coc_contact"),),
    )
)
