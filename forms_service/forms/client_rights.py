"""Client rights acknowledgment at intake: the client's rights (religion, appeal of
termination, confidentiality and its exceptions), the grievance process with the CoC
Governance & Membership Committee contact, and the program rules and termination process,
given in writing before assistance starts (24 CFR 578.91(b)(1); Client Rights, Client
Grievance Process and Confidentiality Exceptions in the CoC's written standards)."""

from ..i18n import N_
from . import fields as f
from .base import Statement
from .grievance import COC_CONTACT, OUTSIDE_ROUTES, outside_routes
from .registry import SignerRole
from .spec import FormSpec, Section, registered
from .termination_notice import APPEAL_DAYS, APPEAL_DAYS_RANGE

CLIENT = SignerRole("client", N_("Client"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)
NO_PROGRAM_RULES = N_(
    "The agency settings have no program rules yet: an admin adds them under Agency settings."
)
EXAMPLE_RULES = (
    "Treat residents, guests and staff with respect: no violence or threats of violence.\n"
    "No weapons, alcohol or illegal drugs on program property.\n"
    "Meet with your case manager at least once a week and work on your case plan.\n"
    "Tell your case manager if you cannot come to a meeting.\n"
    "Pay your share of the rent on time once you have a lease.\n"
    "Keep your unit safe and clean, and let staff in for a monthly home visit."
)


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


@registered
class ClientRights(FormSpec):
    name = "client_rights"
    title = N_("Client Rights, Program Rules and Grievance Process")
    prefix = "RT"
    required_statements = REQUIRED_STATEMENTS
    printed_as = "rights"
    signer_roles = (CLIENT, CASE_MANAGER)
    sections = (
        Section(
            N_("Program"),
            {
                "program_name": f.Text(
                    N_("Program"),
                    required=N_("Name the program."),
                    example="Market Street Rapid Re-Housing",
                ),
                "program_rules": f.LongText(
                    N_("Program rules (agency setting, one rule per line)"),
                    6000,
                    setting="program_rules",
                    required=NO_PROGRAM_RULES,
                    example=EXAMPLE_RULES,
                ),
                "appeal_days": f.Number(
                    N_("Days a client has to appeal a termination (agency setting)"),
                    minimum=APPEAL_DAYS[0],
                    maximum=APPEAL_DAYS[1],
                    range_message=APPEAL_DAYS_RANGE,
                    setting="appeal_days",
                    required=N_("Give the number of days a client has to appeal."),
                    example=14,
                ),
                "grievance_days": f.Number(
                    N_("Days the agency takes to answer a grievance (agency setting)"),
                    minimum=1,
                    maximum=90,
                    setting="grievance_response_days",
                    required=N_("Give the number of days to answer a grievance."),
                    example=10,
                ),
                "coc_contact": COC_CONTACT,
            },
            hint=N_(
                "Given to the client in writing before assistance starts (24 CFR "
                "578.91(b)(1)). The rights, privacy exceptions, termination process and "
                "grievance process are printed for every program."
            ),
        ),
        Section(
            N_("Explained and given"),
            {
                "explained_in": f.Text(
                    N_("Explained to the client in (language)"),
                    100,
                    required=N_("Record the language the rights were explained in."),
                    example="English",
                ),
                "copy_given": f.Checkbox(
                    N_("The client was given a written copy of these rights and the rules"),
                    required=N_("The client gets these rights and rules in writing: give a copy."),
                    example=True,
                ),
            },
        ),
    )

    def context(self, data: dict, common: dict) -> dict:
        rights = super().context(data, common)
        rights["rights"].update(
            program_rules=data["program_rules"].splitlines(), outside_routes=outside_routes()
        )
        return rights

    def page_context(self, data: dict) -> dict:
        return {"outside_routes": OUTSIDE_ROUTES}

    def summary(self, data: dict) -> str:
        return data.get("program_name") or ""
