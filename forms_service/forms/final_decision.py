"""Final decision on an appeal of a termination: written after the independent reviewer has
heard the client's objections; states the decision and its reasons, when it takes effect, and
that the reviewer was independent (24 CFR 578.91(b); Non-compliance and Exiting in the CoC's
written standards)."""

from flask_babel import gettext

from ..errors import RuleViolation
from ..i18n import N_
from . import fields as f
from .appeal import HEARING_FORMATS
from .base import Statement
from .grievance import COC_CONTACT
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered
from .termination_notice import TERMINATED_BY, reviewer_is_not_a_decider

REVIEWER = SignerRole("reviewer", N_("Independent reviewer"), staff=True)

DECISIONS = {
    "upheld": N_("Upheld (the termination stands)"),
    "reversed": N_("Reversed (the termination is cancelled and services continue)"),
    "modified": N_("Modified (the termination is changed)"),
}


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


@registered
class FinalDecision(FormSpec):
    name = "final_decision"
    title = N_("Notice of Final Decision on Appeal")
    prefix = "FD"
    required_statements = REQUIRED_STATEMENTS
    vital = True
    workflow_step = True
    continues_after_closing = True
    names_reviewer = True
    delivered = True
    printed_as = "decision"
    signer_roles = (REVIEWER,)
    sections = (
        Section(
            N_("The appeal"),
            {
                # from the termination's records (workflows/termination.py decision_facts)
                "termination_reference": f.Text(
                    N_("Termination notice this decides (document number)"),
                    40,
                    workflow=True,
                    required=N_("Name the termination notice this decides."),
                    example="TN-2026-000412",
                ),
                "appeal_received_on": f.Date(
                    N_("Appeal received on"),
                    past=True,
                    workflow=True,
                    required=N_("Give the date the appeal was received."),
                    example=f.days_from_today(-9),
                ),
                "hearing_date": f.Date(
                    N_("Objections heard on"),
                    past=True,
                    required=N_("The objections must be heard first: give the date they were."),
                    hint=N_("The decision is written after the client's objections are heard."),
                    example=f.days_from_today(-2),
                ),
                "hearing_format": f.Radio(
                    N_("How the objections were heard"),
                    options=HEARING_FORMATS,
                    required=N_("Say how the objections were heard."),
                    example="in_person",
                ),
            },
        ),
        Section(
            N_("The decision"),
            {
                "decision": f.Radio(
                    N_("Decision"),
                    options=DECISIONS,
                    printed_as="outcome",
                    required=N_("Choose upheld, reversed or modified."),
                    example="modified",
                ),
                "modification": f.LongText(
                    N_("What changes (when the decision is modified)"),
                    2000,
                    when=("decision", "modified"),
                    required=N_("Say what changes."),
                    example=(
                        "Your services at the Market Street site still end. Instead of leaving "
                        "the program, you move to our scattered-site program on the effective "
                        "date below, with a new safety plan."
                    ),
                ),
                "reasons": f.LongText(
                    N_("Reasons for the decision"),
                    4000,
                    required=N_("Give the reasons for the decision."),
                    hint=N_("Answer the client's objections in plain words."),
                    example=(
                        "At the meeting you explained what happened on November 3 and showed "
                        "that you have started anger management classes. The threat with a knife "
                        "was serious, and residents at Market Street must be safe, so you cannot "
                        "stay at that site.\n"
                        "Because you are taking part in treatment and there has been no other "
                        "incident in two years, ending all services is more than is needed."
                    ),
                ),
                "decision_date": f.Date(
                    N_("Date of the decision"),
                    required=N_("Give the date of the decision."),
                    example=f.days_from_today(0),
                ),
                "effective_date": f.Date(
                    N_("Takes effect on"),
                    required=N_("Give the date the decision takes effect."),
                    example=f.days_from_today(7),
                ),
            },
        ),
        Section(
            N_("Independence of the reviewer"),
            {
                "reviewer_name": f.Text(
                    N_("Reviewer's name"),
                    workflow=True,
                    required=N_("Name the reviewer."),
                    example="Jordan Ellis",
                ),
                "reviewer_title": f.Text(
                    N_("Reviewer's job title"),
                    hint=N_("Yours, as it is printed beside your name."),
                    example="Program Director",
                ),
                "terminated_by": TERMINATED_BY,
                "approved_by": f.Text(
                    N_("Who approved the termination (if anyone)"),
                    workflow=True,
                    example="Dana Whitfield",
                ),
                "coc_contact": COC_CONTACT,
                "independent": f.Checkbox(
                    N_(
                        "The reviewer did not make or approve the termination and is not a "
                        "subordinate of anyone who did"
                    ),
                    required=N_(
                        "Confirm the reviewer did not make or approve the termination and is not "
                        "a subordinate of anyone who did."
                    ),
                    example=True,
                ),
            },
            hint=N_(
                "The reviewer is neither the person who made or approved the termination nor a "
                "subordinate of either (24 CFR 578.91(b)). Only the assigned reviewer signs."
            ),
        ),
    )

    def rules(self, data: dict):
        """The objections are heard after the appeal arrives (its date comes from the
        termination's records, so it is compared here, not on the page); the reviewer is not
        who made or approved the termination (24 CFR 578.91(b))."""
        received, heard = data.get("appeal_received_on"), data.get("hearing_date")
        if received and heard and heard < received:  # ISO dates compare as text
            yield (
                "hearing_date",
                gettext("The objections cannot be heard before the appeal arrived."),
            )
        yield from reviewer_is_not_a_decider(data)

    def checks(self, values: dict):
        heard, decided = values["hearing_date"], values["decision_date"]
        if heard and decided and decided < heard:
            yield "decision_date", gettext("The decision comes after the objections are heard.")

    def context(self, data: dict, common: dict) -> dict:
        hearing_format = HEARING_FORMATS[data["hearing_format"]]
        outcome_label = DECISIONS[data["decision"]]
        decision = super().context(data, common)
        decision["decision"].update(
            hearing_format=gettext(hearing_format).lower(), outcome_label=gettext(outcome_label)
        )
        return decision

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        """Only the independent reviewer the workflow assigned signs; nobody signs in their
        place."""
        if people.reviewer is None:
            raise RuleViolation(
                gettext(
                    "A final decision is signed by the independent reviewer of the appeal; "
                    "no reviewer is assigned."
                )
            )
        return [SignerSpec(REVIEWER, people.reviewer, REVIEWER.label)]

    def page_context(self, data: dict) -> dict:
        return {"decisions": DECISIONS, "hearing_formats": HEARING_FORMATS}

    def summary(self, data: dict) -> str:
        decision = DECISIONS.get(data.get("decision"))
        if decision is None:
            return gettext("(decision not chosen yet)")
        return gettext(decision).split(" (")[0]
