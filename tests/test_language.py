"""The client's language: the kiosk speaks it (right to left for Arabic) and lets the client
pick another; vital documents are rendered in it, or refused with the offer of English and an
interpreter; Spanish and Arabic PDFs carry their own words."""

import io
import re
import subprocess
from datetime import UTC, date, datetime

import pytest
import time_machine
from docx import Document as Docx

from forms_service.archive.service import blob_store
from forms_service.cli import main
from forms_service.documents.service import send_for_signature, start_document
from forms_service.errors import RuleViolation
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.resources import RenderInput, template_store
from forms_service.rendering.service import render_docx
from forms_service.signing import remote
from forms_service.templates_admin.models import (
    AgencyTemplateFile,
    AgencyTemplateVersion,
    TemplateStatus,
)
from tests.conftest import CONSENT, login, post
from tests.pages import submit


def _kiosk(client, world, language):
    world.client.preferred_language = language
    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")
    return document


def test_the_kiosk_speaks_the_clients_language_right_to_left_for_arabic(client, world):
    document = _kiosk(client, world, "ar")
    assert document.language == "ar"
    page = client.get("/kiosk").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "يُرجى القراءة والتوقيع" in page  # "please read and sign"
    assert "الموافقة على الإفصاح عن المعلومات" in page  # the form's title
    assert 'class="sig-pad-surface" dir="ltr"' in page  # a signature is drawn left to right
    assert 'data-msg-offline="لا يوجد اتصال.' in page  # what sign.js says, in Arabic


def test_the_client_picks_another_language_on_the_kiosk_and_stays_in_it(client, world):
    document = _kiosk(client, world, "ar")
    response = post(client, "/kiosk/language", {"language": "es"})
    assert response.headers["Location"].endswith("/kiosk")
    page = client.get("/kiosk").get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "por favor lea y firme" in page
    db.session.refresh(document)
    assert document.language == "ar"  # only the page changes, not the document
    post(client, "/kiosk/language", {"language": "xx"})  # not offered: nothing changes
    assert '<html lang="es"' in client.get("/kiosk").get_data(as_text=True)
    assert client.get("/cases").headers["Location"].endswith("/kiosk")  # still in the kiosk


def test_text_typed_in_english_is_marked_english_when_the_kiosk_speaks_spanish(client, world):
    _kiosk(client, world, "en")
    english = client.get("/kiosk").get_data(as_text=True)
    assert f"<bdi>{CONSENT['purpose']}</bdi>" in english  # the page's own language

    submit(client, "/kiosk", button="es", action="/kiosk/language")

    spanish = client.get("/kiosk").get_data(as_text=True)
    assert f'<bdi lang="en" dir="auto">{CONSENT["purpose"]}</bdi>' in spanish
    assert f'<bdi lang="en" dir="auto">{CONSENT["recipient_name"]}</bdi>' in spanish


def test_staff_pages_follow_the_browser_among_english_and_spanish(client, world):
    login(client, world.case_manager)
    page = client.get("/cases", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es" dir="ltr">' in page.get_data(as_text=True)
    page = client.get("/cases", headers={"Accept-Language": "ar"})
    assert '<html lang="en" dir="ltr">' in page.get_data(as_text=True)


def test_a_vital_document_without_the_clients_language_is_refused_with_an_offer(world):
    world.client.preferred_language = "vi"  # no Vietnamese templates
    actor = world.actor(world.case_manager)
    data = get_form_type("consent_revocation").example()
    assert get_form_type("consent_revocation").vital
    document = start_document(actor, world.case, "consent_revocation", data)
    assert document.language == "vi"
    with pytest.raises(RuleViolation, match="English with an interpreter"):
        send_for_signature(actor, document)
    english = start_document(actor, world.case, "consent_revocation", data, language="en")
    with pytest.raises(RuleViolation, match="Vietnamese"):  # English without help is refused too
        send_for_signature(actor, english)

    interpreted = start_document(
        actor,
        world.case,
        "consent_revocation",
        data,
        language="en",
        interpreter={"name": "Minh Tran", "language": "Vietnamese"},
    )
    send_for_signature(actor, interpreted)
    assert interpreted.status == "signing"
    assert interpreted.data["interpreted_by"] == {"name": "Minh Tran", "language": "Vietnamese"}


def _agency_template_in(world, form_type: str, language: str) -> None:
    """An active agency version with a file in `language` (the shipped English one's bytes),
    as uploading and activating it leaves it."""
    shipped = template_store()
    english = shipped.current(form_type, language="en")
    version = AgencyTemplateVersion(
        agency_id=world.agency.id,
        form_type=form_type,
        number=shipped.versions(form_type)[-1].number + 1,
        status=TemplateStatus.ACTIVE,
        added_by="Ada Admin",
        activated_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    sha256 = blob_store().put(shipped.load(english, "en"))
    version.files.append(AgencyTemplateFile(language=language, sha256=sha256))
    db.session.add(version)
    db.session.flush()


def test_a_form_in_a_language_the_signing_pages_lack_is_signed_in_english_with_an_interpreter(
    client, world
):
    """An agency added French by uploading a template in it: the plan is written in French,
    but the kiosk has no French pages, so it is not sent to the client without an
    interpreter, and the kiosk then shows English and names the interpreter."""
    _agency_template_in(world, "case_plan", "fr")
    world.client.preferred_language = "fr"
    actor = world.actor(world.case_manager)
    data = get_form_type("case_plan").example()
    document = start_document(actor, world.case, "case_plan", data)
    assert document.language == "fr"
    with pytest.raises(RuleViolation, match="not available in French.*interpreter"):
        send_for_signature(actor, document)
    interpreter = {"name": "Awa Diallo", "language": "French"}
    document = start_document(actor, world.case, "case_plan", data, interpreter=interpreter)
    send_for_signature(actor, document)
    assert (document.language, document.status) == ("fr", "signing")
    db.session.commit()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")
    page = client.get("/kiosk").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert (
        "<bdi>Awa Diallo</bdi> interprets this form into <bdi>French</bdi>. "
        "These pages are in English."
    ) in page
    with pytest.raises(RuleViolation, match="not available in French.*not through a link"):
        remote.create_link(actor, document, document.signers[0], remote.DOB)


def test_a_vital_document_in_the_clients_language_is_sent_and_pinned(world):
    world.client.preferred_language = "es"
    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    assert (document.language, document.status) == ("es", "signing")


@pytest.mark.soffice
@pytest.mark.parametrize(
    ("form_type", "language", "phrases"),
    [
        ("consent_release", "es", ["Consentimiento para compartir información", "Sus derechos"]),
        # lam-alef too: each letter is its own glyph (rendering/fonts.py)
        ("consent_release", "ar", ["بياناتك", "حقوقك", "التوقيعات", "نوفمبر", "الإفصاح"]),
        ("termination_notice", "es", ["Aviso de terminación de servicios", "de diciembre de"]),
        ("termination_notice", "ar", ["حقك في الطعن", "التوقيعات", "ديسمبر"]),
        ("final_decision", "es", ["Aviso de decisión final sobre la apelación", "en persona"]),
        ("final_decision", "ar", ["القرار بشأن طعنك", "من اتخذ القرار", "ديسمبر"]),
        ("consent_revocation", "es", ["Cancelación del consentimiento", "10:00 hora"]),
        ("consent_revocation", "ar", ["الموافقة التي تلغيها", "بكلماتك", "نوفمبر"]),
        ("grievance_response", "es", ["Respuesta a la queja", "Oficina de Derechos Civiles"]),
        ("grievance_response", "ar", ["رقم الشكوى", "قرارنا"]),
        ("discharge_plan", "es", ["Plan de salida", "Situaciones de vivienda permanente"]),
        ("discharge_plan", "ar", ["خطتك لمغادرة البرنامج", "خروج إيجابي"]),
        ("client_rights", "es", ["Derechos de la persona cliente", "Reglas del programa"]),
        ("client_rights", "ar", ["قواعد البرنامج", "خصوصيتك"]),
        ("case_plan", "es", ["Plan de caso", "Objetivo 1: Vivienda"]),
        ("case_plan", "ar", ["خطوات نحو أهدافك", "من يدعمك"]),
        (
            "appeal",
            "es",
            [
                "Apelación de la terminación",
                "Por qué cree que la decisión es un error",
                "En persona",
            ],
        ),
        ("appeal", "ar", ["الطعن في إنهاء الخدمات", "كيف نتواصل معك", "نوفمبر"]),
        (
            "grievance",
            "es",
            [
                "Queja número",
                "Otros lugares a los que puede acudir",
                "de diciembre de",
                "Oficina de Derechos Civiles",  # the outside offices, in the document's words
            ],
        ),
        ("grievance", "ar", ["شكواك", "جهات أخرى يمكنك اللجوء إليها", "ديسمبر"]),
    ],
)
def test_the_example_renders_in_the_language_asked_for(
    bare_app, tmp_path, form_type, language, phrases
):
    """The examples' dates follow the clock, so the clock is fixed where the month names
    asked for are the ones printed (25 November 2026; a deadline two weeks on is December)."""
    runner = bare_app.test_cli_runner()
    with time_machine.travel(datetime(2026, 11, 25, 15, 0, tzinfo=UTC)):
        example = runner.invoke(main, ["render", form_type, "--example"])
        data = tmp_path / "example.json"
        data.write_text(example.stdout, encoding="utf-8")
        result = runner.invoke(
            main,
            ["render", form_type, "--data", str(data), "--out", str(tmp_path), "--lang", language],
        )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / f"{form_type}-{language}.pdf"
    # pdftotext gives Arabic in logical order (shaped glyphs mapped back to letters), within
    # bidi embedding marks
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(re.sub("[\u202a-\u202e]", "", text).split())
    for phrase in phrases:
        assert phrase in text, (phrase, text[:400])
    assert "Your rights" not in text and "Who signs" not in text  # no English left in it


def test_an_english_form_read_by_an_interpreter_carries_their_attestation(bare_app):
    data = {
        **get_form_type("consent_revocation").example(),
        "interpreted_by": {"name": "Lucía Ortega", "language": "Spanish"},
    }
    with bare_app.app_context():
        store = template_store()
        version = store.current("consent_revocation")
        inp = RenderInput(
            "consent_revocation", "en", "CV-1", date(2026, 11, 25), "Agency", "1 Main St",
            "(555) 010-0100", "María José Núñez", None, "C-1", data,
        )  # fmt: skip
        docx = render_docx(store.load(version, "en"), inp, version)
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
    assert "I, Lucía Ortega, interpreted this form into Spanish for María José Núñez" in text
