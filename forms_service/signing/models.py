import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin
from ..documents.models import Signer
from ..extensions import db


class RemoteLink(IdMixin, CreatedMixin, db.Model):
    """A one-time link for a signer who is not in the room. Only the token's hash is stored:
    a database leak does not leak working links."""

    __tablename__ = "remote_link"

    signer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("signer.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    identity_method: Mapped[str] = mapped_column(String(10))  # "dob" or "code"
    code_hash: Mapped[str | None] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    signer: Mapped[Signer] = relationship()
