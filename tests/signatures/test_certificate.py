"""Rules for the audit certificate: a page of its own at the end of the signed document that
names every signer, how and when they signed, and the hashes, all as literal text."""

import hashlib
import io
import json
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image
from pypdf import PdfReader

from forms_service.forms import get_form_type
from forms_service.rendering.convert import SofficeConverter
from forms_service.rendering.resources import RenderInput, SignerInfo
from forms_service.rendering.service import render_docx
from forms_service.rendering.templates import TemplateStore
from signatures.certificate import (
    NO_EVENTS,
    NO_IMAGE,
    CertificateData,
    SignatureEvidence,
    TrailEvent,
    append_certificate,
    set_metadata,
)
from signatures.ink import parse_ink, render_png

TEMPLATES = Path(__file__).resolve().parents[2] / "form_templates"
NASTY = '<b>bold</b> & {{ x }} {% if %} "quoted" مريم 🏠'
CONTROL = "\x00\x0b\x1f"  # characters XML 1.0 cannot hold
DOCUMENT_ID = "CR-TEST000001"
CLIENT_UA = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
# taller than a page in its table cell: numbered words, so a lost line shows
LONG_DETAIL = " ".join(f"w{i:04d}" for i in range(1000))
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature_png(width: int = 600, height: int = 200, loops: int = 3) -> bytes:
    """A drawn wave rendered the way the app renders ink."""
    points = [
        [
            40 + i * (width - 80) / 99,
            height / 2 + height / 4 * math.sin(i / 99 * loops * 6.3),
            i,
            0.5,
        ]
        for i in range(100)
    ]
    ink = parse_ink(json.dumps({"v": 1, "width": width, "height": height, "strokes": [points]}))
    return render_png(ink)


def rendered_consent() -> bytes:
    store = TemplateStore(TEMPLATES)
    version = store.current("consent_release")
    inp = RenderInput(
        form_type="consent_release",
        language="en",
        reference=DOCUMENT_ID,
        created_on=date(2026, 11, 25),
        agency_name="Gateway Housing",
        agency_address="1200 Market St",
        agency_phone="(314) 555-0100",
        client_name="Zoë O'Brien",
        client_date_of_birth=date(1985, 3, 4),
        case_number="C-2026-0001",
        data=get_form_type("consent_release").example(),
        signers=[SignerInfo("Client", "Zoë O'Brien"), SignerInfo("Case manager", "Sam Okafor")],
    )
    return render_docx(store.load(version, "en"), inp, version)


def certificate_data(content: bytes) -> CertificateData:
    return CertificateData(
        document_id=DOCUMENT_ID,
        title="Consent to Release Information",
        agency="Gateway Housing",
        form_type="consent_release",
        template_version="1",
        content_sha256=sha(content),
        template_sha256=sha(b"template"),
        client_name="Zoë O'Brien " + NASTY,
        signers=[
            SignatureEvidence(
                name="Zoë O'Brien " + NASTY + CONTROL,
                role="Client",
                method="In person on a tablet",
                signed_at="2026-11-25 10:42:07 UTC",
                ip="203.0.113.7",
                user_agent=CLIENT_UA,
                identity_check="Photo ID checked in person by Sam Okafor",
                ink_sha256=sha(b"client ink"),
                signature_png=signature_png(),
            ),
            SignatureEvidence(
                name="Sam Okafor",
                role="Case manager",
                method="Staff sign-in",
                signed_at="2026-11-25 10:45:51 UTC",
                ip="2001:db8:85a3::8a2e:370:7334",
                user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                identity_check="Signed in with password and second factor",
                ink_sha256="",
                signature_png=None,
            ),
        ],
        events=[
            TrailEvent("2026-11-25 10:30:00 UTC", "Sam Okafor", "Created", "Draft from case"),
            TrailEvent("2026-11-25 10:31:12 UTC", "Sam Okafor", "Sent for signature", "Tablet"),
            TrailEvent("2026-11-25 10:42:07 UTC", "Zoë O'Brien", "Signed", NASTY + CONTROL),
            TrailEvent("2026-11-25 10:43:30 UTC", "Sam Okafor", "Noted", LONG_DETAIL),
            TrailEvent("2026-11-25 10:45:51 UTC", "Sam Okafor", "Countersigned", ""),
        ],
    )


def certified_docx(docx: bytes, data: CertificateData) -> bytes:
    """The DOCX with the certificate appended, as bytes again."""
    doc = Document(io.BytesIO(docx))
    append_certificate(doc, data)
    return saved(doc)


def with_metadata(docx: bytes, **properties) -> bytes:
    doc = Document(io.BytesIO(docx))
    set_metadata(doc, **properties)
    return saved(doc)


def saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def consent() -> bytes:
    return rendered_consent()


@pytest.fixture(scope="module")
def certified(consent) -> bytes:
    docx = certified_docx(consent, certificate_data(consent))
    return with_metadata(
        docx,
        title="Consent to Release Information",
        author="Gateway Housing",
        subject="Consent to release information, template version 1",
        keywords=f"{DOCUMENT_ID}, consent_release",
        identifier=DOCUMENT_ID,
    )


@pytest.fixture(scope="module")
def certified_pdf(certified, tmp_path_factory) -> bytes:
    """The one conversion of this module, with the cold converter: framework-free, no pool."""
    profile = tmp_path_factory.mktemp("lo-profile") / "profile"
    return SofficeConverter("soffice", profile).convert(certified)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").decode()


@pytest.mark.soffice
def test_certificate_page_names_every_signer_and_both_hashes(consent, certified_pdf):
    data = certificate_data(consent)
    text = flat("\n".join(page_texts(certified_pdf)))
    assert "Audit certificate" in text
    assert "This page records how and when this document was signed." in text
    for value in (DOCUMENT_ID, data.content_sha256, data.template_sha256, "Gateway Housing"):
        assert value in text
    for signer in data.signers:
        for value in (signer.role, signer.method, signer.signed_at, signer.ip):
            assert value in text, value
        assert signer.identity_check in text
        assert flat(signer.user_agent) in text
    assert "Zoë O'Brien <b>bold</b> & {{ x }} {% if %}" in text
    assert "Sam Okafor" in text
    assert data.signers[0].ink_sha256 in text
    assert NO_IMAGE in text  # the staff signer drew nothing
    for event in data.events:
        assert event.action in text


@pytest.mark.soffice
def test_certificate_starts_on_a_page_of_its_own(certified_pdf):
    pages = page_texts(certified_pdf)
    first = next(i for i, page in enumerate(pages) if "Audit certificate" in page)
    assert first >= 2  # the consent itself comes first, whole
    before_heading = pages[first][: pages[first].index("Audit certificate")]
    # only the running header stands above the heading: every page starts the same way
    assert pages[1].startswith(before_heading)
    assert "Audit certificate" not in "".join(pages[:first])


@pytest.mark.soffice
def test_certified_pdf_is_one_pdfa_document_carrying_its_metadata(certified_pdf):
    reader = PdfReader(io.BytesIO(certified_pdf))
    info = reader.metadata
    assert info["/Title"] == "Consent to Release Information"
    assert info["/Author"] == "Gateway Housing"
    assert info["/Subject"] == "Consent to release information, template version 1"
    assert DOCUMENT_ID in info["/Keywords"]
    packet = reader.root_object["/Metadata"].get_object().get_data()
    xmp = ET.fromstring(packet)  # noqa: S314 - LibreOffice's output for our own document
    assert xmp.findtext(f".//{PDFAID}part") == "2"
    assert xmp.findtext(f".//{PDFAID}conformance") == "B"
    assert [li.text for li in xmp.iter(f"{RDF}li")][:1] == ["Consent to Release Information"]


@pytest.mark.soffice
def test_value_taller_than_a_page_flows_on_without_losing_a_word(certified_pdf):
    words = set(re.findall(r"w\d{4}", "\n".join(page_texts(certified_pdf))))
    assert words == set(LONG_DETAIL.split())


def test_only_short_rows_are_kept_whole_so_no_long_value_is_cut_off(certified):
    # LibreOffice cuts off the text of an unsplittable table row that runs past a page (seen
    # with a 4,000-character event detail), so only rows that surely fit are kept whole.
    doc = Document(io.BytesIO(certified))
    rows = {row.cells[-1].text: row for table in doc.tables for row in table.rows}
    assert not kept_whole(rows[LONG_DETAIL])
    assert kept_whole(rows["Tablet"])


def kept_whole(row) -> bool:
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:cantSplit")) is not None


def test_certificate_values_are_literal_text(certified):
    xml = document_xml(certified)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; {{ x }} {% if %}" in xml
    assert "مريم 🏠" in xml
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
    paragraphs = [p.text for p in Document(io.BytesIO(certified)).paragraphs]
    assert "Signer 1 of 2: Zoë O'Brien " + NASTY in paragraphs


def test_certificate_heading_is_not_numbered_as_a_form_section(certified):
    doc = Document(io.BytesIO(certified))
    heading = next(p for p in doc.paragraphs if p.text == "Audit certificate")
    assert heading.style.name == "Heading 1"
    assert heading.paragraph_format.page_break_before
    assert heading._p.pPr.numPr.numId.val == 0


def test_signature_image_fits_40_by_14_mm_keeping_its_shape(consent):
    wide, squat = signature_png(800, 150, loops=6), signature_png(200, 180, loops=1)
    data = certificate_data(consent)
    signers = [replace(data.signers[0], signature_png=png) for png in (wide, squat)]
    docx = certified_docx(consent, replace(data, signers=signers))
    shapes = list(Document(io.BytesIO(docx)).inline_shapes)[-2:]
    for shape, png in zip(shapes, (wide, squat), strict=True):
        assert shape.width <= Mm(40) + 1 and shape.height <= Mm(14) + 1
        assert Mm(40) - 1 <= shape.width or Mm(14) - 1 <= shape.height  # as large as fits
        w, h = Image.open(io.BytesIO(png)).size
        assert shape.width / shape.height == pytest.approx(w / h, rel=0.01)


def test_certificate_works_without_the_templates_heading_and_table_styles():
    doc = Document()
    styles = doc.styles.element
    for style in list(styles):
        name = style.find("{*}name")
        if name is not None and name.get(next(iter(name.attrib))) in {
            "heading 1",
            "heading 2",
            "Table Grid",
        }:
            styles.remove(style)
    doc.add_paragraph("A form without the usual styles.")
    bare = io.BytesIO()
    doc.save(bare)
    data = replace(certificate_data(bare.getvalue()), events=[])

    out = Document(io.BytesIO(certified_docx(bare.getvalue(), data)))

    heading = next(p for p in out.paragraphs if p.text == "Audit certificate")
    assert heading.runs[0].bold
    cells = {cell.text for table in out.tables for row in table.rows for cell in row.cells}
    assert {DOCUMENT_ID, data.content_sha256, NO_EVENTS} <= cells


def test_metadata_is_set_as_core_properties(consent):
    long_title = "T" * 300
    docx = with_metadata(
        consent,
        title=long_title,
        author="Gateway & <Housing>" + CONTROL,
        subject="Consent",
        keywords=DOCUMENT_ID,
        identifier=DOCUMENT_ID,
    )
    props = Document(io.BytesIO(docx)).core_properties
    assert props.title == long_title[:255]
    assert props.author == "Gateway & <Housing>"
    assert (props.keywords, props.identifier) == (DOCUMENT_ID, DOCUMENT_ID)


def test_a_right_to_left_certificate_speaks_its_language_and_reads_right_to_left(consent):
    words = {"Audit certificate": "شهادة التدقيق", "Role": "الصفة"}
    doc = Document(io.BytesIO(consent))
    before = len(doc.paragraphs)
    append_certificate(
        doc, certificate_data(consent), lambda s: words.get(s, s), right_to_left=True
    )
    out = Document(io.BytesIO(saved(doc)))

    added = out.paragraphs[before:]
    assert added[0].text == "شهادة التدقيق"
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in added)
    assert out.paragraphs[before - 1]._p.pPr is None or (
        out.paragraphs[before - 1]._p.pPr.find(qn("w:bidi")) is None  # the form is untouched
    )
    certificate_tables = out.tables[-(2 + len(certificate_data(consent).signers)) :]
    for table in certificate_tables:
        assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    labels = [row.cells[0].text for table in certificate_tables for row in table.rows]
    assert "الصفة" in labels
    bold = [r for t in certificate_tables for c in t.columns[0].cells for r in c.paragraphs[0].runs]
    assert bold and all(r._r.rPr.find(qn("w:bCs")) is not None for r in bold)
