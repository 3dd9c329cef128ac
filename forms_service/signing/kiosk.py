"""The kiosk: a tablet handed to a client shows one document and nothing else until staff
unlock it with their password or PIN. The state lives in the staff member's session; these
functions hold the rules, the views only keep the state."""

import time
import uuid
from dataclasses import asdict, dataclass

from flask_babel import gettext

from ..accounts import service as accounts
from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..documents.models import Document, DocumentStatus, Signer
from ..documents.service import next_signer
from ..errors import InvalidInput, NotFound, RuleViolation
from ..extensions import db


@dataclass
class Kiosk:
    document_id: str
    signer_id: str
    staff_id: str
    last_seen: float
    language: str = "en"  # of the kiosk's pages: the client's, or the one they pick

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
    audit.record(actor, "kiosk.start", document, signer=signer.name)
    return Kiosk(
        str(document.id),
        str(signer.id),
        str(user.id),
        now or time.time(),
        document.client.preferred_language,
    )


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


def unlock(kiosk: Kiosk, secret: str, actor: Actor) -> User:
    """Only the staff member who handed the tablet over unlocks it, with their password or
    PIN; every attempt is in the audit trail."""
    staff = staff_of(kiosk)
    matches = staff is not None and any(
        accounts.verify_secret(stored, secret) for stored in (staff.password_hash, staff.pin_hash)
    )
    if not matches or not staff.active:
        audit.record(actor, "kiosk.unlock_failed", agency_id=staff.agency_id if staff else None)
        raise InvalidInput(
            {"secret": [gettext("That is not the password or PIN of the staff member.")]}
        )
    audit.record(
        Actor(staff, actor.ip, actor.user_agent),
        "kiosk.unlock",
        signer=kiosk.signer_id,
        document=kiosk.document_id,
    )
    return staff


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound from None
