"""Every registered form type renders its example: to DOCX and PDF the way `forms-service
render TYPE --example` does (the PDF says what the rules require, carries the client's name on
every page, and prints whatever staff typed literally), as the signer's page, and as the staff
form."""

import io
from types import SimpleNamespace

import pytest
from flask import render_template, render_template_string
from markupsafe import escape
from pypdf import PdfReader
from wtforms import FieldList, StringField, TextAreaField

from forms_service.forms import form_types, get_form_type
from forms_service.forms.base import leaf_fields
from forms_service.rendering import preview

# Text the document must contain for each form type's example (beyond the typed values).
KEY_TEXT = {
    "consent_release": ["St. Patrick Center", "You can cancel this consent at any time"],
    "termination_notice": [
        "Your right to appeal",
        "Jordan Ellis, Program Director",
        "Biddle Housing Opportunities Center",
        "You can come back",
        "HUD-5380",
        "HUD-5382",
        "does not report to the people who did",
    ],
    "final_decision": [
        "Modified (the termination is changed)",
        "is not a subordinate of anyone who made or approved it",
        "TN-2026-000412",
        "you can apply to our program again later",
    ],
    "case_plan": [
        "Housing goal",
        "Objective 4: Work and education",
        "Get a part-time job of at least 20 hours a week.",
        "If someone does not do their part",
        "Sister, informal support",
    ],
    "discharge_plan": [
        "Keeping your home",
        "Rental by client, with ongoing housing subsidy: RRH or equivalent subsidy",
        "435 (Permanent housing situations); 3.12.A rental subsidy type 431",
        "Positive exit: planned move to housing",
    ],
    "grievance": [
        "G-2026-0007",
        "You will not be punished for making a complaint",
        "Governance & Membership Committee",
        "Office of Fair Housing and Equal Opportunity",
        "Office for Civil Rights",
        "Spanish, with an interpreter",
    ],
    "grievance_response": [
        "Upheld: we agree with your complaint",
        "What we found",
        "Governance & Membership Committee",
        "Responding staff member",
    ],
    "consent_revocation": [
        "CR-2026-000123",
        "It does not undo information we already shared",
        "We will tell St. Patrick Center that the consent has ended",
    ],
    "client_rights": [
        "You do not have to take part in any religious activity",
        "We will refer you to another provider",
        "mandated reporters",
        "duty to warn",
        "You have 14 days to appeal",
        "we answer in writing within 10 days",
        "Governance & Membership Committee",
    ],
    "vawa_notice": [
        "You get this notice with notice TN-2026-000412, which ends your assistance",
        "at least 14 business days",
        "We keep confidential what you tell us about using your rights under VAWA",
        "the HUD Continuum of Care Program (24 CFR part 578)",
        "National Domestic Violence Hotline",
    ],
    "vawa_certification": [
        "Getting this form is not a request from us",
        "You have 14 business days from the day you receive our written request",
        "not entered into any shared database",
        "To fill in by or for the victim, only if you choose",
    ],
    "revocation_letter": [
        "To: St. Patrick Center",
        "Maria Lopez has revoked the consent CR-2026-000123",
        "From that time the consent no longer allows us to share information with you",
        "The revocation does not undo what we shared with you, or what you did, while the "
        "consent was in effect.",
        "protected by Federal confidentiality rules (42 CFR part 2)",
        "Staff member who sends the letter",
    ],
    "appeal": [
        "TN-2026-000412",
        "Why you think the decision is wrong",
        "you can apply to our program again later",
    ],
}
TYPES = [t.name for t in form_types()]


def flat_pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def render(form_type, payload, tmp_path) -> list[str]:
    assert preview.validate_payload(form_type, payload) == []
    docx, pdf = preview.render_to(form_type, payload, tmp_path, "en")
    assert docx.stat().st_size > 0
    return flat_pages(pdf.read_bytes())


def test_every_form_type_has_key_text_to_check():
    assert set(TYPES) == set(KEY_TEXT)


@pytest.mark.soffice
@pytest.mark.parametrize("name", TYPES)
def test_example_renders_with_what_the_rules_require(name, bare_app, tmp_path):
    form_type = get_form_type(name)
    pages = render(form_type, preview.example_payload(form_type), tmp_path)
    text = " ".join(pages)
    for expected in KEY_TEXT[name]:
        assert expected in text, expected
    for number, page in enumerate(pages, 1):
        assert "Client: Maria Lopez" in page, f"page {number} lacks the client's name"
        assert f"Page {number} of {len(pages)}" in page


def _typed_fields(form, data: dict):
    """(path, key) of every free-text value the example fills, inside repeated groups too."""
    for name, field in form._fields.items():
        if isinstance(field, FieldList):
            for index, entry in enumerate(field.entries[: len(data.get(name) or [])]):
                for sub in entry.form:
                    if isinstance(sub, StringField | TextAreaField) and data[name][index].get(
                        sub.short_name
                    ):
                        yield (name, index), sub.short_name
        elif isinstance(field, StringField | TextAreaField) and data.get(name):
            yield None, name


def with_typed_values(form_type) -> tuple[dict, list[str]]:
    """The example payload with every free-text value replaced by a distinct hostile one."""
    payload = preview.example_payload(form_type)
    data = payload["form"]
    form = form_type.form_class.from_payload(data)
    typed = []
    for number, (where, key) in enumerate(_typed_fields(form, data)):
        value = f"<b>{number}</b> & {{{{ x }}}} {{% if %}} 'q\""
        target = data if where is None else data[where[0]][where[1]]
        target[key] = value
        typed.append(value)
    assert typed
    return payload, typed


@pytest.mark.soffice
@pytest.mark.parametrize("name", TYPES)
def test_every_typed_value_comes_out_literally(name, bare_app, tmp_path):
    form_type = get_form_type(name)
    payload, typed = with_typed_values(form_type)
    text = " ".join(render(form_type, payload, tmp_path))
    for value in typed:
        assert value in text, value


@pytest.mark.parametrize("name", TYPES)
def test_signer_page_shows_every_typed_value_as_text(name, bare_app):
    form_type = get_form_type(name)
    payload, typed = with_typed_values(form_type)
    data = form_type.form_class.from_payload(payload["form"]).to_data()
    document = SimpleNamespace(
        data=data,
        reference=f"{form_type.prefix}-TEST",
        client=SimpleNamespace(full_name="Maria Lopez"),
        agency=SimpleNamespace(**preview.EXAMPLE_AGENCY),
    )
    with bare_app.test_request_context():
        html = render_template(
            form_type.page_template,
            document=document,
            form_type=form_type,
            **form_type.page_context(data),
        )
    assert "Maria Lopez" in html
    for value in typed:
        assert str(escape(value)) in html, value


@pytest.mark.parametrize("name", TYPES)
def test_staff_form_offers_every_field_but_those_never_typed(name, bare_app):
    """Agency settings and what a workflow takes from its records are shown, never typed."""
    form_type = get_form_type(name)
    data = form_type.form_class.from_payload(form_type.example()).to_data()
    with bare_app.test_request_context():
        form = form_type.form_class.from_data(data)
        html = render_template_string(
            "{% include 'forms/_spec_fields.html' %}", form=form, form_type=form_type
        )
    never_typed = {name for name, _ in form_type.agency_settings} | set(form_type.workflow_fields)
    for field in leaf_fields(form):
        if field.type != "CSRFTokenField":
            offered = f'name="{field.name}"' in html
            assert offered == (field.name not in never_typed), field.name
