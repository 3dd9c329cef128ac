"""The recipients a revoked consent named are told (45 CFR 164.508(b)(5); 42 CFR 2.31): the
revocation writes the letter to its recipient as a draft with the consent's facts, for the
staff member who recorded it to check, sign and send; What's due lists it until it is sent
(`due_as_draft`) and then until its sending is recorded (`delivered`), also once the case is
closed. Deleting its draft, or voiding it, does not tell the recipient: the letter is still
owed, What's due says so (`untold`) and it is written again from the consent's page."""

from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..documents import service as documents
from ..documents.models import Document, DocumentStatus
from ..errors import RuleViolation
from ..extensions import db
from ..forms import form_type_that
from ..forms.consent_release import SUD_CATEGORIES
from .models import ReleaseEnd

LETTER = form_type_that("due_as_draft").name
# The letter goes to an agency or a person who read the consent in the agency's language; staff
# may choose another on the draft's page.
LETTER_LANGUAGE = "en"
GONE = (DocumentStatus.DELETED, DocumentStatus.VOIDED)  # a letter that will never be sent


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
            Document.status.not_in(GONE),
        )
        .order_by(Document.created_at)
    ).scalars()
    return [d for d in letters if d.data.get("release_reference") == release.reference]


def untold(case_ids) -> list[tuple[Document, ReleaseEnd]]:
    """The revoked releases of these cases (ids, or a query of them) whose recipient no letter
    is on its way to: its draft was deleted or it was voided. The recipient is still owed it
    (45 CFR 164.508(b)(5)), so What's due lists it until a letter is written again."""
    revoked = db.session.execute(
        select(Document, ReleaseEnd)
        .join(ReleaseEnd, ReleaseEnd.release_id == Document.id)
        .where(Document.case_id.in_(case_ids), ReleaseEnd.reason == "revoked")
        .order_by(ReleaseEnd.effective_at)
    ).all()
    if not revoked:
        return []
    letters = db.session.execute(
        select(Document).where(
            Document.case_id.in_(case_ids),
            Document.form_type == LETTER,
            Document.status.not_in(GONE),
        )
    ).scalars()
    on_its_way = {letter.data.get("release_reference") for letter in letters}
    return [(release, end) for release, end in revoked if release.reference not in on_its_way]


def untold_end(release: Document) -> ReleaseEnd | None:
    """The revocation of `release` when its recipient is owed a letter none is on its way."""
    return next((end for r, end in untold([release.case_id]) if r.id == release.id), None)


def write_again(actor: Actor, release: Document) -> Document:
    """The letter written again, as the revocation first wrote it (dated today), when its
    draft was deleted or it was voided; refused while another is on its way."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, release.id)
    end = untold_end(release)
    if end is None:
        raise RuleViolation(
            gettext(
                "No letter is owed for %(reference)s: it was not revoked, or its letter is on "
                "its way.",
                reference=release.reference,
            )
        )
    return write_letter(actor, release, end)
