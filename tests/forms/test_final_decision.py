"""The rules of a final decision on appeal (seed 000; 24 CFR 578.91(b))."""

import uuid
from datetime import timedelta

import pytest

from forms_service import clock
from forms_service.errors import RuleViolation
from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person
from tests.forms.test_consent_release import printed_form

FORM = get_form_type("final_decision")
DECISION = FORM.example()
REVIEWER = Person("Jordan Ellis", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**DECISION, **changes})


def errors_of(**changes):
    form = FORM.form_class.from_payload({**DECISION, **changes})
    form.validate()
    return form.errors


def test_complete_decision_has_no_missing_elements():
    assert missing() == {}
    assert errors_of() == {}


def test_final_decision_comes_after_the_objections_are_heard():
    assert "heard first" in missing(hearing_date="")["hearing_date"][0]
    today = clock.example_today()
    errors = errors_of(
        hearing_date=(today - timedelta(days=1)).isoformat(),
        decision_date=(today - timedelta(days=2)).isoformat(),
    )
    assert errors["decision_date"] == ["The decision comes after the objections are heard."]


def test_objections_cannot_be_heard_before_the_appeal_arrived():
    today = clock.example_today()
    found = missing(
        appeal_received_on=(today - timedelta(days=1)).isoformat(),
        hearing_date=(today - timedelta(days=3)).isoformat(),
    )
    assert "before the appeal arrived" in found["hearing_date"][0]


def test_final_decision_states_the_decision_its_reasons_and_effective_date():
    found = missing(decision="", reasons="", effective_date="")
    assert found["decision"] == ["Choose upheld, reversed or modified."]
    assert set(found) == {"decision", "reasons", "effective_date"}


def test_a_modified_decision_says_what_changes():
    assert "modification" in missing(decision="modified", modification="")
    assert missing(decision="upheld", modification="") == {}


@pytest.mark.parametrize("decider", ["terminated_by", "approved_by"])
def test_reviewer_is_not_the_person_who_made_or_approved_the_termination(decider):
    found = missing(**{decider: "JORDAN ELLIS"})
    assert "578.91(b)" in found["reviewer_name"][0]


def test_final_decision_states_the_reviewer_was_independent():
    assert "not a subordinate" in missing(independent=False)["independent"][0]


def test_only_the_assigned_reviewer_signs():
    people = People(Person("Maria Lopez"), Person("Sam Okafor", uuid.uuid4()), reviewer=REVIEWER)
    [spec] = FORM.signers(DECISION, people)
    assert (spec.role.key, spec.person, spec.role.staff) == ("reviewer", REVIEWER, True)


def test_a_decision_without_an_assigned_reviewer_cannot_go_out_for_signature():
    people = People(Person("Maria Lopez"), Person("Sam Okafor", uuid.uuid4()))
    with pytest.raises(RuleViolation, match="no reviewer is assigned"):
        FORM.signers(DECISION, people)


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ["Governance & Membership Committee", "(FHEO)", "legal aid office"]),
        ("es", ["Comité de Gobernanza y Membresía", "(FHEO)", "asistencia legal"]),
        ("ar", ["لجنة الحوكمة والعضوية", "(FHEO)", "مساعدة قانونية مجانية"]),
    ],
)
def test_the_final_decision_names_outside_recourse_coc_hud_fheo_and_legal_aid(language, words):
    """Template version 2; the CoC committee's contact is the agency's setting."""
    text = printed_form(FORM, DECISION, language, 2)
    for word in [*words, "Continuum of Care, Governance & Membership Committee"]:
        assert word in text, word
    assert FORM.agency_settings == (("coc_contact", "coc_contact"),)
    assert "coc_contact" in missing(coc_contact="")
