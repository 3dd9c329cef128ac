"""The agency's seal: a PAdES signature over the finished PDF, and the check that a PDF still
carries it, unchanged, from a key we trust.

The seal is PAdES baseline B-B: SHA-256, the signer's certificate and the signing time as
signed attributes. Given a timestamper (an RFC 3161 timestamp authority), it is B-LT: the
signature carries the authority's timestamp (B-T), and the document's security store, in the
same revision, the certificates that validate the seal and the timestamp (B-LT), so the seal
stays provable after the agency's certificate expires. A timestamp authority that does not
answer raises `TimestampUnavailable`: the caller decides, never this module silently.

It is a certification signature that permits no changes (the archive never edits a sealed
PDF; a change is a new document version), written as an incremental update: the PDF/A-2b file
stays byte for byte in front of it, pyHanko rewrites the XMP packet keeping every property
(`pdfaid` included) and only sets the modification date and producer, and the invisible
signature field carries the print flag and zero-size box that PDF/A accepts without an
appearance stream.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

SEAL_FIELD = "AgencySeal"

NOT_SEALED = "not sealed"
UNREADABLE = "not a readable PDF"
CHANGED = "the document was changed after it was sealed"
BROKEN = "the seal's signature does not match the document"
UNTRUSTED = "the seal is not from this agency's key"


SIGNATURE_ROOM = 16384  # bytes
TIMESTAMPED_ROOM = 32768  # a timestamp token adds the authority's signature and certificates


class TimestampUnavailable(RuntimeError):
    """The timestamp authority did not answer, or answered with no usable timestamp."""


class SealKeyError(ValueError):
    """The configured seal key or certificate cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal proves: there is one, the bytes are the sealed ones, the key is ours."""

    sealed: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: datetime | None
    problems: list[str] = field(default_factory=list)
    timestamped_at: datetime | None = None  # by a timestamp authority (B-T), when it has one

    @property
    def ok(self) -> bool:
        return self.sealed and self.intact and self.trusted


class SealSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses, and so re-validates, its private key on every signature:
    about 0.1 s for RSA-3072, most of the sealing time. This one parses it once."""

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return self._private_key.sign(data, PKCS1v15(), hash_algorithm)


def load_signer(key_path: Path, cert_path: Path) -> signers.SimpleSigner:
    """The seal signer from a PEM (or DER) private key and certificate, as `forms-service init`
    writes them; refused if the key does not belong to the certificate."""
    try:
        key = load_private_key_from_pemder(str(key_path), passphrase=None)
        cert = load_cert_from_pemder(str(cert_path))
    except (OSError, ValueError, TypeError) as error:
        raise SealKeyError(
            f"Cannot read the seal key {key_path} or certificate {cert_path}: {error}"
        ) from error
    signer = SealSigner(signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore())
    _check_pair(signer, f"{key_path} and {cert_path}")
    return signer


def load_pkcs12_signer(path: Path, passphrase: bytes | None) -> signers.SimpleSigner:
    """The seal signer from a PKCS#12 file (an agency's own certificate, often CA-issued)."""
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), None, passphrase)
    except (OSError, ValueError, TypeError) as error:
        raise SealKeyError(f"Cannot read the PKCS#12 seal file {path}: {error}") from error
    signer = SealSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )
    _check_pair(signer, str(path))
    return signer


def seal_pdf(
    pdf: bytes | IncrementalPdfFileWriter,
    signer: signers.Signer,
    *,
    reason: str,
    location: str,
    contact: str = "",
    timestamper: TimeStamper | None = None,
    timestamp_roots: Sequence[Path] = (),
) -> bytes:
    """The PDF with the agency seal appended as an incremental update (see the module text);
    with a `timestamper`, at B-LT (`timestamp_roots`: the authority's trusted roots). Given
    a writer, its pending updates go into the same update as the seal."""
    long_term = {}
    if timestamper is not None:
        roots = [signer.signing_cert, *load_certs_from_pemder([str(p) for p in timestamp_roots])]
        long_term = {
            "embed_validation_info": True,
            "validation_context": ValidationContext(trust_roots=roots, allow_fetching=True),
            "dss_settings": DSSContentSettings(
                placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
            ),
        }
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact or None,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        **long_term,
    )
    writer = (
        pdf
        if isinstance(pdf, IncrementalPdfFileWriter)
        else IncrementalPdfFileWriter(io.BytesIO(pdf))
    )
    # Reserving room for the signature skips pyHanko's dry-run signing that would measure it:
    # half the sealing time. A CMS with an RSA-4096 signature and its certificate fits.
    room = SIGNATURE_ROOM if timestamper is None else TIMESTAMPED_ROOM
    try:
        sealed = signers.sign_pdf(
            writer, meta, signer=signer, timestamper=timestamper, bytes_reserved=room
        )
    except TimestampRequestError as error:
        raise TimestampUnavailable(str(error)) from error
    return sealed.getvalue()


def check_seal(pdf: bytes, trusted: Path | Sequence[Path]) -> SealCheck:
    """Validate every signature in `pdf` with the certificate(s) `trusted` as the only trust
    roots.

    Intact means the signed bytes are the whole file: the archive keeps sealed PDFs as they
    were made, so any later revision, even one a PDF reader would accept, is a change. (A
    deployment that extends seals to B-LTA must then accept revisions that only add validation
    data, which pyHanko's difference analysis classifies.)
    """
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except (PdfError, ValueError) as error:
        return SealCheck(False, False, False, "", None, [f"{UNREADABLE}: {error}"])
    if not signatures:
        return SealCheck(False, False, False, "", None, [NOT_SEALED])
    paths = [trusted] if isinstance(trusted, Path) else trusted
    roots = load_certs_from_pemder([str(path) for path in paths])
    intact = trusted = True
    stamped = None
    problems: list[str] = []
    for signature in signatures:
        context = ValidationContext(trust_roots=list(roots))
        try:
            status = validate_pdf_signature(
                signature, signer_validation_context=context, skip_diff=True
            )
        except (PdfError, ValueError) as error:
            intact = trusted = False
            problems.append(f"{BROKEN}: {error}")
            continue
        if status.timestamp_validity is not None and stamped is None:
            stamped = status.timestamp_validity.timestamp
        if not (status.intact and status.valid):
            intact = trusted = False
            problems.append(BROKEN)
            continue  # a signature that does not match says nothing about who made it
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            intact = False
            problems.append(CHANGED)
        if not status.trusted:
            trusted = False
            problems.append(UNTRUSTED)
    seal = signatures[0]
    return SealCheck(
        True,
        intact,
        trusted,
        _name(seal),
        seal.self_reported_timestamp,
        _unique(problems),
        stamped,
    )


def _name(signature: EmbeddedPdfSignature) -> str:
    subject = signature.signer_cert.subject
    return subject.native.get("common_name") or subject.human_friendly


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_pair(signer: signers.SimpleSigner, where: str) -> None:
    """A key that does not match its certificate would make seals that never validate."""
    key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != signer.signing_cert.public_key.dump():
        raise SealKeyError(f"The seal key and certificate in {where} do not belong together.")
