"""Letter to the recipient of a revoked consent: when a client revokes a release of
information, the recipient it named is told in writing that it ended and from when, that what
was shared before in reliance on it is not undone (45 CFR 164.508(b)(5)), and, when it covered
substance use disorder records, that those already disclosed stay protected by 42 CFR Part 2
(2.32). Written by the revocation with the consent's facts, signed by the staff member who
recorded it, filed, and its sending (mail, e-mail, fax, in hand) recorded."""

from datetime import timedelta

from flask_babel import gettext

from .. import clock
from ..formatting import page_time_zone
from ..i18n import N_
from . import fields as f
from .base import Statement
from .consent_release import REQUIRED_STATEMENTS as CONSENT_STATEMENTS
from .fields import clock_reading
from .registry import People, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

SENDER = SignerRole("sender", N_("Staff member who sends the letter"), staff=True)
PART2_NOTICE = next(s for s in CONSENT_STATEMENTS if s.citation == "42 CFR 2.32")

# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "45 CFR 164.508(b)(5)",
        {
            "en": (
                "The revocation does not undo what we shared with you, or what you did, "
                "while the consent was in effect."
            ),
            "es": (
                "La revocación no deshace lo que le compartimos, ni lo que ustedes hicieron, "
                "mientras el consentimiento estaba vigente."
            ),
            "ar": "لا يُبطل الإلغاء ما شاركناه معكم، ولا ما قمتم به، أثناء سريان الموافقة.",
        },
    ),
    PART2_NOTICE,
)


def _example_day(days_ago: int) -> str:
    return (clock.example_today() - timedelta(days=days_ago)).isoformat()


@registered
class RevocationLetter(FormSpec):
    name = "revocation_letter"
    title = N_("Letter to the recipient of a revoked consent")
    prefix = "RL"
    required_statements = REQUIRED_STATEMENTS
    printed_as = "letter"
    workflow_step = True
    continues_after_closing = True  # owed to the recipient even once the case is closed
    delivered = True
    delivery_methods = ("mail", "email", "fax", "in_hand")
    due_as_draft = True
    signer_roles = (SENDER,)
    sections = (
        Section(
            N_("The consent that was revoked"),
            {
                # from the release and its revocation (workflows/revocation_letter.py)
                "release_reference": f.Text(
                    N_("Consent revoked (document number)"),
                    40,
                    workflow=True,
                    required=N_("Name the consent that was revoked."),
                    example="CR-2026-000123",
                ),
                "release_signed_on": f.Date(
                    N_("The consent was signed on"),
                    workflow=True,
                    example=lambda: _example_day(60),
                ),
                "recipient_name": f.Text(
                    N_("Who the consent let us share with"),
                    workflow=True,
                    required=N_("Name who the consent let us share with."),
                    example="St. Patrick Center",
                ),
                "revoked_at": f.DateTime(
                    N_("The revocation took effect on"),
                    workflow=True,
                    required=N_("Give when the revocation took effect."),
                    example=lambda: _example_day(1) + "T10:00",
                ),
                "sud_records": f.Checkbox(
                    N_("The consent covered substance use disorder records"),
                    workflow=True,
                    example=True,
                ),
            },
        ),
        Section(
            N_("The letter"),
            {
                "recipient_address": f.LongText(
                    N_("The recipient's address, e-mail or fax number"),
                    300,
                    hint=N_("Printed at the top of the letter; from the consent when it had one."),
                    example="800 N Tucker Blvd, St. Louis, MO 63101",
                ),
                "letter_date": f.Date(
                    N_("Date of the letter"),
                    required=N_("Give the date of the letter."),
                    example=lambda: clock.example_today().isoformat(),
                ),
                "added": f.LongText(
                    N_("Anything to add (optional)"),
                    1000,
                    example="Please send any questions to the records office.",
                ),
            },
            hint=N_(
                "Check the letter, sign it, then send it to the recipient and record how it "
                "went: by mail, e-mail, fax or in hand."
            ),
        ),
    )

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        """The staff member who recorded the revocation (who wrote the letter) signs it."""
        return [SignerSpec(SENDER, people.author or people.case_manager, SENDER.label)]

    def page_context(self, data: dict) -> dict:
        zone = page_time_zone()
        return {
            "revoked_at_text": clock_reading(data["revoked_at"], zone)
            if data.get("revoked_at")
            else ""
        }

    def summary(self, data: dict) -> str:
        return gettext(
            "to %(recipient)s: %(reference)s revoked",
            recipient=data.get("recipient_name") or "",
            reference=data.get("release_reference") or "",
        )
