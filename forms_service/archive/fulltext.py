"""Search inside filed documents. Each record's words (its field values and its PDF's text
layer, or the OCR of a scan that has none) are written when it is filed, in the same
transaction, lower case without accents like client names ("jose" finds "José"). PostgreSQL
indexes them as a tsvector with the 'simple' configuration (no stemming: English, Spanish and
Arabic words match as typed) in a GIN index that leads with the agency; SQLite in an FTS5
table. Both are made by the migration: the models cannot declare them."""

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import ColumnElement, column, delete, func, literal_column, select, table

from ..cases.search import normalise_name
from ..errors import RuleViolation
from ..extensions import db
from .models import ArchiveRecord, ArchiveText

FTS_TABLE = "archive_text_fts"  # SQLite only, with its shadow tables (archive_text_fts_*)
TERMS_COLUMN = "terms"  # PostgreSQL only: tsvector generated from `body`
TERMS_INDEX = "ix_archive_text_terms"
# Tesseract's language packs for the languages documents are signed in (English always too:
# an agency's letterhead and form titles are in it).
OCR_LANGUAGES = {"en": "eng", "es": "spa", "ar": "ara"}
OCR_TIMEOUT = 300  # seconds for one scan; a longer one is left for `forms-service index-text`

log = logging.getLogger(__name__)


def declared_by_models(name, type_, parent_names) -> bool:
    """Alembic's `include_name`: leaves out of its comparison the full-text objects that the
    migration makes and the models cannot declare."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    in_text_table = parent_names.get("table_name") == ArchiveText.__tablename__
    return not (in_text_table and name in (TERMS_COLUMN, TERMS_INDEX))


def _values(value) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)
    elif value not in (None, True, False, ""):
        yield str(value)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text layer ("" for a scan of paper). pdfium is loaded by the processes
    that read PDFs, not by every web worker."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()


def ocr_text(pdf: bytes, language: str) -> str:
    """The text Tesseract reads in a scanned PDF's images (through ocrmypdf)."""
    languages = "+".join(dict.fromkeys(("eng", OCR_LANGUAGES.get(language, "eng"))))
    with tempfile.TemporaryDirectory() as folder:
        scan, sidecar = Path(folder) / "scan.pdf", Path(folder) / "text.txt"
        scan.write_bytes(pdf)
        subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [
                *(shutil.which("ocrmypdf") or "ocrmypdf", "--quiet", "--skip-text"),
                *("--output-type", "pdf", "--optimize", "0", "-l", languages),
                *("--sidecar", str(sidecar), str(scan), str(Path(folder) / "out.pdf")),
            ],
            check=True,
            timeout=OCR_TIMEOUT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
        )
        return sidecar.read_text(errors="replace")


def index_record(record: ArchiveRecord, data: dict, pdf: bytes | None = None) -> ArchiveText:
    """Write the words of `record`: the values in `data` (its fields) and the text of `pdf`
    (any PDF: a rendered form, or a paper scan, read by OCR when it has no text layer)."""
    text = pdf_text(pdf) if pdf else ""
    scanned = bool(pdf) and not text.strip()
    if scanned:
        text = ocr_text(pdf, record.language)
    words = normalise_name(" ".join([*_values(data or {}), text]))
    entry = ArchiveText(record_id=record.id, agency_id=record.agency_id, body=words, ocr=scanned)
    db.session.add(entry)
    db.session.flush()
    return entry


def index_filed_record(record: ArchiveRecord, data: dict, pdf: bytes) -> ArchiveText | None:
    """`index_record` as a record is filed: a scan OCR cannot read (no ocrmypdf, a timeout)
    never stops its filing; it is left unindexed for `forms-service index-text`."""
    try:
        with db.session.begin_nested():
            return index_record(record, data, pdf)
    except (OSError, subprocess.SubprocessError):
        log.warning("%s filed without its words: OCR failed", record.reference, exc_info=True)
        return None


def forget(record_ids: list) -> None:
    """Drop the words of disposed records: what a document said goes with its files."""
    if record_ids:
        db.session.execute(delete(ArchiveText).where(ArchiveText.record_id.in_(record_ids)))


def index_filed(limit: int | None = None) -> tuple[int, list[str]]:
    """Index records filed before search inside documents existed: each from its stored PDF
    and its document's values, in a savepoint of its own, so one unreadable scan stops no
    other. Returns how many were indexed and the references that failed, with why."""
    from .service import stored_file  # the service files records through this module

    pending = db.session.execute(
        select(ArchiveRecord)
        .outerjoin(ArchiveText, ArchiveText.record_id == ArchiveRecord.id)
        .where(ArchiveText.record_id.is_(None))
        .order_by(ArchiveRecord.archived_at)
        .limit(limit)
    ).scalars()
    done, failed = 0, []
    for record in list(pending):
        try:
            with db.session.begin_nested():
                index_record(record, record.document.data, stored_file(record, "pdf"))
        except (RuleViolation, OSError, subprocess.SubprocessError) as exc:
            failed.append(f"{record.reference}: {exc}")
        else:
            done += 1
    return done, failed


def _fts5_query(words: list[str]) -> str:
    """Every word, quoted (so no word is read as FTS5 syntax: AND, NEAR, *, column names)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _tsquery(words: list[str]):
    return func.plainto_tsquery("simple", " ".join(words))


def _has_words(record_id, words: list[str]) -> ColumnElement[bool]:
    """One record's words looked up by its key (PostgreSQL): evaluated record by record, so a
    walk in the page's order stops as soon as the page is full."""
    terms = literal_column(f"{ArchiveText.__tablename__}.{TERMS_COLUMN}")
    found = select(terms.op("@@")(_tsquery(words))).where(ArchiveText.record_id == record_id)
    return found.scalar_subquery().is_(True)


def matches(
    record_id, agency_id, text: str, dialect: str, walked: bool = False
) -> ColumnElement[bool] | None:
    """The records (by their id column `record_id`) of the agency whose text holds every
    typed word (whole words, any order, ignoring case and accents); None when nothing
    searchable was typed. `walked` (PostgreSQL): each record's words are looked up by its key
    as an ordered walk reads it (see `search.find`), instead of gathering every match through
    the index."""
    words = normalise_name(text).split()
    if not words:
        return None
    if dialect == "postgresql" and walked:
        return _has_words(record_id, words)
    if dialect == "postgresql":
        terms = literal_column(f"{ArchiveText.__tablename__}.{TERMS_COLUMN}")
        found = select(ArchiveText.record_id).where(
            ArchiveText.agency_id == agency_id, terms.op("@@")(_tsquery(words))
        )
    else:
        fts = table(FTS_TABLE, column("record_id"))
        found = select(fts.c.record_id).where(
            literal_column(FTS_TABLE).op("MATCH")(_fts5_query(words))
        )
    return record_id.in_(found)
