"""The rules of the written response to a grievance (seed 000 "Client Grievance Process")."""

import uuid

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person

RESPONSE = get_form_type("grievance_response")
CLIENT = Person("Maria Lopez")
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
SUPERVISOR = Person("Dana Whitfield", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return RESPONSE.missing_elements({**RESPONSE.example(), **changes})


def errors_of(**changes):
    form = RESPONSE.form_class.from_payload({**RESPONSE.example(), **changes})
    form.validate()
    return form.errors


def test_complete_response_has_no_missing_elements():
    assert missing() == {}
    assert errors_of() == {}


@pytest.mark.parametrize(
    "field", ["grievance_number", "findings", "actions", "outcome", "response_date"]
)
def test_grievance_response_is_written_with_findings_outcome_and_actions(field):
    assert field in missing(**{field: ""})


def test_grievance_response_cannot_come_before_the_grievance():
    errors = errors_of(grievance_filed_on="2026-11-20", response_date="2026-11-19")
    assert errors["response_date"] == ["The response cannot come before the grievance."]


def test_grievance_response_dated_before_the_grievance_is_not_sent():
    """The staff page does not post the grievance's date (the workflow fills it), so the
    rule is checked again before the response goes out for signature."""
    early = missing(grievance_filed_on="2026-11-20", response_date="2026-11-19")
    assert early["response_date"] == ["The response cannot come before the grievance."]
    assert "response_date" not in missing(
        grievance_filed_on="2026-11-20", response_date="2026-11-20"
    )


def test_the_supervisor_signs_the_response_when_there_is_one():
    data = RESPONSE.example()
    [spec] = RESPONSE.signers(data, People(CLIENT, CASE_MANAGER, supervisor=SUPERVISOR))
    assert (spec.role.key, spec.person, spec.role.staff) == ("responder", SUPERVISOR, True)
    [spec] = RESPONSE.signers(data, People(CLIENT, CASE_MANAGER))
    assert spec.person == CASE_MANAGER
