"""The periodic work, listed once: Celery beat sends it under `FORMS_RENDER_QUEUE=celery`; in
the default threads mode the render process (`local.py`; without one, each web process) runs
a scheduler thread (started with the server, as the converters are) that ticks every few
seconds. A task falls due for the whole instance (`PeriodicRun`): the tick that moves its next
time on, in one statement, runs it, so several gunicorn workers or machines run it once per
interval, without cron.
"""

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import utcnow
from ..extensions import db
from .models import PeriodicRun

TICK_SECONDS = 5.0


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # the Celery task beat sends
    run: str  # "module:function" under forms_service, called by the scheduler thread
    every: Callable[[dict], timedelta]  # from the app's config

    def call(self):
        module, function = self.run.split(":")
        return getattr(importlib.import_module(module, __package__), function)()


PERIODIC = (
    # render jobs whose hand-over was lost, and English copies still missing
    Periodic(
        "sweep-render-outbox", "forms_service.sweep", ".queue:sweep", lambda c: timedelta(minutes=1)
    ),
    # retries, signing-link reminders and due-soon notices (issue 18)
    Periodic(
        "send-messages",
        "forms_service.send_messages",
        "..notifications.runner:run_outbox",
        lambda c: timedelta(minutes=1),
    ),
    # the signed checkpoint "at least every N minutes", filings or not
    Periodic(
        "checkpoint",
        "forms_service.checkpoint",
        "..archive.integrity:checkpoint_due",
        lambda c: timedelta(minutes=c["CHECKPOINT_MINUTES"]),
    ),
    # files a render killed before its commit left behind, past their grace period
    Periodic(
        "sweep-unreferenced-blobs",
        "forms_service.sweep_unreferenced",
        "..archive.orphans:sweep_unreferenced",
        lambda c: timedelta(hours=1),
    ),
)


def beat_schedule(config) -> dict:
    """Celery beat's schedule, from the same list."""
    return {p.name: {"task": p.task, "schedule": p.every(config).total_seconds()} for p in PERIODIC}


def _insert():
    return (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert


def _take(task: Periodic, runner: str) -> bool:
    """Claim this interval's run of `task`: True for exactly one caller however many tick."""
    now = utcnow()
    db.session.execute(
        _insert()(PeriodicRun)
        .values(name=task.name, due_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = db.session.execute(
        update(PeriodicRun)
        .where(PeriodicRun.name == task.name, PeriodicRun.due_at <= now)
        .values(due_at=now + task.every(current_app.config), ran_by=runner)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def tick() -> list[str]:
    """Run every periodic task that is due (claimed first); the names of those run here. One
    that fails is logged and runs again at its next time."""
    from .jobs import RUNNER

    ran = []
    for task in PERIODIC:
        if not _take(task, RUNNER):
            continue
        try:
            task.call()
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("The periodic task %s failed", task.name)
        ran.append(task.name)
    return ran


def _loop(app: Flask, stop: threading.Event) -> None:
    while not stop.wait(TICK_SECONDS):
        with app.app_context():
            try:
                tick()
            except Exception:  # the database away for a moment: the next tick tries again
                app.logger.exception("The scheduler could not tick")
            finally:
                db.session.remove()


def start(app: Flask) -> threading.Event | None:
    """Start this process's scheduler thread in threads mode (once); returns the event that
    stops it. Under Celery, `forms-service beat` schedules; `inline` has no background."""
    if app.config["RENDER_QUEUE"] != "threads":
        return None
    stop = app.extensions.get("forms_scheduler")
    if stop is None:
        stop = app.extensions["forms_scheduler"] = threading.Event()
        threading.Thread(target=_loop, args=(app, stop), name="scheduler", daemon=True).start()
    return stop
