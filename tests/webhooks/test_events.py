"""Each event is raised by the service function where the thing happens, in its transaction,
once, and only for the endpoints of the agency that want it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.database import utcnow
from forms_service.documents import service as documents
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.jobs import run_job
from forms_service.webhooks import delivery
from forms_service.webhooks.models import WebhookDelivery, WebhookEvent
from forms_service.webhooks.service import emit, update_endpoint
from forms_service.workflows import consent, grievance
from forms_service.workflows import termination as terminations
from tests.conftest import PASSWORD, sign_consent
from tests.webhooks.conftest import add_endpoint

URL = "https://hooks.example.org/in"


def _events(types=None) -> list[WebhookEvent]:
    db.session.expire_all()
    query = select(WebhookEvent).order_by(WebhookEvent.created_at)
    if types:
        query = query.where(WebhookEvent.type.in_(types))
    return list(db.session.execute(query).scalars())


def _types() -> list[str]:
    return [e.type for e in _events()]


@pytest.mark.soffice
def test_a_consent_sent_signed_and_filed_raises_sent_then_signed_per_signer_then_filed(
    world, consent_document
):
    add_endpoint(world, URL)
    document, job = sign_consent(world, consent_document)
    assert run_job(job.id)

    assert _types() == ["document.sent", "document.signed", "document.signed", "document.filed"]
    signed = _events(["document.signed"])
    assert [e.data["signer"]["id"] for e in signed] == [str(s.id) for s in document.signers]
    assert [e.data["signer"]["role"] for e in signed] == [s.role for s in document.signers]
    (filed,) = _events(["document.filed"])
    assert filed.data["document"]["id"] == str(document.id)
    assert filed.data["archive_record"]["url"].startswith("/archive/")


def test_a_declined_and_a_voided_document_raise_their_events(world, consent_document):
    add_endpoint(world, URL)
    declined, voided = consent_document(), consent_document()
    actor = world.actor(world.case_manager)
    documents.decline(actor, declined, declined.signers[0], "")
    documents.void(actor, voided, "Sent by mistake")

    assert _types()[-2:] == ["document.declined", "document.voided"]
    assert _events(["document.declined"])[0].data["signer"]["id"] == str(declined.signers[0].id)


def _release(world, consent_document, **changes):
    document, job = sign_consent(world, consent_document, **changes)
    assert run_job(job.id)
    db.session.refresh(document)
    document.completed_at = utcnow() - timedelta(days=30)
    return document


@pytest.mark.soffice
def test_a_revoked_consent_and_one_ended_by_its_event_are_told(world, consent_document):
    revoked, ended = _release(world, consent_document), _release(world, consent_document)
    add_endpoint(world, URL, ["consent.revoked", "consent.expired"])
    actor = world.actor(world.case_manager)
    consent.revoke(actor, revoked, utcnow())
    consent.record_end_event(actor, ended, utcnow())

    first, second = _events()
    assert (first.type, first.data["release"]["id"]) == ("consent.revoked", str(revoked.id))
    assert first.data["reason"] == "revoked"
    assert (second.type, second.data["reason"]) == ("consent.expired", "end_event")


@pytest.mark.soffice
def test_a_consent_whose_end_date_passed_is_told_once_by_the_runner(world, consent_document):
    today = clock.today(world.agency)
    lapsed = _release(world, consent_document, end_date=(today + timedelta(days=5)).isoformat())
    long_ago = _release(world, consent_document, end_date=(today + timedelta(days=5)).isoformat())
    lapsed.data = {**lapsed.data, "end_date": (today - timedelta(days=1)).isoformat()}
    long_ago.data = {**long_ago.data, "end_date": (today - timedelta(days=30)).isoformat()}
    add_endpoint(world, URL, ["consent.expired"])

    assert delivery.emit_expired_consents(force=True) == 1
    assert delivery.emit_expired_consents(force=True) == 0

    (expired,) = _events()
    assert expired.data == {
        "release": expired.data["release"],
        "reason": "end_date",
    } and expired.data["release"]["id"] == str(lapsed.id)


def test_a_termination_notice_issued_and_the_final_decision_are_told(world):
    add_endpoint(world, URL, ["termination.notice_issued", "termination.decided"])
    actor = world.actor(world.case_manager)
    director = create_user(world.agency, "dir@a.example", "Director", Role.SUPERVISOR, PASSWORD)
    termination = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "All", "Weighed."
    )
    notice = terminations.issue_notice(
        actor, termination, get_form_type("termination_notice").example(), director
    )
    today = clock.today(world.agency).isoformat()
    appeal = {**get_form_type("appeal").example(), "received_on": today}
    terminations.file_appeal(actor, termination, appeal)
    decided = {
        **get_form_type("final_decision").example(),
        "hearing_date": today,
        "decision_date": today,
    }
    decision = terminations.issue_decision(world.actor(director), termination, decided)

    issued, decided = _events()
    assert issued.type == "termination.notice_issued"
    assert issued.data["notice"]["id"] == str(notice.id)
    assert issued.data["appeal_deadline"] == termination.appeal_deadline.isoformat()
    assert decided.type == "termination.decided"
    assert decided.data["decision"]["id"] == str(decision.id)
    assert decided.data["outcome"] == termination.outcome


def test_a_notice_given_on_paper_only_is_issued_when_its_delivery_is_recorded(world):
    add_endpoint(world, URL, ["termination.notice_issued"])
    actor = world.actor(world.case_manager)
    director = create_user(world.agency, "dir@a.example", "Director", Role.SUPERVISOR, PASSWORD)
    termination = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "All", "Weighed."
    )
    data = {
        **get_form_type("termination_notice").example(),
        "ends_lease": True,
        "lease_description": "Unit 3B",
    }
    notice = terminations.issue_notice(actor, termination, data, director)
    assert _events() == []

    today = clock.today(world.agency)
    terminations.record_notice_delivery(actor, notice, "mail", today, world.case_manager)

    (issued,) = _events()
    assert issued.data["notice"]["id"] == str(notice.id)


def test_a_grievance_filed_and_answered_are_told(world):
    add_endpoint(world, URL, ["grievance.filed", "grievance.answered"])
    actor = world.actor(world.case_manager)
    filed = grievance.file_grievance(actor, world.case, get_form_type("grievance").example())
    response = get_form_type("grievance_response").example()
    answer = grievance.respond(actor, filed, response)

    first, second = _events()
    assert (first.type, first.data["grievance"]["number"]) == ("grievance.filed", filed.number)
    assert (second.type, second.data["response"]["id"]) == ("grievance.answered", str(answer.id))


def test_only_the_agencys_enabled_endpoints_that_want_the_event_get_a_delivery(
    world, consent_document
):
    wants, other_event, off = (
        add_endpoint(world, URL, ["document.sent"])[0],
        add_endpoint(world, URL, ["document.voided"])[0],
        add_endpoint(world, URL, ["document.sent"])[0],
    )
    update_endpoint(world.actor(world.admin), off, URL, ["document.sent"], enabled=False)
    stranger = create_user(world.other_agency, "adm@b.example", "Other admin", Role.ADMIN, PASSWORD)
    add_endpoint(world, URL, ["document.sent"], user=stranger)

    consent_document()

    deliveries = db.session.execute(select(WebhookDelivery)).scalars().all()
    assert [d.endpoint_id for d in deliveries] == [wants.id]
    assert other_event.id not in {d.endpoint_id for d in deliveries}


def test_an_event_is_written_once_for_the_same_objects(world, consent_document):
    add_endpoint(world, URL, ["document.voided"])
    document = consent_document(send=False)
    assert emit(world.agency.id, "document.voided", document=document) is not None
    assert emit(world.agency.id, "document.voided", document=document) is None
    with pytest.raises(ValueError, match="unknown webhook event"):
        emit(world.agency.id, "document.eaten", document=document)


def test_no_endpoint_no_event_written(world, consent_document):
    consent_document()
    assert _events() == []
