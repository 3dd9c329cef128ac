"""VAWA notice of occupancy rights (form HUD-5380): what the Violence Against Women Act
protects, how to document it, confidentiality, and where to get help. Given with form HUD-5382
at admission, at denial and with a notice that ends assistance (24 CFR 5.2005(a)(2), applied by
578.99(j) and 576.409). The agency gives it; nobody signs it, so the archive keeps it as given.
"""

from flask_babel import gettext

from ..formatting import long_date
from ..i18n import N_
from . import fields as f
from .base import multiline
from .grievance import EXAMPLE_COC_CONTACT
from .spec import FormSpec, Section, registered

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


def given_on(data: dict) -> str:
    """The day the forms say they were given. Forms that go with a notice are printed and
    filed as it is issued, before anyone knows the day it reaches the client: they say they
    are given that day, which its delivery records (`vawa.given_with`), never the day they
    were made."""
    if data.get("with_notice"):
        return gettext("the day notice %(notice)s is given to you", notice=data["with_notice"])
    return long_date(data["given_on"])


class VawaForm(FormSpec):
    """A VAWA form: generated and given by the agency, signed by nobody; the step that gives
    it fills every field from the case and the agency."""

    workflow_step = True
    continues_after_closing = True  # a denial or a termination may come as the case closes
    printed_as = "vawa"
    sections = (
        Section(
            N_("VAWA notice and certification form"),
            {
                "occasion": f.Select(
                    N_("When the forms are given"),
                    options=OCCASIONS,
                    workflow=True,
                    required=N_("Say when the VAWA forms are given."),
                    example="termination",
                ),
                "program": f.Text(
                    N_("Housing program (its name)"),
                    workflow=True,
                    example="Market Street Rapid Re-Housing",
                ),
                "covered_programs": f.Checkboxes(
                    N_("Funded by"), options=COVERED, workflow=True, example=["coc"]
                ),
                # Blank for forms that go with a notice: they are given the day it is.
                "given_on": f.Date(N_("Date given"), workflow=True),
                "with_notice": f.Text(
                    N_("Given with the notice (its reference)"),
                    40,
                    workflow=True,
                    required=N_("Name the notice the VAWA forms go with."),
                    when=("occasion", "termination"),
                    example="TN-2026-000412",
                ),
                "coc_contact": f.LongText(
                    N_("CoC Governance & Membership Committee contact (agency setting)"),
                    1000,
                    setting="coc_contact",
                    example=EXAMPLE_COC_CONTACT,
                ),
            },
            hint=N_(
                "The VAWA forms print the program of the case's CoC or ESG grant and the "
                "agency's contact; they are given from the case page or with a termination "
                "notice."
            ),
        ),
    )

    def signers(self, data, people):
        return []

    def context(self, data: dict, common: dict) -> dict:
        covered = [gettext(COVERED[c]) for c in data.get("covered_programs") or [] if c in COVERED]
        return {
            "vawa": {
                "occasion": data["occasion"],
                "program": data.get("program") or common["agency"]["name"],
                "covered": ", ".join(covered) or gettext(ANY_COVERED),
                "given_on": given_on(data),
                "with_notice": data.get("with_notice") or "",
                "coc_contact": multiline(data.get("coc_contact")),
                "deadline_days": str(DEADLINE_BUSINESS_DAYS),
            }
        }

    def rules(self, data: dict):
        """Forms given on their own say the day they were given; with a notice, its day."""
        if not data.get("with_notice") and not data.get("given_on"):
            yield "given_on", gettext("Give the date the VAWA forms are given.")

    def page_context(self, data: dict) -> dict:
        covered = [COVERED[c] for c in data.get("covered_programs") or [] if c in COVERED]
        return {
            "occasion": OCCASIONS.get(data.get("occasion"), ""),
            "covered": covered or [ANY_COVERED],
        }

    def summary(self, data: dict) -> str:
        occasion = OCCASIONS.get(data.get("occasion"))
        return gettext(occasion) if occasion else ""


@registered
class VawaNotice(VawaForm):
    name = "vawa_notice"
    title = N_("Notice of Occupancy Rights under the Violence Against Women Act (HUD-5380)")
    prefix = "VN"


NAME = VawaNotice.name
