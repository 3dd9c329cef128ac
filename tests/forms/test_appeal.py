"""The rules of an appeal of a termination (seed 000; 24 CFR 578.91(b))."""

import uuid

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person

FORM = get_form_type("appeal")
APPEAL = FORM.example()
CLIENT = Person("Maria Lopez")
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**APPEAL, **changes})


def test_complete_appeal_has_no_missing_elements():
    assert missing() == {}
    form = FORM.form_class.from_payload(APPEAL)
    assert form.validate(), form.errors


@pytest.mark.parametrize(
    "field", ["termination_reference", "received_on", "grounds", "requested_outcome", "heard_how"]
)
def test_appeal_names_the_notice_the_grounds_and_what_is_asked(field):
    assert field in missing(**{field: ""})


def test_an_appeal_written_down_by_staff_says_how_it_came_in():
    assert "request_method" in missing(filed_by="staff_record")
    assert missing(filed_by="staff_record", request_method="phone") == {}


def test_an_appeal_brought_by_a_representative_names_them():
    found = missing(filed_by="staff_record", request_method="representative")
    assert "representative_name" in found


def test_the_client_signs_or_the_staff_member_who_wrote_it_down():
    [spec] = FORM.signers(APPEAL, People(CLIENT, CASE_MANAGER))
    assert (spec.role.key, spec.person) == ("client", CLIENT)
    recorded = {**APPEAL, "filed_by": "staff_record", "request_method": "phone"}
    [spec] = FORM.signers(recorded, People(CLIENT, CASE_MANAGER))
    assert (spec.role.key, spec.person, spec.role.staff) == ("case_manager", CASE_MANAGER, True)
