"""The rules of a discharge plan (seed 000 "Discharge Planning", "Client Exit"; 004; HMIS
Data Standards 3.12 and 3.12.A)."""

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.discharge_plan import EXIT_REASONS
from forms_service.forms.hmis_destinations import (
    BY_CODE,
    DESTINATIONS,
    HOMELESS,
    INSTITUTIONAL,
    OTHER,
    PERMANENT,
    RENTAL_SUBSIDY_TYPES,
    TEMPORARY,
)

FORM = get_form_type("discharge_plan")
PLAN = FORM.example()
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**PLAN, **changes})


def errors_of(**changes):
    form = FORM.form_class.from_payload({**PLAN, **changes})
    form.validate()
    return form.errors


def test_complete_plan_has_no_missing_elements():
    assert missing() == {}
    assert errors_of() == {}


def test_discharge_plan_requires_a_discharge_meeting_before_the_exit_date():
    assert set(missing(meeting_date="", attendees="")) == {"meeting_date", "attendees"}
    errors = errors_of(meeting_date="2026-01-10", exit_date="2026-01-05")
    assert errors["meeting_date"] == ["The discharge meeting comes before the exit date."]


def test_discharge_plan_requires_linkages_with_specific_steps():
    assert "linkages" in missing(linkages=[])
    rows = [{"organization": "Food bank", "purpose": "Groceries", "steps": "", "contact": ""}]
    assert missing(linkages=rows)["linkages"] == [
        "Linkage 1: name the service and the specific steps."
    ]


def test_a_new_provider_needs_the_hand_off_described():
    assert "handoff" in missing(handoff="")
    assert missing(new_provider="", handoff="") == {}


def test_discharge_plan_requires_a_homelessness_prevention_plan():
    assert "before exit" in missing(prevention_plan="")["prevention_plan"][0]


def test_discharge_plan_records_satisfaction():
    assert "satisfaction" in missing(satisfaction="")


def test_follow_up_only_with_recorded_permission_and_a_way_to_reach_the_client():
    assert "follow_up" in missing(follow_up="")
    assert "follow_up_contact" in missing(follow_up="yes", follow_up_contact="")
    assert missing(follow_up="no", follow_up_contact="") == {}


def test_exit_reason_comes_from_the_seeds_list():
    assert set(EXIT_REASONS) == {
        "positive",
        "left_voluntarily",
        "left_unknown",
        "police_court",
        "asked_to_leave",  # seed 000
        "goals_met",
        "disengaged",
        "requested_closure",
        "moved_away",  # seed 004
    }
    assert "exit_reason" in missing(exit_reason="")
    assert "exit_reason" in errors_of(exit_reason="vanished")


def test_an_exit_after_termination_names_the_termination_notice():
    found = missing(exit_reason="asked_to_leave", termination_reference="")
    assert "termination_reference" in found
    assert missing(exit_reason="asked_to_leave", termination_reference="TN-2026-000412") == {}


def test_destination_is_an_hmis_3_12_code():
    assert "destination" in missing(destination=None)
    assert "destination" in errors_of(destination=37)  # 4.12 only, not a 3.12 destination
    assert errors_of(destination=116, subsidy_type=None) == {}


def test_rental_with_ongoing_subsidy_needs_the_3_12_a_subsidy_type():
    assert "subsidy_type" in missing(subsidy_type=None)
    errors = errors_of(destination=410, subsidy_type=431)
    assert errors["subsidy_type"] == ["A rental subsidy type goes only with destination 435."]


def test_the_hmis_destination_list_is_the_fy2024_one_grouped():
    groups = {d.group for d in DESTINATIONS}
    assert groups == {HOMELESS, INSTITUTIONAL, TEMPORARY, PERMANENT, OTHER}
    by_group = {g: {d.code for d in DESTINATIONS if d.group == g} for g in groups}
    assert by_group[HOMELESS] == {101, 116, 118}
    assert by_group[INSTITUTIONAL] == {204, 205, 206, 207, 215, 225}
    assert by_group[TEMPORARY] == {302, 312, 313, 314, 327, 329, 332}
    assert by_group[PERMANENT] == {410, 411, 421, 422, 423, 426, 435}
    assert by_group[OTHER] == {8, 9, 17, 24, 30, 99}
    assert len(BY_CODE) == len(DESTINATIONS)
    assert set(RENTAL_SUBSIDY_TYPES) == {419, 420, 428, 431, 433, 434, 436, 437, 438, 439, 440}


def test_codes_are_stored_as_numbers_and_restored_for_a_draft():
    data = FORM.form_class.from_payload(PLAN).to_data()
    assert (data["destination"], data["subsidy_type"]) == (435, 431)
    form = FORM.form_class.from_data(data, meta={"csrf": False})
    assert (form.destination.data, form.subsidy_type.data) == (435, 431)
