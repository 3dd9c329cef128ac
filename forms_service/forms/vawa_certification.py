"""VAWA certification form (form HUD-5382): the survivor's optional certification of domestic
violence, dating violence, sexual assault or stalking, with the other documents they may give
instead, the 14-business-day deadline that runs only from a written request, and the
confidentiality statement (24 CFR 5.2007). The agency gives it blank with the HUD-5380 notice;
the survivor fills it only if they choose to. Giving it is not a request for it."""

from ..i18n import N_
from .spec import registered
from .vawa_notice import VawaForm


@registered
class VawaCertification(VawaForm):
    name = "vawa_certification"
    title = N_(
        "Certification of Domestic Violence, Dating Violence, Sexual Assault, or Stalking, "
        "and Alternate Documentation (HUD-5382)"
    )
    prefix = "VC"


NAME = VawaCertification.name
