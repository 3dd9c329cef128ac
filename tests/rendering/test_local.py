"""The render process of a web service on one machine: a web worker hands each job to it,
or, where none listens, files the job itself; gunicorn's master keeps one running."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from forms_service.database import committed
from forms_service.extensions import db
from forms_service.rendering import local, queue
from forms_service.rendering.models import RenderJob, RenderStatus
from tests.conftest import sign_consent
from tests.rendering.test_queue import archived


@pytest.fixture
def listening(app):
    """A render process's socket for the app's instance, that takes what it is handed."""
    app.config.update(RENDER_QUEUE="threads", RENDER_PROCESS=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(local.address(app.instance_path))
        sock.settimeout(5)
        yield sock


def handed(sock) -> list[str]:
    """Everything handed over so far."""
    sock.settimeout(0.5)
    got = []
    while True:
        try:
            got.append(sock.recv(128).decode())
        except TimeoutError:
            return got


def test_a_job_is_handed_to_the_render_process_of_its_instance(world, consent_document, listening):
    document, job = sign_consent(world, consent_document)
    assert queue.enqueue(job.id) is None  # as the page of the last signature, or the sweep
    assert f"render {job.id}" in handed(listening)
    assert db.session.get(RenderJob, job.id).status == RenderStatus.PENDING  # not filed here


def test_a_form_sent_is_converted_by_the_render_process(world, consent_document, listening):
    document = consent_document()
    committed()  # what the request does once its transaction has committed
    assert handed(listening) == [f"prepare {document.id}"]


@pytest.mark.soffice
def test_where_no_render_process_listens_the_web_worker_files_the_job_itself(
    app, world, consent_document
):
    app.config.update(RENDER_QUEUE="threads", RENDER_PROCESS=True)
    document, job = sign_consent(world, consent_document)
    assert queue.enqueue(job.id).result(timeout=120) is True
    assert archived(document.id)


def environment(instance) -> dict:
    return {
        **os.environ,
        "FORMS_INSTANCE": str(instance),
        "FORMS_SECRET_KEY": secrets.token_hex(32),
        "FORMS_CONVERTER": "cold",
        "FORMS_RENDER_PROCESS": "1",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }


def ended(pid: int) -> bool:
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()  # not reaped yet
    except FileNotFoundError:
        return True


def test_the_render_process_ends_when_gunicorn_s_master_is_killed(tmp_path):
    """Else it would hold the socket of the next master's render process, with old code."""
    master = subprocess.Popen(  # a master that starts it, then is killed
        [sys.executable, "-c", MASTER],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    renderer = int(master.stdout.readline())
    deadline = time.monotonic() + 60
    while not _listens(tmp_path):
        assert time.monotonic() < deadline, "the render process did not start"
        time.sleep(0.2)
    master.kill()
    master.wait()
    master.stdout.close()
    deadline = time.monotonic() + 30
    while not ended(renderer):
        assert time.monotonic() < deadline, "the render process outlived its master"
        time.sleep(0.2)


MASTER = """
import subprocess, sys, time
renderer = subprocess.Popen([sys.executable, "-m", "forms_service.rendering.local"])
print(renderer.pid, flush=True)
time.sleep(600)
"""


def test_the_render_process_is_started_again_when_it_ends(tmp_path):
    supervisor = local.Supervisor(environment(tmp_path))

    def serving(instead_of: int | None = None) -> int:
        """The pid of the render process listening (another than `instead_of`)."""
        deadline = time.monotonic() + 60
        while True:
            process = supervisor.process
            alive = process and process.pid != instead_of and process.poll() is None
            if alive and _listens(tmp_path):
                return process.pid
            assert time.monotonic() < deadline, "no render process took over"
            time.sleep(0.2)

    supervisor.start()
    try:
        first = serving()
        os.kill(first, signal.SIGKILL)
        assert serving(instead_of=first) != first
    finally:
        supervisor.stop()
    assert supervisor.process.poll() is not None


def _listens(instance) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(local.address(str(instance)))
        except OSError:
            return False
    return True


def test_the_render_process_ignores_what_is_not_a_job_handed_over():
    """Its socket has no file permissions: a datagram from another user, or one that names no
    job, is dropped, and the process keeps serving."""
    job, unknown_sender = uuid.uuid4(), uuid.uuid4()
    receiving, sending = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with receiving, sending:
        sending.send(f"render {unknown_sender}".encode())  # no sender's uid to check
        receiving.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # as `local.listening`
        for datagram in (b"render not-a-job", b"\xff\xfe", b"delete everything", b"render"):
            sending.send(datagram)
        sending.send(f"render {job}".encode())
        assert next(local._handed_over(receiving)) == (local.RENDER, job)


def test_a_full_queue_is_waited_on_and_only_a_render_process_that_does_not_read_is_passed_over(
    tmp_path, monkeypatch
):
    """Ten datagrams fill a render process's queue: a burst of signatures did, and the web
    worker that then filed the job itself kept the renderers loaded (148 MB, not 107)."""
    monkeypatch.setattr(local, "HAND_OVER_WAIT", 1.0)
    instance = str(tmp_path)
    with local.listening() as render_process:
        render_process.bind(local.address(instance))
        queued = 0
        while local._sent(b"render queued", instance):  # until its queue stays full
            queued += 1
        assert queued >= 10

        sender = ThreadPoolExecutor(1)
        later = sender.submit(local._sent, b"render later", instance)
        time.sleep(0.2)
        assert render_process.recv(128) == b"render queued"  # room for one
        assert later.result(timeout=5) is True
        sender.shutdown()
