"""A St. Louis agency's signed PDFs say St. Louis times, with the zone named, in the
document's language: on the signature lines and in the audit certificate."""

import subprocess
from datetime import UTC, datetime

import pytest
import time_machine

from forms_service.extensions import db
from tests.conftest import archive_consent, blob_path

SIGNED = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)  # 9:30 a.m. in St. Louis


def pdf_text(sha256: str) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(blob_path(sha256)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


@pytest.mark.soffice
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "December 5, 2026, 9:30 AM CST"),
        ("es", "5 de diciembre de 2026, 9:30 hora estándar central"),
    ],
)
def test_a_signed_pdf_and_its_certificate_show_the_agencys_time(
    world, consent_document, language, shown
):
    world.client.preferred_language = language
    db.session.commit()
    with time_machine.travel(SIGNED):
        record = archive_consent(world, consent_document)
    text = pdf_text(record.pdf_sha256)
    # each signer's line on the form, each signature and event in the certificate
    assert text.count(shown) >= 4, text[-1500:]
    assert "UTC" not in text and "15:30" not in text
    if language == "es":
        assert " at " not in text
