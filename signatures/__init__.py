"""Framework-free signature handling: ink strokes in, validated and normalised, PNG/SVG out;
the audit certificate page and document metadata; the agency's PAdES seal and its check."""

from signatures.certificate import (
    CertificateData,
    SignatureEvidence,
    TrailEvent,
    append_certificate,
    set_metadata,
)
from signatures.ink import (
    Ink,
    InkError,
    canonical_json,
    ink_sha256,
    parse_ink,
    render_png,
    render_svg,
)
from signatures.seal import (
    SealCheck,
    SealKeyError,
    TimestampUnavailable,
    check_seal,
    load_pkcs12_signer,
    load_signer,
    seal_pdf,
)

__all__ = [
    "CertificateData",
    "Ink",
    "InkError",
    "SealCheck",
    "SealKeyError",
    "SignatureEvidence",
    "TimestampUnavailable",
    "TrailEvent",
    "append_certificate",
    "canonical_json",
    "check_seal",
    "ink_sha256",
    "load_pkcs12_signer",
    "load_signer",
    "parse_ink",
    "render_png",
    "render_svg",
    "seal_pdf",
    "set_metadata",
]
