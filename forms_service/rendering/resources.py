"""What every render draws on: its inputs, the form templates, the app's converter and the
seal keys. Free of the libraries that fill, draw and seal documents (docxtpl, ReportLab,
pyHanko: 60 MB of a process), so a web worker that leaves its renders to Celery never loads
them; `service.py` is the render itself."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app

from ..clock import DEFAULT_TIME_ZONE
from ..errors import RuleViolation
from ..keys import agency_key_dir, certificate_made_at, ensure_seal_key
from .convert import ConversionError, SofficeConverter
from .pool import ConverterPool
from .templates import TemplateStore, TemplateVersion


@dataclass(frozen=True)
class SignerInfo:
    role_label: str
    name: str
    signed_at: str = ""
    png: bytes | None = None


@dataclass(frozen=True)
class RenderInput:
    """Everything a template may see, as plain values: never an ORM object."""

    form_type: str
    language: str
    reference: str
    created_on: date
    agency_name: str
    agency_address: str
    agency_phone: str
    client_name: str
    client_date_of_birth: date | None
    case_number: str
    data: dict
    signers: list[SignerInfo] = field(default_factory=list)
    agency_time_zone: str = DEFAULT_TIME_ZONE  # the times typed into the data are read in it
    # An English copy of a document signed in another language: its first line says so.
    copy_note: str = ""
    agency_logo: bytes | None = None  # PNG or JPEG, printed at the top of the first page
    agency_id: uuid.UUID | None = None  # whose seal key seals it; not shown to templates
    timestamp: bool = True  # ask the timestamp authority, when one is configured


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    pdf: bytes
    version: TemplateVersion
    template_sha256: str
    # The seal's RFC 3161 timestamp: None when no authority is configured (or not sealed).
    timestamped: bool | None = None


def template_store() -> TemplateStore:
    return TemplateStore(current_app.config["TEMPLATES_DIR"])


def load_template(version: TemplateVersion, language: str) -> bytes:
    """A version's file in `language`: a shipped one from form_templates/, an agency's own
    from the blob store; either refused unless it hashes to the sha256 it was listed with."""
    if version.agency_id is None:
        return template_store().load(version, language)
    from ..archive.service import blob_store  # the archive imports this module

    if language not in version.files:
        raise RuleViolation(
            f"Template version {version.number} of {version.form_type} has no "
            f"{language!r} text; available: {', '.join(version.languages)}."
        )
    return blob_store().get(version.files[language])


def converter() -> ConverterPool | SofficeConverter:
    """One converter per app, created on first use (the pool's processes start lazily too)."""
    ext = current_app.extensions
    if "forms_converter" not in ext:
        cfg = current_app.config
        if cfg["CONVERTER"] == "cold":
            ext["forms_converter"] = SofficeConverter(
                cfg["SOFFICE"], cfg["CONVERTER_PROFILE_DIR"], cfg["CONVERT_TIMEOUT"]
            )
        else:
            ext["forms_converter"] = ConverterPool(
                cfg["CONVERTER_WORK_DIR"],
                size=cfg["CONVERTERS"],
                base_port=cfg["CONVERTER_BASE_PORT"],
                timeout=cfg["CONVERT_TIMEOUT"],
                soffice=cfg["SOFFICE"],
                max_rss=cfg["CONVERTER_MAX_RSS_MB"] * 2**20,
                end_with_process=cfg["CONVERTERS_END_WITH_PROCESS"],
                max_jobs=cfg["CONVERTER_MAX_JOBS"],
            )
    return ext["forms_converter"]


def start_converters() -> None:
    """Start the warm converters now (the web service and a render worker call this as they
    start): the first document then does not wait for LibreOffice. A converter that fails to
    start is logged, and fails (or starts) with the first document as before."""
    pool = converter()
    if isinstance(pool, ConverterPool):
        try:
            pool.start()
        except ConversionError as error:
            current_app.logger.error("A converter did not start: %s", error)


def seal_signer(agency_id=None, agency_name: str = ""):
    """The agency's seal: a configured PKCS#12 file, else the agency's own key; without an
    agency, the instance's key. An agency's key is made with the agency (or by `init` for an
    older one), never here: a render machine that made its own would seal with a key no other
    machine trusts, so a missing key fails the job, saying which folder to share."""
    from signatures.seal import SealKeyError, load_pkcs12_signer, load_signer  # pyHanko's

    ext = current_app.extensions
    cfg = current_app.config
    if cfg["SEAL_PKCS12"] or agency_id is None:
        if "forms_seal" not in ext:
            if cfg["SEAL_PKCS12"]:
                passphrase = cfg["SEAL_PASSPHRASE"].encode() if cfg["SEAL_PASSPHRASE"] else None
                ext["forms_seal"] = load_pkcs12_signer(Path(cfg["SEAL_PKCS12"]), passphrase)
            else:
                folder = Path(cfg["SEAL_KEY_DIR"])
                ensure_seal_key(folder)
                ext["forms_seal"] = load_signer(folder / "seal.key", folder / "seal.crt")
        return ext["forms_seal"]
    signers = ext.setdefault("forms_agency_seals", {})
    if agency_id not in signers:
        folder = agency_key_dir(Path(cfg["SEAL_KEY_DIR"]), agency_id)
        if not (folder / "seal.crt").exists():
            raise SealKeyError(
                f"No seal key for {agency_name or agency_id} in {cfg['SEAL_KEY_DIR']}: every "
                "machine that renders needs the instance's keys folder (FORMS_SEAL_KEY_DIR); "
                "`forms-service init` makes the keys of agencies older than their own keys."
            )
        signers[agency_id] = load_signer(folder / "seal.key", folder / "seal.crt")
    return signers[agency_id]


def seal_certificate_path() -> Path:
    """The instance's certificate (or the configured PKCS#12 file's): the seal of records
    filed before agencies had keys of their own, and of events no agency owns."""
    cfg = current_app.config
    if cfg["SEAL_PKCS12"]:
        path = Path(cfg["SEAL_KEY_DIR"]) / "pkcs12-seal.crt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(seal_signer().signing_cert.dump())
        return path
    ensure_seal_key(Path(cfg["SEAL_KEY_DIR"]))
    return Path(cfg["SEAL_KEY_DIR"]) / "seal.crt"


def seal_certificates(agency_id=None, filed_at: datetime | None = None) -> list[Path]:
    """The certificates a seal of `agency_id` is checked against: its own, and the instance's
    for what it filed before its own key was made (`filed_at` earlier, or unknown); without an
    agency, every agency's and the instance's."""
    cfg = current_app.config
    instance = seal_certificate_path()
    if cfg["SEAL_PKCS12"]:
        return [instance]
    if agency_id is None:
        return [instance, *sorted(Path(cfg["SEAL_KEY_DIR"]).glob("agencies/*/seal.crt"))]
    own = agency_key_dir(Path(cfg["SEAL_KEY_DIR"]), agency_id) / "seal.crt"
    if not own.exists():
        return [instance]
    if filed_at is not None and filed_at.tzinfo is None:  # SQLite's, written in UTC
        filed_at = filed_at.replace(tzinfo=UTC)
    before_own = filed_at is None or filed_at < certificate_made_at(own)
    return [own, instance] if before_own else [own]
