"""Client rights acknowledgment at intake: the client's rights (religion, appeal of
termination, confidentiality and its exceptions), the grievance process with the CoC
Governance & Membership Committee contact, and the program rules and termination process,
given in writing before assistance starts (seed 000 "Client Rights", "Client Grievance
Process", "Confidentiality Exceptions"; 24 CFR 578.91(b)(1))."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from ..i18n import N_
from .base import BaseForm, Missing, Statement, Text, multiline, strip
from .grievance import EXAMPLE_COC_CONTACT, NO_COC_CONTACT, OUTSIDE_ROUTES, outside_routes
from .registry import FormType, People, SignerRole, SignerSpec, register
from .termination_notice import WITHIN_APPEAL_DAYS

CLIENT = SignerRole("client", N_("Client"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)


class ClientRightsForm(BaseForm):
    program_name = StringField(_l("Program"), [Text(200)], filters=[strip])
    program_rules = TextAreaField(
        _l("Program rules (agency setting, one rule per line)"),
        [Text(6000, multiline=True)],
        filters=[strip],
    )
    appeal_days = IntegerField(
        _l("Days a client has to appeal a termination (agency setting)"),
        validators=[Optional(), WITHIN_APPEAL_DAYS],
    )
    grievance_days = IntegerField(
        _l("Days the agency takes to answer a grievance (agency setting)"),
        validators=[Optional(), NumberRange(1, 90)],
    )
    coc_contact = TextAreaField(
        _l("CoC Governance & Membership Committee contact (agency setting)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    explained_in = StringField(
        _l("Explained to the client in (language)"), [Text(100)], filters=[strip]
    )
    copy_given = BooleanField(
        _l("The client was given a written copy of these rights and the rules")
    )


def missing_elements(data: dict) -> dict[str, list[str]]:
    """The rights, the grievance process with the CoC committee contact, and the program rules
    and termination process are given in writing before assistance starts (seed 000;
    24 CFR 578.91(b)(1))."""
    missing = Missing()
    missing.require(data, "program_name", gettext("Name the program."))
    missing.require(
        data,
        "program_rules",
        gettext(
            "The agency settings have no program rules yet: an admin adds them under Agency "
            "settings."
        ),
    )
    missing.require(data, "appeal_days", gettext("Give the number of days a client has to appeal."))
    missing.require(
        data, "grievance_days", gettext("Give the number of days to answer a grievance.")
    )
    missing.require(data, "coc_contact", gettext(NO_COC_CONTACT))
    missing.require(
        data, "explained_in", gettext("Record the language the rights were explained in.")
    )
    if not data.get("copy_given"):
        missing.add(
            "copy_given",
            gettext("The client gets these rights and rules in writing: give a copy."),
        )
    return missing


def context(data: dict, common: dict) -> dict:
    return {
        "rights": {
            "program_name": data["program_name"],
            "program_rules": (data["program_rules"]).splitlines(),
            "appeal_days": str(data["appeal_days"]),
            "grievance_days": str(data["grievance_days"]),
            "coc_contact": multiline(data["coc_contact"]),
            "outside_routes": outside_routes(),
            "explained_in": data["explained_in"],
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    return [
        SignerSpec(CLIENT, people.client, CLIENT.label),
        SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label),
    ]


def example() -> dict:
    return {
        "program_name": "Market Street Rapid Re-Housing",
        "program_rules": (
            "Treat residents, guests and staff with respect: no violence or threats of violence.\n"
            "No weapons, alcohol or illegal drugs on program property.\n"
            "Meet with your case manager at least once a week and work on your case plan.\n"
            "Tell your case manager if you cannot come to a meeting.\n"
            "Pay your share of the rent on time once you have a lease.\n"
            "Keep your unit safe and clean, and let staff in for a monthly home visit."
        ),
        "appeal_days": 14,
        "grievance_days": 10,
        "coc_contact": EXAMPLE_COC_CONTACT,
        "explained_in": "English",
        "copy_given": True,
    }


# What its template must say, in each language it is offered in (`templates check`).
REQUIRED_STATEMENTS = (
    Statement(
        "24 CFR 5.109 (religious activities)",
        {
            "en": "You do not have to take part in any religious activity to get services.",
            "es": "No tiene que participar en ninguna actividad religiosa para recibir servicios.",
            "ar": "لا يلزمك المشاركة في أي نشاط ديني للحصول على الخدمات.",
        },
    ),
    Statement(
        "24 CFR 5.109 (referral)",
        {
            "en": (
                "If you object to the religious character of our organization, tell us. We will "
                "refer you to another provider within a reasonable time."
            ),
            "es": (
                "Si no está de acuerdo con el carácter religioso de nuestra organización, "
                "díganoslo. Le enviaremos a otro proveedor de servicios en un plazo razonable."
            ),
            "ar": (
                "إذا كان لديك اعتراض على الطابع الديني لمنظمتنا، فأخبرنا. سنحيلك إلى مقدّم "
                "خدمات آخر خلال وقت معقول."
            ),
        },
    ),
)


register(
    FormType(
        required_statements=REQUIRED_STATEMENTS,
        name="client_rights",
        title=N_("Client Rights, Program Rules and Grievance Process"),
        prefix="RT",
        form_class=ClientRightsForm,
        signer_roles=(CLIENT, CASE_MANAGER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/client_rights.html",
        page_context=lambda data: {"outside_routes": OUTSIDE_ROUTES},
        summary=lambda data: data.get("program_name") or "",
        agency_settings=(
            ("program_rules", "program_rules"),
            ("appeal_days", "appeal_days"),
            ("grievance_days", "grievance_response_days"),
            ("coc_contact", "coc_contact"),
        ),
    )
)
