"""The render process of a web service on one machine (FORMS_RENDER_QUEUE=threads under
gunicorn): the documents signed in any web worker are filed here, in a process of its own
that gunicorn's master starts and restarts, so the web workers never load the libraries that
fill, draw and seal documents (60 MB each), nor give their GIL to a render while a page waits.

A web worker hands a job over with one datagram on a socket named after the instance (Linux's
abstract namespace: no file, no stale path); where nothing listens (a test, a command, the
process restarting) it runs the job itself, as before. Nothing is lost either way: the job row
was committed first, and the sweep hands over any left pending.

    python -m forms_service.rendering.local   # what gunicorn's master runs
"""

import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid

from flask import Flask, current_app

RENDER, PREPARE = "render", "prepare"
PARENT_CHECK_SECONDS = 2.0
HAND_OVER_WAIT = 2.0  # seconds a web worker waits for room in the render process's queue


def address(instance_path: str) -> bytes:
    digest = hashlib.sha256(os.path.realpath(instance_path).encode()).hexdigest()[:24]
    return b"\0forms-service-render-" + digest.encode()


def hand_over(kind: str, ident: uuid.UUID) -> bool:
    """Give a job (RENDER) or a form to convert (PREPARE) to this instance's render process;
    False when none takes it."""
    if not current_app.config["RENDER_PROCESS"]:
        return False
    return _sent(f"{kind} {ident}".encode(), current_app.instance_path)


def _sent(datagram: bytes, instance_path: str) -> bool:
    """Whether the render process took the datagram. Its queue holds ten (Linux's
    max_dgram_qlen): should a burst fill it while the process's reading thread waits for the
    GIL, a web worker that filed the job itself would keep the renderers loaded for good. A
    full queue is waited on (`HAND_OVER_WAIT`); only a process that is not there, or does not
    read, is an answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.settimeout(HAND_OVER_WAIT)
        try:
            sock.connect(address(instance_path))  # a connected sender waits for room
            sock.send(datagram)
        except OSError:  # none listens (refused), or its queue stayed full (timed out)
            return False
    return True


def wait_until_listening(instance_path: str, seconds: float) -> bool:
    """Wait until a render process takes hand-overs (asked with an empty datagram, which it
    drops); False if none does within `seconds`."""
    deadline = time.monotonic() + seconds
    while not _sent(b"", instance_path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def serve(app: Flask, sock: socket.socket, parent: int) -> None:
    """Run each job handed over on the runner threads (below the web workers, as
    `queue.below_the_pages` sets them), and the periodic work, until `parent` (gunicorn's
    master) has ended."""
    from .. import process
    from . import queue, schedule
    from .resources import start_converters
    from .service import warm_seal

    with app.app_context():
        start_converters()
        warm_seal()
    process.settle()
    schedule.start(app)
    for kind, ident in _handed_over(sock, parent):
        with app.app_context():
            if kind == RENDER:
                queue.executor().submit(queue._run_in_app, app, ident)
            elif kind == PREPARE:
                queue.prepare_thread().submit(queue._prepare_in_app, app, ident)


def _handed_over(sock: socket.socket, parent: int | None = None):
    """(kind, id) of each datagram sent by a process of this user: an abstract socket has no
    file permissions, so the sender's uid is checked (`listening` asks for it), and anything
    else is ignored. Ends when the process's `parent` (gunicorn's master) has ended: a render
    process left behind by a killed master would hold the socket of the next one's."""
    credentials = struct.calcsize("3i")  # pid, uid, gid
    while True:
        try:
            data, ancillary, _, _ = sock.recvmsg(128, socket.CMSG_SPACE(credentials))
        except TimeoutError:
            if parent is not None and os.getppid() != parent:
                return
            continue
        uid = next(
            (
                struct.unpack("3i", value[:credentials])[1]
                for level, kind, value in ancillary
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
            ),
            None,
        )
        kind, _, ident = data.decode(errors="replace").partition(" ")
        try:
            job = uuid.UUID(ident)
        except ValueError:
            continue
        if uid == os.getuid() and kind in (RENDER, PREPARE):
            yield kind, job


class Supervisor:
    """gunicorn's master keeps one render process running: started with the service,
    started again if it ends, stopped with the service."""

    def __init__(self, env: dict):
        self.env, self.stopping, self.process = env, threading.Event(), None
        self.thread = threading.Thread(target=self._keep, name="render-process", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _keep(self) -> None:
        while not self.stopping.is_set():
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, this module)
                [sys.executable, "-m", __name__], env=self.env
            )
            self.process.wait()
            self.stopping.wait(1)  # a process that cannot start is not started in a loop

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def listening() -> socket.socket:
    """A datagram socket that is told who sent each datagram (from before it is bound: a job
    handed over while the process warms up is taken too)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.settimeout(PARENT_CHECK_SECONDS)  # to look whether gunicorn's master still runs
    return sock


def main() -> None:
    from forms_service import create_app

    parent = os.getppid()  # gunicorn's master, before anything else takes time
    app = create_app({"RENDER_PROCESS": False})  # what it sweeps, it files: no datagram to itself
    with listening() as sock:
        try:
            sock.bind(address(app.instance_path))
        except OSError:
            sys.exit(f"A render process of {app.instance_path} is running already.")
        serve(app, sock, parent)


if __name__ == "__main__":
    main()
