"""VAWA notice of occupancy rights (form HUD-5380): what the Violence Against Women Act
protects, how to document it, confidentiality, and where to get help. Given with form HUD-5382
at admission, at denial and with a notice that ends assistance (24 CFR 5.2005(a)(2), applied by
578.99(j) and 576.409). The agency gives it; nobody signs it, so the archive keeps it as given.
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import NOT_CHOSEN, BaseForm, Missing, MultiCheckboxField, Text, choices, multiline, strip
from .grievance import EXAMPLE_COC_CONTACT
from .registry import FormType, register

NAME = "vawa_notice"
# When the forms must be given (24 CFR 5.2005(a)(2)).
OCCASIONS = {
    "admission": N_("Admission to the program"),
    "denial": N_("Denial of assistance"),
    "termination": N_("With a notice that ends assistance"),
}
# The covered housing programs (24 CFR 5.2003) this service's agencies run.
COVERED = {
    "coc": N_("the HUD Continuum of Care Program (24 CFR part 578)"),
    "esg": N_("the HUD Emergency Solutions Grants Program (24 CFR part 576)"),
}
ANY_COVERED = N_("a housing program funded by HUD")
DEADLINE_BUSINESS_DAYS = 14  # 24 CFR 5.2007(b)(1)(ii): at least 14 business days


class VawaForm(BaseForm):
    occasion = SelectField(
        _l("When the forms are given"), choices=[NOT_CHOSEN, *choices(OCCASIONS)]
    )
    program = StringField(_l("Housing program (its name)"), [Text(200)], filters=[strip])
    covered_programs = MultiCheckboxField(_l("Funded by"), choices=choices(COVERED))
    given_on = DateField(_l("Date given"), validators=[Optional()])
    with_notice = StringField(
        _l("Given with the notice (its reference)"), [Text(40)], filters=[strip]
    )
    coc_contact = TextAreaField(
        _l("CoC Governance & Membership Committee contact (agency setting)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )


def missing_elements(data: dict) -> dict[str, list[str]]:
    """The occasion and the date say when the forms were given; a termination names its
    notice, so the archive shows they went with it."""
    missing = Missing()
    if data.get("occasion") not in OCCASIONS:
        missing.add("occasion", gettext("Say when the VAWA forms are given."))
    missing.require(data, "given_on", gettext("Give the date the VAWA forms are given."))
    if data.get("occasion") == "termination":
        missing.require(data, "with_notice", gettext("Name the notice the VAWA forms go with."))
    return missing


def context(data: dict, common: dict) -> dict:
    covered = [gettext(COVERED[c]) for c in data.get("covered_programs") or [] if c in COVERED]
    return {
        "vawa": {
            "occasion": data["occasion"],
            "program": data.get("program") or common["agency"]["name"],
            "covered": ", ".join(covered) or gettext(ANY_COVERED),
            "given_on": long_date(data["given_on"]),
            "with_notice": data.get("with_notice") or "",
            "coc_contact": multiline(data.get("coc_contact")),
            "deadline_days": str(DEADLINE_BUSINESS_DAYS),
        }
    }


def example() -> dict:
    return {
        "occasion": "termination",
        "program": "Market Street Rapid Re-Housing",
        "covered_programs": ["coc"],
        "given_on": clock.example_today().isoformat(),
        "with_notice": "TN-2026-000412",
        "coc_contact": EXAMPLE_COC_CONTACT,
    }


def page_context(data: dict) -> dict:
    covered = [COVERED[c] for c in data.get("covered_programs") or [] if c in COVERED]
    return {
        "occasion": OCCASIONS.get(data.get("occasion"), ""),
        "covered": covered or [ANY_COVERED],
    }


def summary(data: dict) -> str:
    occasion = OCCASIONS.get(data.get("occasion"))
    return gettext(occasion) if occasion else ""


def vawa_form_type(**kwargs) -> FormType:
    """A VAWA form: generated and given by the agency, signed by nobody."""
    return FormType(
        form_class=VawaForm,
        signer_roles=(),
        missing_elements=missing_elements,
        signers=lambda data, people: [],
        example=example,
        page_context=page_context,
        summary=summary,
        workflow_step=True,
        continues_after_closing=True,  # a denial or a termination may come as the case closes
        agency_settings=(("coc_contact", "coc_contact"),),
        workflow_fields=("occasion", "program", "covered_programs", "given_on", "with_notice"),
        **kwargs,
    )


register(
    vawa_form_type(
        name=NAME,
        title=N_("Notice of Occupancy Rights under the Violence Against Women Act (HUD-5380)"),
        prefix="VN",
        context=context,
        page_template="forms/vawa_notice.html",
    )
)
