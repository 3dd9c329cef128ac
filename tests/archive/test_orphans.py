"""A render killed after storing its files but before its commit leaves blobs no record
names: `verify` names them, and the periodic sweep deletes them after the grace period, never
a record's file and never one a render still running may have stored."""

from datetime import timedelta

import time_machine
from flask import current_app
from sqlalchemy import select

from forms_service.archive.orphans import sweep_unreferenced, unreferenced
from forms_service.archive.service import blob_store
from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.rendering.models import RUN_LEASE, RenderJob, RenderStatus
from tests.archive.conftest import tiny_pdf


def _killed_render() -> list[str]:
    """What a render stores before it files: its DOCX and PDF, never committed."""
    store = blob_store()
    return sorted([store.put(b"PK\x03\x04 a docx never filed"), store.put(tiny_pdf(1, "lost"))])


def test_a_killed_renders_files_are_named_by_verify_then_swept_after_the_grace(world, make_record):
    record = make_record()
    left = _killed_render()
    grace = current_app.config["UNREFERENCED_GRACE_HOURS"]
    assert unreferenced() == []  # a render may still be storing them
    with time_machine.travel(utcnow() + RUN_LEASE + timedelta(seconds=1)):
        named = unreferenced()
        assert sorted(u.sha256 for u in named) == left
        assert "UNREFERENCED" in str(named[0]) and "named by no record" in str(named[0])
        assert sweep_unreferenced() == 0  # within the grace period: kept
    with time_machine.travel(utcnow() + timedelta(hours=grace, seconds=1)):
        assert sweep_unreferenced() == 2
        assert unreferenced() == []
    store = blob_store()
    assert not any(store.exists(sha256) for sha256 in left)
    assert store.exists(record.pdf_sha256) and store.exists(record.docx_sha256)
    db.session.expire_all()
    deleted = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "archive.unreferenced_deleted")
    ).all()
    assert sorted(e.details["sha256"] for e in deleted) == left


def test_files_stored_since_a_running_render_began_are_left_alone(app, world, consent_document):
    app.config["UNREFERENCED_GRACE_HOURS"] = 0
    document = consent_document()
    claimed = utcnow()
    job = RenderJob(document_id=document.id, claimed_by="host:1", lease_until=claimed + RUN_LEASE)
    db.session.add(job)
    db.session.commit()
    left = _killed_render()
    with time_machine.travel(claimed + RUN_LEASE - timedelta(seconds=5)):
        assert unreferenced() == [] and sweep_unreferenced() == 0  # the job still runs
    job.status = RenderStatus.FAILED  # its runner gave up on it: nobody will file them
    db.session.commit()
    with time_machine.travel(claimed + RUN_LEASE + timedelta(seconds=5)):
        assert sweep_unreferenced() == len(left)
