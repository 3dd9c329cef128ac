"""Appeal of a termination: the client's written objections to a termination notice, filed by
the client or written down for them by staff, to be heard by the independent reviewer (24 CFR
578.91(b)(2); Non-compliance and Exiting in the CoC's written standards)."""

from flask_babel import gettext

from ..i18n import N_
from . import fields as f
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

CLIENT = SignerRole("client", N_("Client"), staff=False)
RECORDER = SignerRole("case_manager", N_("Staff member who wrote down the appeal"), staff=True)
FILED_BY = {
    "client": N_("The client, who signs it on the tablet"),
    "staff_record": N_("Staff wrote it down for the client and sign it"),
}
REQUEST_METHODS = {
    "in_person": N_("The client told staff in person"),
    "phone": N_("The client told staff by phone"),
    "letter": N_("The client sent a letter or note"),
    "representative": N_("An advocate or representative brought it"),
}
HEARING_FORMATS = {
    "in_person": N_("In person"),
    "phone_video": N_("By phone or video"),
    "written": N_("In writing only"),
}


@registered
class Appeal(FormSpec):
    name = "appeal"
    title = N_("Appeal of Termination")
    prefix = "AP"
    workflow_step = True
    continues_after_closing = True
    signer_roles = (CLIENT, RECORDER)
    sections = (
        Section(
            N_("The appeal"),
            {
                "termination_reference": f.Text(  # the notice appealed, from the termination
                    N_("Termination notice appealed (document number)"),
                    40,
                    workflow=True,
                    required=N_("Name the termination notice appealed."),
                    example="TN-2026-000412",
                ),
                "received_on": f.Date(
                    N_("Appeal received on"),
                    past=True,
                    required=N_("Give the date the appeal was received."),
                    example=f.days_from_today(-1),
                ),
                "filed_by": f.Radio(
                    N_("Who writes and signs it"),
                    options=FILED_BY,
                    required=N_("Say whether the client signs or staff write it down."),
                    example="client",
                ),
                "request_method": f.Radio(
                    N_("How the appeal came in (when staff write it down)"),
                    options=REQUEST_METHODS,
                    print_label=True,
                    when=("filed_by", "staff_record"),
                    required=N_("Say how the appeal came in."),
                ),
                "representative_name": f.Text(
                    N_("Advocate or representative (if any)"),
                    required=N_("Name the advocate or representative."),
                    when=("request_method", "representative"),
                ),
                "grounds": f.LongText(
                    N_("Why the client thinks the decision is wrong (in their words)"),
                    5000,
                    required=N_("Write down why the client thinks the decision is wrong."),
                    hint=N_("Write it as the client says it."),
                    example=(
                        "I was wrong to pick up the knife and I am sorry. It was the worst week "
                        "of my life: I had just lost my job. I have never hurt anyone, and I "
                        "started anger management classes on November 10. If I lose my place I "
                        "will be on the street again."
                    ),
                ),
                "requested_outcome": f.LongText(
                    N_("What the client asks for"),
                    2000,
                    required=N_("Write down what the client asks for."),
                    example=(
                        "Let me stay in the program. I will move to another site if that is needed."
                    ),
                ),
            },
            hint=N_(
                "A client may appeal in writing themselves, or any staff member writes down "
                "what the client says."
            ),
        ),
        Section(
            N_("Being heard"),
            {
                "heard_how": f.Radio(
                    N_("How the client wants to be heard"),
                    options=HEARING_FORMATS,
                    print_label=True,
                    required=N_("Ask how the client wants to be heard."),
                    example="in_person",
                ),
                "language": f.Text(
                    N_("Language for the meeting and the decision"), 100, example="English"
                ),
                "interpreter": f.Checkbox(N_("Needs an interpreter")),
                "accommodations": f.LongText(
                    N_("Accommodations needed"),
                    example="My sister Ana would like to come with me.",
                ),
                "how_to_reach": f.Text(
                    N_("How to reach the client"),
                    300,
                    example="(314) 555-0123, or through my case manager",
                ),
            },
        ),
    )

    def context(self, data: dict, common: dict) -> dict:
        appeal = super().context(data, common)
        staff_record = data["filed_by"] == "staff_record"
        appeal["appeal"]["staff_record"] = staff_record
        if not staff_record:  # how the request came is printed only when staff recorded it
            appeal["appeal"]["request_method"] = ""
        return appeal

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        if data.get("filed_by") == "staff_record":
            return [SignerSpec(RECORDER, people.case_manager, RECORDER.label)]
        return [SignerSpec(CLIENT, people.client, CLIENT.label)]

    def page_context(self, data: dict) -> dict:
        return {"request_methods": REQUEST_METHODS, "hearing_formats": HEARING_FORMATS}

    def summary(self, data: dict) -> str:
        reference = data.get("termination_reference") or gettext("(notice not named yet)")
        return gettext("of %(reference)s", reference=reference)
