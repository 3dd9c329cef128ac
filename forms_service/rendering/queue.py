"""Where render jobs run. The job row is the outbox: it is committed with the last signature,
so a signed document always gets rendered, even if the process dies before handing the job
to a runner; `sweep` hands over every job left pending.

- `inline`: in the request, after commit (tests, tiny installs).
- `threads` (default): a thread pool in front of the converter pool, in the render process of
  gunicorn's master (`local.py`; the web workers hand their jobs to it) or, without one, in
  this process; the scheduler thread (`schedule.py`) runs the sweep and the other periodic
  work.
- `celery`: Celery on Redis, to `forms-service worker` processes on other machines, and one
  `forms-service beat` that sends the periodic work of `schedule.PERIODIC` (a second one
  refuses to run).
"""

import fcntl
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from types import ModuleType

from flask import Flask, current_app
from sqlalchemy import delete, or_, select, text, update

from .. import process
from ..archive.copies import records_missing_copy
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..extensions import db
from . import local
from .models import QUEUE, QUEUED_LEASE, PreparedRender, RenderJob, RenderStatus

_executor_lock = threading.Lock()


def init_app(app: Flask) -> None:
    mode = app.config["RENDER_QUEUE"]
    if mode not in ("inline", "threads", "celery"):
        raise RuntimeError(f"FORMS_RENDER_QUEUE must be inline, threads or celery, not {mode!r}")
    if mode == "celery":
        from .tasks import configure

        configure(app)


@contextmanager
def loaded_jobs() -> Iterator[ModuleType]:
    """The jobs, loaded by a process that runs them: a web worker that hands them to Celery
    never loads the libraries they fill, draw and seal documents with (60 MB). Each runs as a
    `process.job`: what it leaves goes back to the system."""
    from . import jobs

    with process.job():
        yield jobs


def _run_in_app(app: Flask, job_id: uuid.UUID) -> bool:
    with app.app_context(), loaded_jobs() as jobs:
        return jobs.run_job(job_id)


def files_here() -> bool:
    """Whether this process renders and files the documents signed in it (inline, threads),
    rather than a Celery worker or the render process of gunicorn's master (`local.py`)."""
    config = current_app.config
    return config["RENDER_QUEUE"] != "celery" and not config["RENDER_PROCESS"]


def enqueue(job_id: uuid.UUID) -> Future | None:
    """Hand a committed job to the configured runner."""
    mode = current_app.config["RENDER_QUEUE"]
    if mode == "inline":
        with loaded_jobs() as jobs:
            jobs.run_job(job_id)
        return None
    if mode == "celery":
        from .tasks import render_task

        render_task.delay(str(job_id))
        return None
    if local.hand_over(local.RENDER, job_id):
        return None
    return executor().submit(_run_in_app, current_app._get_current_object(), job_id)


def prepare_soon(document_id: uuid.UUID) -> None:
    """Convert a form just sent for signature in the background (`prepare_for_signing`),
    never ahead of a signed document's render: a hundred forms sent at once must not keep
    one just signed waiting. In threads, one thread of its own does it (the render threads
    keep the other converters); on Celery, a queue of its own that the workers also take."""
    mode = current_app.config["RENDER_QUEUE"]
    if not current_app.config["PREPARE_BEFORE_SIGNING"] or mode == "inline":
        return
    if mode == "celery":
        from .tasks import prepare_task

        prepare_task.apply_async([str(document_id)], queue=prepare_queue(current_app.config))
        return
    if local.hand_over(local.PREPARE, document_id):
        return
    prepare_thread().submit(_prepare_in_app, current_app._get_current_object(), document_id)


def prepare_queue(config) -> str:
    return f"{config['CELERY_QUEUE']}.prepare"


def _prepare_in_app(app: Flask, document_id: uuid.UUID) -> bool:
    with app.app_context(), loaded_jobs() as jobs:
        return jobs.prepare_for_signing(document_id)


def prepare_thread() -> ThreadPoolExecutor:
    """This process's thread for forms to convert before their signatures."""
    return _threads("forms_prepare_thread", 1)


def executor() -> ThreadPoolExecutor:
    """This process's runner threads (render jobs, outgoing messages)."""
    return _threads("forms_render_threads", current_app.config["RENDER_THREADS"])


def _threads(name: str, count: int) -> ThreadPoolExecutor:
    with _executor_lock:  # created on first use: the CLI and workers never start threads
        threads = current_app.extensions.get(name)
        if threads is None:
            threads = current_app.extensions[name] = ThreadPoolExecutor(
                max_workers=count, thread_name_prefix="render", initializer=below_the_pages
            )
    return threads


RUNNER_NICENESS = 10


def below_the_pages() -> None:
    """A runner thread yields the CPU to the web worker's other threads and processes, as the
    converters and Celery workers do: Linux gives each thread its own nice value, raised here
    by RUNNER_NICENESS from the worker's own (as `nice` does; never lowered, which needs
    privileges)."""
    thread = threading.get_native_id()
    niceness = os.getpriority(os.PRIO_PROCESS, thread) + RUNNER_NICENESS
    os.setpriority(os.PRIO_PROCESS, thread, min(niceness, MOST_NICE))


MOST_NICE = 19


SWEEP_COPIES_FOR = timedelta(days=1)


def sweep(older_than: timedelta = timedelta(seconds=30)) -> int:
    """Hand over every pending job older than `older_than` whose claim has expired (its
    hand-over was lost, or its runner died; one waiting in the queue or running is left alone),
    and file the English copies still missing that long after their original. The jobs are
    claimed for the queue in the statement that finds them, so two sweeps never send one job
    twice."""
    now = utcnow()
    ids = (
        db.session.execute(
            update(RenderJob)
            .where(
                RenderJob.status == RenderStatus.PENDING,
                RenderJob.created_at <= now - older_than,
                or_(RenderJob.lease_until.is_(None), RenderJob.lease_until < now),
            )
            .values(claimed_by=QUEUE, lease_until=now + QUEUED_LEASE)
            .returning(RenderJob.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    # forms converted for signatures that will not come (voided, expired, declined)
    waiting = select(Document.id).where(
        Document.status.in_([DocumentStatus.SIGNING, DocumentStatus.SIGNED])
    )
    db.session.execute(delete(PreparedRender).where(PreparedRender.document_id.not_in(waiting)))
    db.session.commit()
    for job_id in ids:
        enqueue(job_id)
    # English copies whose rendering failed in the last day: retried here, in turn (older ones,
    # and a backfill after an agency turns copies on, are `render-pending`'s)
    missing = records_missing_copy(utcnow() - older_than, utcnow() - SWEEP_COPIES_FOR)
    for record_id in missing:
        with loaded_jobs() as jobs:
            jobs.file_english_copy(record_id)
    return len(ids) + len(missing)


SCHEDULER_LOCK = 7_310_417  # PostgreSQL advisory lock key of the one scheduler, per schema


def scheduler_lock(instance_path: str):
    """The lock the one scheduler holds for as long as it runs, or None when another holds
    it: a PostgreSQL advisory lock on its own connection (one for every machine sharing the
    instance's schema: an advisory lock is the whole database's, and two instances, or two
    test workers, may each have a schema of it), or a file lock beside a SQLite database.
    Either ends with its holder, however it ends, so a scheduler killed and started again
    runs, and two never do."""
    if db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()
        connection.detach()  # closed for real, never back to the pool with the lock
        held = connection.execute(
            text("SELECT pg_try_advisory_lock(:key, hashtext(current_schema()))"),
            {"key": SCHEDULER_LOCK},
        )
        if held.scalar():
            connection.commit()  # the lock is the session's: it outlives this transaction
            return connection
        connection.close()
        return None
    handle = open(f"{instance_path}/scheduler.lock", "a")  # noqa: SIM115 (held while it runs)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle
