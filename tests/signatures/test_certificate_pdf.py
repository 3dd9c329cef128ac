"""Rules for the audit certificate drawn as PDF pages (no LibreOffice): the same facts as the
DOCX certificate, literal text, nothing cut off, fonts embedded, Arabic shaped and read back as
the words it was given, pages numbered after the form's."""

import io
import re
import subprocess
from dataclasses import replace

import pytest
from PIL import Image
from pypdf import PdfReader

from signatures.certificate import NO_EVENTS, NO_IMAGE
from signatures.certificate_pdf import certificate_pdf
from signatures.pages import PT
from tests.signatures.test_certificate import (
    DOCUMENT_ID,
    LONG_DETAIL,
    certificate_data,
    signature_png,
)

ARABIC = {
    "Audit certificate": "شهادة التدقيق",
    "Role": "الصفة",
    "Event trail": "سجل الأحداث",
    "Client: %(name)s": "العميل: %(name)s",
}
# with lam-alef, a ligature of two letters drawn as one glyph
ARABIC_NAME = "مريم العلي الإشعار سلام"


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def data():
    return certificate_data(b"signed content")


@pytest.fixture(scope="module")
def pdf(data) -> bytes:
    return certificate_pdf(data, pages_before=3)


def test_certificate_pages_name_every_signer_and_both_hashes(data, pdf):
    text = flat("\n".join(texts(pdf)))
    assert "Audit certificate" in text
    assert "This page records how and when this document was signed." in text
    for value in (DOCUMENT_ID, data.content_sha256, data.template_sha256, "Gateway Housing"):
        assert value in text
    for signer in data.signers:
        for value in (signer.role, signer.method, signer.signed_at, signer.ip):
            assert value in text, value
        assert signer.identity_check in text
        assert flat(signer.user_agent) in text
    assert data.signers[0].ink_sha256 in text
    assert NO_IMAGE in text  # the staff signer drew nothing
    for event in data.events:
        assert event.action in text


def test_certificate_values_are_literal_text(pdf):
    text = flat("\n".join(texts(pdf)))
    assert 'Signer 1 of 2: Zoë O\'Brien <b>bold</b> & {{ x }} {% if %} "quoted"' in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


def test_value_taller_than_a_page_flows_on_without_losing_a_word(pdf):
    words = re.findall(r"w\d{4}", "\n".join(texts(pdf)))
    assert sorted(words) == sorted(LONG_DETAIL.split())


def test_pages_are_numbered_after_the_forms_pages(pdf):
    pages = texts(pdf)
    total = 3 + len(pages)
    assert f"Page 4 of {total}" in pages[0]
    assert f"Page {total} of {total}" in pages[-1]
    assert all("Client: Zoë O'Brien" in page for page in pages)  # the running header


def test_a_certificate_without_events_says_so(data):
    text = "\n".join(texts(certificate_pdf(replace(data, events=[]))))
    assert NO_EVENTS in text


def test_every_font_is_embedded(pdf):
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]


def test_signature_image_fits_40_by_14_mm_keeping_its_shape(data):
    wide, squat = signature_png(800, 150, loops=6), signature_png(200, 180, loops=1)
    signers = [replace(data.signers[0], signature_png=png) for png in (wide, squat)]
    pdf = certificate_pdf(replace(data, signers=signers, events=[]))
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)
    placed = re.findall(rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm /I\d+ Do", content)
    assert len(placed) == 2
    for (width, height), png in zip(placed, (wide, squat), strict=True):
        w_mm, h_mm = float(width) * PT, float(height) * PT
        w_px, h_px = Image.open(io.BytesIO(png)).size
        assert w_mm <= 40.01 and h_mm <= 14.01
        assert w_mm >= 39.9 or h_mm >= 13.9  # as large as fits
        assert w_mm / h_mm == pytest.approx(w_px / h_px, rel=0.01)


@pytest.fixture(scope="module")
def arabic_pdf(data) -> bytes:
    arabic = replace(data, client_name=ARABIC_NAME, events=data.events[:2])
    return certificate_pdf(arabic, lambda s: ARABIC.get(s, s), right_to_left=True)


def test_an_arabic_certificate_reads_back_as_its_words_with_pypdf(arabic_pdf):
    words = set(flat(texts(arabic_pdf)[0]).split())
    assert set(["شهادة", "التدقيق", "الصفة"]) <= words
    assert set(ARABIC_NAME.split()) <= words


def test_an_arabic_certificate_reads_back_as_its_words_with_pdftotext(arabic_pdf, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(arabic_pdf)
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    words = set(re.sub("[\u200e\u200f\u202a-\u202e]", "", text).split())
    assert set(["شهادة", "التدقيق", "الصفة"]) <= words
    assert set(ARABIC_NAME.split()) <= words


def test_an_arabic_certificate_starts_its_tables_on_the_right(arabic_pdf):
    """The label column (shaded, "الصفة") is drawn right of its value."""
    page = PdfReader(io.BytesIO(arabic_pdf)).pages[0]
    seen = {}

    def at(text, cm, tm, font, size):
        if text.strip() in ("الصفة", "Client"):
            seen[text.strip()] = tm[4]

    page.extract_text(visitor_text=at)
    assert seen["الصفة"] > page.mediabox.width / 2
