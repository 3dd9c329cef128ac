"""Seal keys in the instance folder: one per agency (`agencies/<agency id>/`), with a
certificate naming the agency, and the instance's own (`seal.key`, from before agencies had
their own): it signs the checkpoints of events no agency owns and stays trusted for the
records sealed with it."""

import base64
import functools
import hashlib
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

INSTANCE_SEAL_NAME = "forms-service document seal"


def sealer(secret_key: str, purpose: str) -> Fernet:
    """Encrypts what must be read back but never from a copy of the database alone (a
    signing link, a webhook secret): a key derived from the server's secret key, one per
    purpose."""
    key = hashlib.sha256(f"{purpose}:".encode() + secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key.digest()))


def ensure_seal_key(folder: Path, common_name: str = INSTANCE_SEAL_NAME) -> Path:
    """Create `seal.key` and a self-signed `seal.crt` unless they exist; return the key path."""
    key_path = folder / "seal.key"
    if not (key_path.exists() and (folder / "seal.crt").exists()):
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder, common_name, None, rsa.generate_private_key(65537, 3072))
    return key_path


def agency_key_dir(folder: Path, agency_id) -> Path:
    return Path(folder) / "agencies" / str(agency_id)


def ensure_agency_seal_key(folder: Path, agency_id, agency_name: str) -> Path:
    """The agency's own seal key and a certificate whose subject is the agency, made once:
    a P-256 key (made in a millisecond, so every new agency gets one at once)."""
    target = agency_key_dir(folder, agency_id)
    if not (target / "seal.crt").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        made = Path(tempfile.mkdtemp(dir=target.parent, prefix=".new-"))
        _write(made, agency_name, agency_name, ec.generate_private_key(ec.SECP256R1()))
        try:
            os.rename(made, target)  # whole or not at all; a concurrent maker's key wins
        except OSError:
            shutil.rmtree(made)
    return target / "seal.key"


@functools.lru_cache(maxsize=256)  # a seal certificate never changes once made
def certificate_made_at(cert_path: Path) -> datetime:
    """When a seal certificate was made (its validity starts five minutes before)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.not_valid_before_utc + timedelta(minutes=5)


def _write(folder: Path, common_name: str, organisation: str | None, key) -> None:
    key_path, cert_path = folder / "seal.key", folder / "seal.crt"
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    name = x509.Name(attributes)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
