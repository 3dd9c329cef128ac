import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Agency, User
from ..database import CreatedMixin, IdMixin
from ..extensions import db


class ApiToken(IdMixin, CreatedMixin, db.Model):
    """A named, scoped credential of one agency for another system. Only the token's sha256
    is stored (see `api.service.digest`); the token itself is shown once, when made."""

    __tablename__ = "api_token"

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON)  # of api.service.SCOPES
    # The admin who made it: the token acts with their role and agency checks.
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_ip: Mapped[str | None] = mapped_column(String(45))

    agency: Mapped[Agency] = relationship()
    created_by: Mapped[User] = relationship()


class IdempotentResponse(IdMixin, CreatedMixin, db.Model):
    """The answer to a POST sent with an `Idempotency-Key`, kept per token: the same key again
    gets the same answer, with the same body, instead of a second document."""

    __tablename__ = "api_idempotent_response"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    token_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_token.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))  # method, path and body
    status: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
