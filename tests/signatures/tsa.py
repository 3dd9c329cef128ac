"""A timestamp authority on 127.0.0.1 for the tests: an RFC 3161 responder over HTTP, made of
pyHanko's own timestamping classes, with a root certificate and a timestamping certificate
issued by it (its root is what a deployment configures as `FORMS_TSA_CERTIFICATE`)."""

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(signing_key, hashes.SHA256())


class LocalTSA:
    """`url` answers timestamp requests until `stop()`; `root` is its root's PEM file."""

    def __init__(self, folder: Path):
        root_key = rsa.generate_private_key(65537, 2048)
        tsa_key = rsa.generate_private_key(65537, 2048)
        root = _certificate(
            "Test TSA Root", "Test TSA Root", root_key.public_key(), root_key, ca=True
        )
        cert = _certificate("Test TSA", "Test TSA Root", tsa_key.public_key(), root_key, ca=False)
        self.root = folder / "tsa-root.pem"
        self.root.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        der = serialization.Encoding.DER
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
            tsa_key=keys.PrivateKeyInfo.load(
                tsa_key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            certs_to_embed=[asn1_x509.Certificate.load(root.public_bytes(der))],
        )
        self.requests = 0
        stamper, tsa = self.stamper, self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                tsa.requests += 1
                request = tsp.TimeStampReq.load(
                    self.rfile.read(int(self.headers["Content-Length"]))
                )
                reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
