"""The service as `make run` serves it, with two gunicorn workers: the sign-in limit is
counted in Redis, so it holds whichever worker answers; the Server header names no version;
the access log never holds a one-time link's token; the documents are filed by the render
process, not by the web workers; signing in never waits behind the pages."""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import redis

from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from forms_service.rendering import local
from forms_service.rendering.jobs import prepare_for_signing
from forms_service.rendering.models import RenderJob, RenderStatus
from tests.conftest import CONSENT, World, _make_app, signed_by_all
from tests.rendering.test_pool import free_base_port

REDIS_URL = os.environ.get("FORMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parent.parent
LIMIT = 5  # sign-in attempts a minute from one address


@pytest.fixture(scope="module")
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({exc}): start it (redis-server) or point "
            "FORMS_TEST_REDIS_URL at one.",
            pytrace=False,
        )
    return REDIS_URL


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, sqlite_template, converter_profile, redis_url):
    """`make run`'s server, two workers, on a copy of the test database with the test world
    and a consent signed before it started (its form converted while it waited, its job not
    handed to anyone yet); yields its port, its process, a function that returns its log so
    far, an app on the same instance and database, and that job's id."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    path = tmp_path / "forms.db"
    shutil.copy(sqlite_template, path)
    app = _make_app(
        tmp_path / "instance",
        f"sqlite:///{path}",
        converter_profile,
        RENDER_QUEUE="threads",
        RENDER_PROCESS=True,
    )
    with (
        app.app_context(),
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as nobody_renders,
    ):
        nobody_renders.bind(local.address(app.instance_path))  # takes the hand-overs, no more
        world = World()
        actor = world.actor(world.case_manager)
        document = start_document(actor, world.case, "consent_release", CONSENT)
        send_for_signature(actor, document)
        db.session.commit()
        assert prepare_for_signing(document.id)
        job = signed_by_all(world, document).id
        db.engine.dispose()
    port = free_base_port(1)
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "FORMS_WEB_WORKERS": "2",
        "FORMS_INSTANCE": str(tmp_path / "instance"),
        "FORMS_DATABASE_URL": f"sqlite:///{path}",
        "FORMS_SEAL_KEY_DIR": app.config["SEAL_KEY_DIR"],  # the world's agencies' keys
        "FORMS_SECRET_KEY": secrets.token_hex(32),
        "FORMS_COOKIE_SECURE": "0",
        "FORMS_CONVERTER": "cold",  # nothing is rendered here: no LibreOffice to start
        "FORMS_RATELIMIT_STORAGE_URI": redis_url,
        "FORMS_RATELIMIT_KEY_PREFIX": f"forms-test-{secrets.token_hex(4)}",
        "FORMS_LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:forms_service.gunicorn_conf"]
            + ["forms_service:create_app()"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while log.read_text().count("Booting worker") < 2 or not _answers(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield SimpleNamespace(port=port, server=server, log=log.read_text, app=app, job=job)
    finally:
        server.terminate()
        server.wait(30)


def _answers(port) -> bool:
    try:
        _request(port, "GET", "/login")
        return True
    except OSError:
        return False


def _request(port, method, path, body="", cookie=""):
    """One request on a connection of its own, so that either worker may take it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, body, headers)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    return response, page


def _wrong_sign_in(port):
    response, page = _request(port, "GET", "/login")
    cookies = [c.split(";")[0] for c in response.msg.get_all("Set-Cookie")]
    cookie = "; ".join(c for c in cookies if c.startswith("session="))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": token, "email": "cm@a.example", "password": "wrong-wrong"})
    response, page = _request(port, "POST", "/login", body, cookie)
    return response


def test_the_sign_in_limit_holds_across_two_workers(gunicorn):
    port, log = gunicorn.port, gunicorn.log
    statuses = [_wrong_sign_in(port).status for _ in range(4 * LIMIT)]

    assert statuses.count(400) == LIMIT and statuses.count(429) == 3 * LIMIT
    workers = set(re.findall(r'"POST /login HTTP/1.1" \d+ .* <(\d+)>', log()))
    assert len(workers) == 2, "every attempt went to one worker: the test proves nothing"


def test_no_server_version_and_no_one_time_token_in_the_access_log(gunicorn):
    port, log = gunicorn.port, gunicorn.log
    token = secrets.token_urlsafe(32)
    response, _ = _request(port, "GET", f"/s/{token}")

    assert response.status == 404
    assert not re.search(r"\d", response.getheader("Server", ""))
    time.sleep(0.5)  # the worker writes its access line after the response
    assert token not in log() and '"GET /s/… HTTP/1.1" 404' in log()


def test_the_sign_in_page_opens_while_every_page_thread_is_busy(gunicorn):
    """Pages wait for a worker's threads in the order they come; signing in has threads of its
    own. Here requests whose headers never end (a phone on a bad line) hold every page thread
    of both workers, and the sign-in page still opens."""
    held = []
    try:
        for _ in range(40):  # ten times the page threads of each worker
            connection = socket.create_connection(("127.0.0.1", gunicorn.port), timeout=30)
            connection.sendall(b"GET /s/held HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            held.append(connection)
        response, page = _request(gunicorn.port, "GET", "/login")
    finally:
        for connection in held:
            connection.close()
    assert response.status == 200 and 'name="password"' in page


def _loaded(pid: int) -> str:
    """The files a process has mapped: its native libraries among them."""
    return Path(f"/proc/{pid}/maps").read_text()


def test_a_document_signed_is_filed_by_the_render_process_not_by_the_web_workers(gunicorn):
    """The web workers never load what fills, draws and seals documents (seen here by their
    native parts: pdfium, ReportLab's accelerators), nor give it their CPU."""
    with gunicorn.app.app_context():
        # listening before the workers started: none renders a document signed meanwhile
        assert local.hand_over(local.RENDER, gunicorn.job)  # as a web worker does
        deadline = time.monotonic() + 120
        while db.session.get(RenderJob, gunicorn.job).status != RenderStatus.DONE:
            assert time.monotonic() < deadline, gunicorn.log()
            db.session.rollback()
            time.sleep(0.2)
        db.engine.dispose()
    workers = [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", gunicorn.log())]
    (renderer,) = [
        int(cmdline.parent.name)
        for cmdline in Path("/proc").glob("[0-9]*/cmdline")
        if b"forms_service.rendering.local" in cmdline.read_bytes()
    ]
    renderers = ("pdfium", "_rl_accel")
    assert all(name in _loaded(renderer) for name in renderers)
    for worker in workers:
        assert not any(name in _loaded(worker) for name in renderers)
