"""Arabic PDFs extract as the words typed: every glyph of Arabic text maps to one letter, so
pdftotext and pypdf (screen readers, copy/paste, the archive's word index) read the same words."""

import io
import re
import subprocess
import zipfile
from dataclasses import replace

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from forms_service.rendering.fonts import COMPLEX_SCRIPT_FONT, set_complex_script_font
from forms_service.rendering.service import render
from tests.rendering.test_service import consent_input

HARAKAT = re.compile("[\u064b-\u065f\u0670]")
TYPED_NAME = "عبد الله حداد"  # "الله" is a ligature in most Arabic fonts


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _pypdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _typed_words(docx: bytes) -> set[str]:
    """The Arabic words of the document, those written without vowel marks (a mark is drawn
    as its own glyph above or below its letter, which extractors place apart)."""
    document = Docx(io.BytesIO(docx))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    words = re.findall("[\u0621-\u065f\u0670]+", text)
    return {w for w in words if not HARAKAT.search(w)}


def _multi_letter_glyphs(pdf: bytes) -> set[str]:
    """The ToUnicode entries that map one glyph to more than one letter."""
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
            for target in re.findall(r"<[0-9A-F]+>\s*<([0-9A-F]{8,})>", cmap):
                found.add(bytes.fromhex(target).decode("utf-16-be"))
    return found


@pytest.mark.soffice
def test_arabic_text_extracts_as_the_words_typed_with_pdftotext_and_pypdf(bare_app):
    with bare_app.app_context():
        rendered = render(replace(consent_input(), language="ar", client_name=TYPED_NAME))
    typed = _typed_words(rendered.docx)
    assert {"الإفصاح", "ولأي", "عبد", "الله"} <= typed  # lam-alef and the Allah ligature
    assert _multi_letter_glyphs(rendered.pdf) == set()
    for extract in (_pdftotext, _pypdf):
        text = extract(rendered.pdf)
        # pypdf runs a table's cells together ("اسمكعبد"): each word is looked for as written
        assert sorted(word for word in typed if word not in text) == [], extract.__name__
        assert TYPED_NAME in text, extract.__name__


def test_every_complex_script_font_choice_of_a_template_becomes_the_one_font():
    """An agency's template may name any Arabic font: in its styles, its runs or its theme."""
    document = Docx()  # python-docx's own template: its heading styles take theme fonts
    run = document.add_paragraph().add_run("لا")
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), "Amiri")
    set_complex_script_font(document)
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out) as parts:
        xml = parts.read("word/styles.xml").decode() + parts.read("word/document.xml").decode()
    assert 'w:cstheme="' not in xml and "Amiri" not in xml
    assert set(re.findall(r'w:cs="([^"]*)"', xml)) == {COMPLEX_SCRIPT_FONT}
