"""Rules for the agency seal: a PAdES signature that validates with the agency's certificate,
keeps the PDF/A file as it was, and reports any change or a key from elsewhere."""

import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from docx import Document
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from forms_service.keys import ensure_seal_key
from forms_service.rendering.convert import SofficeConverter
from signatures.seal import (
    BROKEN,
    CHANGED,
    NOT_SEALED,
    UNREADABLE,
    UNTRUSTED,
    SealKeyError,
    check_seal,
    load_pkcs12_signer,
    load_signer,
    seal_pdf,
)

REASON = "Signed document CR-TEST000001, filed by Gateway Housing"
LOCATION = "1200 Market St, St. Louis, MO"
CONTACT = "records@gateway.example"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PRINT, HIDDEN = 4, 2  # annotation flags


@pytest.fixture(scope="module")
def agency(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("agency-keys")
    ensure_seal_key(folder)
    return folder


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> bytes:
    """A PDF/A-2b from the cold converter: the one conversion of this module."""
    doc = Document()
    doc.add_heading("Consent to Release Information", 1)
    doc.add_paragraph("Zoë O'Brien agrees that Gateway Housing may share her housing status.")
    docx = io.BytesIO()
    doc.save(docx)
    profile = tmp_path_factory.mktemp("lo-profile") / "profile"
    return SofficeConverter("soffice", profile).convert(docx.getvalue())


@pytest.fixture(scope="module")
def sealed(pdf, agency) -> bytes:
    signer = load_signer(agency / "seal.key", agency / "seal.crt")
    return seal_pdf(pdf, signer, reason=REASON, location=LOCATION, contact=CONTACT)


def pdfa_identification(pdf: bytes) -> tuple[str | None, str | None]:
    """pdfaid part and conformance, written as XMP elements (LibreOffice) or attributes."""
    packet = PdfReader(io.BytesIO(pdf)).root_object["/Metadata"].get_object().get_data()
    xmp = ET.fromstring(packet)  # noqa: S314 - LibreOffice's and pyHanko's output
    for description in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        part = description.get(f"{PDFAID}part") or description.findtext(f"{PDFAID}part")
        if part:
            conformance = description.get(f"{PDFAID}conformance") or description.findtext(
                f"{PDFAID}conformance"
            )
            return part, conformance
    return None, None


@pytest.mark.soffice
def test_sealed_pdf_validates_with_the_agency_certificate(pdf, sealed, agency):
    check = check_seal(sealed, agency / "seal.crt")
    assert check.ok and check.problems == []
    assert check.signer == "forms-service document seal"
    assert abs(datetime.now(UTC) - check.signed_at) < timedelta(minutes=10)

    # the same judgement from pyHanko directly, as any PAdES validator would make it
    signature = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(agency / "seal.crt"))])
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    fields = signature.sig_object
    assert fields["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7.detached
    assert (fields["/Reason"], fields["/Location"], fields["/ContactInfo"]) == (
        REASON,
        LOCATION,
        CONTACT,
    )
    assert sealed.startswith(pdf)  # an incremental update: the PDF/A file is untouched


@pytest.mark.soffice
def test_one_changed_byte_breaks_the_seal(sealed, agency):
    at = sealed.index(b"LibreOffice")  # the producer, inside the signed bytes
    tampered = sealed[:at] + b"l" + sealed[at + 1 :]

    check = check_seal(tampered, agency / "seal.crt")

    assert check.sealed and not check.intact and not check.ok
    assert BROKEN in check.problems


@pytest.mark.soffice
def test_content_added_after_sealing_breaks_the_seal(sealed, agency):
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    cover_up = generic.StreamObject(stream_data=b"1 1 1 rg 50 500 500 200 re f")
    writer.add_stream_to_page(0, writer.add_object(cover_up))
    out = io.BytesIO()
    writer.write(out)

    check = check_seal(out.getvalue(), agency / "seal.crt")

    assert check.sealed and not check.intact and check.trusted and not check.ok
    assert check.problems == [CHANGED]


@pytest.mark.soffice
def test_unsealed_pdf_is_reported_as_not_sealed(pdf, agency):
    check = check_seal(pdf, agency / "seal.crt")
    assert (check.sealed, check.intact, check.trusted, check.ok) == (False,) * 4
    assert check.problems == [NOT_SEALED]


@pytest.mark.soffice
def test_seal_from_another_agency_is_not_trusted(sealed, tmp_path):
    ensure_seal_key(tmp_path)  # same default name as ours, different key

    check = check_seal(sealed, tmp_path / "seal.crt")

    assert check.sealed and check.intact and not check.trusted and not check.ok
    assert check.problems == [UNTRUSTED]


@pytest.mark.soffice
def test_sealed_pdf_keeps_its_pdfa_identification(pdf, sealed):
    assert pdfa_identification(pdf) == ("2", "B")
    assert pdfa_identification(sealed) == ("2", "B")
    reader = PdfReader(io.BytesIO(sealed))
    (field,) = [f.get_object() for f in reader.root_object["/AcroForm"]["/Fields"]]
    assert field["/FT"] == "/Sig"
    assert [float(x) for x in field["/Rect"]] == [0, 0, 0, 0]  # invisible
    assert field["/F"] & PRINT and not field["/F"] & HIDDEN  # as PDF/A requires
    assert reader.root_object["/Perms"]["/DocMDP"] == field["/V"]  # certified: no changes


@pytest.mark.soffice
def test_seal_from_a_pkcs12_file_validates(pdf, agency, tmp_path):
    key = serialization.load_pem_private_key((agency / "seal.key").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((agency / "seal.crt").read_bytes())
    bundle = tmp_path / "seal.p12"
    bundle.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, cert, None, serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    with pytest.raises(SealKeyError):
        load_pkcs12_signer(bundle, b"wrong")

    sealed = seal_pdf(pdf, load_pkcs12_signer(bundle, b"s3cret"), reason=REASON, location="")

    assert check_seal(sealed, agency / "seal.crt").ok


def test_key_that_does_not_match_its_certificate_is_refused(agency, tmp_path):
    ensure_seal_key(tmp_path)
    with pytest.raises(SealKeyError, match="do not belong together"):
        load_signer(tmp_path / "seal.key", agency / "seal.crt")


def test_missing_key_file_is_a_clear_error(tmp_path):
    with pytest.raises(SealKeyError, match="Cannot read the seal key"):
        load_signer(tmp_path / "seal.key", tmp_path / "seal.crt")


def test_a_file_that_is_not_a_pdf_is_reported_as_unreadable(agency):
    check = check_seal(b"GIF89a not a pdf", agency / "seal.crt")
    assert not check.sealed and not check.ok
    assert check.problems[0].startswith(UNREADABLE)
