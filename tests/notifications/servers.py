"""A real SMTP server (aiosmtpd, STARTTLS with a certificate made here, AUTH) and an SMS
provider stand-in speaking Twilio's Messages API, both on 127.0.0.1; tests read what arrived."""

import base64
import datetime
import ipaddress
import json
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.rendering.test_pool import free_base_port

MAIL_USER, MAIL_PASSWORD = "forms", "mail password"
SMS_ACCOUNT, SMS_TOKEN, SMS_FROM = "AC0123456789abcdef0123456789abcdef", "sms-token", "+13145550000"


def _certificate(folder) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1: (certificate and key file, CA file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "mail.crt", folder / "mail.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@dataclass
class MailServer:
    url: str
    ca_file: str
    arrived: list[Message] = field(default_factory=list)


class _Inbox:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 (aiosmtpd's name)
        mail = message_from_bytes(envelope.original_content)
        mail["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.server.arrived.append(mail)
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == MAIL_USER.encode() and auth_data.password == MAIL_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # a refusal answers 535


@pytest.fixture
def mail_server(tmp_path):
    """An SMTP server that requires STARTTLS and a password, as a provider's does."""
    cert_file, key_file = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    port = free_base_port(1)
    server = MailServer(
        f"smtp://{MAIL_USER}:{MAIL_PASSWORD.replace(' ', '%20')}@127.0.0.1:{port}", cert_file
    )
    controller = Controller(
        _Inbox(server),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_required=True,
    )
    controller.start()
    yield server
    controller.stop()


@dataclass
class SmsProvider:
    url: str
    arrived: list[dict] = field(default_factory=list)
    # Answers to give before the normal 201, e.g. [(503, "busy")]; a number in `refuse` is
    # refused as Twilio refuses an invalid 'To' (400, code 21211).
    failures: list[tuple[int, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)


@pytest.fixture
def sms_provider():
    provider = SmsProvider("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 (http.server's name)
            expected = f"/2010-04-01/Accounts/{SMS_ACCOUNT}/Messages.json"
            auth = base64.b64encode(f"{SMS_ACCOUNT}:{SMS_TOKEN}".encode()).decode()
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            if self.path != expected:
                return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
            if self.headers.get("Authorization") != f"Basic {auth}":
                return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if provider.failures:
                status, message = provider.failures.pop(0)
                return self._answer(status, {"code": 20500, "message": message, "status": status})
            if form.get("To") in provider.refuse:
                text = f"The 'To' number {form['To']} is not a valid phone number."
                return self._answer(400, {"code": 21211, "message": text, "status": 400})
            provider.arrived.append(form)
            sid = f"SM{len(provider.arrived):032d}"
            return self._answer(201, {"sid": sid, "status": "queued", **form})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels(app, mail_server, sms_provider):
    """The app set up to send through both servers."""
    app.config.update(
        SMTP_URL=mail_server.url,
        SMTP_CA_FILE=mail_server.ca_file,
        MAIL_FROM="forms@gateway.example",
        SMS_URL=sms_provider.url,
        SMS_ACCOUNT=SMS_ACCOUNT,
        SMS_TOKEN=SMS_TOKEN,
        SMS_FROM=SMS_FROM,
    )
    return mail_server, sms_provider
