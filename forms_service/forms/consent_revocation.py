"""Revocation of a consent to release information: ends one release from the moment the
agency receives the client's written request; signed by the client, or recorded by staff from
the client's written request (45 CFR 164.508(b)(5); seeds 000 and 004)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from .. import clock
from ..formatting import date_time, long_date, page_time_zone
from ..i18n import N_
from .base import BaseForm, Missing, NotInFuture, Statement, Text, choices, strip
from .registry import FormType, People, SignerRole, SignerSpec, register

CLIENT = SignerRole("client", N_("Client"), staff=False)
RECORDER = SignerRole("case_manager", N_("Staff member who received the request"), staff=True)
SIGNED_BY = {
    "client": N_("The client signs this form on the tablet"),
    "staff_record": N_("Staff record the client's written request and sign"),
}
REQUEST_METHODS = {
    "letter": N_("A letter or note from the client"),
    "email": N_("An email from the client"),
    "text_message": N_("A text message from the client"),
    "other_writing": N_("Other writing from the client"),
}


class ConsentRevocationForm(BaseForm):
    release_reference = StringField(
        _l("Consent being revoked (document number)"), [Text(40)], filters=[strip]
    )
    recipient_name = StringField(
        _l("Who the consent let us share with"), [Text(200)], filters=[strip]
    )
    release_signed_on = DateField(
        _l("The consent was signed on (optional)"), validators=[Optional()]
    )
    received_at = DateTimeLocalField(
        _l("Request received on (date and time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[Optional(), NotInFuture()],
    )
    signed_by = RadioField(_l("Who signs"), choices=choices(SIGNED_BY), validators=[Optional()])
    request_method = RadioField(
        _l("The client's written request (when staff record it)"),
        choices=choices(REQUEST_METHODS),
        validators=[Optional()],
    )
    request_details = StringField(
        _l("About the request (e.g. date of the letter, who handed it in)"),
        [Text(300)],
        filters=[strip],
    )
    client_words = TextAreaField(
        _l("Anything the client wants to add (optional; no reason is needed)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )


def received_text(data: dict, zone: str | None = None) -> str:
    """The time staff typed, a clock reading in the agency's zone (the page's, unless named),
    printed with that zone named; an hour the clocks repeat reads as its first (fold=0)."""
    zone = zone or page_time_zone()
    received = datetime.fromisoformat(data["received_at"]).replace(tzinfo=ZoneInfo(zone))
    return date_time(received, zone=zone)


def missing_elements(data: dict) -> dict[str, list[str]]:
    """A revocation names the release it ends and its recipient, records when the agency
    received it (it takes effect then), and who signs: the client, or staff recording the
    client's written request and how it came (164.508(b)(5))."""
    missing = Missing()
    missing.require(data, "release_reference", gettext("Name the consent this revokes."))
    missing.require(data, "recipient_name", gettext("Name who the consent let us share with."))
    missing.require(
        data,
        "received_at",
        gettext("Record when the request was received: it takes effect then."),
    )
    if data.get("signed_by") not in SIGNED_BY:
        missing.add(
            "signed_by", gettext("Say whether the client signs or staff record the request.")
        )
    if (
        data.get("signed_by") == "staff_record"
        and data.get("request_method") not in REQUEST_METHODS
    ):
        missing.add(
            "request_method",
            gettext("A revocation is in writing: say how the written request came."),
        )
    return missing


def context(data: dict, common: dict) -> dict:
    staff_record = data["signed_by"] == "staff_record"
    method = REQUEST_METHODS.get(data.get("request_method"), "")
    return {
        "revocation": {
            "release_reference": data["release_reference"],
            "recipient_name": data["recipient_name"],
            "release_signed_on": long_date(data.get("release_signed_on")),
            "received_at": received_text(data, common["agency"]["time_zone"]),
            "staff_record": staff_record,
            "request_method": gettext(method) if staff_record and method else "",
            "request_details": data.get("request_details") or "",
            "client_words": data.get("client_words") or "",
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    if data.get("signed_by") == "staff_record":
        return [SignerSpec(RECORDER, people.case_manager, RECORDER.label)]
    return [SignerSpec(CLIENT, people.client, CLIENT.label)]


def example() -> dict:
    # yesterday at 10:00: already past on every agency's clock, and never in a skipped hour
    yesterday = clock.example_today() - timedelta(days=1)
    return {
        "release_reference": "CR-2026-000123",
        "recipient_name": "St. Patrick Center",
        "release_signed_on": (yesterday - timedelta(days=59)).isoformat(),
        "received_at": datetime.combine(yesterday, time(10)).isoformat(),
        "signed_by": "client",
        "request_method": "",
        "request_details": "",
        "client_words": "I am working with a different housing program now.",
    }


def summary(data: dict) -> str:
    reference = data.get("release_reference") or gettext("(consent not named yet)")
    return gettext("ends %(reference)s", reference=reference)


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "45 CFR 164.508(b)(5)",
        {
            "en": "It does not undo information we already shared while the consent was in effect.",
            "es": (
                "No deshace la información que ya compartimos mientras el consentimiento estaba "
                "vigente."
            ),
            "ar": "الإلغاء لا يُبطل المعلومات التي شاركناها أثناء سريان الموافقة.",
        },
    ),
)


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        vital=True,
        name="consent_revocation",
        title=N_("Revocation of Consent to Release Information"),
        prefix="RV",
        form_class=ConsentRevocationForm,
        signer_roles=(CLIENT, RECORDER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/consent_revocation.html",
        page_context=lambda data: {
            "request_methods": REQUEST_METHODS,
            "received_text": received_text(data) if data.get("received_at") else "",
        },
        summary=summary,
    )
)
