"""Render jobs reach a runner: a thread pool in the process (Celery workers on Redis, as
separate processes, are in test_scale_out.py: one run in this process loses what is sent after
it). The committed job row is the outbox, so a signed document is rendered even when the
hand-over to the runner was lost, and never filed twice."""

import os
import secrets
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from forms_service import process
from forms_service.archive.models import ArchiveRecord
from forms_service.database import utcnow
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from forms_service.rendering import queue
from forms_service.rendering.models import QUEUED_LEASE, RUN_LEASE, RenderJob
from tests.conftest import _make_app, modules_loaded_by, sign_consent

pytestmark = pytest.mark.soffice


def archived(document_id) -> bool:
    db.session.expire_all()
    return db.session.get(Document, document_id).status == DocumentStatus.ARCHIVED


def records() -> int:
    return db.session.scalar(select(func.count()).select_from(ArchiveRecord))


def wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        db.session.rollback()
        time.sleep(0.2)
    return False


def test_the_thread_pool_renders_a_signed_document_then_gives_the_heap_back(
    app, world, consent_document, monkeypatch
):
    app.config["RENDER_QUEUE"] = "threads"
    given_back = []
    monkeypatch.setattr(process, "give_back", lambda: given_back.append(True))
    document, job = sign_consent(world, consent_document)
    assert queue.enqueue(job.id).result(timeout=120) is True
    assert archived(document.id)
    assert given_back  # see tests/test_process.py


def test_a_job_whose_hand_over_was_lost_is_rendered_by_the_sweep(app, world, consent_document):
    document, job = sign_consent(world, consent_document)  # committed, never enqueued
    assert queue.sweep(older_than=timedelta(0)) == 0  # the queue's: maybe waiting its turn
    with time_machine.travel(utcnow() + QUEUED_LEASE + timedelta(seconds=1)):
        assert queue.sweep(older_than=timedelta(hours=1)) == 0  # too young: maybe on its way
        assert queue.sweep(older_than=timedelta(0)) == 1
    assert archived(document.id) and records() == 1


def test_the_sweep_sends_a_job_again_only_once_its_runner_s_claim_has_expired(
    app, world, consent_document
):
    app.config["RENDER_QUEUE"] = "threads"
    document, job = sign_consent(world, consent_document)
    job.claimed_by, job.lease_until = "other-host:4242", utcnow() + RUN_LEASE  # running there
    db.session.commit()
    assert queue.sweep(older_than=timedelta(0)) == 0

    job.lease_until = utcnow() - timedelta(seconds=1)  # that runner died mid-job
    db.session.commit()
    assert queue.sweep(older_than=timedelta(0)) == 1
    assert queue.sweep(older_than=timedelta(0)) == 0  # handed over: the queue's again
    assert wait_until(lambda: archived(document.id))
    assert records() == 1


def test_a_job_sent_twice_is_filed_once(app, world, consent_document):
    app.config["RENDER_QUEUE"] = "threads"
    document, job = sign_consent(world, consent_document)
    futures = [queue.enqueue(job.id) for _ in range(2)]
    assert [f.result(timeout=120) for f in futures] == [True, True]
    assert archived(document.id) and records() == 1
    assert db.session.get(RenderJob, job.id).attempts == 1


def test_exactly_one_scheduler_runs_and_a_new_one_runs_once_the_old_one_ended(app):
    first = queue.scheduler_lock(app.instance_path)
    assert first is not None
    assert queue.scheduler_lock(app.instance_path) is None  # a second beat, on any machine

    first.close()  # the first one ended, however it ended
    again = queue.scheduler_lock(app.instance_path)
    assert again is not None
    again.close()


def test_instances_sharing_a_database_server_each_run_their_own_scheduler(
    app, tmp_path, converter_profile
):
    """An advisory lock is the whole PostgreSQL database's: an instance in another schema of
    it (or with another SQLite file) runs a scheduler of its own beside this one's."""
    mine = queue.scheduler_lock(app.instance_path)
    assert mine is not None
    extra, schema = {}, None
    if db.engine.dialect.name == "postgresql":
        schema = f"other_instance_{secrets.token_hex(4)}"
        with db.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        options = {"connect_args": {"options": f"-c search_path={schema}"}}
        extra["SQLALCHEMY_ENGINE_OPTIONS"] = options
    url = (
        db.engine.url.render_as_string(hide_password=False)
        if schema
        else f"sqlite:///{tmp_path / 'other.db'}"
    )
    other = _make_app(tmp_path / "other", url, converter_profile, **extra)
    try:
        with other.app_context():
            theirs = queue.scheduler_lock(other.instance_path)
            assert theirs is not None, "the other instance's scheduler was refused"
            assert queue.scheduler_lock(other.instance_path) is None  # still one each
            theirs.close()
            db.engine.dispose()
        assert queue.scheduler_lock(app.instance_path) is None
    finally:
        mine.close()
        if schema:
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def test_the_web_workers_render_threads_run_below_its_page_threads(bare_app):
    """Linux gives each thread its own nice value: a render thread of a web worker yields the
    CPU to the pages and sign-ins, as the converters and Celery workers do."""

    def nice_here() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    page_thread = nice_here()
    expected = min(page_thread + queue.RUNNER_NICENESS, queue.MOST_NICE)
    assert queue.executor().submit(nice_here).result() == expected
    assert nice_here() == page_thread  # the page thread keeps its own


def test_only_a_service_on_celery_loads_celery(tmp_path):
    """5 MB in each web worker and render process of a service that renders on its machine."""
    assert "celery" not in modules_loaded_by("create_app()", tmp_path / "threads")
    on_celery = modules_loaded_by("create_app()", tmp_path / "celery", FORMS_RENDER_QUEUE="celery")
    assert "celery" in on_celery


def test_a_render_process_loads_no_library_only_the_web_or_paper_needs(tmp_path):
    """qrcode (4 MB) is for the pages that show a code, requests (with pyHanko's client for a
    timestamp authority) for a seal that asks one, pypdf (7 MB) for a paper scan: none is in a
    process that prepares and files documents."""
    code = "create_app()\nimport forms_service.rendering.prepared, forms_service.rendering.jobs"
    loaded = modules_loaded_by(code, tmp_path)
    assert "pyhanko.sign" in loaded  # the renderers are loaded
    assert not {"qrcode", "requests", "pypdf"} & loaded
