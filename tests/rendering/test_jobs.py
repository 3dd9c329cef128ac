"""Render jobs: a signed document is never lost. A conversion that fails leaves the job
pending with its error and the document signed; a later run files it exactly once."""

import pytest
from sqlalchemy import func, select

from forms_service.archive.models import ArchiveRecord
from forms_service.audit.models import AuditEvent
from forms_service.audit.service import verify_chain
from forms_service.cli import main
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from forms_service.rendering.convert import ConversionError, ConverterMissing
from forms_service.rendering.jobs import run_job, run_pending
from forms_service.rendering.models import RenderJob
from forms_service.rendering.resources import converter
from tests.conftest import sign_consent

MISSING = "/nonexistent/soffice"


def point_converter_at(app, soffice: str) -> None:
    app.config["SOFFICE"] = soffice
    app.extensions.pop("forms_converter", None)


def records() -> int:
    return db.session.execute(select(func.count()).select_from(ArchiveRecord)).scalar_one()


@pytest.mark.soffice
def test_a_failed_conversion_loses_nothing_and_a_later_run_archives_it_once(
    app, world, consent_document
):
    real = app.config["SOFFICE"]
    document, job = sign_consent(world, consent_document)
    job_id, document_id = job.id, document.id

    point_converter_at(app, MISSING)
    assert run_job(job_id) is False
    db.session.expire_all()
    job = db.session.get(RenderJob, job_id)
    assert (job.status, job.attempts) == ("pending", 1)
    assert MISSING in job.error and job.finished_at is None
    document = db.session.get(Document, document_id)
    assert document.status == DocumentStatus.SIGNED
    assert all(s.signature_png for s in document.signers)  # the signatures are kept
    assert records() == 0
    failed = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.render_failed")
    ).scalar_one()
    assert failed.object_id == str(document_id) and MISSING in failed.details["error"]

    point_converter_at(app, real)
    assert run_pending() == (1, 0)
    db.session.expire_all()
    job = db.session.get(RenderJob, job_id)
    assert (job.status, job.attempts, job.error) == ("done", 2, None)
    assert db.session.get(Document, document_id).status == DocumentStatus.ARCHIVED
    assert records() == 1

    assert run_pending() == (0, 0)  # nothing left: a second run files nothing again
    assert run_job(job_id) is True
    assert records() == 1
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_id == str(document_id))
    ).scalars()
    assert sorted(a for a in actions if a.startswith("document.render")) == [
        "document.render",
        "document.render_failed",
    ]
    assert list(verify_chain()) == []


def test_a_job_that_keeps_failing_stops_being_retried_after_three_attempts(
    app, world, consent_document
):
    _, job = sign_consent(world, consent_document)
    job_id = job.id
    point_converter_at(app, MISSING)
    assert run_pending() == (0, 1)
    assert run_pending() == (0, 1)
    assert run_pending() == (0, 1)
    assert run_pending() == (0, 0)
    db.session.expire_all()
    job = db.session.get(RenderJob, job_id)
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.document.status == DocumentStatus.SIGNED


@pytest.mark.soffice
def test_render_pending_retry_failed_files_a_job_that_had_given_up(app, world, consent_document):
    real = app.config["SOFFICE"]
    _, job = sign_consent(world, consent_document)
    job_id = job.id
    point_converter_at(app, MISSING)
    for _ in range(3):
        run_job(job_id)
    point_converter_at(app, real)
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["render-pending"]).output == "rendered 0, failed 0\n"
    result = runner.invoke(main, ["render-pending", "--retry-failed"])
    assert (result.exit_code, result.output) == (0, "rendered 1, failed 0\n")
    db.session.expire_all()
    assert db.session.get(RenderJob, job_id).status == "done" and records() == 1


def test_a_missing_converter_names_the_debian_package_to_install(bare_app):
    point_converter_at(bare_app, MISSING)
    with pytest.raises(ConverterMissing) as missing:
        converter().check()
    message = str(missing.value)
    assert MISSING in message and "libreoffice-writer-nogui" in message
    assert isinstance(missing.value, ConversionError)  # so a render job catches it
    with pytest.raises(ConverterMissing):
        converter().convert(b"PK not really a docx")


def test_a_render_machine_without_the_agency_s_key_fails_the_job_instead_of_making_its_own(
    app, world, consent_document, tmp_path
):
    document, job = sign_consent(world, consent_document)
    app.config["SEAL_KEY_DIR"] = str(tmp_path / "keys-of-another-machine")
    app.extensions.pop("forms_agency_seals", None)
    assert not run_job(job.id)
    db.session.expire_all()
    failed = db.session.get(RenderJob, job.id)
    assert "needs the instance's keys folder (FORMS_SEAL_KEY_DIR)" in failed.error
    assert not (tmp_path / "keys-of-another-machine").exists()
    assert records() == 0
