"""A webhook receiver on 127.0.0.1 (a threaded HTTP server) that records what arrives and
answers with the statuses a test gives it, and the helpers the webhook tests share."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forms_service.extensions import db
from forms_service.webhooks import service
from forms_service.webhooks.service import EVENTS


@dataclass
class Arrival:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    arrived: list[Arrival] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # statuses to give, in turn; then 200
    headers: dict = field(default_factory=dict)  # added to every answer (e.g. a Location)

    def types(self) -> list[str]:
        return [a.json["type"] for a in self.arrived]


@pytest.fixture
def receiver(app):
    """The receiver, and the instance allowing 127.0.0.1 (loopback is refused otherwise)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            got.arrived.append(Arrival(self.path, dict(self.headers), self.rfile.read(length)))
            status = got.answers.pop(0) if got.answers else 200
            self.send_response(status)
            for name, value in got.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got = Receiver(f"http://127.0.0.1:{server.server_port}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = "127.0.0.1/32"
    yield got
    server.shutdown()
    server.server_close()


def add_endpoint(world, url, events=tuple(EVENTS), user=None):
    """An endpoint made by the agency's admin (committed): (endpoint, secret)."""
    endpoint, secret = service.create_endpoint(world.actor(user or world.admin), url, list(events))
    db.session.commit()
    return endpoint, secret
