"""Appeal of a termination: the client's written objections to a termination notice, filed by
the client or written down for them by staff, to be heard by the independent reviewer (seed
000 "Non-compliance and Exiting"; 24 CFR 578.91(b)(2))."""

from datetime import timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import BaseForm, Missing, NotInFuture, Text, choices, multiline, strip
from .registry import FormType, People, SignerRole, SignerSpec, register

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


class AppealForm(BaseForm):
    termination_reference = StringField(
        _l("Termination notice appealed (document number)"), [Text(40)], filters=[strip]
    )
    received_on = DateField(_l("Appeal received on"), validators=[Optional(), NotInFuture()])
    filed_by = RadioField(
        _l("Who writes and signs it"), choices=choices(FILED_BY), validators=[Optional()]
    )
    request_method = RadioField(
        _l("How the appeal came in (when staff write it down)"),
        choices=choices(REQUEST_METHODS),
        validators=[Optional()],
    )
    representative_name = StringField(
        _l("Advocate or representative (if any)"), [Text(200)], filters=[strip]
    )
    grounds = TextAreaField(
        _l("Why the client thinks the decision is wrong (in their words)"),
        [Text(5000, multiline=True)],
        filters=[strip],
    )
    requested_outcome = TextAreaField(
        _l("What the client asks for"), [Text(2000, multiline=True)], filters=[strip]
    )
    heard_how = RadioField(
        _l("How the client wants to be heard"),
        choices=choices(HEARING_FORMATS),
        validators=[Optional()],
    )
    language = StringField(
        _l("Language for the meeting and the decision"), [Text(100)], filters=[strip]
    )
    interpreter = BooleanField(_l("Needs an interpreter"))
    accommodations = TextAreaField(
        _l("Accommodations needed"), [Text(1000, multiline=True)], filters=[strip]
    )
    how_to_reach = StringField(_l("How to reach the client"), [Text(300)], filters=[strip])


def missing_elements(data: dict) -> dict[str, list[str]]:
    """An appeal names the notice it objects to and when it arrived, says who filed it (and
    how, when staff write it down), the grounds, what is asked for, and how the client wants
    to be heard (seed 000; 24 CFR 578.91(b))."""
    missing = Missing()
    missing.require(data, "termination_reference", gettext("Name the termination notice appealed."))
    missing.require(data, "received_on", gettext("Give the date the appeal was received."))
    if data.get("filed_by") not in FILED_BY:
        missing.add("filed_by", gettext("Say whether the client signs or staff write it down."))
    if data.get("filed_by") == "staff_record" and data.get("request_method") not in REQUEST_METHODS:
        missing.add("request_method", gettext("Say how the appeal came in."))
    if data.get("request_method") == "representative":
        missing.require(
            data, "representative_name", gettext("Name the advocate or representative.")
        )
    missing.require(
        data, "grounds", gettext("Write down why the client thinks the decision is wrong.")
    )
    missing.require(data, "requested_outcome", gettext("Write down what the client asks for."))
    if data.get("heard_how") not in HEARING_FORMATS:
        missing.add("heard_how", gettext("Ask how the client wants to be heard."))
    return missing


def context(data: dict, common: dict) -> dict:
    staff_record = data["filed_by"] == "staff_record"
    # The labels are N_ msgids, translated into the document's language.
    request_method = REQUEST_METHODS[data["request_method"]] if staff_record else ""
    heard_how = HEARING_FORMATS[data["heard_how"]]
    return {
        "appeal": {
            "termination_reference": data["termination_reference"],
            "received_on": long_date(data["received_on"]),
            "staff_record": staff_record,
            "request_method": gettext(request_method) if request_method else "",
            "representative_name": data.get("representative_name") or "",
            "grounds": multiline(data["grounds"]),
            "requested_outcome": multiline(data["requested_outcome"]),
            "heard_how": gettext(heard_how),
            "language": data.get("language") or "",
            "interpreter": bool(data.get("interpreter")),
            "accommodations": multiline(data.get("accommodations")),
            "how_to_reach": data.get("how_to_reach") or "",
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    if data.get("filed_by") == "staff_record":
        return [SignerSpec(RECORDER, people.case_manager, RECORDER.label)]
    return [SignerSpec(CLIENT, people.client, CLIENT.label)]


def example() -> dict:
    return {
        "termination_reference": "TN-2026-000412",
        "received_on": (clock.example_today() - timedelta(days=1)).isoformat(),
        "filed_by": "client",
        "request_method": "",
        "representative_name": "",
        "grounds": (
            "I was wrong to pick up the knife and I am sorry. It was the worst week of my life: "
            "I had just lost my job. I have never hurt anyone, and I started anger management "
            "classes on November 10. If I lose my place I will be on the street again."
        ),
        "requested_outcome": (
            "Let me stay in the program. I will move to another site if that is needed."
        ),
        "heard_how": "in_person",
        "language": "English",
        "interpreter": False,
        "accommodations": "My sister Ana would like to come with me.",
        "how_to_reach": "(314) 555-0123, or through my case manager",
    }


def summary(data: dict) -> str:
    reference = data.get("termination_reference") or gettext("(notice not named yet)")
    return gettext("of %(reference)s", reference=reference)


register(
    FormType(
        workflow_step=True,
        continues_after_closing=True,
        name="appeal",
        workflow_fields=("termination_reference",),  # the notice appealed
        title=N_("Appeal of Termination"),
        prefix="AP",
        form_class=AppealForm,
        signer_roles=(CLIENT, RECORDER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/appeal.html",
        page_context=lambda data: {
            "request_methods": REQUEST_METHODS,
            "hearing_formats": HEARING_FORMATS,
        },
        summary=summary,
    )
)
