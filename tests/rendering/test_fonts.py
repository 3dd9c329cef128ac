"""Arabic PDFs extract as the words typed: every glyph of Arabic text maps to one letter, and
vowel marks stay on the line of their letters, so pdftotext, pypdf and pdfium (screen readers,
copy/paste, the archive's word index) read the same words; a form number in brackets stays
whole in a right-to-left title."""

import html
import io
import re
import subprocess
import unicodedata
import zipfile
from dataclasses import replace
from types import SimpleNamespace

import pypdfium2
import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from forms_service.forms import get_form_type
from forms_service.rendering import preview
from forms_service.rendering.fonts import COMPLEX_SCRIPT_FONT, set_complex_script_font
from forms_service.rendering.service import certificate_docx, render
from signatures.bidi import LRM
from signatures.certificate import CertificateData, SignatureEvidence, TrailEvent
from tests.conftest import _make_app
from tests.rendering.test_service import consent_input

HARAKAT = re.compile("[\u064b-\u065f\u0670]")
TYPED_NAME = "عبد الله حداد"  # "الله" is a ligature in most Arabic fonts
VOWELLED_NAME = "مُحَمَّد عَبْدُ اللَّهِ"  # a name typed with its vowel marks
ARABIC_WORD = re.compile("[\u0621-\u065f\u0670]+")


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _pypdf(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _typed_words(docx: bytes) -> set[str]:
    """The Arabic words of the document, those written without vowel marks (pdftotext still
    places some marks apart: the words with them are read with pdfium and pypdf below)."""
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
    assert {html.unescape(f) for f in re.findall(r'w:cs="([^"]*)"', xml)} == {COMPLEX_SCRIPT_FONT}


@pytest.fixture(scope="module")
def arabic_vawa_notice(tmp_path_factory, converter_profile) -> SimpleNamespace:
    """The module's one conversion: the Arabic VAWA notice (HUD-5380), whose words carry
    vowel marks here and there, for a client whose name is typed fully vowelled, with its audit
    certificate in Arabic (the words of both pages are LibreOffice's)."""
    app = _make_app(tmp_path_factory.mktemp("fonts"), "sqlite://", converter_profile)
    with app.app_context():
        spec = get_form_type("vawa_notice")
        inp = preview.example_input(spec, preview.example_payload(spec), "ar")
        inp = replace(inp, client_name=VOWELLED_NAME)
        with force_locale("ar"):
            method = gettext("In person on a tablet")
        signer = SignatureEvidence(
            VOWELLED_NAME, "العميل", method, "2026-11-25", "203.0.113.7", "Safari", "", "", None
        )
        certificate = CertificateData(
            inp.reference, "HUD-5380", inp.agency_name, spec.name, "2", "0" * 64, "1" * 64,
            VOWELLED_NAME, [signer], [TrailEvent("2026-11-25", VOWELLED_NAME, "وُقِّع", "")],
        )  # fmt: skip
        rendered = render(inp, certificate=certificate)
        # the certificate's words as LibreOffice set them, on pages of their own
        return SimpleNamespace(
            docx=rendered.docx,
            pdf=rendered.pdf,
            certificate_docx=certificate_docx(rendered.docx, inp, certificate),
        )


def _source_text(docx: bytes) -> str:
    """The DOCX's text as Unicode text (NFC): paragraphs and tables."""
    document = Docx(io.BytesIO(docx))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return unicodedata.normalize("NFC", "\n".join(texts))


def _pdfium(pdf: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


@pytest.mark.soffice
def test_arabic_words_with_vowel_marks_extract_as_the_words_typed(arabic_vawa_notice):
    """A vowel mark set on its letter by the font's mark positioning was written apart from
    its line, which tore words ("سُلِّم" read as "سل … م"); drawn where the font draws it, it
    stays in its word, on the form and on its certificate. Words compare as Unicode text (NFC:
    a shadda and a kasra are the same in either order)."""
    notice = arabic_vawa_notice
    source = _source_text(notice.docx) + "\n" + _source_text(notice.certificate_docx)
    typed = set(ARABIC_WORD.findall(source))
    vowelled = {w for w in typed if HARAKAT.search(w)}
    assert len(vowelled) > 50 and {"سُلِّم", "الموقّع", "وُقِّع"} <= vowelled  # form, certificate
    text = unicodedata.normalize("NFC", _pdfium(arabic_vawa_notice.pdf))  # the archive's index
    letters = HARAKAT.sub("", text)
    assert sorted(w for w in typed if HARAKAT.sub("", w) not in letters) == []
    # What LibreOffice 7.4 still writes out of order: a fathatan ending a word just before a
    # full stop or comma comes after it ("مجانا.ً").
    before_punctuation = set(re.findall("([\u0621-\u065f\u0670]+اً)[.،:؛]", source))
    assert sorted(w for w in vowelled - before_punctuation if w not in text) == []
    for extract in (_pdfium, _pypdf):
        assert VOWELLED_NAME in unicodedata.normalize("NFC", extract(arabic_vawa_notice.pdf))


@pytest.mark.soffice
def test_a_latin_form_number_in_brackets_stays_whole_in_an_arabic_title(arabic_vawa_notice):
    """Left to right inside right-to-left text, "(HUD-5380)" was split from its opening
    bracket at the end of the title's line and read back as "( … )HUD-5380": between
    left-to-right marks its brackets belong to it."""
    title = "إشعار بحقوق السكن بموجب قانون مكافحة العنف ضد المرأة"
    document = Docx(io.BytesIO(arabic_vawa_notice.docx))
    assert f"{title} {LRM}(HUD-5380){LRM}" in [p.text for p in document.paragraphs]
    for extract in (_pdfium, _pypdf):
        lines = [" ".join(line.split()) for line in extract(arabic_vawa_notice.pdf).splitlines()]
        at = lines.index("(HUD-5380)")  # the title's second line, whole
        assert lines[at - 1] == title, extract.__name__
