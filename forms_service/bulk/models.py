import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import CreatedMixin, IdMixin, enum_column
from ..documents.models import Document
from ..extensions import db


class RowStatus(StrEnum):
    PENDING = "pending"  # not made yet: a resumed run makes it
    DONE = "done"
    FAILED = "failed"  # refused, nothing of it kept; its errors say why


class BulkRun(IdMixin, CreatedMixin, db.Model):
    """One uploaded CSV: its rows are made one by one, and a run cut short is resumed."""

    __tablename__ = "bulk_run"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(200))
    send: Mapped[bool]  # send each document for signature, or leave it a draft
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User] = relationship()
    rows: Mapped[list["BulkRow"]] = relationship(
        back_populates="run", order_by="BulkRow.number", cascade="all, delete-orphan"
    )


class BulkRow(IdMixin, db.Model):
    __tablename__ = "bulk_row"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bulk_run.id"), index=True)
    number: Mapped[int]  # the line in the CSV (the header is line 1)
    values: Mapped[dict] = mapped_column(JSON)  # the row's cells by column, as uploaded
    status: Mapped[RowStatus] = enum_column(RowStatus, default=RowStatus.PENDING)
    errors: Mapped[dict | None] = mapped_column(JSON)  # column -> messages
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document.id"))

    run: Mapped[BulkRun] = relationship(back_populates="rows")
    document: Mapped[Document | None] = relationship()
