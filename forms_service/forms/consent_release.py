"""Consent to release information: one recipient per release (HIPAA 45 CFR 164.508; 42 CFR
Part 2 when substance-use treatment records are included; seeds 000 and 004)."""

from datetime import timedelta

from docxtpl import Listing
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import BaseForm, MultiCheckboxField, Statement, Text, agency_now, choices, strip
from .registry import FormType, People, Person, SignerRole, SignerSpec, register

# Specific categories, so the client knows exactly what is shared (minimum necessary, 004).
CATEGORIES = {
    "housing": (
        N_("Housing status and history"),
        N_("Where you live or stay now, where you have lived, and your housing applications."),
    ),
    "income": (N_("Income and benefits"), N_("Your income, benefits, and work.")),
    "identity": (
        N_("Identity and contact details"),
        N_("Your name, date of birth, ID and phone."),
    ),
    "case_plan": (
        N_("Case plan and progress"),
        N_("Your goals, your case plan and how it is going."),
    ),
    "health": (N_("Physical health"), N_("Health conditions, disabilities and treatment.")),
    "mental_health": (N_("Mental health"), N_("Mental health conditions and treatment.")),
    "substance_use": (
        N_("Substance use treatment records"),
        N_("Records of treatment for alcohol or drug use (protected by 42 CFR Part 2)."),
    ),
    "criminal_history": (
        N_("Criminal history"),
        N_("Arrests, convictions, probation and parole."),
    ),
    "sud_counseling_notes": (
        N_("Substance use counseling notes"),
        N_("Notes your counselor wrote about counseling sessions (42 CFR 2.31(b))."),
    ),
}
SUD_CATEGORIES = {"substance_use", "sud_counseling_notes"}
COUNSELING_NOTES = "sud_counseling_notes"
# The only grounds on which HIPAA lets treatment, payment, enrolment or eligibility depend on
# signing an authorization (45 CFR 164.508(b)(4)).
CONDITIONING_GROUNDS = {
    "research": N_("Research-related treatment (treatment that is part of a research study)"),
    "health_plan": N_("Enrolment in a health plan, or eligibility for its benefits"),
    "third_party": N_(
        "Health care given only to create information for someone else "
        "(for example, an exam a program or employer asked for)"
    ),
}
RECIPIENT_TYPES = {"agency": N_("Agency"), "person": N_("Person")}

CLIENT = SignerRole("client", N_("Client"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)


class ConsentReleaseForm(BaseForm):
    recipient_name = StringField(
        _l("Who receives the information (name)"), [Text(200)], filters=[strip]
    )
    recipient_type = RadioField(
        _l("Recipient type"), choices=choices(RECIPIENT_TYPES), validators=[Optional()]
    )
    recipient_contact = StringField(
        _l("Recipient address or phone (optional)"), [Text(300)], filters=[strip]
    )
    categories = MultiCheckboxField(
        _l("What information may be shared"),
        choices=choices({key: label for key, (label, _) in CATEGORIES.items()}),
        validators=[Optional()],
    )
    other_information = TextAreaField(
        _l("Other information (describe it specifically, optional)"),
        [Text(500, multiline=True)],
        filters=[strip],
    )
    purpose = TextAreaField(
        _l("Why it is shared (purpose)"), [Text(2000, multiline=True)], filters=[strip]
    )
    end_date = DateField(_l("Ends on (date)"), validators=[Optional()])
    end_event = StringField(_l("Or ends when (event)"), [Text(300)], filters=[strip])
    conditioned = BooleanField(_l("Services depend on signing this form (rare)"))
    conditioning_basis = RadioField(
        _l("The ground the law allows for it (45 CFR 164.508(b)(4))"),
        choices=choices(CONDITIONING_GROUNDS),
        validators=[Optional()],
    )
    conditioning_explanation = TextAreaField(
        _l("What depends on signing, and what happens if the client does not sign"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    representative_signs = BooleanField(_l("A legal representative signs for the client"))
    representative_name = StringField(_l("Representative's name"), [Text(200)], filters=[strip])
    representative_authority = StringField(
        _l("Representative's authority (e.g. court-appointed guardian)"),
        [Text(300)],
        filters=[strip],
    )

    def validate_end_date(self, field):
        today = agency_now(self).date()
        if field.data and field.data <= today:
            raise ValidationError(gettext("The end date must be after today."))
        if field.data and field.data > today + timedelta(days=366 * 10):
            raise ValidationError(gettext("The end date must be within 10 years."))


def missing_elements(data: dict) -> dict[str, list[str]]:
    """A release with any required element blank is invalid (45 CFR 164.508(b)(2)); so is one
    that mixes SUD counseling notes with anything else (42 CFR 2.31(b)), and one that makes
    services depend on signing on a ground HIPAA does not allow (45 CFR 164.508(b)(4))."""
    missing: dict[str, list[str]] = {}

    def need(field: str, message: str) -> None:
        missing.setdefault(field, []).append(message)

    if not data.get("recipient_name"):
        need("recipient_name", gettext("Name who receives the information."))
    if data.get("recipient_type") not in RECIPIENT_TYPES:
        need("recipient_type", gettext("Choose whether the recipient is an agency or a person."))
    categories = data.get("categories") or []
    if not categories and not data.get("other_information"):
        need("categories", gettext("Tick at least one kind of information."))
    if COUNSELING_NOTES in categories and (len(categories) > 1 or data.get("other_information")):
        alone = gettext(
            "Substance use counseling notes need a consent of their own (42 CFR 2.31(b)): "
            "untick the other kinds of information and leave “Other information” blank, "
            "or make a separate consent for the notes."
        )
        need("categories", alone)
        if data.get("other_information"):
            need("other_information", alone)
    if not data.get("purpose"):
        need("purpose", gettext("Say why the information is shared."))
    if not data.get("end_date") and not data.get("end_event"):
        need("end_date", gettext("Give an end date or an end event."))
    if data.get("conditioned"):
        if data.get("conditioning_basis") not in CONDITIONING_GROUNDS:
            need(
                "conditioning_basis",
                gettext(
                    "Services may depend on signing only for research-related treatment, "
                    "health plan enrolment or eligibility, or health care that only creates "
                    "information for someone else. Choose one, or untick “Services depend on "
                    "signing this form”."
                ),
            )
        if not data.get("conditioning_explanation"):
            need("conditioning_explanation", gettext("Explain what depends on signing."))
    if data.get("representative_signs"):
        if not data.get("representative_name"):
            need("representative_name", gettext("Name the legal representative who signs."))
        if not data.get("representative_authority"):
            need(
                "representative_authority",
                gettext("State the representative's legal authority."),
            )
    return missing


def end_text(data: dict, isolate=str) -> str:
    """When the consent ends, as the rest of "This consent ends …", in the current language;
    `isolate` wraps the typed event (the `typed` filter on a page)."""
    on = long_date(data.get("end_date"))
    event = isolate(data["end_event"]) if data.get("end_event") else ""
    if on and event:
        return gettext(
            "on %(date)s, or when %(event)s, whichever comes first", date=on, event=event
        )
    if on:
        return gettext("on %(date)s", date=on)
    return gettext("when %(event)s", event=event) if event else ""


def context(data: dict, common: dict) -> dict:
    categories = data.get("categories") or []
    basis = data.get("conditioning_basis") if data.get("conditioned") else None
    agency = common["agency"]
    recipient_type = RECIPIENT_TYPES[data["recipient_type"]]
    return {
        "consent": {
            "recipient_name": data["recipient_name"],
            "recipient_type_label": gettext(recipient_type),
            "recipient_contact": data.get("recipient_contact") or "",
            "categories": [
                {"label": gettext(CATEGORIES[c][0]), "description": gettext(CATEGORIES[c][1])}
                for c in categories
            ],
            "other_information": data.get("other_information") or "",
            "purpose": Listing(data["purpose"]),
            "end_text": end_text(data),
            "includes_sud": bool(SUD_CATEGORIES & set(categories)),
            "counseling_notes": COUNSELING_NOTES in categories,
            "conditioned": bool(data.get("conditioned")),
            "conditioning_basis": gettext(CONDITIONING_GROUNDS[basis]) if basis else "",
            "conditioning_explanation": data.get("conditioning_explanation") or "",
            "representative_signs": bool(data.get("representative_signs")),
            "representative_name": data.get("representative_name") or "",
            "representative_authority": data.get("representative_authority") or "",
            "revocation_how": gettext(
                "Write to %(name)s, %(address)s, or tell your case manager, who will help you "
                "put it in writing. You can also call %(phone)s to ask how.",
                **agency,
            ),
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    if data.get("representative_signs"):
        representative = Person(data["representative_name"])
        first = SignerSpec(CLIENT, representative, N_("Legal representative of the client"))
    else:
        first = SignerSpec(CLIENT, people.client, CLIENT.label)
    return [first, SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label)]


def example() -> dict:
    return {
        "recipient_name": "St. Patrick Center",
        "recipient_type": "agency",
        "recipient_contact": "800 N Tucker Blvd, St. Louis, MO 63101",
        "categories": ["housing", "income", "identity"],
        "other_information": "",
        "purpose": "To apply for permanent supportive housing and coordinate my move-in.",
        "end_date": (clock.example_today() + timedelta(days=365)).isoformat(),
        "end_event": "I move into permanent housing",
        "conditioned": False,
        "conditioning_basis": "",
        "conditioning_explanation": "",
        "representative_signs": False,
        "representative_name": "",
        "representative_authority": "",
    }


def summary(data: dict) -> str:
    recipient = data.get("recipient_name") or gettext("(recipient not named yet)")
    return gettext("to %(recipient)s", recipient=recipient)


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "45 CFR 164.508(c)(2)(i)",
        {
            "en": (
                "You can cancel (revoke) this consent at any time. You must cancel it in writing."
            ),
            "es": (
                "Puede cancelar (revocar) este consentimiento en cualquier momento. Debe "
                "cancelarlo por escrito."
            ),
            "ar": "يمكنك إلغاء (سحب) هذه الموافقة في أي وقت. ويجب أن يكون الإلغاء كتابياً.",
        },
    ),
    Statement(
        "45 CFR 164.508(c)(2)(ii)",
        {
            "en": "You do not have to sign this form to get services.",
            "es": "No tiene que firmar este formulario para recibir servicios.",
            "ar": "لا يلزمك توقيع هذا النموذج للحصول على الخدمات.",
        },
    ),
    Statement(
        "45 CFR 164.508(c)(2)(iii)",
        {
            "en": (
                "After {{ consent.recipient_name }} gets your information, they might share it "
                "with someone else. If that happens, federal privacy law may no longer protect "
                "it."
            ),
            "es": (
                "Después de que {{ consent.recipient_name }} reciba su información, podría "
                "compartirla con otra persona. Si eso pasa, es posible que la ley federal de "
                "privacidad ya no la proteja."
            ),
            "ar": (
                "بعد أن يحصل {{ consent.recipient_name }} على معلوماتك، قد يشاركها مع شخص آخر. "
                "وإذا حدث ذلك، فقد لا يحميها قانون الخصوصية الفيدرالي بعد ذلك."
            ),
        },
    ),
    Statement(
        "42 CFR 2.32",
        {
            "en": (
                "This record which has been disclosed to you is protected by Federal "
                "confidentiality rules (42 CFR part 2)."
            ),
            "es": (
                "Este registro que se le ha divulgado está protegido por las normas federales "
                "de confidencialidad (42 CFR parte 2)."
            ),
            "ar": (
                "هذا السجل الذي أُفصح لك عنه محمي بموجب قواعد السرية الفيدرالية (42 CFR الجزء 2)."
            ),
        },
    ),
)


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        vital=True,
        release_of_information=True,
        typed_core_fields=(
            "other_information",
            "purpose",
            "end_event",
            "conditioning_explanation",
            "representative_authority",
        ),
        name="consent_release",
        title=N_("Consent to Release Information"),
        prefix="CR",
        form_class=ConsentReleaseForm,
        signer_roles=(CLIENT, CASE_MANAGER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/consent_release.html",
        page_context=lambda data: {
            "categories": CATEGORIES,
            "recipient_types": RECIPIENT_TYPES,
            "conditioning_grounds": CONDITIONING_GROUNDS,
            # trusted words and dates around the escaped event, isolated by the page's `isolate`
            "end_text": lambda isolate: Markup(end_text(data, isolate=isolate)),  # noqa: S704
        },
        summary=summary,
    )
)
