"""Delivery of the documents addressed to someone (a termination notice, a final decision, a
grievance response to the client; a revoked consent's letter to its recipient): staff record
how it reached them (in hand, mail, e-mail, text, fax: the ways its form type offers) and on
which day; What's due lists those not yet delivered. A form type says it is one with
`delivered` and `delivery_methods`. A document given on paper only (a notice that ends a
lease) is not delivered electronically: `paper_only` records its hand-over or mailing
instead."""

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms import form_types, get_form_type
from ..i18n import N_
from ..workflows import vawa
from . import paper_only
from .models import Delivery, DeliveryMethod, Document, DocumentStatus, PaperDelivery

METHOD_LABELS = {
    DeliveryMethod.IN_HAND: N_("In hand"),
    DeliveryMethod.MAIL: N_("By mail"),
    DeliveryMethod.EMAIL: N_("By e-mail"),
    DeliveryMethod.TEXT: N_("By text message"),
    DeliveryMethod.FAX: N_("By fax"),
}
DELIVERABLE = (DocumentStatus.SIGNED, DocumentStatus.ARCHIVED)


def needs_delivery(document: Document) -> bool:
    return (
        get_form_type(document.form_type).delivered
        and document.status in DELIVERABLE
        and paper_only.delivery_of(document) is None
    )


def methods_for(document: Document) -> dict[DeliveryMethod, str]:
    """The ways this document's form type is delivered, with their labels, in its order."""
    offered = get_form_type(document.form_type).delivery_methods
    return {DeliveryMethod(m): METHOD_LABELS[DeliveryMethod(m)] for m in offered}


def require_deliverable(document: Document) -> None:
    if not needs_delivery(document):
        raise RuleViolation(
            gettext("Only a signed notice, decision, response or letter is delivered.")
        )


def record_delivery(
    actor: Actor, document: Document, method: str, delivered_on: date | None, note: str = ""
) -> Delivery:
    """Record that the signed document reached its addressee, with the VAWA forms it
    encloses (given then, by the staff member who records it); checked before anything is
    written (a day in the future or before it was signed is refused on its field)."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, document.id)
    require_deliverable(document)
    enclosed = vawa.enclosed_with(document)
    errors = {}
    if method not in methods_for(document):
        errors["method"] = [gettext("Choose how it was delivered.")]
    today = clock.today(document.agency)
    signed_on = (
        clock.day_of(document.completed_at, document.agency) if document.completed_at else None
    )
    if delivered_on is None:
        errors["delivered_on"] = [gettext("Enter the day it was delivered.")]
    elif delivered_on > today:
        errors["delivered_on"] = [gettext("The day it was delivered cannot be in the future.")]
    elif signed_on and delivered_on < signed_on:
        errors["delivered_on"] = [
            gettext("The day it was delivered cannot be before it was signed.")
        ]
    if len(note or "") > 500:
        errors["note"] = [gettext("At most 500 characters.")]
    if errors:
        raise InvalidInput(errors)
    delivery = Delivery(
        agency_id=document.agency_id,
        document_id=document.id,
        method=DeliveryMethod(method),
        delivered_on=delivered_on,
        note=note or "",
        recorded_by_id=user.id,
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record(
        actor, "document.delivered", document, method=method, delivered_on=delivered_on.isoformat()
    )
    vawa.given_with(actor, enclosed, delivered_on, user)
    return delivery


def deliveries_of(document: Document) -> list[Delivery]:
    return list(
        db.session.execute(
            select(Delivery)
            .where(Delivery.document_id == document.id)
            .order_by(Delivery.delivered_on)
        ).scalars()
    )


def undelivered(case_ids) -> list[Document]:
    """The signed documents of these cases (ids, or a query of them) owed to their addressee
    and not delivered."""
    kinds = [t.name for t in _delivered_types()]
    delivered = select(Delivery.document_id)
    return list(
        db.session.execute(
            select(Document)
            .where(
                Document.case_id.in_(case_ids),
                Document.form_type.in_(kinds),
                Document.status.in_(DELIVERABLE),
                Document.id.not_in(delivered),
                Document.id.not_in(select(PaperDelivery.document_id)),
            )
            .order_by(Document.completed_at)
        ).scalars()
    )


def _delivered_types():
    return [t for t in form_types() if t.delivered]
