"""The VAWA forms a client is given (24 CFR 5.2005(a)(2), applied by 578.99(j) and 576.409):
the notice of occupancy rights (HUD-5380) and the certification form (HUD-5382), generated in
the client's language and filed in the archive, at admission, at denial of assistance and with
a notice that ends assistance. Nothing is asked of the client: the certification is theirs to
fill if and when they choose, and giving it is not a written request for it."""

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import or_, select

from .. import clock
from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..archive.models import ArchiveRecord
from ..audit import service as audit
from ..cases.models import Case
from ..documents import service as documents
from ..documents.models import Document
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms import vawa_certification, vawa_notice
from ..i18n import N_
from ..programs.service import grants_of_case
from ..rendering.models import RenderJob
from .models import VawaDelivery

ADMISSION, DENIAL, TERMINATION = "admission", "denial", "termination"
IN_HAND, MAIL, WITH_NOTICE = "in_hand", "mail", "with_notice"
HOW = {
    IN_HAND: N_("In hand"),
    MAIL: N_("By mail"),
    WITH_NOTICE: N_("With the notice, as it was delivered"),
}


def program_facts(case: Case) -> dict:
    """The covered housing program the forms name: the programs of the HUD grants (CoC, ESG)
    that serve the case."""
    grants = [g for g in grants_of_case(case) if g.funder in vawa_notice.COVERED]
    return {
        "program": ", ".join(sorted({g.program for g in grants})),
        "covered_programs": sorted({g.funder for g in grants}),
    }


def give(
    actor: Actor,
    case: Case,
    occasion: str,
    how: str,
    with_document: Document | None = None,
    language: str | None = None,
) -> VawaDelivery:
    """Generate both forms for `case` (in `language`, else the client's) and record that
    `actor` gave them today, `how`; with a notice that ends assistance they go with it, in its
    language, and are given when its delivery is recorded (`given_with`): until then no day is
    printed or recorded as the day they were given."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    errors = {}
    if occasion not in vawa_notice.OCCASIONS:
        errors["occasion"] = [gettext("Say when the VAWA forms are given.")]
    if how not in HOW or (how == WITH_NOTICE) != (with_document is not None):
        errors["how"] = [gettext("Say how the VAWA forms are given.")]
    if errors:
        raise InvalidInput(errors)
    given_on = clock.today(case.client.agency)
    data = {
        **program_facts(case),
        "occasion": occasion,
        "given_on": None if with_document else given_on.isoformat(),
        "with_notice": with_document.reference if with_document else "",
    }
    language = language or (with_document.language if with_document else None)
    given = []
    for name in (vawa_notice.NAME, vawa_certification.NAME):
        document = documents.start_document(actor, case, name, data, language=language)
        given.append(documents.send_for_signature(actor, document))
    delivery = VawaDelivery(
        agency_id=case.agency_id,
        case_id=case.id,
        occasion=occasion,
        notice_id=given[0].id,
        certification_id=given[1].id,
        with_document_id=with_document.id if with_document else None,
        how=how,
        given_on=None if with_document else given_on,
        given_by_id=None if with_document else user.id,
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record(
        actor,
        "vawa.made_with_notice" if with_document else "vawa.given",
        delivery,
        occasion=occasion,
        how=how,
        notice=given[0].reference,
        certification=given[1].reference,
        with_notice=data["with_notice"] or None,
    )
    return delivery


def enclosed_with(notice: Document) -> VawaDelivery | None:
    """The VAWA forms a notice says it encloses (`vawa_enclosed`, a notice that ends
    assistance): it does not count as given without them (24 CFR 5.2005(a)(2)), so their
    absence is refused before its delivery is recorded. None for a document that encloses
    none."""
    if not notice.data.get("vawa_enclosed"):
        return None
    delivery = db.session.scalar(
        select(VawaDelivery).where(VawaDelivery.with_document_id == notice.id)
    )
    if delivery is None:
        raise RuleViolation(
            gettext(
                "%(notice)s says that the VAWA notice of occupancy rights (HUD-5380) and the "
                "certification form (HUD-5382) go with it, and they were not made with it: it "
                "cannot be given without them (24 CFR 5.2005(a)(2)).",
                notice=notice.reference,
            )
        )
    return delivery


def given_with(actor: Actor, delivery: VawaDelivery | None, given_on: date, given_by: User):
    """The notice they go with reached the client: so did they, that day, from whoever handed
    it over or mailed it (its first recorded delivery; a later one changes nothing)."""
    if delivery is None or delivery.given_on is not None:
        return
    delivery.given_on, delivery.given_by_id = given_on, given_by.id
    audit.record(
        actor,
        "vawa.given",
        delivery,
        occasion=delivery.occasion,
        how=delivery.how,
        given_on=given_on.isoformat(),
        given_by=given_by.name,
        with_notice=delivery.with_document.reference,
    )


def render_jobs(delivery: VawaDelivery) -> list[RenderJob]:
    """The jobs that render and file the two forms (for the caller to hand to the queue)."""
    ids = (delivery.notice_id, delivery.certification_id)
    return list(
        db.session.execute(select(RenderJob).where(RenderJob.document_id.in_(ids))).scalars()
    )


def deliveries_for(actor: Actor, document: Document) -> list[VawaDelivery]:
    """The VAWA deliveries a document is part of: those it went with (a termination notice),
    or the one it is a form of."""
    get_in_agency(actor, Document, document.id)
    return list(
        db.session.execute(
            select(VawaDelivery)
            .where(
                or_(
                    VawaDelivery.with_document_id == document.id,
                    VawaDelivery.notice_id == document.id,
                    VawaDelivery.certification_id == document.id,
                )
            )
            .order_by(VawaDelivery.created_at)
        ).scalars()
    )


def for_case(actor: Actor, case: Case) -> list[VawaDelivery]:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    return list(
        db.session.execute(
            select(VawaDelivery)
            .where(VawaDelivery.case_id == case.id)
            .order_by(VawaDelivery.created_at)
        ).scalars()
    )


@dataclass(frozen=True)
class Given:
    """A VAWA delivery as an archived record shows it, with the archive records of the
    documents it names (None while one is not filed yet)."""

    delivery: VawaDelivery
    records: dict[uuid.UUID, ArchiveRecord | None]

    def record_of(self, document_id) -> ArchiveRecord | None:
        return self.records.get(document_id)


def given_with_record(actor: Actor, record: ArchiveRecord) -> list[Given]:
    """What the archive proves about the VAWA forms for `record`: on a termination notice,
    the forms given with it; on a VAWA form, its delivery and the notice it went with."""
    found = []
    for delivery in deliveries_for(actor, record.document):
        ids = [delivery.notice_id, delivery.certification_id, delivery.with_document_id]
        filed = db.session.execute(
            select(ArchiveRecord).where(ArchiveRecord.document_id.in_([i for i in ids if i]))
        ).scalars()
        records = {i: None for i in ids if i} | {r.document_id: r for r in filed}
        found.append(Given(delivery, records))
    return found
