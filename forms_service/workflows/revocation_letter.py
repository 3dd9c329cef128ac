"""The recipients a revoked consent named are told (45 CFR 164.508(b)(5); 42 CFR 2.31): the
revocation writes the letter to its recipient as a draft with the consent's facts, for the
staff member who recorded it to check, sign and send; What's due lists it until it is sent
(`due_as_draft`) and then until its sending is recorded (`delivered`)."""

from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import clock
from ..accounts.service import Actor
from ..documents import service as documents
from ..documents.models import Document, DocumentStatus
from ..extensions import db
from ..forms import form_type_that
from ..forms.consent_release import SUD_CATEGORIES
from .models import ReleaseEnd

LETTER = form_type_that("due_as_draft").name
# The letter goes to an agency or a person who read the consent in the agency's language; staff
# may choose another on the draft's page.
LETTER_LANGUAGE = "en"


def write_letter(actor: Actor, release: Document, end: ReleaseEnd) -> Document:
    """The draft letter telling the consent's recipient that it was revoked, and from when (as
    the agency's clocks read then, the zone named on the letter)."""
    zone = ZoneInfo(release.agency.time_zone)
    revoked_at = clock.aware(end.effective_at).astimezone(zone).replace(tzinfo=None)
    signed_on = clock.day_of(release.completed_at, release.agency) if release.completed_at else None
    data = {
        "release_reference": release.reference,
        "release_signed_on": signed_on.isoformat() if signed_on else None,
        "recipient_name": release.data.get("recipient_name", ""),
        "revoked_at": revoked_at.isoformat(timespec="minutes"),
        "sud_records": bool(SUD_CATEGORIES & set(release.data.get("categories") or [])),
        "recipient_address": release.data.get("recipient_contact", ""),
        "letter_date": clock.today(release.agency).isoformat(),
        "added": "",
    }
    return documents.start_document(actor, release.case, LETTER, data, language=LETTER_LANGUAGE)


def letters_about(release: Document) -> list[Document]:
    """The letters written about this release's revocation (none before it is revoked)."""
    letters = db.session.execute(
        select(Document)
        .where(
            Document.agency_id == release.agency_id,
            Document.client_id == release.client_id,
            Document.form_type == LETTER,
            Document.status.not_in((DocumentStatus.DELETED, DocumentStatus.VOIDED)),
        )
        .order_by(Document.created_at)
    ).scalars()
    return [d for d in letters if d.data.get("release_reference") == release.reference]
