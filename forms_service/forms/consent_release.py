"""Consent to release information: one recipient per release (HIPAA 45 CFR 164.508; 42 CFR
Part 2 when substance-use treatment records are included)."""

from datetime import date, datetime, timedelta

from flask_babel import gettext
from markupsafe import Markup
from wtforms.validators import ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from . import fields as f
from .base import Statement, agency_now
from .registry import People, Person, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

# Specific categories, so the client knows exactly what is shared (minimum necessary).
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


ADULT_AGE = 18


def is_minor(born: date, on: date) -> bool:
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < ADULT_AGE


# The notice that goes with each disclosure of substance use disorder records (42 CFR 2.32(a)).
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or "
    "2.65. In addition, the Federal rules prohibit you from making any other use or disclosure "
    "of this record unless at least one of the following applies: (i) Further use or disclosure "
    "is expressly permitted by the written consent of the individual whose information is being "
    "disclosed in this record or as otherwise permitted by 42 CFR part 2. (ii) You are a covered "
    "entity or business associate and have received the record for treatment, payment, or "
    "health care operations, or (iii) You have received the record from a covered entity or "
    "business associate as permitted by 45 CFR part 164, subparts A and E. A general "
    "authorization for the release of medical or other information is NOT sufficient to meet "
    "the required elements of written consent to further use or redisclose the record (see 42 "
    "CFR 2.31)."
)


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
        "42 CFR 2.31(a)(4)(iii)",
        {
            "en": (
                "Your record (or information contained in your record) may be redisclosed in "
                "accordance with the permissions contained in the HIPAA regulations, except for "
                "uses and disclosures for civil, criminal, administrative, and legislative "
                "proceedings against you."
            ),
            "es": (
                "Su registro (o la información que contiene) puede volver a divulgarse según los "
                "permisos de las normas de HIPAA, excepto para usos y divulgaciones en "
                "procedimientos civiles, penales, administrativos y legislativos en su contra."
            ),
            "ar": (
                "يجوز الإفصاح مجدداً عن سجلك (أو عن المعلومات الواردة فيه) وفقاً للأذونات "
                "الواردة في لوائح HIPAA، باستثناء الاستخدامات والإفصاحات في الإجراءات المدنية "
                "أو الجنائية أو الإدارية أو التشريعية ضدك."
            ),
        },
        applies_with={"categories": ["substance_use"], "recipient_hipaa_entity": True},
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
        applies_with={"categories": ["substance_use"]},
    ),
)


def _within_ten_years_from_tomorrow(form, field):
    """An end date after today and at most 10 years away, by the agency's clock (a date that
    could not be read has its own error already)."""
    if field.data is None:
        return
    today = agency_now(form).date()
    if field.data <= today:
        raise ValidationError(gettext("The end date must be after today."))
    if field.data > today + timedelta(days=366 * 10):
        raise ValidationError(gettext("The end date must be within 10 years."))


COUNSELING_NOTES_ALONE = N_(
    "Substance use counseling notes need a consent of their own (42 CFR 2.31(b)): untick the "
    "other kinds of information and leave “Other information” blank, or make a separate "
    "consent for the notes."
)
RELEASE_YEARS = 6  # kept at least this long (45 CFR 164.530(j))
CONDITIONED = ("conditioned", True)
REPRESENTATIVE = ("representative_signs", True)


@registered
class ConsentRelease(FormSpec):
    name = "consent_release"
    title = N_("Consent to Release Information")
    prefix = "CR"
    required_statements = REQUIRED_STATEMENTS
    printed_as = "consent"
    vital = True
    release_of_information = True
    typed_core_fields = (
        "other_information",
        "purpose",
        "end_event",
        "conditioning_explanation",
        "representative_authority",
    )
    signer_roles = (CLIENT, CASE_MANAGER)
    sections = (
        Section(
            N_("Who receives the information"),
            {
                "recipient_name": f.Text(
                    N_("Who receives the information (name)"),
                    required=N_("Name who receives the information."),
                    example="St. Patrick Center",
                ),
                "recipient_type": f.Radio(
                    N_("Recipient type"),
                    options=RECIPIENT_TYPES,
                    required=N_("Choose whether the recipient is an agency or a person."),
                    example="agency",
                ),
                "recipient_contact": f.Text(
                    N_("Recipient address or phone (optional)"),
                    300,
                    example="800 N Tucker Blvd, St. Louis, MO 63101",
                ),
                "recipient_hipaa_entity": f.Checkbox(
                    N_(
                        "The recipient is a HIPAA covered entity (a health care provider or "
                        "health plan) or its business associate, and gets the records for "
                        "treatment, payment or health care operations"
                    ),
                    hint=N_(
                        "Then a consent that includes substance use treatment records says that "
                        "the recipient may share them again as HIPAA allows, never in "
                        "proceedings against the client (42 CFR 2.31(a)(4)(iii))."
                    ),
                ),
            },
            hint=N_(
                "One consent per recipient. Make a separate consent for each agency or person."
            ),
        ),
        Section(
            N_("What information"),
            {
                "categories": f.Checkboxes(
                    N_("What information may be shared"),
                    options={key: label for key, (label, _) in CATEGORIES.items()},
                    example=("housing", "income", "identity"),
                ),
                "other_information": f.LongText(
                    N_("Other information (describe it specifically, optional)"),
                    500,
                    lines=False,
                ),
            },
            hint=N_(
                "Tick only what the recipient needs (minimum necessary). Only the ticked kinds "
                "are shared."
            ),
        ),
        Section(
            N_("Why"),
            {
                "purpose": f.LongText(
                    N_("Why it is shared (purpose)"),
                    2000,
                    required=N_("Say why the information is shared."),
                    example="To apply for permanent supportive housing and coordinate my move-in.",
                ),
            },
        ),
        Section(
            N_("When it ends"),
            {
                "end_date": f.Date(
                    N_("Ends on (date)"),
                    validators=(_within_ten_years_from_tomorrow,),
                    example=f.days_from_today(365),
                ),
                "end_event": f.Text(
                    N_("Or ends when (event)"),
                    300,
                    hint=N_("For example: “I move into permanent housing”."),
                    example="I move into permanent housing",
                ),
            },
            hint=N_("Give a date, an event, or both (whichever comes first ends it)."),
        ),
        Section(
            N_("Conditions and representative"),
            {
                "conditioned": f.Checkbox(N_("Services depend on signing this form (rare)")),
                "conditioning_basis": f.Radio(
                    N_("The ground the law allows for it (45 CFR 164.508(b)(4))"),
                    options=CONDITIONING_GROUNDS,
                    when=CONDITIONED,
                    required=N_(
                        "Services may depend on signing only for research-related treatment, "
                        "health plan enrolment or eligibility, or health care that only creates "
                        "information for someone else. Choose one, or untick “Services depend on "
                        "signing this form”."
                    ),
                    hint=N_(
                        "HIPAA lets services depend on signing only on one of these grounds. If "
                        "none applies, services must not depend on signing."
                    ),
                ),
                "conditioning_explanation": f.LongText(
                    N_("What depends on signing, and what happens if the client does not sign"),
                    lines=False,
                    when=CONDITIONED,
                    required=N_("Explain what depends on signing."),
                ),
                "representative_signs": f.Checkbox(
                    N_("A legal representative signs for the client"),
                    hint=N_(
                        "Where the agency's state lets minors get substance use treatment alone, "
                        "a minor's release of those records is signed by the minor only "
                        "(42 CFR 2.14)."
                    ),
                ),
                "representative_name": f.Text(
                    N_("Representative's name"),
                    when=REPRESENTATIVE,
                    required=N_("Name the legal representative who signs."),
                ),
                "representative_authority": f.Text(
                    N_("Representative's authority (e.g. court-appointed guardian)"),
                    300,
                    when=REPRESENTATIVE,
                    required=N_("State the representative's legal authority."),
                ),
            },
        ),
    )

    def rules(self, data: dict):
        """A release names what it shares, and when it ends (45 CFR 164.508(c)(1)); SUD
        counseling notes only on a consent of their own (42 CFR 2.31(b))."""
        categories = data.get("categories") or []
        if not categories and not data.get("other_information"):
            yield "categories", gettext("Tick at least one kind of information.")
        if COUNSELING_NOTES in categories and (
            len(categories) > 1 or data.get("other_information")
        ):
            yield "categories", gettext(COUNSELING_NOTES_ALONE)
            if data.get("other_information"):
                yield "other_information", gettext(COUNSELING_NOTES_ALONE)
        if not data.get("end_date") and not data.get("end_event"):
            yield "end_date", gettext("Give an end date or an end event.")

    def context(self, data: dict, common: dict) -> dict:
        categories = data.get("categories") or []
        basis = data.get("conditioning_basis") if data.get("conditioned") else None
        recipient_type = RECIPIENT_TYPES[data["recipient_type"]]
        consent = super().context(data, common)
        consent["consent"].update(
            recipient_type_label=gettext(recipient_type),
            categories=[
                {"label": gettext(CATEGORIES[c][0]), "description": gettext(CATEGORIES[c][1])}
                for c in categories
            ],
            end_text=end_text(data),
            includes_sud=bool(SUD_CATEGORIES & set(categories)),
            counseling_notes=COUNSELING_NOTES in categories,
            conditioning_basis=gettext(CONDITIONING_GROUNDS[basis]) if basis else "",
            revocation_how=gettext(
                "Write to %(name)s, %(address)s, or tell your case manager, who will help you "
                "put it in writing. You can also call %(phone)s to ask how.",
                **common["agency"],
            ),
        )
        return consent

    def signing_rules(self, document) -> dict[str, list[str]]:
        """Where state law lets a minor get substance use treatment alone (the agency's
        setting), only the minor may consent to releasing those records (42 CFR 2.14): a
        release of them for a minor client is refused when a representative would sign."""
        data, agency, born = document.data, document.agency, document.client.date_of_birth
        sud = SUD_CATEGORIES & set(data.get("categories") or [])
        if not (data.get("representative_signs") and sud):
            return {}
        if not agency.minors_consent_to_sud_alone or born is None:
            return {}
        if not is_minor(born, clock.today(agency)):
            return {}
        return {
            "representative_signs": [
                gettext(
                    "The client is a minor, and in this state a minor can get substance use "
                    "treatment without a parent's consent. So only the minor can sign a release "
                    "of those records, not a parent or representative (42 CFR 2.14). Untick “A "
                    "legal representative signs for the client”, or leave substance use records "
                    "out of this consent."
                )
            ]
        }

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        if data.get("representative_signs"):
            representative = Person(data["representative_name"])
            first = SignerSpec(CLIENT, representative, N_("Legal representative of the client"))
        else:
            first = SignerSpec(CLIENT, people.client, CLIENT.label)
        return [first, SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label)]

    def page_context(self, data: dict) -> dict:
        return {
            "categories": CATEGORIES,
            "recipient_types": RECIPIENT_TYPES,
            "conditioning_grounds": CONDITIONING_GROUNDS,
            # trusted words and dates around the escaped event, isolated by the page's `isolate`
            "end_text": lambda isolate: Markup(end_text(data, isolate=isolate)),  # noqa: S704
        }

    def retention_minimum(self, record, closed_on: date) -> tuple[date, str]:
        """Kept 6 years from its creation or from when it was last in effect, whichever is
        later (45 CFR 164.530(j)); it stops at the earliest of its revocation, end date, end
        event and case closure."""
        from ..workflows.consent import last_in_effect  # the workflow imports the forms

        last, why = last_in_effect(record.document, closed_on)
        created = record.signed_at.date()
        if created >= last:
            return clock.add_years(created, RELEASE_YEARS), (
                f"release: {RELEASE_YEARS} years from its creation on {created} (45 CFR 164.530(j))"
            )
        return clock.add_years(last, RELEASE_YEARS), (
            f"release: {RELEASE_YEARS} years from when it was last in effect, {last} ({why}) "
            "(45 CFR 164.530(j))"
        )

    def ended_records(self, status: str, zone: str, before: datetime | None = None):
        """Revoked, or expired (its end date, its end event or its case's closure): the
        consent lifecycle's records (workflows/consent.py)."""
        from ..workflows.consent import ended_releases  # the workflow imports the forms

        return ended_releases(status, zone, before)

    def summary(self, data: dict) -> str:
        recipient = data.get("recipient_name") or gettext("(recipient not named yet)")
        return gettext("to %(recipient)s", recipient=recipient)
