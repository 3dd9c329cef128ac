"""The periodic work runs without cron: listed once for Celery beat and for the scheduler
thread of threads mode, each task once per interval however many workers tick."""

import importlib
import threading
from datetime import timedelta

import time_machine
from flask import current_app

from forms_service.archive.service import blob_store
from forms_service.audit import chains
from forms_service.audit import service as audit
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.rendering import schedule, tasks
from forms_service.rendering.tasks import celery_app, configure

NAMES = ["sweep-render-outbox", "send-messages", "checkpoint", "sweep-unreferenced-blobs"]


def test_celery_beat_sends_the_same_periodic_tasks_the_scheduler_thread_runs(app):
    configure(app)
    beat = celery_app.conf.beat_schedule
    assert list(beat) == [p.name for p in schedule.PERIODIC] == NAMES
    for periodic in schedule.PERIODIC:
        assert periodic.task in celery_app.tasks
        assert beat[periodic.name]["schedule"] == periodic.every(app.config).total_seconds()
    assert beat["checkpoint"]["schedule"] == 60 * app.config["CHECKPOINT_MINUTES"]


def test_a_celery_worker_runs_each_periodic_task_as_the_scheduler_thread_does(app, monkeypatch):
    """One function per task, whichever runs it: beat's task name leads to what `run` names."""
    configure(app)
    for periodic in schedule.PERIODIC:
        module, function = periodic.run.split(":")
        called = []
        monkeypatch.setattr(
            importlib.import_module(module, schedule.__package__),
            function,
            lambda called=called: called.append(True),
        )
        tasks.periodic_tasks[periodic.task]()
        assert called == [True], periodic.name


def _tick_in(app, ran: list) -> None:
    with app.app_context():
        ran.extend(schedule.tick())
        db.session.remove()


def test_each_task_runs_once_per_interval_however_many_workers_tick(app, monkeypatch):
    ran, called = [], []
    monkeypatch.setattr(schedule.Periodic, "call", lambda self: called.append(self.name))
    minutes = app.config["CHECKPOINT_MINUTES"]
    start = utcnow()
    with time_machine.travel(start, tick=False):
        workers = [threading.Thread(target=_tick_in, args=(app, ran)) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sorted(ran) == sorted(called) == sorted(NAMES)  # each once, in one worker or another
        assert schedule.tick() == []
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert schedule.tick() == ["sweep-render-outbox", "send-messages"]
        assert schedule.tick() == []
    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        assert schedule.tick() == NAMES[:3]
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert schedule.tick() == NAMES


def _checkpoints(owner: str) -> int:
    store, number = blob_store(), 0
    while store.get_checkpoint(owner, number + 1) is not None:
        number += 1
    return number


def test_the_signed_checkpoint_is_written_every_n_minutes_without_a_filing(world):
    owner = chains.owner_of(world.agency.id)
    minutes = current_app.config["CHECKPOINT_MINUTES"]
    start = utcnow()
    with time_machine.travel(start, tick=False):
        audit.record(world.actor(world.admin), "test.moved", world.case)
        db.session.commit()
        assert "checkpoint" in schedule.tick()
        assert _checkpoints(owner) == 1
        audit.record(world.actor(world.admin), "test.moved", world.case)
        db.session.commit()
    with time_machine.travel(start + timedelta(minutes=minutes - 1), tick=False):
        schedule.tick()
        assert _checkpoints(owner) == 1  # not due yet
    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        assert "checkpoint" in schedule.tick()
        assert _checkpoints(owner) == 2


def test_a_failing_task_is_logged_and_the_others_still_run(app, monkeypatch, caplog):
    def call(self):
        if self.name == "sweep-render-outbox":
            raise RuntimeError("the database went away")

    monkeypatch.setattr(schedule.Periodic, "call", call)
    assert schedule.tick() == NAMES
    assert "The periodic task sweep-render-outbox failed" in caplog.text


def test_only_threads_mode_starts_a_scheduler_thread(app):
    assert schedule.start(app) is None  # inline: nothing runs in the background
    app.config["RENDER_QUEUE"] = "threads"
    stop = schedule.start(app)
    try:
        assert schedule.start(app) is stop  # once per process
        assert any(t.name == "scheduler" for t in threading.enumerate())
    finally:
        stop.set()
