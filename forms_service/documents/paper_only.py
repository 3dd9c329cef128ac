"""Documents given on paper only. ESIGN does not apply to a notice that ends a lease
(15 U.S.C. 7003(b)(2)(B)): such a document is never signed on the tablet or a phone link, nor
delivered electronically. It is printed, signed in ink and handed to the client or mailed, and
it counts as given only once staff record how, when and by whom."""

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..clock import day_of, today
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..i18n import N_
from .models import DeliveryMethod, Document, DocumentStatus, PaperDelivery

METHODS = {
    DeliveryMethod.IN_HAND: N_("Handed to the client in person"),
    DeliveryMethod.MAIL: N_("Mailed to the client"),
}
# Sent, and not called off: a document that can be (or was) given to the client.
GIVEN = (DocumentStatus.PAPER, DocumentStatus.SIGNED, DocumentStatus.ARCHIVED)


def delivery_of(document: Document) -> PaperDelivery | None:
    """The delivery record of a document given on paper only (None for any other)."""
    return db.session.scalar(select(PaperDelivery).where(PaperDelivery.document_id == document.id))


def awaiting_delivery(document: Document) -> bool:
    delivery = delivery_of(document)
    return delivery is not None and delivery.delivered_on is None and document.status in GIVEN


def awaiting_in(case_ids: list) -> list[Document]:
    """The documents of these cases given on paper only whose delivery is not recorded yet."""
    return list(
        db.session.execute(
            select(Document)
            .join(PaperDelivery, PaperDelivery.document_id == Document.id)
            .where(
                Document.case_id.in_(case_ids),
                Document.status.in_(GIVEN),
                PaperDelivery.delivered_on.is_(None),
            )
            .order_by(Document.sent_at)
        ).scalars()
    )


def who_can_deliver(document: Document) -> list[User]:
    """The agency's active staff who fill forms: who may have handed it over or mailed it."""
    return list(
        db.session.execute(
            select(User)
            .where(
                User.agency_id == document.agency_id,
                User.active.is_(True),
                User.role.in_(STAFF_WHO_FILL_FORMS),
            )
            .order_by(User.name)
        ).scalars()
    )


def record_delivery(
    actor: Actor, document: Document, method: str, delivered_on: date | None, delivered_by: User
) -> PaperDelivery:
    """Staff record how the paper document reached the client: in hand or by mail, on a day
    between its sending and today, by a staff member of the agency. Once, never changed."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    delivery = delivery_of(document)
    if delivery is None:
        raise RuleViolation(gettext("This document is not one that is given on paper only."))
    if delivery.delivered_on is not None:
        raise RuleViolation(gettext("The delivery of this document is already recorded."))
    if document.status not in GIVEN:
        raise RuleViolation(gettext("This document was not sent, or it was voided."))
    errors = {}
    if method not in {m.value for m in METHODS}:
        errors["method"] = [gettext("Say whether it was handed to the client or mailed.")]
    agency = document.agency
    if not delivered_on or not day_of(document.sent_at, agency) <= delivered_on <= today(agency):
        errors["delivered_on"] = [
            gettext(
                "Give the day it was handed over or mailed: not before the document was "
                "sent, nor in the future."
            )
        ]
    if (
        delivered_by.agency_id != document.agency_id
        or delivered_by.role not in STAFF_WHO_FILL_FORMS
    ):
        errors["delivered_by"] = [gettext("Choose the staff member who delivered it.")]
    if errors:
        raise InvalidInput(errors)
    delivery.method = DeliveryMethod(method)
    delivery.delivered_on = delivered_on
    delivery.delivered_by_id = delivered_by.id
    delivery.recorded_by_id = user.id
    delivery.recorded_at = utcnow()
    audit.record(
        actor,
        "document.delivered",
        document,
        method=method,
        delivered_on=delivered_on.isoformat(),
        delivered_by=delivered_by.name,
    )
    return delivery
