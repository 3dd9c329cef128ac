"""The rules of a revocation of consent (45 CFR 164.508(b)(5); seeds 000 and 004)."""

import uuid
from datetime import datetime, timedelta

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person

FORM = get_form_type("consent_revocation")
REVOCATION = FORM.example()
CLIENT = Person("Maria Lopez")
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
RECORDED = {"signed_by": "staff_record", "request_method": "letter"}
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**REVOCATION, **changes})


def errors_of(**changes):
    form = FORM.form_class.from_payload({**REVOCATION, **changes})
    form.validate()
    return form.errors


def test_complete_revocation_has_no_missing_elements():
    assert missing() == {}
    assert missing(**RECORDED) == {}
    assert errors_of() == {}


def test_revocation_names_the_release_it_ends_and_its_recipient():
    assert set(missing(release_reference="", recipient_name="")) == {
        "release_reference",
        "recipient_name",
    }


def test_revocation_records_when_the_agency_received_it():
    assert "takes effect then" in missing(received_at="")["received_at"][0]
    in_an_hour = (datetime.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert "cannot be in the future" in errors_of(received_at=in_an_hour)["received_at"][0]


def test_received_time_is_kept_to_the_minute_and_printed_with_the_agencys_zone_named():
    data = FORM.form_class.from_payload({**REVOCATION, "received_at": "2026-11-20T09:05"}).to_data()
    assert data["received_at"] == "2026-11-20T09:05:00"
    revocation = FORM.context(data, {"agency": {"time_zone": "America/Chicago"}})["revocation"]
    assert revocation["received_at"] == "November 20, 2026, 9:05\u00a0AM CST"
    form = FORM.form_class.from_data(data, meta={"csrf": False})
    assert form.received_at.data == datetime(2026, 11, 20, 9, 5)


def test_staff_recording_a_revocation_note_how_the_written_request_came():
    assert "in writing" in missing(signed_by="staff_record")["request_method"][0]


def test_the_client_signs_on_the_tablet_or_staff_sign_what_they_recorded():
    [spec] = FORM.signers(REVOCATION, People(CLIENT, CASE_MANAGER))
    assert (spec.role.key, spec.person, spec.role.staff) == ("client", CLIENT, False)
    [spec] = FORM.signers({**REVOCATION, **RECORDED}, People(CLIENT, CASE_MANAGER))
    assert (spec.role.key, spec.person, spec.role.staff) == ("case_manager", CASE_MANAGER, True)
