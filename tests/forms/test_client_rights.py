"""The rules of the client rights acknowledgment at intake (seed 000 "Client Rights",
"Client Grievance Process"; 24 CFR 578.91(b)(1))."""

import uuid

import pytest

from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person
from tests.forms.test_consent_release import printed_form

FORM = get_form_type("client_rights")
RIGHTS = FORM.example()
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**RIGHTS, **changes})


def test_complete_acknowledgment_has_no_missing_elements():
    assert missing() == {}


def test_program_rules_are_given_in_writing_before_assistance():
    assert "program_rules" in missing(program_rules="")
    assert "copy_given" in missing(copy_given=False)


@pytest.mark.parametrize("setting", ["appeal_days", "grievance_days"])
def test_termination_and_grievance_time_limits_are_stated(setting):
    assert setting in missing(**{setting: None})


def test_client_rights_name_the_coc_committee_contact():
    assert "coc_contact" in missing(coc_contact="")


def test_client_rights_record_the_language_they_were_explained_in():
    assert "explained_in" in missing(explained_in="")


def test_the_client_and_the_case_manager_sign():
    people = People(Person("Maria Lopez"), Person("Sam Okafor", uuid.uuid4()))
    assert [s.role.key for s in FORM.signers(RIGHTS, people)] == ["client", "case_manager"]


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", "a refusal to hold a religious belief, or a refusal to go to or take part in"),
        ("es", "por no tener una creencia religiosa ni por negarse a asistir o participar"),
        ("ar", "أو رفضك اعتناق معتقد ديني"),
    ],
)
def test_the_religious_activity_notice_says_non_discrimination_and_how_to_report_to_hud(
    language, words
):
    """Template version 2 (24 CFR 5.109)."""
    text = printed_form(FORM, RIGHTS, language, 2)
    assert words in text and "1-800-669-9777" in text and "www.hud.gov/fairhousing" in text
