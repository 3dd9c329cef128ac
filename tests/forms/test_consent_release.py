"""The rules of a consent to release information (45 CFR 164.508; 42 CFR Part 2)."""

import uuid
from datetime import date, timedelta

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.consent_release import missing_elements
from forms_service.forms.registry import People, Person
from tests.conftest import CONSENT

FORM = get_form_type("consent_release")
PEOPLE = People(client=Person("María Núñez"), case_manager=Person("Sam Okafor", uuid.uuid4()))
pytestmark = pytest.mark.usefixtures("bare_app")


def errors_of(payload):
    form = FORM.form_class.from_payload(payload)
    form.validate()
    return form.errors


@pytest.mark.parametrize(
    "field", ["recipient_name", "recipient_type", "categories", "purpose", "end_date"]
)
def test_release_with_a_blank_required_element_is_incomplete(field):
    blank = (
        {"end_event": ""} if field == "end_date" else {field: [] if field == "categories" else ""}
    )
    assert field in missing_elements({**CONSENT, **blank})


def test_complete_release_has_no_missing_elements():
    assert missing_elements(CONSENT) == {}


def test_end_date_or_end_event_is_enough():
    in_a_year = (date.today() + timedelta(days=365)).isoformat()
    assert missing_elements({**CONSENT, "end_event": "", "end_date": in_a_year}) == {}


def test_sud_counseling_notes_need_a_consent_of_their_own():
    data = {**CONSENT, "categories": ["sud_counseling_notes", "housing"]}
    assert "consent of their own" in " ".join(missing_elements(data)["categories"])
    assert missing_elements({**CONSENT, "categories": ["sud_counseling_notes"]}) == {}


def test_legal_representative_must_state_name_and_authority():
    missing = missing_elements({**CONSENT, "representative_signs": True})
    assert set(missing) == {"representative_name", "representative_authority"}


def test_conditioned_services_must_be_explained():
    assert "conditioning_explanation" in missing_elements({**CONSENT, "conditioned": True})


def test_end_date_in_the_past_is_refused():
    errors = errors_of({**CONSENT, "end_date": "2020-01-01"})
    assert errors["end_date"] == ["The end date must be after today."]


def test_a_too_long_value_is_refused_naming_the_field():
    errors = errors_of({**CONSENT, "purpose": "x" * 2001})
    assert "purpose" in errors
    assert "Why it is shared (purpose) is too long: 2,001 characters" in errors["purpose"][0]


def test_a_2000_character_purpose_is_accepted():
    assert errors_of({**CONSENT, "purpose": "é" * 2000}) == {}


def test_control_characters_are_refused_naming_the_field():
    errors = errors_of({**CONSENT, "recipient_name": "St. Patrick\x07 Center"})
    assert "control character" in errors["recipient_name"][0]


def test_unknown_category_is_refused():
    assert "categories" in errors_of({**CONSENT, "categories": ["everything"]})


def test_any_printable_text_is_accepted_as_is():
    nasty = "<b>x</b> & {{ x }} {% if %} \"q\" 'q' مريم 🏠"
    form = FORM.form_class.from_payload({**CONSENT, "recipient_name": nasty})
    assert form.validate(), form.errors
    assert form.to_data()["recipient_name"] == nasty


def test_client_signs_first_then_the_case_manager():
    specs = FORM.signers(CONSENT, PEOPLE)
    assert [(s.role.key, s.person.name) for s in specs] == [
        ("client", "María Núñez"),
        ("case_manager", "Sam Okafor"),
    ]


def test_a_legal_representative_signs_in_the_clients_place():
    data = {
        **CONSENT,
        "representative_signs": True,
        "representative_name": "Ann Lee",
        "representative_authority": "Court-appointed guardian",
    }
    first = FORM.signers(data, PEOPLE)[0]
    assert (first.person.name, first.label) == ("Ann Lee", "Legal representative of the client")
    assert first.person.user_id is None  # signs on the tablet
