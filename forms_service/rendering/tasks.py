"""Celery, for `FORMS_RENDER_QUEUE=celery`: the app and its tasks, loaded by the processes that
send or run them (`queue.init_app` in that mode, `forms-service worker` and `beat`). A service
that renders on its own machine (threads, the default) never loads Celery: 5 MB a process."""

import uuid

from celery import Celery, Task
from flask import Flask

from .queue import loaded_jobs
from .schedule import PERIODIC, beat_schedule


class AppTask(Task):
    """Runs each task inside the Flask app the worker was created with."""

    def __call__(self, *args, **kwargs):
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


celery_app = Celery("forms_service", task_cls=AppTask)


def configure(app: Flask) -> None:
    celery_app.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_default_queue=app.config["CELERY_QUEUE"],
        task_acks_late=True,  # a worker that dies mid-job leaves it to another worker
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        beat_schedule=beat_schedule(app.config),
    )
    celery_app.flask_app = app


@celery_app.task(name="forms_service.render")
def render_task(job_id: str) -> bool:
    with loaded_jobs() as jobs:
        return jobs.run_job(uuid.UUID(job_id))


@celery_app.task(name="forms_service.prepare")
def prepare_task(document_id: str) -> bool:
    with loaded_jobs() as jobs:
        return jobs.prepare_for_signing(uuid.UUID(document_id))


# What beat sends every so often: each the very function the scheduler thread of threads mode
# calls (`schedule.PERIODIC`), under the task name beat sends.
periodic_tasks = {p.task: celery_app.task(name=p.task)(p.call) for p in PERIODIC}
