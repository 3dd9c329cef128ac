"""The rules of a termination notice (seed 000 "Non-compliance and Exiting"; 24 CFR 578.91;
VAWA; ESIGN 7003(b)(2)(B))."""

import io
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document as Docx

from forms_service import clock
from forms_service.errors import RuleViolation
from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person
from forms_service.forms.termination_notice import appeal_deadline, requires_paper
from forms_service.rendering import preview
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx

FORM = get_form_type("termination_notice")
NOTICE = FORM.example()
CASE_MANAGER = Person("Sam Okafor", uuid.uuid4())
SUPERVISOR = Person("Dana Whitfield", uuid.uuid4())
pytestmark = pytest.mark.usefixtures("bare_app")


def missing(**changes):
    return FORM.missing_elements({**NOTICE, **changes})


def errors_of(**changes):
    form = FORM.form_class.from_payload({**NOTICE, **changes})
    form.validate()
    return form.errors


def test_complete_notice_has_no_missing_elements():
    assert missing() == {}
    assert errors_of() == {}


def test_termination_notice_requires_a_reason_and_referrals():
    found = missing(reasons="", referrals=[])
    assert found["reasons"] == ["State the reason(s) services end, clearly."]
    assert found["referrals"] == ["Give at least one referral the client can go to now."]


def test_termination_notice_requires_a_recorded_case_conference_first():
    found = missing(case_conference_date="", case_conference_attendees="")
    assert "case conference first" in found["case_conference_date"][0]
    assert "case_conference_attendees" in found


def test_case_conference_cannot_come_after_the_notice():
    today = clock.example_today()
    found = missing(
        notice_date=(today - timedelta(days=3)).isoformat(),
        case_conference_date=(today - timedelta(days=1)).isoformat(),
    )
    assert found["case_conference_date"] == ["The case conference must come before the notice."]


def test_case_conference_cannot_be_in_the_future():
    """A form no agency fills reads UTC's clock (forms.base.agency_now)."""
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    assert (
        "cannot be in the future"
        in errors_of(case_conference_date=tomorrow)["case_conference_date"][0]
    )


def test_termination_notice_requires_extenuating_circumstances_considered():
    assert "578.91(c)" in missing(extenuating_circumstances="")["extenuating_circumstances"][0]


@pytest.mark.parametrize("field", ["appeal_contact", "reviewer_name", "last_day", "notice_date"])
def test_termination_notice_states_how_by_when_and_to_whom_to_appeal(field):
    assert field in missing(**{field: ""})


def test_reviewer_cannot_be_the_person_who_approved_the_termination():
    found = missing(reviewer_name="dana whitfield", approved_by="Dana Whitfield")
    assert "578.91(b)" in found["reviewer_name"][0]


def test_reviewer_cannot_be_the_person_who_made_the_termination():
    """Written directly or rendered from the command line, the notice names who made it."""
    assert "578.91(b)" in missing(reviewer_name="SAM OKAFOR")["reviewer_name"][0]
    assert missing(terminated_by="")["terminated_by"] == ["Name who made the termination decision."]
    payload = {**preview.example_payload(FORM), "form": {**NOTICE, "reviewer_name": "Sam Okafor"}}
    assert "form.reviewer_name" in dict(preview.validate_payload(FORM, payload))


def test_each_referral_names_the_organization_and_how_to_reach_it():
    rows = [*NOTICE["referrals"], {"organization": "Food bank", "help": "", "contact": ""}]
    assert missing(referrals=rows)["referrals"] == [
        "Referral 4: give the organization and its contact."
    ]


def test_termination_notice_goes_with_the_vawa_forms():
    assert "HUD-5380" in missing(vawa_enclosed=False)["vawa_enclosed"][0]


def test_appeal_deadline_counts_the_agency_appeal_window_from_the_notice():
    notice = {**NOTICE, "notice_date": "2026-12-01", "appeal_days": 14}
    assert appeal_deadline(notice) == date(2026, 12, 15)
    assert appeal_deadline({**notice, "appeal_days": None}) is None  # never a made-up window


def test_appeal_window_is_an_agency_setting_within_bounds():
    assert "appeal_days" in errors_of(appeal_days=0)
    assert errors_of(appeal_days=30) == {}


@pytest.mark.parametrize("days", [3, 6, 91])
def test_appeal_window_obeys_the_agency_bounds_of_7_to_90_days_everywhere(days):
    """On the page, in the service's check before sending, and in `forms-service render`."""
    bounds = ["Days the client has to appeal: between 7 and 90."]
    assert errors_of(appeal_days=days)["appeal_days"] == bounds
    assert missing(appeal_days=days)["appeal_days"] == bounds
    payload = {**preview.example_payload(FORM), "form": {**NOTICE, "appeal_days": days}}
    assert ("form.appeal_days", bounds[0]) in preview.validate_payload(FORM, payload)
    rights = get_form_type("client_rights")
    form = rights.form_class.from_payload({**rights.example(), "appeal_days": days})
    assert not form.validate() and "appeal_days" in form.errors


def test_a_notice_that_also_ends_a_lease_is_delivered_on_paper():
    assert not requires_paper(NOTICE)
    lease = {"ends_lease": True, "lease_description": "Lease for unit 3B, signed March 2"}
    assert requires_paper({**NOTICE, **lease})
    assert missing(ends_lease=True)["lease_description"] == ["Name the lease this notice ends."]


def test_the_case_manager_signs_then_the_supervisor_who_approved():
    people = People(Person("Maria Lopez"), CASE_MANAGER, supervisor=SUPERVISOR)
    specs = FORM.signers(NOTICE, people)
    assert [(s.role.key, s.person) for s in specs] == [
        ("case_manager", CASE_MANAGER),
        ("supervisor", SUPERVISOR),
    ]
    assert all(s.role.staff for s in specs)


def test_without_an_approver_only_the_case_manager_signs():
    specs = FORM.signers({**NOTICE, "approved_by": ""}, People(Person("M"), CASE_MANAGER))
    assert [s.role.key for s in specs] == ["case_manager"]


def test_an_approver_needs_a_supervisor_on_record():
    with pytest.raises(RuleViolation, match="no supervisor on record"):
        FORM.signers(NOTICE, People(Person("M"), CASE_MANAGER))


def test_referrals_round_trip_through_a_json_payload_and_a_draft():
    payload = {**NOTICE, "referrals": [*NOTICE["referrals"], {"organization": ""}]}
    data = FORM.form_class.from_payload(payload).to_data()
    assert data["referrals"] == NOTICE["referrals"]  # the empty row is not data
    again = FORM.form_class.from_data(data, meta={"csrf": False})
    assert again.case_conference_date.data == date.fromisoformat(NOTICE["case_conference_date"])
    assert again.to_data() == data


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Under state law, only a court can order you to leave your home"),
        ("es", "Según la ley estatal, solo un tribunal puede ordenarle que deje su vivienda"),
        ("ar", "بموجب قانون الولاية، لا يملك إلا القضاء أن يأمرك بمغادرة مسكنك"),
    ],
)
def test_a_notice_that_ends_a_lease_says_only_a_court_can_remove_the_tenant(language, words):
    lease = {"ends_lease": True, "lease_description": "Lease for unit 3B"}
    store = template_store()
    version = store.current(FORM.name, language=language)
    inp = preview.example_input(FORM, {**preview.example_payload(FORM), "form": NOTICE}, language)
    for data, printed in ((lease, True), ({"ends_lease": False}, False)):
        docx = render_docx(
            store.load(version, language), replace(inp, data={**inp.data, **data}), version
        )
        text = " ".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
        assert (words in text) is printed
