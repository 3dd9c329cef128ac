"""Rendering: every typed value comes out literally in the DOCX and the PDF; the document says
what the rules require it to say."""

import io
import zipfile
from dataclasses import replace
from datetime import date
from threading import get_ident

import pytest
from docxtpl import Listing
from flask import current_app
from pypdf import PdfReader

from forms_service.errors import RuleViolation
from forms_service.rendering.resources import (
    RenderInput,
    SignerInfo,
    converter,
    start_converters,
    template_store,
)
from forms_service.rendering.service import (
    LRM,
    isolated,
    render,
    render_docx,
    template_environment,
    warm_seal,
)
from tests.conftest import CONSENT
from tests.signatures.test_certificate import certificate_data

NASTY = "<b>bold</b> & {{ x }} {% if %} \"double\" 'single' مريم العلي 🏠"


def consent_input(**data_changes) -> RenderInput:
    return RenderInput(
        form_type="consent_release",
        language="en",
        reference="CR-TEST000001",
        created_on=date(2026, 11, 25),
        agency_name="Gateway & Sons <Housing>",
        agency_address="1200 Market St",
        agency_phone="(314) 555-0100",
        client_name="Zoë {{ client }} O'Brien",
        client_date_of_birth=date(1985, 3, 4),
        case_number="C-2026-0001",
        data={**CONSENT, **data_changes},
        signers=[SignerInfo("Client", "Zoë O'Brien"), SignerInfo("Case manager", "Sam Okafor")],
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def docx_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")
        )


@pytest.mark.soffice
def test_typed_text_comes_out_literally_in_docx_and_pdf(bare_app):
    long_purpose = ("Line one of a long purpose.\n" + "word " * 390).strip()
    rendered = render(
        consent_input(recipient_name=NASTY, purpose=long_purpose, end_event="I say {% endif %}")
    )
    xml = docx_xml(rendered.docx)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; {{ x }} {% if %}" in xml
    text = pdf_text(rendered.pdf)
    flat = " ".join(text.split())
    for value in [
        "<b>bold</b> & {{ x }} {% if %}",
        "\"double\" 'single'",
        "🏠",
        "Zoë {{ client }} O'Brien",
        "Gateway & Sons <Housing>",
        "I say {% endif %}",
    ]:
        assert value in flat, value
    assert "العلي" in text or "ﻲﻠﻌﻟﺍ" in text  # Arabic as logical or shaped presentation forms
    assert flat.count("word") >= 390


@pytest.mark.soffice
def test_consent_states_every_required_element(bare_app):
    text = " ".join(pdf_text(render(consent_input()).pdf).split())
    for required in [
        "St. Patrick Center",  # recipient
        "Gateway & Sons <Housing>",  # who discloses
        "Housing status and history",
        "Income and benefits",  # what, specifically
        "To apply for permanent supportive housing.",  # purpose
        "when I move into permanent housing",  # when it ends
        "in writing",  # the right to revoke in writing, and how
        "C-2026-0001",
        "CR-TEST000001",
    ]:
        assert required in text, required
    assert "42 CFR" not in text


@pytest.mark.soffice
def test_substance_use_records_add_the_part_2_notice(bare_app):
    text = " ".join(pdf_text(render(consent_input(categories=["substance_use"])).pdf).split())
    assert "42 CFR part 2" in text or "42 CFR Part 2" in text
    assert "prohibit" in text


def test_a_template_changed_outside_the_manifest_is_refused(bare_app, tmp_path):
    import shutil

    root = tmp_path / "form_templates"
    shutil.copytree(bare_app.config["TEMPLATES_DIR"], root)
    bare_app.config["TEMPLATES_DIR"] = str(root)
    store = template_store()
    current = store.current("consent_release")
    store.path(current, "en").write_bytes(b"tampered")
    with pytest.raises(RuleViolation, match="does not match the sha256"):
        store.load(current, "en")


def test_a_language_without_a_template_is_refused_clearly(bare_app):
    store = template_store()
    with pytest.raises(RuleViolation, match="has no 'xx' text"):
        store.load(store.current("consent_release"), "xx")


def test_a_left_to_right_value_in_an_arabic_document_keeps_its_full_stop_and_brackets():
    assert isolated("call the police.") == f"{LRM}call the police.{LRM}"
    assert isolated("(314) 555-0100") == f"{LRM}(314) 555-0100{LRM}"
    assert isolated("لا عنف.") == "لا عنف."  # right to left already: untouched
    assert isolated("25 نوفمبر 2026") == "25 نوفمبر 2026"
    assert isolated("") == "" and isolated(None) is None
    lines = isolated(Listing("First line.\nSecond & last."))
    assert lines.xml == f"{LRM}First line.{LRM}\n{LRM}Second &amp; last.{LRM}"


@pytest.mark.soffice
def test_starting_a_process_that_files_documents_starts_the_converters_and_loads_the_seal_key(
    bare_app,
):
    with bare_app.app_context():
        # gunicorn's when_ready and post_worker_init (not on Celery), `forms-service worker`
        start_converters()
        warm_seal()

        assert "_private_key" in vars(current_app.extensions["forms_seal"])  # parsed once
        assert all(slot.server_pid for slot in converter().stats())


def test_a_seal_key_that_cannot_be_used_does_not_stop_the_service_starting(bare_app, tmp_path):
    (tmp_path / "broken.p12").write_bytes(b"not a PKCS#12 file")
    bare_app.config["SEAL_PKCS12"] = str(tmp_path / "broken.p12")

    start_converters()
    warm_seal()  # logged; the first document to seal says what is wrong

    assert all(slot.server_pid for slot in converter().stats())


def test_a_template_part_is_compiled_once_and_each_document_still_gets_its_own_values(bare_app):
    """docxtpl compiles every part of a template at each render; the environment keeps the
    compiled parts, so a second document of the same template compiles nothing, and each
    document still prints its own values."""
    store = template_store()
    version = store.current("consent_release", language="en")
    template = store.load(version, "en")
    environment = template_environment("en")
    environment._compiled.cache_clear()
    first = render_docx(template, consent_input(), version)
    compiled = environment._compiled.cache_info().misses
    second = render_docx(template, replace(consent_input(), client_name="Ana López"), version)
    assert compiled > 0 and environment._compiled.cache_info().misses == compiled
    assert "Ana López" in docx_xml(second) and "Ana López" not in docx_xml(first)
    assert "{{ client }}" in docx_xml(first) and "{{ client }}" not in docx_xml(second)


@pytest.mark.soffice
def test_a_certificate_libreoffice_must_convert_is_converted_beside_its_form(bare_app, monkeypatch):
    """A certificate with letters the drawn pages would misread (an Arabic name) goes through
    LibreOffice: converted at the same time as its form, on the other converter, not after."""
    pool = converter()
    convert, threads = pool.convert, []
    monkeypatch.setattr(pool, "convert", lambda docx: threads.append(get_ident()) or convert(docx))
    certificate = certificate_data(b"content")  # its client's name holds Arabic letters
    rendered = render(consent_input(), certificate=certificate)
    assert len(threads) == 2 and len(set(threads)) == 2
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages]
    assert any("Audit certificate" in text for text in texts)
