"""Rules for the audit certificate drawn as PDF pages of its own (no LibreOffice): it says all
the DOCX certificate says, every value literal, its fonts embedded, its pages numbered."""

import io
import re
from dataclasses import replace

import pytest
from PIL import Image
from pypdf import PdfReader

from forms_service.archive.fulltext import pdf_text
from signatures.certificate import NO_EVENTS, NO_IMAGE, TrailEvent
from signatures.certificate_pdf import can_draw, certificate_pdf
from tests.signatures.test_certificate import (
    CLIENT_UA,
    CONTROL,
    LONG_DETAIL,
    certificate_data,
    signature_png,
)

# What a user may type that is markup to ReportLab, XML or Jinja, in letters the fonts have.
LITERAL = '<b>bold</b> & <font name="x">{{ x }}</font> {% if %} "quoted" Ωμέγα Щ ß'


@pytest.fixture(scope="module")
def data():
    """The DOCX certificate's test data with the user-typed text the fonts can draw."""
    base = certificate_data(b"content")
    client, staff = base.signers
    return replace(
        base,
        client_name="Zoë O'Brien " + LITERAL,
        signers=[replace(client, name="Zoë O'Brien " + LITERAL + CONTROL), staff],
        events=[
            *base.events[:2],
            TrailEvent("2026-11-25 10:42:07 UTC", "Zoë O'Brien", "Signed", LITERAL + CONTROL),
            *base.events[3:],
        ],
    )


@pytest.fixture(scope="module")
def pdf(data) -> bytes:
    return certificate_pdf(data)


def text(pdf: bytes) -> str:
    """The pages' text as the archive's index reads it, each run of spaces one space."""
    return " ".join(pdf_text(pdf).split())


def test_the_drawn_certificate_names_every_signer_and_both_hashes(data, pdf):
    words = text(pdf)
    assert "Audit certificate" in words
    assert "This page records how and when this document was signed." in words
    for value in (data.document_id, data.content_sha256, data.template_sha256, data.agency):
        assert value in words
    for signer in data.signers:
        for value in (signer.role, signer.method, signer.signed_at, signer.ip):
            assert value in words, value
        assert signer.identity_check in words
    assert " ".join(CLIENT_UA.split()) in words.replace("- ", "-")
    assert data.signers[0].ink_sha256 in words
    assert NO_IMAGE in words  # the staff signer drew nothing
    for event in data.events:
        assert event.action in words


def test_what_a_user_typed_comes_out_literally_never_as_markup(pdf):
    words = text(pdf)
    assert f"Signer 1 of 2: Zoë O'Brien {LITERAL}" in words
    assert f"Client Zoë O'Brien {LITERAL}" in words
    assert "\x00" not in words and "\x0b" not in words


def test_a_detail_taller_than_a_page_is_split_across_pages_and_no_word_is_lost(pdf):
    words = text(pdf)
    assert re.findall(r"w\d{4}", words) == LONG_DETAIL.split()


def test_every_page_has_the_documents_header_and_its_number_among_the_certificates(data, pdf):
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert data.agency in page and f"Document {data.document_id}" in page
        assert f"Audit certificate, page {number} of {len(pages)}" in " ".join(page.split())


def test_its_fonts_are_embedded_as_pdfa_requires(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font["/FontDescriptor"].get_object()
    assert fonts and all("/FontFile2" in descriptor for descriptor in fonts.values()), fonts


def test_a_drawn_signature_is_an_image_on_its_signers_page(data, pdf):
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1  # the client drew; the staff member signed without drawing
    ink = Image.open(io.BytesIO(data.signers[0].signature_png))
    assert images[0].image.size == ink.size  # as drawn: the page scales it to its box


def test_a_trail_without_events_says_so(data):
    assert NO_EVENTS in text(certificate_pdf(replace(data, events=[])))


def test_the_same_data_gives_the_same_bytes(data, pdf):
    assert certificate_pdf(data) == pdf


def test_right_to_left_letters_or_letters_the_fonts_lack_go_through_libreoffice(data):
    assert can_draw(data)
    assert not can_draw(replace(data, client_name="مريم حداد"))  # Arabic
    assert not can_draw(replace(data, client_name="דוד"))  # Hebrew: in the font, but RTL
    assert not can_draw(replace(data, events=[TrailEvent("t", "a", "b", "🏠")]))
    assert not can_draw(replace(data, signers=[replace(data.signers[0], user_agent="中文")]))
    assert can_draw(
        replace(data, signers=[replace(data.signers[0], signature_png=signature_png())])
    )
