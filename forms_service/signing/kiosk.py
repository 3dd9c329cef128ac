"""The kiosk: a tablet handed to a client shows one document and nothing else until staff
unlock it with their password or PIN. The state lives in the staff member's session; these
functions hold the rules, the views only keep the state."""

import time
import uuid
from dataclasses import asdict, dataclass, field

from flask_babel import gettext
from sqlalchemy import update

from ..accounts import service as accounts
from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..database import transaction_of_its_own
from ..documents.evidence import next_signer
from ..documents.models import Document, DocumentStatus, Signer
from ..errors import InvalidInput, NotFound, RuleViolation
from ..extensions import db

MAX_UNLOCK_ATTEMPTS = 5


class KioskClosed(Exception):
    """The kiosk timed out or had too many wrong unlock answers: it cannot be unlocked, only a
    fresh sign-in opens the app."""


@dataclass
class Kiosk:
    document_id: str
    signer_id: str
    staff_id: str
    last_seen: float
    language: str = "en"  # of the kiosk's pages: the client's, or the one they pick
    # An intake packet: the [document, signer] ids still to come after this one, and how many
    # forms it holds in all (the tablet shows "2 of 4").
    queue: list = field(default_factory=list)
    total: int = 1

    def as_session(self) -> dict:
        return asdict(self)


def start(actor: Actor, document: Document, signer: Signer, now: float | None = None) -> Kiosk:
    """Hand the tablet to the next signer who is not staff."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    if signer.document_id != document.id:
        raise NotFound
    if document.status != DocumentStatus.SIGNING or next_signer(document) is not signer:
        raise RuleViolation(gettext("This document is not waiting for this signer."))
    if signer.user_id is not None:
        raise RuleViolation(gettext("Staff sign at their own desk, not on the client's tablet."))
    user.failed_unlocks = 0
    audit.record(actor, "kiosk.start", document, signer=signer.name)
    return Kiosk(
        str(document.id),
        str(signer.id),
        str(user.id),
        now or time.time(),
        document.client.preferred_language,
    )


def start_packet(actor: Actor, documents: list[Document]) -> Kiosk:
    """Hand the tablet over once for several forms, signed one after the other: each must be
    waiting for its client's signature (checked as for one)."""
    if not documents:
        raise InvalidInput({"document_ids": [gettext("Choose at least one form.")]})
    kiosks = []
    for document in documents:
        signer = next_signer(document) if document.status == DocumentStatus.SIGNING else None
        if signer is None:
            raise RuleViolation(gettext("This document is not waiting for this signer."))
        kiosks.append(start(actor, document, signer))
    first = kiosks[0]
    first.queue = [[k.document_id, k.signer_id] for k in kiosks[1:]]
    first.total = len(kiosks)
    return first


def waiting_for_the_client(documents: list[Document]) -> list[Document]:
    """Of these documents, those whose next signature is the client's (not staff's), in the
    order they were sent."""
    return [
        d
        for d in sorted(documents, key=lambda d: d.sent_at or d.created_at)
        if d.status == DocumentStatus.SIGNING
        and (signer := next_signer(d)) is not None
        and signer.user_id is None
    ]


def advance(kiosk: Kiosk) -> bool:
    """The form on the tablet is done with (signed, refused, paper): the next one of the
    packet that still waits for its signer comes up. False when none is left."""
    while kiosk.queue:
        kiosk.document_id, kiosk.signer_id = kiosk.queue.pop(0)
        document, signer = current(kiosk)
        if document.status == DocumentStatus.SIGNING and next_signer(document) is signer:
            return True
    return False


def position(kiosk: Kiosk) -> int:
    """Which form of the packet is on the tablet, counting from 1."""
    return kiosk.total - len(kiosk.queue)


def expired(kiosk: Kiosk, timeout: float, now: float | None = None) -> bool:
    return (now or time.time()) - kiosk.last_seen > timeout


def touch(kiosk: Kiosk, now: float | None = None) -> Kiosk:
    """Activity on the tablet: the inactivity clock starts again."""
    kiosk.last_seen = now or time.time()
    return kiosk


def staff_of(kiosk: Kiosk) -> User | None:
    """The staff member who handed the tablet over: they witness what is signed on it."""
    return db.session.get(User, _uuid(kiosk.staff_id))


def current(kiosk: Kiosk) -> tuple[Document, Signer]:
    """The kiosk's document and signer, and nothing else: the tablet can reach no other."""
    document = db.session.get(Document, _uuid(kiosk.document_id))
    signer = next((s for s in document.signers if str(s.id) == kiosk.signer_id), None)
    if signer is None:
        raise NotFound
    return document, signer


def set_pin(actor: Actor, pin: str) -> None:
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise InvalidInput({"pin": [gettext("A PIN is 4 to 8 digits.")]})
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise InvalidInput({"pin": [gettext("Choose a PIN that is harder to guess.")]})
    user.pin_hash = accounts.hash_password(pin)
    audit.record(actor, "user.set_pin", user)


def unlock(
    kiosk: Kiosk, secret: str, actor: Actor, timeout: float, now: float | None = None
) -> User:
    """Only the staff member who handed the tablet over unlocks it, with their password or
    PIN, before it timed out. Every wrong answer is in the audit trail (committed on its own,
    as the refusal rolls back); the fifth closes the kiosk and ends that staff member's
    sessions, so only a fresh sign-in opens the app again (KioskClosed)."""
    staff = staff_of(kiosk)
    if expired(kiosk, timeout, now):
        raise KioskClosed
    matches = staff is not None and any(
        accounts.verify_secret(stored, secret) for stored in (staff.password_hash, staff.pin_hash)
    )
    if not matches or not staff.active:
        if _count_failed_unlock(staff, actor) >= MAX_UNLOCK_ATTEMPTS:
            raise KioskClosed
        raise InvalidInput(
            {"secret": [gettext("That is not the password or PIN of the staff member.")]}
        )
    staff.failed_unlocks = 0
    audit.record(
        Actor(staff, actor.ip, actor.user_agent),
        "kiosk.unlock",
        signer=kiosk.signer_id,
        document=kiosk.document_id,
    )
    return staff


def _count_failed_unlock(staff: User | None, actor: Actor) -> int:
    """One more wrong answer, counted in one statement and committed with its audit event;
    the fifth ends the staff member's sessions. Returns the wrong answers so far."""
    with transaction_of_its_own():
        attempts = 0
        if staff is not None:
            attempts = db.session.execute(
                update(User)
                .where(User.id == staff.id)
                .values(failed_unlocks=User.failed_unlocks + 1)
                .returning(User.failed_unlocks)
                .execution_options(synchronize_session=False)
            ).scalar_one()
        agency_id = staff.agency_id if staff else None
        audit.record(actor, "kiosk.unlock_failed", agency_id=agency_id, attempts=attempts)
        if attempts >= MAX_UNLOCK_ATTEMPTS:
            staff.failed_unlocks = 0
            accounts.end_sessions(staff)
            audit.record(actor, "kiosk.closed", staff, reason="wrong unlock answers")
    return attempts


def close(kiosk: Kiosk, actor: Actor) -> None:
    """The kiosk timed out: it shows nothing more and cannot be unlocked."""
    audit.record(actor, "kiosk.closed", document=kiosk.document_id, reason="timeout")


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound from None
