"""The rules of a consent to release information (45 CFR 164.508; 42 CFR Part 2)."""

import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from flask import render_template

from forms_service import clock
from forms_service.forms import get_form_type
from forms_service.forms.registry import People, Person
from forms_service.rendering import preview
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx
from tests.conftest import CONSENT

missing_elements = get_form_type("consent_release").missing_elements

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
    in_a_year = (clock.example_today() + timedelta(days=365)).isoformat()
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


def printed(data: dict, language: str = "en", number: int = 2) -> str:
    """The text of the consent as version `number` of its template prints `data`."""
    return printed_form(FORM, data, language, number)


def printed_form(form_type, data: dict, language: str = "en", number: int = 2) -> str:
    """The text of `form_type`'s template version `number` printing `data` (DOCX, no PDF)."""
    store = template_store()
    version = store.version(form_type.name, number)
    payload = {**preview.example_payload(form_type), "form": data}
    assert preview.validate_payload(form_type, payload) == []
    docx = render_docx(
        store.load(version, language), preview.example_input(form_type, payload, language), version
    )
    body = Docx(io.BytesIO(docx)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


NOTES_ONLY = {**FORM.example(), "categories": ["sud_counseling_notes"]}


def test_a_counseling_notes_consent_says_it_covers_them_and_nothing_else():
    text = printed(NOTES_ONLY)
    assert "This form is the separate consent that substance use counseling notes need" in text
    assert "it covers nothing else" in text
    assert "does not allow sharing of substance use counseling notes" not in text
    treatment = printed({**NOTES_ONLY, "categories": ["substance_use"]})
    assert "This form does not allow sharing of substance use counseling notes" in treatment
    assert "separate consent that substance use counseling notes need" not in treatment


def test_a_counseling_notes_consent_says_so_in_spanish_and_arabic():
    assert "Este formulario es el consentimiento aparte que necesitan" in printed(NOTES_ONLY, "es")
    assert "هذا النموذج هو الموافقة المنفصلة" in printed(NOTES_ONLY, "ar")


def test_counseling_notes_cannot_be_combined_with_other_information_either():
    missing = missing_elements({**CONSENT, "categories": ["sud_counseling_notes"]})
    assert missing == {}
    mixed = {**CONSENT, "categories": ["sud_counseling_notes"], "other_information": "Rent"}
    missing = missing_elements(mixed)
    assert set(missing) == {"categories", "other_information"}
    assert "need a consent of their own (42 CFR 2.31(b))" in missing["other_information"][0]


def test_the_signer_reads_that_a_counseling_notes_consent_covers_them(bare_app):
    with bare_app.test_request_context():
        page = signer_page(NOTES_ONLY)
    assert "it allows sharing them, and it covers nothing else" in page
    assert "does not allow sharing of substance use counseling notes" not in page


CONDITIONED = {
    **CONSENT,
    "conditioned": True,
    "conditioning_explanation": "The study's treatment is given only to people who sign.",
}


def test_services_may_depend_on_signing_only_on_a_ground_hipaa_allows():
    missing = missing_elements(CONDITIONED)
    assert list(missing) == ["conditioning_basis"]
    assert "only for research-related treatment" in missing["conditioning_basis"][0]
    assert missing_elements({**CONDITIONED, "conditioning_basis": "research"}) == {}
    assert "conditioning_basis" in errors_of({**CONDITIONED, "conditioning_basis": "rent"})


def test_the_ground_for_conditioning_is_printed_with_the_details(bare_app):
    data = {**FORM.example(), **CONDITIONED, "conditioning_basis": "health_plan"}
    text = printed(data)
    assert "The law allows this only in a few cases, and this is one of them:" in text
    assert "Enrolment in a health plan, or eligibility for its benefits" in text
    assert "The study's treatment is given only to people who sign." in text
    with bare_app.test_request_context():
        assert "Enrolment in a health plan" in signer_page(data)


def test_the_spanish_consent_says_that_saying_no_is_not_held_against_the_client():
    text = printed(FORM.example(), "es")
    assert "Si dice que no, eso no se usará en su contra." in text
    assert "no no" not in text


def signer_page(data: dict) -> str:
    document = SimpleNamespace(
        data=data,
        reference="CR-TEST",
        client=SimpleNamespace(full_name="Maria Lopez"),
        agency=SimpleNamespace(**preview.EXAMPLE_AGENCY),
    )
    return render_template(
        FORM.page_template, document=document, form_type=FORM, **FORM.page_context(data)
    )


SUD_TO_A_CLINIC = {
    **FORM.example(),
    "categories": ["substance_use"],
    "recipient_hipaa_entity": True,
}
REDISCLOSURE = {
    "en": "may be redisclosed in accordance with the permissions contained in the HIPAA "
    "regulations, except for uses and disclosures for civil, criminal, administrative, and "
    "legislative proceedings against you.",
    "es": "puede volver a divulgarse según los permisos de las normas de HIPAA, excepto",
    "ar": "يجوز الإفصاح مجدداً عن سجلك",
}


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_a_part2_consent_to_a_hipaa_covered_recipient_states_2_31_a_4_iii(language):
    """Template version 3: the statement, only when the recipient is a covered entity or
    business associate and substance use records are included."""
    assert REDISCLOSURE[language] in printed(SUD_TO_A_CLINIC, language, 3)
    not_covered = {**SUD_TO_A_CLINIC, "recipient_hipaa_entity": False}
    assert REDISCLOSURE[language] not in printed(not_covered, language, 3)
    no_sud = {**SUD_TO_A_CLINIC, "categories": ["housing"]}
    assert REDISCLOSURE[language] not in printed(no_sud, language, 3)
