"""HMIS Data Standards (FY2024 and later) element 3.12 Destination, with the dependent 3.12.A
Rental subsidy type: the only list of these codes in the service.

Codes and wording as in the HUD HMIS Data Dictionary (FY2024, in effect since October 1,
2023; FY2026 kept both lists), grouped and ordered as it groups them. HUD renamed 3.12.A 436
"Emergency Housing Voucher" to "Housing Stability Voucher" within FY2024; the code stayed.
"Worker unable to determine" (37) belongs to 4.12 Current Living Situation, not to 3.12, and
is left out. A new HUD list is a new table here, never an edit of this one in place: archived
documents name the codes they used."""

from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class Destination:
    code: int
    label: str
    group: str


HOMELESS = N_("Homeless situations")
INSTITUTIONAL = N_("Institutional situations")
TEMPORARY = N_("Temporary housing situations")
PERMANENT = N_("Permanent housing situations")
OTHER = N_("Other")

DESTINATIONS: tuple[Destination, ...] = (
    Destination(
        116,
        N_(
            "Place not meant for habitation (e.g., a vehicle, an abandoned building, "
            "bus/train/subway station/airport or anywhere outside)"
        ),
        HOMELESS,
    ),
    Destination(
        101,
        N_(
            "Emergency shelter, including hotel or motel paid for with emergency shelter "
            "voucher, Host Home shelter"
        ),
        HOMELESS,
    ),
    Destination(118, N_("Safe Haven"), HOMELESS),
    Destination(215, N_("Foster care home or foster care group home"), INSTITUTIONAL),
    Destination(
        206, N_("Hospital or other residential non-psychiatric medical facility"), INSTITUTIONAL
    ),
    Destination(207, N_("Jail, prison, or juvenile detention facility"), INSTITUTIONAL),
    Destination(225, N_("Long-term care facility or nursing home"), INSTITUTIONAL),
    Destination(204, N_("Psychiatric hospital or other psychiatric facility"), INSTITUTIONAL),
    Destination(205, N_("Substance abuse treatment facility or detox center"), INSTITUTIONAL),
    Destination(
        302, N_("Transitional housing for homeless persons (including homeless youth)"), TEMPORARY
    ),
    Destination(
        329, N_("Residential project or halfway house with no homeless criteria"), TEMPORARY
    ),
    Destination(314, N_("Hotel or motel paid for without emergency shelter voucher"), TEMPORARY),
    Destination(332, N_("Host Home (non-crisis)"), TEMPORARY),
    Destination(
        312,
        N_("Staying or living with family, temporary tenure (e.g., room, apartment, or house)"),
        TEMPORARY,
    ),
    Destination(
        313,
        N_("Staying or living with friends, temporary tenure (e.g., room, apartment, or house)"),
        TEMPORARY,
    ),
    Destination(327, N_("Moved from one HOPWA funded project to HOPWA TH"), TEMPORARY),
    Destination(422, N_("Staying or living with family, permanent tenure"), PERMANENT),
    Destination(423, N_("Staying or living with friends, permanent tenure"), PERMANENT),
    Destination(426, N_("Moved from one HOPWA funded project to HOPWA PH"), PERMANENT),
    Destination(410, N_("Rental by client, no ongoing housing subsidy"), PERMANENT),
    Destination(435, N_("Rental by client, with ongoing housing subsidy"), PERMANENT),
    Destination(421, N_("Owned by client, with ongoing housing subsidy"), PERMANENT),
    Destination(411, N_("Owned by client, no ongoing housing subsidy"), PERMANENT),
    Destination(30, N_("No exit interview completed"), OTHER),
    Destination(17, N_("Other"), OTHER),
    Destination(24, N_("Deceased"), OTHER),
    Destination(8, N_("Client doesn't know"), OTHER),
    Destination(9, N_("Client prefers not to answer"), OTHER),
    Destination(99, N_("Data not collected"), OTHER),
)
BY_CODE = {d.code: d for d in DESTINATIONS}

# 3.12.A Rental subsidy type: asked when, and only when, the destination is this one.
RENTAL_WITH_SUBSIDY = 435
RENTAL_SUBSIDY_TYPES: dict[int, str] = {
    428: N_("GPD TIP housing subsidy"),
    419: N_("VASH housing subsidy"),
    431: N_("RRH or equivalent subsidy"),
    433: N_("HCV voucher (tenant or project based) (not dedicated)"),
    434: N_("Public housing unit"),
    420: N_("Rental by client, with other ongoing housing subsidy"),
    436: N_("Housing Stability Voucher"),
    437: N_("Family Unification Program Voucher (FUP)"),
    438: N_("Foster Youth to Independence Initiative (FYI)"),
    439: N_("Permanent Supportive Housing"),
    440: N_("Other permanent housing dedicated for formerly homeless persons"),
}
