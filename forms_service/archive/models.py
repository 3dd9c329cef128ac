import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..cases.models import Case, Client
from ..database import IdMixin, enum_column, utcnow
from ..documents.models import Document
from ..extensions import db
from ..i18n import N_


def _trigram_index(name: str, column: str) -> Index:
    """A GIN index of the agency and the column's trigrams on PostgreSQL (btree_gin): a
    substring or typo-tolerant name search reads only its own agency's entries; SQLite
    builds a plain index of the same name."""
    return Index(
        name,
        "agency_id",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


class SealTimestamp(StrEnum):
    TIMESTAMPED = "timestamped"
    MISSING = "not timestamped"  # the authority did not answer through the job's retries

    @property
    def missing(self) -> bool:
        return self is SealTimestamp.MISSING

    @property
    def label(self) -> str:
        return {
            SealTimestamp.TIMESTAMPED: N_("The seal carries the time of a timestamp authority."),
            SealTimestamp.MISSING: N_(
                "Not timestamped: the timestamp authority did not answer, so the seal carries "
                "only this server's time."
            ),
        }[self]


class ArchiveRecord(IdMixin, db.Model):
    """A filed document: points to its stored DOCX and PDF by sha256 and says exactly what they
    were made from. Never updated in place: a new version supersedes it (ArchiveSupersession),
    disposal leaves it as a tombstone (ArchiveDisposal)."""

    __tablename__ = "archive_record"
    __table_args__ = (
        Index("ix_archive_record_agency_signed", "agency_id", "signed_at"),
        Index("ix_archive_record_agency_reference", "agency_id", "reference"),
        Index("ix_archive_record_agency_seq", "agency_id", "seq"),
        # The records an English copy is made for, by filing time: the copies' outbox query
        # reads these only, not the whole archive.
        Index(
            "ix_archive_record_translated_archived",
            "archived_at",
            postgresql_where=text("language <> 'en'"),
            sqlite_where=text("language <> 'en'"),
        ),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    form_type: Mapped[str] = mapped_column(String(50))
    reference: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    language: Mapped[str] = mapped_column(String(10))
    client_name: Mapped[str] = mapped_column(String(201))
    search_name: Mapped[str] = mapped_column(String(201))
    case_number: Mapped[str] = mapped_column(String(30))
    template_version: Mapped[int]
    template_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)  # the verification page
    signers: Mapped[list] = mapped_column(JSON)
    # The signers' names, lower case without accents, for search ("ana lopez | sam okafor").
    signer_names: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # sha256 over every field above, taken at filing: `verify` names a record edited since.
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    # Its place in the agency's chain of filed records: number and sha256 over the chain so
    # far (see `archive.integrity`); signed checkpoints outside the database keep both.
    seq: Mapped[int | None]
    chain_sha256: Mapped[str | None] = mapped_column(String(64))
    # Whether its PDF's seal carries a timestamp authority's time (`SealTimestamp`); None
    # when no authority was configured.
    seal_timestamp: Mapped[SealTimestamp | None] = enum_column(SealTimestamp, nullable=True)

    document: Mapped[Document] = relationship()


class ArchiveSearchRow(db.Model):
    """What the archive's search reads of a filed record, in a row of its own: the name,
    signers, case number, form type and day it is found and sorted by, keyed by the record's
    id. Narrow rows (~150 bytes against ~700 for a record) keep a large agency's in the
    database's cache: gathering a thousand matches of a common name read as many record
    pages from the disk cache, most of a search's time at a million records. Derived from
    the record and written with it, never edited (the record is not)."""

    __tablename__ = "archive_search"
    __table_args__ = (
        _trigram_index("ix_archive_search_name_trgm", "search_name"),
        _trigram_index("ix_archive_search_signer_names_trgm", "signer_names"),
        _trigram_index("ix_archive_search_case_number_trgm", "case_number"),
        # The orders the search page walks for a common search: newest and client name.
        Index("ix_archive_search_agency_signed", "agency_id", "signed_at"),
        Index("ix_archive_search_agency_client", "agency_id", "search_name"),
        Index("ix_archive_search_agency_form_signed", "agency_id", "form_type", "signed_at"),
        Index("ix_archive_search_agency_case_number", "agency_id", "case_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    search_name: Mapped[str] = mapped_column(String(201))
    signer_names: Mapped[str] = mapped_column(String(1000))
    case_number: Mapped[str] = mapped_column(String(30))
    form_type: Mapped[str] = mapped_column(String(50))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


SEARCHED = tuple(ArchiveSearchRow.__table__.columns.keys())


class ArchiveNameWord(db.Model):
    """Each word of the names an agency's records were filed with (clients' and signers',
    normalised), once. A typed word that finds nothing is looked up among these few thousand
    words for the ones it nearly is ("williamx": "william", "williams"), and the records are
    then found by those as typed: a near-miss test of every record's name read a thousand
    candidates per common name. Written with each record, never edited."""

    __tablename__ = "archive_name_word"
    __table_args__ = (_trigram_index("ix_archive_name_word_trgm", "word"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    word: Mapped[str] = mapped_column(String(201), primary_key=True)


class ArchiveText(db.Model):
    """The words of a filed record (its field values and its PDF's text, or the OCR of a scan),
    lower case without accents, for search inside documents. Derived from the record and
    written with it; its full-text index lives beside it in the database: a `terms` tsvector
    column with a GIN index on PostgreSQL, the FTS5 table `archive_text_fts` on SQLite (see
    `archive.fulltext`)."""

    __tablename__ = "archive_text"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    body: Mapped[str] = mapped_column(Text)
    ocr: Mapped[bool] = mapped_column(default=False)  # the text was read from a scan's images


class ArchiveCopy(IdMixin, db.Model):
    """An English rendering filed beside a record signed in another language: the same data,
    signers and signature images, marked as a copy of the signed original (`record`), which
    alone is what the client read and signed."""

    __tablename__ = "archive_copy"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), unique=True)
    language: Mapped[str] = mapped_column(String(10))
    template_version: Mapped[int]
    template_sha256: Mapped[str] = mapped_column(String(64))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)  # the verification page
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # sha256 over the fields above and the original's record hash: `verify` names an edit.
    copy_sha256: Mapped[str] = mapped_column(String(64))

    record: Mapped[ArchiveRecord] = relationship()


class AccessLog(IdMixin, db.Model):
    """Who opened which archived file, when, and why."""

    __tablename__ = "archive_access"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()


class ArchiveSupersession(IdMixin, db.Model):
    """`record` was replaced by `by_record` (its next version): who said so, when and why. The
    old record itself is never touched."""

    __tablename__ = "archive_supersession"
    # "Superseded" in one agency's search reads that agency's supersessions only.
    __table_args__ = (Index("ix_archive_supersession_agency_record", "agency_id", "record_id"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))  # the record's
    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), unique=True)
    by_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    record: Mapped[ArchiveRecord] = relationship(foreign_keys=[record_id])
    by_record: Mapped[ArchiveRecord] = relationship(foreign_keys=[by_record_id])
    user: Mapped[User | None] = relationship()


class ArchiveDisposal(IdMixin, db.Model):
    """The tombstone of a record whose files were destroyed at the end of its retention: the
    record row stays, so the archive can say what existed and when it was disposed of."""

    __tablename__ = "archive_disposal"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_record.id"), unique=True)
    due_on: Mapped[date]
    rule: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    by: Mapped[str] = mapped_column(String(300))


class RetentionSchedule(IdMixin, db.Model):
    """An agency's retention for one form type, in years after case closure (at least 5; the
    legal minimums apply on top)."""

    __tablename__ = "retention_schedule"
    __table_args__ = (UniqueConstraint("agency_id", "form_type"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"))
    form_type: Mapped[str] = mapped_column(String(50))
    years_after_closure: Mapped[int]
    set_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LegalHold(IdMixin, db.Model):
    """Stops disposal of every record of a client, or of one case, until lifted (2 CFR
    200.334: records under litigation or audit are kept until it ends)."""

    __tablename__ = "legal_hold"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_file.id"))
    reason: Mapped[str] = mapped_column(String(500))
    placed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lift_reason: Mapped[str | None] = mapped_column(String(500))

    client: Mapped[Client] = relationship()
    case: Mapped[Case | None] = relationship()
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])
