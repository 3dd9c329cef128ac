"""The rules of a case plan (seed 000 "Comprehensive Case Plan"; 004 ISP)."""

import uuid
from datetime import date, timedelta

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person

FORM = get_form_type("case_plan")
PLAN = FORM.example()
CLIENT = Person("Maria Lopez")
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**PLAN, **changes})


def errors_of(**changes):
    form = FORM.form_class.from_payload({**PLAN, **changes})
    form.validate()
    return form.errors


def objective(number: int, **changes) -> list[dict]:
    rows = [dict(o) for o in PLAN["objectives"]]
    rows[number - 1].update(changes)
    return rows


def test_complete_plan_has_no_missing_elements():
    assert missing() == {}
    assert errors_of() == {}


def test_case_plan_requires_a_housing_goal():
    assert missing(housing_goal="")["housing_goal"] == [
        "Housing is always one of the goals: state it."
    ]


def test_case_plan_requires_an_objective_toward_housing():
    no_housing = [o for o in PLAN["objectives"] if o["area"] != "housing"]
    assert missing(objectives=no_housing)["objectives"] == [
        "Give at least one objective toward the housing goal."
    ]


def test_case_plan_requires_at_least_one_objective():
    assert missing(objectives=[])["objectives"] == ["Give at least one objective."]


def test_each_objective_says_what_who_and_by_when():
    rows = objective(2, provider="", owner="", target_date="")
    assert missing(objectives=rows)["objectives"] == [
        "Objective 2: give who provides them, who owns it, the target date."
    ]


@pytest.mark.parametrize(
    "field",
    [
        "strengths",
        "formal_supports",
        "informal_supports",
        "skills",
        "services_start",
        "services_end",
        "contact_schedule",
        "if_agreement_broken",
    ],
)
def test_case_plan_requires_every_element_of_a_comprehensive_plan(field):
    assert field in missing(**{field: ""})


def test_case_plan_is_reviewed_at_least_every_30_days():
    plan_date = date.fromisoformat(PLAN["plan_date"])
    too_late = (plan_date + timedelta(days=31)).isoformat()
    assert "at least every 30 days" in missing(next_review_date=too_late)["next_review_date"][0]
    sooner = (plan_date + timedelta(days=14)).isoformat()  # a shorter program reviews sooner
    assert missing(next_review_date=sooner) == {}


def test_services_cannot_end_before_they_start():
    errors = errors_of(services_start="2027-01-10", services_end="2027-01-01")
    assert errors["services_end"] == ["Services cannot end before they start."]


def test_at_most_12_objectives():
    rows = [dict(PLAN["objectives"][0]) for _ in range(13)]
    assert errors_of(objectives=rows)["objectives"] == ["At most 12 rows: remove 1."]


def test_an_invalid_objective_field_is_named_with_its_row():
    errors = errors_of(objectives=objective(3, target_date="someday"))
    assert errors["objectives"] == ["Objective 3, Target date: Not a valid date value."]


def test_everyone_named_in_the_plan_signs_client_first_case_manager_last():
    data = {
        **PLAN,
        "other_signers": [
            {"name": "Ana Lopez", "role": "Sister, informal support"},
            {"name": "Lee Park", "role": "Rapid re-housing case manager"},
        ],
    }
    specs = FORM.signers(data, People(CLIENT, CASE_MANAGER))
    assert [(s.role.key, s.person.name, s.label) for s in specs] == [
        ("client", "Maria Lopez", "Client"),
        ("other", "Ana Lopez", "Sister, informal support"),
        ("other", "Lee Park", "Rapid re-housing case manager"),
        ("case_manager", "Sam Okafor", "Case manager"),
    ]
    assert [s.person.user_id is None for s in specs] == [True, True, True, False]


def test_another_person_in_the_plan_needs_a_name_and_their_part():
    found = missing(other_signers=[{"name": "Ana Lopez", "role": ""}])
    assert found["other_signers"] == ["Person 1: give their name and part in the plan."]


def test_the_page_offers_spare_rows_up_to_the_limit():
    form = FORM.form_class.from_payload(PLAN)
    assert len(form.objectives.entries) == len(PLAN["objectives"]) + 2
    full = FORM.form_class.from_payload({**PLAN, "objectives": PLAN["objectives"] * 3})
    assert len(full.objectives.entries) == 12
