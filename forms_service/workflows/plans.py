"""Case plan updates (seed 000: reviewed at least every 30 days): each update is a new signed
version that supersedes the one before, never an edit of it."""

from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..archive.versions import Change, field_changes
from ..cases.models import Case
from ..cases.service import require_open
from ..documents import service as documents
from ..documents.models import Document, DocumentStatus
from ..errors import RuleViolation
from ..extensions import db
from ..forms import form_type_that

PLAN = form_type_that("is_plan").name


def current_plan(case: Case) -> Document | None:
    """The newest signed plan of the case."""
    return (
        db.session.execute(
            select(Document)
            .where(
                Document.case_id == case.id,
                Document.form_type == PLAN,
                Document.status == DocumentStatus.ARCHIVED,
            )
            .order_by(Document.version.desc())
        )
        .scalars()
        .first()
    )


def start_update(actor: Actor, case: Case) -> Document:
    """A draft of the next version, starting from the current plan's content; an update
    already under way is returned instead of a second one."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    require_open(case)
    current = current_plan(case)
    if current is None:
        raise RuleViolation(
            gettext("There is no signed case plan to update yet: start the first plan.")
        )
    under_way = (
        db.session.execute(select(Document).where(Document.supersedes_id == current.id))
        .scalars()
        .first()
    )
    if under_way is not None:
        return under_way
    today = clock.today(case.client.agency)
    data = {
        **current.data,
        "plan_date": today.isoformat(),
        "next_review_date": (
            today + timedelta(days=case.client.agency.plan_review_days)
        ).isoformat(),
    }
    update = documents.start_document(actor, case, PLAN, data)
    update.version = current.version + 1
    update.supersedes_id = current.id
    return update


def changes(document: Document) -> list[Change]:
    """What this version changed from the one it supersedes (empty for a first version)."""
    if document.supersedes_id is None:
        return []
    previous = db.session.get(Document, document.supersedes_id)
    return field_changes(document.form_type, previous.data, document.data)
