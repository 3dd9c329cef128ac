"""Response to a grievance: the agency's written, signed answer to grievance N, with what it
found and what it will do, and where the client can go next (Client Grievance Process of the
CoC's written standards)."""

from flask_babel import gettext

from ..i18n import N_
from . import fields as f
from .grievance import COC_CONTACT, OUTSIDE_ROUTES, outside_routes
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

RESPONDER = SignerRole("responder", N_("Responding staff member"), staff=True)
OUTCOMES = {
    "upheld": N_("Upheld: we agree with your complaint"),
    "partly_upheld": N_("Partly upheld: we agree with part of your complaint"),
    "not_upheld": N_("Not upheld: we do not agree with your complaint"),
}


@registered
class GrievanceResponse(FormSpec):
    name = "grievance_response"
    title = N_("Response to Grievance")
    prefix = "GRR"
    workflow_step = True
    continues_after_closing = True
    delivered = True
    printed_as = "response"
    signer_roles = (RESPONDER,)
    sections = (
        Section(
            N_("The grievance"),
            {
                # both from the grievance's record (workflows/grievance.py respond)
                "grievance_number": f.Text(
                    N_("Grievance number"),
                    40,
                    workflow=True,
                    required=N_("Name the grievance this answers."),
                    example="G-2026-0007",
                ),
                "grievance_filed_on": f.Date(
                    N_("Grievance received on"),
                    workflow=True,
                    required=N_("Give the date the grievance was received."),
                    example=f.days_from_today(-6),
                ),
                "grievance_summary": f.LongText(
                    N_("The grievance, in short"),
                    2000,
                    required=N_("Sum up the grievance."),
                    example=(
                        "You were not let in after 9 pm on November 12 and 14, although you had "
                        "told staff about your late work shifts, and you had to sleep at the bus "
                        "station."
                    ),
                ),
            },
        ),
        Section(
            N_("Our answer"),
            {
                "response_date": f.Date(
                    N_("Date of this response"),
                    required=N_("Give the date of this response."),
                    example=f.days_from_today(0),
                ),
                "findings": f.LongText(
                    N_("What we found (who we spoke to, what we looked at)"),
                    5000,
                    required=N_("Say what was found."),
                    example=(
                        "We spoke with you, with the night front desk staff and with your case "
                        "manager, and read the front desk log. Your case manager had recorded "
                        "your work schedule, but it was not passed on to the night staff. You "
                        "should have been let in."
                    ),
                ),
                "outcome": f.Radio(
                    N_("Outcome"),
                    options=OUTCOMES,
                    print_label=True,
                    required=N_("Choose the outcome."),
                    example="upheld",
                ),
                "actions": f.LongText(
                    N_("What we will do, and by when"),
                    3000,
                    required=N_("Say what will be done (or that nothing will, and why)."),
                    example=(
                        "You now have a written late pass for your work nights, starting today.\n"
                        "By December 1, all front desk staff will be trained on late passes, and "
                        "late passes will be shown in the front desk log."
                    ),
                ),
                "coc_contact": COC_CONTACT,
            },
            hint=N_(
                "Signed by the case manager's supervisor, or by the case manager when there is "
                "no supervisor."
            ),
        ),
    )

    def checks(self, values: dict):
        yield from self._answered_after_filing(values)

    def rules(self, data: dict):
        """Checked again before sending: on the staff page the grievance's date is filled by
        the workflow, so the check when the page is saved does not see it."""
        yield from self._answered_after_filing(data)

    @staticmethod
    def _answered_after_filing(values: dict):
        filed, answered = values.get("grievance_filed_on"), values.get("response_date")
        if filed and answered and str(answered) < str(filed):  # ISO dates order as text
            yield "response_date", gettext("The response cannot come before the grievance.")

    def context(self, data: dict, common: dict) -> dict:
        response = super().context(data, common)
        response["response"]["outside_routes"] = outside_routes()
        return response

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        """The case manager's supervisor answers when there is one, else the case manager."""
        return [SignerSpec(RESPONDER, people.supervisor or people.case_manager, RESPONDER.label)]

    def page_context(self, data: dict) -> dict:
        return {"outcomes": OUTCOMES, "outside_routes": OUTSIDE_ROUTES}

    def summary(self, data: dict) -> str:
        grievance = data.get("grievance_number") or gettext("(grievance not named yet)")
        return gettext("to %(grievance)s", grievance=grievance)
