"""Seals timestamped by an RFC 3161 authority when `FORMS_TSA_URL` is set. An authority that
does not answer never silently gives a seal without one: the job is retried, and only its last
attempt files the document, marked "not timestamped" where staff see it."""

import pytest
from sqlalchemy import select

from forms_service.archive.models import ArchiveRecord, SealTimestamp
from forms_service.archive.service import verify_records
from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from forms_service.rendering.jobs import MAX_ATTEMPTS, run_job
from forms_service.rendering.models import RenderJob, RenderStatus
from forms_service.rendering.resources import seal_certificates
from signatures.seal import check_seal
from tests.conftest import archive_consent, blob_path, login, sign_consent
from tests.signatures.tsa import LocalTSA

pytestmark = pytest.mark.soffice


@pytest.fixture
def tsa(app, tmp_path):
    tsa = LocalTSA(tmp_path)
    app.config.update(TSA_URL=tsa.url, TSA_CERTIFICATE=str(tsa.root), TSA_TIMEOUT=2)
    yield tsa
    tsa.stop()


def test_a_document_filed_with_a_timestamp_authority_carries_its_time(world, consent_document, tsa):
    record = archive_consent(world, consent_document)
    assert tsa.requests >= 1 and record.seal_timestamp == SealTimestamp.TIMESTAMPED
    pdf = blob_path(record.pdf_sha256).read_bytes()
    seal = check_seal(pdf, [*seal_certificates(record.agency_id), tsa.root])
    assert seal.ok and seal.signer == world.agency.name and seal.timestamped_at is not None
    assert list(verify_records()) == []


def test_an_authority_that_does_not_answer_is_retried_then_the_record_is_marked(
    client, world, consent_document, tsa
):
    tsa.stop()
    document, job = sign_consent(world, consent_document)
    for attempt in range(1, MAX_ATTEMPTS):
        assert run_job(job.id) is False
        db.session.expire_all()
        failed = db.session.get(RenderJob, job.id)
        assert (failed.status, failed.attempts) == (RenderStatus.PENDING, attempt)
        assert "timestamp" in failed.error.lower()
    assert run_job(job.id) is True
    record = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()
    assert record.seal_timestamp == SealTimestamp.MISSING
    rendered = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.render")
    ).scalar_one()
    assert rendered.details["timestamp"] == "not timestamped"
    login(client, world.records)
    html = client.get(f"/archive/{record.id}").get_data(as_text=True)
    assert "Not timestamped: the timestamp authority did not answer" in html
