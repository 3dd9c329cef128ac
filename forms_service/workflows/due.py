"""What's due: the work waiting on a case manager or a supervisor, in one list (seed 000:
plan reviews every 30 days, overdue reviews listed for the case manager and supervisor)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select

from .. import clock
from ..accounts.models import Role, User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, require_role
from ..cases.models import Case, CaseStatus
from ..documents import delivery, paper_only
from ..documents.evidence import next_signer
from ..documents.models import Document, DocumentStatus, Signer, SignerStatus
from ..extensions import db
from ..forms import form_type_that, form_types, get_form_type
from . import revocation_letter
from . import termination as terminations
from .independence import chain_above
from .models import Grievance, Termination


@dataclass(frozen=True)
class Due:
    """One item of What's due; `say` words it in the current language, so a page shows it in
    its reader's and a notice is stored in every staff language."""

    kind: str
    say: Callable[[], str]
    case: Case
    due_on: date | None
    overdue: bool
    document: Document | None = None

    @property
    def what(self) -> str:
        return self.say()


def _team(user: User) -> set:
    """Whose cases this person oversees: their own, and for a supervisor their reports'."""
    if user.role == Role.ADMIN:
        return set()
    staff = db.session.execute(select(User).where(User.agency_id == user.agency_id)).scalars()
    return {u.id for u in staff if u.id == user.id or user.id in {b.id for b in chain_above(u)}}


def _team_cases(user: User):
    """The ids of the cases this person oversees, open and closed (a query)."""
    query = select(Case.id).where(Case.agency_id == user.agency_id)
    team = _team(user)
    return query.where(Case.case_manager_id.in_(team)) if team else query


def plan_review_due(case: Case) -> date:
    """30 days (agency setting) after the last signed case plan, or after the case opened."""
    last = db.session.scalar(
        select(func.max(Document.completed_at)).where(
            Document.case_id == case.id,
            Document.form_type == form_type_that("is_plan").name,
            Document.status == DocumentStatus.ARCHIVED,
        )
    )
    start = clock.day_of(last, case.client.agency) if last else case.opened_on
    return start + timedelta(days=case.client.agency.plan_review_days)


# Sent and still owing something: a signature, a signed paper form back, or a way forward
# after a signer declined (void it, or start again). Voided and deleted ones owe nothing.
OWED = (DocumentStatus.SIGNING, DocumentStatus.PAPER, DocumentStatus.DECLINED)


def _to_deliver(document: Document) -> str:
    return gettext(
        "%(title)s %(reference)s is given on paper only: hand it to the client or mail it, "
        "then record its delivery",
        title=gettext(get_form_type(document.form_type).title),
        reference=document.reference,
    )


def _termination(termination: Termination, today: date) -> str:
    return gettext("Termination: %(waiting)s", waiting=terminations.due(termination, today))


def _grievance(grievance: Grievance) -> str:
    return gettext("Grievance %(number)s: response", number=grievance.number)


def _to_send(document: Document) -> str:
    """A document its workflow wrote for staff to send (a revoked consent's letter)."""
    return gettext(
        "Not sent yet (%(about)s): check it, sign it, send it and record how",
        about=get_form_type(document.form_type).summary(document.data),
    )


def _untold(release: Document) -> str:
    """A revoked consent whose letter's draft was deleted, or the letter voided."""
    return gettext(
        "Revoked: %(recipient)s is still owed the letter telling them (its draft was deleted "
        "or it was voided); write it again from this page",
        recipient=release.data.get("recipient_name", ""),
    )


def _awaited(document: Document) -> str:
    """Whose signature the document waits for, or why it is stuck."""
    if document.status == DocumentStatus.SIGNING:
        signer = next_signer(document)
        return gettext(
            "Waiting for the signature of %(name)s (%(role)s)",
            name=signer.name,
            role=gettext(signer.role_label),
        )
    stopped = next(s for s in document.signers if s.status == document.status)
    if document.status == DocumentStatus.PAPER and paper_only.delivery_of(document):
        return gettext("Given on paper only: sign it in ink, then upload the signed scan")
    if document.status == DocumentStatus.PAPER:
        return gettext(
            "Signing on paper: upload the signed form when %(name)s returns it", name=stopped.name
        )
    return gettext("%(name)s declined to sign: void it or start a new one", name=stopped.name)


def waiting_for_signature(actor: Actor) -> list[Document]:
    """The documents whose next signature is this staff member's own, oldest first."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    mine = db.session.execute(
        select(Document)
        .join(Signer, Signer.document_id == Document.id)
        .where(
            Document.agency_id == user.agency_id,
            Document.status == DocumentStatus.SIGNING,
            Signer.user_id == user.id,
            Signer.status == SignerStatus.PENDING,
        )
        .order_by(Document.sent_at)
    ).scalars()
    return [d for d in mine.unique() if next_signer(d).user_id == user.id]


def whats_due(actor: Actor, today: date | None = None) -> list[Due]:
    """The work due on the cases this person oversees; a closed case still owes what
    continues after closing (a form its spec says so of, a delivery, a grievance's answer, a
    termination's appeal and decision, a revoked consent's letter)."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    today = today or clock.today(user.agency)
    every = _team_cases(user)  # closed cases too
    open_ = select(Case).where(Case.id.in_(every), Case.status == CaseStatus.OPEN)
    cases = list(db.session.execute(open_).scalars())
    ids = [c.id for c in cases]
    continuing = [t.name for t in form_types() if t.continues_after_closing]
    items = []
    for case in cases:
        review = plan_review_due(case)
        if review <= today + timedelta(days=7):
            items.append(
                Due("plan", lambda: gettext("Case plan review"), case, review, review < today)
            )
    unsigned = db.session.execute(
        select(Document)
        .where(
            Document.status.in_(OWED),
            or_(
                Document.case_id.in_(ids),
                and_(Document.case_id.in_(every), Document.form_type.in_(continuing)),
            ),
        )
        .order_by(Document.sent_at)
    ).scalars()
    items += [Due(d.status, partial(_awaited, d), d.case, None, False, d) for d in unsigned]
    items += [
        Due("delivery", partial(_to_deliver, d), d.case, None, False, d)
        for d in paper_only.awaiting_in(ids)
    ]
    terminated = select(Termination).where(Termination.case_id.in_(every))  # appeals outlive it
    for t in db.session.execute(terminated).scalars():
        if terminations.due(t, today):
            overdue = t.status == terminations.APPEALED and today > t.decision_due
            items.append(Due("termination", partial(_termination, t, today), t.case, None, overdue))
    open_grievances = select(Grievance).where(
        Grievance.case_id.in_(every), Grievance.status == "open"
    )
    for g in db.session.execute(open_grievances).scalars():
        items.append(
            Due(
                "grievance",
                partial(_grievance, g),
                g.case,
                g.response_due,
                g.response_due < today,
            )
        )
    drafts = db.session.execute(
        select(Document)
        .where(
            Document.case_id.in_(every),
            Document.status == DocumentStatus.DRAFT,
            Document.form_type.in_([t.name for t in form_types() if t.due_as_draft]),
        )
        .order_by(Document.created_at)
    ).scalars()
    items += [Due("draft", partial(_to_send, d), d.case, None, False, d) for d in drafts]
    for d in delivery.undelivered(every):
        items.append(Due("delivery", lambda: gettext("Not delivered yet"), d.case, None, False, d))
    for release, _end in revocation_letter.untold(every):
        items.append(Due("letter", partial(_untold, release), release.case, None, False, release))
    return sorted(items, key=lambda d: (not d.overdue, d.due_on or today))
