"""HMIS Data Standards (FY2024 and later) element 3.12 Destination, with the dependent 3.12.A
Rental subsidy type: the only list of these codes in the service.

Codes and wording as in the HUD HMIS Data Dictionary (FY2024, in effect since October 1,
2023), grouped and ordered as it groups them. "Worker unable to determine" (37) belongs to
4.12 Current Living Situation, not to 3.12, and is left out. A new HUD list is a new table
here, never an edit of this one in place: archived documents name the codes they used."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Destination:
    code: int
    label: str
    group: str


HOMELESS = "Homeless situations"
INSTITUTIONAL = "Institutional situations"
TEMPORARY = "Temporary housing situations"
PERMANENT = "Permanent housing situations"
OTHER = "Other"

DESTINATIONS: tuple[Destination, ...] = (
    Destination(
        116,
        "Place not meant for habitation (e.g., a vehicle, an abandoned building, "
        "bus/train/subway station/airport or anywhere outside)",
        HOMELESS,
    ),
    Destination(
        101,
        "Emergency shelter, including hotel or motel paid for with emergency shelter "
        "voucher, Host Home shelter",
        HOMELESS,
    ),
    Destination(118, "Safe Haven", HOMELESS),
    Destination(215, "Foster care home or foster care group home", INSTITUTIONAL),
    Destination(
        206, "Hospital or other residential non-psychiatric medical facility", INSTITUTIONAL
    ),
    Destination(207, "Jail, prison, or juvenile detention facility", INSTITUTIONAL),
    Destination(225, "Long-term care facility or nursing home", INSTITUTIONAL),
    Destination(204, "Psychiatric hospital or other psychiatric facility", INSTITUTIONAL),
    Destination(205, "Substance abuse treatment facility or detox center", INSTITUTIONAL),
    Destination(
        302, "Transitional housing for homeless persons (including homeless youth)", TEMPORARY
    ),
    Destination(329, "Residential project or halfway house with no homeless criteria", TEMPORARY),
    Destination(314, "Hotel or motel paid for without emergency shelter voucher", TEMPORARY),
    Destination(332, "Host Home (non-crisis)", TEMPORARY),
    Destination(
        312,
        "Staying or living with family, temporary tenure (e.g., room, apartment, or house)",
        TEMPORARY,
    ),
    Destination(
        313,
        "Staying or living with friends, temporary tenure (e.g., room, apartment, or house)",
        TEMPORARY,
    ),
    Destination(327, "Moved from one HOPWA funded project to HOPWA TH", TEMPORARY),
    Destination(422, "Staying or living with family, permanent tenure", PERMANENT),
    Destination(423, "Staying or living with friends, permanent tenure", PERMANENT),
    Destination(426, "Moved from one HOPWA funded project to HOPWA PH", PERMANENT),
    Destination(410, "Rental by client, no ongoing housing subsidy", PERMANENT),
    Destination(435, "Rental by client, with ongoing housing subsidy", PERMANENT),
    Destination(421, "Owned by client, with ongoing housing subsidy", PERMANENT),
    Destination(411, "Owned by client, no ongoing housing subsidy", PERMANENT),
    Destination(30, "No exit interview completed", OTHER),
    Destination(17, "Other", OTHER),
    Destination(24, "Deceased", OTHER),
    Destination(8, "Client doesn't know", OTHER),
    Destination(9, "Client prefers not to answer", OTHER),
    Destination(99, "Data not collected", OTHER),
)
BY_CODE = {d.code: d for d in DESTINATIONS}

# 3.12.A Rental subsidy type: asked when, and only when, the destination is this one.
RENTAL_WITH_SUBSIDY = 435
RENTAL_SUBSIDY_TYPES: dict[int, str] = {
    428: "GPD TIP housing subsidy",
    419: "VASH housing subsidy",
    431: "RRH or equivalent subsidy",
    433: "HCV voucher (tenant or project based) (not dedicated)",
    434: "Public housing unit",
    420: "Rental by client, with other ongoing housing subsidy",
    436: "Emergency Housing Voucher",
    437: "Family Unification Program Voucher (FUP)",
    438: "Foster Youth to Independence Initiative (FYI)",
    439: "Permanent Supportive Housing",
    440: "Other permanent housing dedicated for formerly homeless persons",
}
