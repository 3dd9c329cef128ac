"""Revocation of a consent to release information: ends one release from the moment the agency
receives the client's written request; signed by the client, or recorded by staff from the
client's written request (45 CFR 164.508(b)(5))."""

from datetime import datetime, time, timedelta

from flask_babel import gettext

from .. import clock
from ..formatting import page_time_zone
from ..i18n import N_
from . import fields as f
from .base import Statement
from .fields import clock_reading
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

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
STAFF_RECORD = ("signed_by", "staff_record")


def _yesterday():
    """Already past on every agency's clock, and never in a skipped hour at 10:00."""
    return clock.example_today() - timedelta(days=1)


def received_text(data: dict, zone: str | None = None) -> str:
    """The time staff typed, printed with the agency's zone (the page's, unless named)."""
    return clock_reading(data["received_at"], zone or page_time_zone())


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


@registered
class ConsentRevocation(FormSpec):
    name = "consent_revocation"
    title = N_("Revocation of Consent to Release Information")
    prefix = "RV"
    required_statements = REQUIRED_STATEMENTS
    vital = True
    printed_as = "revocation"
    signer_roles = (CLIENT, RECORDER)
    sections = (
        Section(
            N_("The consent it ends"),
            {
                "release_reference": f.Text(
                    N_("Consent being revoked (document number)"),
                    40,
                    required=N_("Name the consent this revokes."),
                    example="CR-2026-000123",
                ),
                "recipient_name": f.Text(
                    N_("Who the consent let us share with"),
                    required=N_("Name who the consent let us share with."),
                    example="St. Patrick Center",
                ),
                "release_signed_on": f.Date(
                    N_("The consent was signed on (optional)"),
                    example=lambda: (_yesterday() - timedelta(days=59)).isoformat(),
                ),
            },
        ),
        Section(
            N_("The request"),
            {
                "received_at": f.DateTime(
                    N_("Request received on (date and time)"),
                    past=True,
                    required=N_("Record when the request was received: it takes effect then."),
                    hint=N_("The agency's time (%(zone)s), as its clocks read then."),
                    example=lambda: datetime.combine(_yesterday(), time(10)).isoformat(),
                ),
                "signed_by": f.Radio(
                    N_("Who signs"),
                    options=SIGNED_BY,
                    required=N_("Say whether the client signs or staff record the request."),
                    example="client",
                ),
                "request_method": f.Radio(
                    N_("The client's written request (when staff record it)"),
                    options=REQUEST_METHODS,
                    print_label=True,
                    when=STAFF_RECORD,
                    required=N_("A revocation is in writing: say how the written request came."),
                ),
                "request_details": f.Text(
                    N_("About the request (e.g. date of the letter, who handed it in)"), 300
                ),
                "client_words": f.LongText(
                    N_("Anything the client wants to add (optional; no reason is needed)"),
                    lines=False,
                    example="I am working with a different housing program now.",
                ),
            },
            hint=N_(
                "A revocation takes effect when the agency receives it. The client signs here, "
                "or staff record the client's written request."
            ),
        ),
    )

    def context(self, data: dict, common: dict) -> dict:
        revocation = super().context(data, common)
        staff_record = data["signed_by"] == "staff_record"
        revocation["revocation"]["staff_record"] = staff_record
        if not staff_record:  # how the request came is printed only when staff recorded it
            revocation["revocation"]["request_method"] = ""
        return revocation

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        if data.get("signed_by") == "staff_record":
            return [SignerSpec(RECORDER, people.case_manager, RECORDER.label)]
        return [SignerSpec(CLIENT, people.client, CLIENT.label)]

    def on_filed(self, document) -> None:
        """A signed revocation ends the release it names (45 CFR 164.508(b)(5))."""
        from ..workflows.consent import apply_revocation  # the workflow imports the forms

        apply_revocation(document)

    def page_context(self, data: dict) -> dict:
        return {
            "request_methods": REQUEST_METHODS,
            "received_text": received_text(data) if data.get("received_at") else "",
        }

    def summary(self, data: dict) -> str:
        reference = data.get("release_reference") or gettext("(consent not named yet)")
        return gettext("ends %(reference)s", reference=reference)
