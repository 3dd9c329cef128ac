"""What every outbox shares (text messages and e-mails, webhook deliveries): a row is claimed by
one runner before it is sent, so it goes out once; a failure waits longer before each next
try, and after the last one the row has failed for staff to see."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from ..database import utcnow
from ..extensions import db
from .models import MessageStatus, OutboxRow


@dataclass(frozen=True)
class Retries:
    """The waits before the 2nd, 3rd, ... try."""

    backoff: tuple[timedelta, ...]

    @property
    def max_attempts(self) -> int:
        return len(self.backoff) + 1


def aware(at: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def claim(model, row_id: uuid.UUID, *conditions) -> bool:
    """Mark the row as being sent by this runner, committed, unless another has it (or one of
    `conditions` does not hold in the same statement)."""
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == MessageStatus.PENDING, *conditions)
        .values(status=MessageStatus.SENDING, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def failed(row: OutboxRow, reason: str, retries: Retries, permanent: bool = False) -> bool:
    """Count a failed try: pending again after its wait, or failed for good (True) after the
    last try or when trying again cannot help."""
    row.attempts += 1
    row.error = reason[:2000]
    if permanent or row.attempts >= retries.max_attempts:
        row.status = MessageStatus.FAILED
        return True
    row.status = MessageStatus.PENDING
    row.next_attempt_at = utcnow() + retries.backoff[row.attempts - 1]
    return False


def succeeded(row: OutboxRow) -> None:
    row.attempts += 1
    row.status = MessageStatus.SENT
    row.sent_at = utcnow()
    row.error = None


def lost_claims(model, lost_after: timedelta) -> list:
    """Rows claimed `lost_after` ago and still being sent: their runner died mid-send."""
    return list(
        db.session.execute(
            select(model).where(
                model.status == MessageStatus.SENDING,
                model.claimed_at <= utcnow() - lost_after,
            )
        ).scalars()
    )


def next_retry_in(model) -> timedelta | None:
    """How long until the earliest row waiting for another try is due."""
    at = db.session.execute(
        select(model.next_attempt_at)
        .where(model.status == MessageStatus.PENDING, model.attempts > 0)
        .order_by(model.next_attempt_at)
        .limit(1)
    ).scalar_one_or_none()
    db.session.rollback()
    return None if at is None else max(aware(at) - utcnow(), timedelta(0))
