"""Final decision on an appeal of a termination: written after the independent reviewer has
heard the client's objections; states the decision and its reasons, when it takes effect, and
that the reviewer was independent (seed 000 "Non-compliance and Exiting"; 24 CFR 578.91(b))."""

from datetime import timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..errors import RuleViolation
from ..formatting import long_date
from ..i18n import N_
from .appeal import HEARING_FORMATS
from .base import BaseForm, Missing, NotInFuture, Statement, Text, choices, multiline, strip
from .registry import FormType, People, SignerRole, SignerSpec, register

REVIEWER = SignerRole("reviewer", N_("Independent reviewer"), staff=True)

DECISIONS = {
    "upheld": N_("Upheld (the termination stands)"),
    "reversed": N_("Reversed (the termination is cancelled and services continue)"),
    "modified": N_("Modified (the termination is changed)"),
}


class FinalDecisionForm(BaseForm):
    termination_reference = StringField(
        _l("Termination notice this decides (document number)"), [Text(40)], filters=[strip]
    )
    appeal_received_on = DateField(_l("Appeal received on"), validators=[Optional(), NotInFuture()])
    hearing_date = DateField(_l("Objections heard on"), validators=[Optional(), NotInFuture()])
    hearing_format = RadioField(
        _l("How the objections were heard"),
        choices=choices(HEARING_FORMATS),
        validators=[Optional()],
    )
    decision = RadioField(_l("Decision"), choices=choices(DECISIONS), validators=[Optional()])
    modification = TextAreaField(
        _l("What changes (when the decision is modified)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    reasons = TextAreaField(
        _l("Reasons for the decision"), [Text(4000, multiline=True)], filters=[strip]
    )
    decision_date = DateField(_l("Date of the decision"), validators=[Optional()])
    effective_date = DateField(_l("Takes effect on"), validators=[Optional()])
    reviewer_name = StringField(_l("Reviewer's name"), [Text(200)], filters=[strip])
    reviewer_title = StringField(_l("Reviewer's job title"), [Text(200)], filters=[strip])
    terminated_by = StringField(
        _l("Who made the termination decision"), [Text(200)], filters=[strip]
    )
    approved_by = StringField(
        _l("Who approved the termination (if anyone)"), [Text(200)], filters=[strip]
    )
    independent = BooleanField(
        _l(
            "The reviewer did not make or approve the termination and is not a subordinate of "
            "anyone who did"
        )
    )

    def validate_decision_date(self, field):
        if field.data and self.hearing_date.data and field.data < self.hearing_date.data:
            raise ValidationError(gettext("The decision comes after the objections are heard."))


def missing_elements(data: dict) -> dict[str, list[str]]:
    """A final decision is written after the objections are heard, states the decision and its
    reasons and when it takes effect, and shows that the reviewer was independent of the people
    who made or approved the termination (seed 000; 24 CFR 578.91(b))."""
    missing = Missing()
    missing.require(
        data, "termination_reference", gettext("Name the termination notice this decides.")
    )
    missing.require(data, "appeal_received_on", gettext("Give the date the appeal was received."))
    missing.require(
        data,
        "hearing_date",
        gettext("The objections must be heard first: give the date they were."),
    )
    # The appeal's date comes from the termination's records, not from the page: compared here.
    received, heard = data.get("appeal_received_on"), data.get("hearing_date")
    if received and heard and heard < received:  # ISO dates compare as text
        missing.add(
            "hearing_date", gettext("The objections cannot be heard before the appeal arrived.")
        )
    missing.require(data, "hearing_format", gettext("Say how the objections were heard."))
    if data.get("decision") not in DECISIONS:
        missing.add("decision", gettext("Choose upheld, reversed or modified."))
    if data.get("decision") == "modified":
        missing.require(data, "modification", gettext("Say what changes."))
    missing.require(data, "reasons", gettext("Give the reasons for the decision."))
    missing.require(data, "decision_date", gettext("Give the date of the decision."))
    missing.require(data, "effective_date", gettext("Give the date the decision takes effect."))
    missing.require(data, "reviewer_name", gettext("Name the reviewer."))
    missing.require(data, "terminated_by", gettext("Name who made the termination decision."))
    reviewer = (data.get("reviewer_name") or "").casefold()
    deciders = {(data.get(k) or "").casefold() for k in ("terminated_by", "approved_by")}
    if reviewer and reviewer in deciders:
        missing.add(
            "reviewer_name",
            gettext(
                "The reviewer must be someone other than the person who made or approved the "
                "termination (24 CFR 578.91(b))."
            ),
        )
    if not data.get("independent"):
        missing.add(
            "independent",
            gettext(
                "Confirm the reviewer did not make or approve the termination and is not a "
                "subordinate of anyone who did."
            ),
        )
    return missing


def context(data: dict, common: dict) -> dict:
    hearing_format = HEARING_FORMATS[data["hearing_format"]]
    outcome_label = DECISIONS[data["decision"]]
    return {
        "decision": {
            "termination_reference": data["termination_reference"],
            "appeal_received_on": long_date(data["appeal_received_on"]),
            "hearing_date": long_date(data["hearing_date"]),
            "hearing_format": gettext(hearing_format).lower(),
            "outcome": data["decision"],
            "outcome_label": gettext(outcome_label),
            "modification": multiline(data.get("modification")),
            "reasons": multiline(data["reasons"]),
            "decision_date": long_date(data["decision_date"]),
            "effective_date": long_date(data["effective_date"]),
            "reviewer_name": data["reviewer_name"],
            "reviewer_title": data.get("reviewer_title") or "",
            "terminated_by": data["terminated_by"],
            "approved_by": data.get("approved_by") or "",
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    """Only the independent reviewer the workflow assigned signs; nobody signs in their place."""
    if people.reviewer is None:
        raise RuleViolation(
            gettext(
                "A final decision is signed by the independent reviewer of the appeal; "
                "no reviewer is assigned."
            )
        )
    return [SignerSpec(REVIEWER, people.reviewer, REVIEWER.label)]


def example() -> dict:
    today = clock.example_today()
    return {
        "termination_reference": "TN-2026-000412",
        "appeal_received_on": (today - timedelta(days=9)).isoformat(),
        "hearing_date": (today - timedelta(days=2)).isoformat(),
        "hearing_format": "in_person",
        "decision": "modified",
        "modification": (
            "Your services at the Market Street site still end. Instead of leaving the "
            "program, you move to our scattered-site program on the effective date below, "
            "with a new safety plan."
        ),
        "reasons": (
            "At the meeting you explained what happened on November 3 and showed that you "
            "have started anger management classes. The threat with a knife was serious, and "
            "residents at Market Street must be safe, so you cannot stay at that site.\n"
            "Because you are taking part in treatment and there has been no other incident in "
            "two years, ending all services is more than is needed."
        ),
        "decision_date": today.isoformat(),
        "effective_date": (today + timedelta(days=7)).isoformat(),
        "reviewer_name": "Jordan Ellis",
        "reviewer_title": "Program Director",
        "terminated_by": "Sam Okafor",
        "approved_by": "Dana Whitfield",
        "independent": True,
    }


def summary(data: dict) -> str:
    decision = DECISIONS.get(data.get("decision"))
    if decision is None:
        return gettext("(decision not chosen yet)")
    return gettext(decision).split(" (")[0]


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "24 CFR 578.91(a)",
        {
            "en": "Even if your services end, you can apply to our program again later.",
            "es": (
                "Aunque sus servicios terminen, puede volver a solicitar nuestro programa más "
                "adelante."
            ),
            "ar": "حتى إذا انتهت خدماتك، يمكنك التقدّم إلى برنامجنا مرة أخرى لاحقاً.",
        },
    ),
)


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        vital=True,
        workflow_step=True,
        continues_after_closing=True,
        name="final_decision",
        title=N_("Notice of Final Decision on Appeal"),
        prefix="FD",
        form_class=FinalDecisionForm,
        workflow_fields=(
            "termination_reference",
            "appeal_received_on",
            "reviewer_name",
            "terminated_by",
            "approved_by",
        ),
        signer_roles=(REVIEWER,),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/final_decision.html",
        page_context=lambda data: {"decisions": DECISIONS, "hearing_formats": HEARING_FORMATS},
        names_reviewer=True,
        summary=summary,
    )
)
