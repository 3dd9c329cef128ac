"""Termination due process (24 CFR 578.91; seed 000 "Non-compliance and Exiting"):

    case conference recorded → notice issued (reason, referrals, how and by when to appeal,
    the reviewer's name) → appeal window → appeal filed by or for the client → written final
    decision by the independent reviewer → case closed or continued.

The reviewer is never the person who made or approved the termination, nor a subordinate of
either: `reviewer_conflicts` decides it from the supervisor chain, for every caller (an admin
included), and counts the case's case manager among those who made it. A termination never
bars re-enrolment."""

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..cases.service import require_open
from ..documents import paper_only
from ..documents import service as documents
from ..documents.models import Document
from ..errors import InvalidInput, PermissionDenied, RuleViolation
from ..extensions import db
from ..formatting import long_date
from ..forms.appeal import Appeal
from ..forms.final_decision import FinalDecision
from ..forms.termination_notice import TerminationNotice
from ..webhooks import service as webhooks
from . import vawa
from .independence import independence_conflicts
from .models import Termination

CONFERENCE, NOTICE_TO_DELIVER, NOTICE, APPEALED, DECIDED, FINAL = (
    "conference_recorded",
    "notice_to_deliver",  # a notice given on paper only, until its delivery is recorded
    "notice_issued",
    "appealed",
    "decided",
    "final",
)


def reviewer_conflicts(termination: Termination, candidate: User) -> list[str]:
    """Why `candidate` may not review this termination; empty when they may (578.91(b)(3)).
    It was made by whoever recorded the conference and by the case's case manager, who signs
    the notice; approved by the recorder's supervisor and, then, by the case manager's, who
    signs it as the supervisor who approved."""
    case_manager = termination.case.case_manager
    approved_by = [termination.approver]
    if termination.approver is not None:
        approved_by.append(case_manager.supervisor)
    return independence_conflicts(
        candidate, termination.agency_id, [termination.terminator, case_manager], approved_by
    )


def eligible_reviewers(actor: Actor, termination: Termination) -> list[User]:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    staff = db.session.execute(
        select(User).where(User.agency_id == termination.agency_id, User.active.is_(True))
    ).scalars()
    return [u for u in staff if not reviewer_conflicts(termination, u)]


def record_conference(
    actor: Actor, case: Case, on: date, attendees: str, notes: str
) -> Termination:
    """Before any termination: a case conference with the client and those involved, where
    extenuating circumstances are weighed (seed 000; 578.91(c))."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    require_open(case)
    errors = {}
    if on > clock.today(case.client.agency):
        errors["on"] = [gettext("The conference date cannot be in the future.")]
    if not attendees.strip():
        errors["attendees"] = [gettext("Say who took part (the client and those involved).")]
    if not notes.strip():
        errors["notes"] = [
            gettext("Record what was discussed, including extenuating circumstances.")
        ]
    if errors:
        raise InvalidInput(errors)
    termination = Termination(
        agency_id=case.agency_id,
        case_id=case.id,
        status=CONFERENCE,
        conference_on=on,
        conference_attendees=attendees.strip(),
        conference_notes=notes.strip(),
        terminator_id=user.id,
        approver_id=user.supervisor_id,
    )
    db.session.add(termination)
    db.session.flush()
    audit.record(actor, "termination.conference", termination, case=case.number)
    return termination


def _step(termination: Termination, expected: str, message: str) -> None:
    if termination.status != expected:
        raise RuleViolation(message)


def notice_facts(termination: Termination, today: date) -> dict:
    """What a notice takes from the termination's records, never retyped: its date, the case
    conference held before it (578.91(c)), who made it and the supervisor who approved it (the
    chain)."""
    return {
        "notice_date": today.isoformat(),
        "case_conference_date": termination.conference_on.isoformat(),
        "case_conference_attendees": termination.conference_attendees,
        "terminated_by": termination.terminator.name,
        "approved_by": termination.approver.name if termination.approver else "",
    }


def issue_notice(actor: Actor, termination: Termination, data: dict, reviewer: User, **language):
    """The written notice, naming the reviewer who will hear an appeal, with the VAWA notice
    and certification form generated, filed and delivered with it (24 CFR 5.2005(a)(2)). The
    appeal window is the agency's setting, counted from the notice date; for a notice given
    on paper only, from the day its delivery is recorded (`record_notice_delivery`)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Termination, termination.id)
    _step(termination, CONFERENCE, gettext("Record the case conference before issuing a notice."))
    problems = reviewer_conflicts(termination, reviewer)
    if problems:
        raise RuleViolation(" ".join(problems))
    agency = termination.case.client.agency
    notice_date = clock.today(agency)
    data = {**data, **notice_facts(termination, notice_date), "reviewer_name": reviewer.name}
    data["vawa_enclosed"] = True  # generated below, in the notice's language
    notice = documents.start_document(
        actor, termination.case, TerminationNotice.name, data, **language
    )
    documents.send_for_signature(actor, notice, reviewer=reviewer)
    vawa.give(actor, termination.case, vawa.TERMINATION, vawa.WITH_NOTICE, with_document=notice)
    termination.notice_id = notice.id
    termination.reviewer_id = reviewer.id
    if paper_only.awaiting_delivery(notice):
        termination.status = NOTICE_TO_DELIVER  # issued, and the appeal clock started, once given
    else:
        termination.appeal_deadline = notice_date + timedelta(days=agency.appeal_days)
        termination.status = NOTICE
        _issued(termination, notice)
    audit.record(
        actor,
        "termination.notice",
        termination,
        notice=notice.reference,
        reviewer=reviewer.name,
        appeal_deadline=termination.appeal_deadline and termination.appeal_deadline.isoformat(),
    )
    return notice


def record_notice_delivery(
    actor: Actor, notice: Document, method: str, delivered_on: date | None, delivered_by: User
):
    """A notice given on paper only (it ends a lease, 15 U.S.C. 7003(b)(2)(B)) was handed to
    the client or mailed, with the VAWA forms it encloses: recorded, it counts as issued, the
    VAWA forms as given that day by the same person, and the appeal window the notice printed
    runs from that day. Without its VAWA forms it is refused (24 CFR 5.2005(a)(2))."""
    enclosed = vawa.enclosed_with(notice)
    given = paper_only.record_delivery(actor, notice, method, delivered_on, delivered_by)
    vawa.given_with(actor, enclosed, given.delivered_on, delivered_by)
    termination = db.session.scalar(select(Termination).where(Termination.notice_id == notice.id))
    if termination is not None and termination.status == NOTICE_TO_DELIVER:
        days = int(notice.data["appeal_days"])
        termination.appeal_deadline = given.delivered_on + timedelta(days=days)
        termination.status = NOTICE
        audit.record(
            actor,
            "termination.notice_delivered",
            termination,
            notice=notice.reference,
            appeal_deadline=termination.appeal_deadline.isoformat(),
        )
        _issued(termination, notice)
    return given


def _issued(termination: Termination, notice: Document) -> None:
    """The notice counts as issued (its appeal window runs): tell the webhooks."""
    webhooks.emit(
        termination.agency_id,
        "termination.notice_issued",
        termination=termination,
        notice=notice,
        case=termination.case,
        appeal_deadline=termination.appeal_deadline.isoformat(),
    )


def file_appeal(actor: Actor, termination: Termination, data: dict, **language):
    """The client's appeal, filed by them or for them, on time (its `received_on`)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Termination, termination.id)
    facts = appeal_facts(termination)
    if not data.get("received_on"):
        raise InvalidInput({"received_on": [gettext("Give the date the appeal was received.")]})
    filed_on = date.fromisoformat(str(data["received_on"]))
    if filed_on > termination.appeal_deadline:
        raise RuleViolation(
            gettext(
                "The appeal window closed on %(date)s.",
                date=long_date(termination.appeal_deadline),
            )
        )
    appeal = documents.start_document(
        actor, termination.case, Appeal.name, {**data, **facts}, **language
    )
    documents.send_for_signature(actor, appeal)
    agency = termination.case.client.agency
    termination.appeal_id = appeal.id
    termination.appeal_filed_on = filed_on
    termination.decision_due = filed_on + timedelta(days=agency.decision_days)
    termination.status = APPEALED
    audit.record(actor, "termination.appeal", termination, appeal=appeal.reference)
    return appeal


def appeal_facts(termination: Termination) -> dict:
    """What an appeal takes from the termination's records: the notice it appeals. Only
    after a notice, and before a decision."""
    _step(termination, NOTICE, gettext("An appeal can only follow a termination notice."))
    return {"termination_reference": termination.notice.reference}


def decision_facts(termination: Termination, reviewer: User) -> dict:
    """What a final decision takes from the termination's records, never retyped: which
    notice and appeal it decides, who reviewed, and who made and approved the termination.
    Only after an appeal, and only for the reviewer named in the notice."""
    _step(termination, APPEALED, gettext("A final decision comes after an appeal has been filed."))
    if reviewer.id != termination.reviewer_id:
        raise PermissionDenied(
            gettext("Only the independent reviewer named in the notice decides.")
        )
    return {
        "termination_reference": termination.notice.reference,
        "appeal_received_on": termination.appeal_filed_on.isoformat(),
        "reviewer_name": reviewer.name,
        "terminated_by": termination.terminator.name,
        "approved_by": termination.approver.name if termination.approver else "",
    }


def issue_decision(actor: Actor, termination: Termination, data: dict, **language):
    """The written final decision, by the independent reviewer only, after an appeal."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Termination, termination.id)
    facts = decision_facts(termination, user)
    problems = reviewer_conflicts(termination, user)
    if problems:  # the chain may have changed since the notice
        raise RuleViolation(" ".join(problems))
    data = {**data, **facts}
    decision = documents.start_document(
        actor, termination.case, FinalDecision.name, data, **language
    )
    documents.send_for_signature(actor, decision, reviewer=user)
    termination.decision_id = decision.id
    termination.outcome = data.get("decision")
    termination.status = DECIDED
    audit.record(actor, "termination.decision", termination, outcome=termination.outcome)
    webhooks.emit(
        termination.agency_id,
        "termination.decided",
        termination=termination,
        decision=decision,
        case=termination.case,
        outcome=termination.outcome,
    )
    return decision


def due(termination: Termination, today: date | None = None) -> str | None:
    """What this termination is waiting for, in words, or None."""
    today = today or clock.today(termination.case.client.agency)
    if termination.status == NOTICE and today <= termination.appeal_deadline:
        return gettext(
            "appeal window open until %(date)s", date=long_date(termination.appeal_deadline)
        )
    if termination.status == APPEALED:
        if today > termination.decision_due:
            return gettext(
                "final decision due %(date)s (overdue)", date=long_date(termination.decision_due)
            )
        return gettext("final decision due %(date)s", date=long_date(termination.decision_due))
    return None


def next_step(termination: Termination, user: User) -> str | None:
    """The step `user` can take next, named as its page: the notice (only while the case is
    open: a closed case has nothing left to end), the appeal (owed to the client even after
    closing), or the decision (the named reviewer only)."""
    if termination.status == CONFERENCE and termination.case.is_open:
        return "notice"
    if termination.status == NOTICE:
        return "appeal"
    if termination.status == APPEALED and termination.reviewer_id == user.id:
        return "decision"
    return None


def for_case(actor: Actor, case: Case) -> list[Termination]:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Case, case.id)
    return list(
        db.session.execute(
            select(Termination)
            .where(Termination.case_id == case.id)
            .order_by(Termination.created_at)
        ).scalars()
    )


def get(actor: Actor, termination_id) -> Termination:
    require_role(actor, STAFF_WHO_FILL_FORMS)
    return get_in_agency(actor, Termination, termination_id)
