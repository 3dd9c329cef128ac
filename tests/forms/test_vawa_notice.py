"""The Spanish and Arabic VAWA forms (HUD-5380, HUD-5382) say what HUD's model forms say, in
plain and correct words."""

import io

import pytest
from docx import Document as Docx

from forms_service.forms import get_form_type
from forms_service.rendering import preview
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx

pytestmark = pytest.mark.usefixtures("bare_app")


def text_of(form_type: str, language: str) -> str:
    spec, store = get_form_type(form_type), template_store()
    version = store.current(form_type, language=language)
    inp = preview.example_input(spec, preview.example_payload(spec), language)
    docx = render_docx(store.load(version, language), inp, version)
    document = Docx(io.BytesIO(docx))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_spanish_vawa_notice_names_the_abuser_removed_and_speaks_to_anyone():
    text = text_of("vawa_notice", "es")
    assert "para desalojar al miembro del hogar que cometió" in text  # bifurcation
    assert "hermano, hermana, hijo o hija" in text and "admitido" not in text
    assert "usted pide el traslado expresamente" in text  # emergency transfer: asked for


def test_the_spanish_certification_uses_the_usual_legal_wording():
    text = text_of("vawa_certification", "es")
    assert "a mi leal saber y entender" in text
    assert "Para que lo llene la víctima o alguien en su nombre" in text


@pytest.mark.parametrize("form_type", ["vawa_notice", "vawa_certification"])
def test_the_arabic_vawa_forms_join_their_prepositions_as_arabic_is_written(form_type):
    text = text_of(form_type, "ar")
    assert "للعنف الأسري" in text and "لـال" not in text and "بـال" not in text
    assert "التوجّه الجنسي" in text
