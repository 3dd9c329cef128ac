"""The rules of a grievance (seed 000 "Client Grievance Process")."""

import uuid
from datetime import timedelta

import pytest

from forms_service import clock
from forms_service.forms import get_form_type
from forms_service.forms.grievance import OUTSIDE_ROUTES
from forms_service.forms.registry import People, Person

GRIEVANCE = get_form_type("grievance")
CLIENT = Person("Maria Lopez")
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(form_type, **changes):
    return form_type.missing_elements({**form_type.example(), **changes})


def errors_of(form_type, **changes):
    form = form_type.form_class.from_payload({**form_type.example(), **changes})
    form.validate()
    return form.errors


def test_complete_grievance_has_no_missing_elements():
    assert missing(GRIEVANCE) == {}
    assert errors_of(GRIEVANCE) == {}


def test_grievance_gets_a_number_and_a_response_deadline():
    assert set(missing(GRIEVANCE, grievance_number="", response_due="")) == {
        "grievance_number",
        "response_due",
    }


def test_response_cannot_be_due_before_the_grievance_was_received():
    yesterday = (clock.example_today() - timedelta(days=1)).isoformat()
    errors = errors_of(GRIEVANCE, response_due=yesterday)
    assert errors["response_due"] == ["The answer cannot be due before the grievance was received."]


def test_grievance_filed_with_staff_help_names_the_helper():
    assert "helper_name" in missing(GRIEVANCE, filed_by="with_help", helper_name="")
    assert missing(GRIEVANCE, filed_by="client", helper_name="") == {}
    assert "filed_by" in missing(GRIEVANCE, filed_by="")


def test_grievance_records_what_happened_and_the_language_for_the_answer():
    assert set(missing(GRIEVANCE, what_happened="", language="")) == {"what_happened", "language"}


def test_grievance_names_the_coc_committee_contact():
    assert "coc_contact" in missing(GRIEVANCE, coc_contact="")


def test_grievance_names_the_outside_routes_hud_fheo_and_hhs_ocr():
    routes = GRIEVANCE.context(GRIEVANCE.example(), {})["grievance"]["outside_routes"]
    assert routes == list(OUTSIDE_ROUTES)
    names = " ".join(r["name"] for r in routes)
    assert "Office of Fair Housing and Equal Opportunity" in names
    assert "Office for Civil Rights" in names


def test_the_client_signs_the_grievance():
    [spec] = GRIEVANCE.signers(GRIEVANCE.example(), People(CLIENT, CASE_MANAGER))
    assert (spec.role.key, spec.person) == ("client", CLIENT)
