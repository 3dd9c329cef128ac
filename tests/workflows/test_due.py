"""What's due: overdue plan reviews reach the case manager and their supervisor, nobody else;
documents waiting for a signature (whose), for a signed paper form or after a decline, and open
grievances are listed; each staff member sees what waits for their own signature."""

from datetime import UTC, date, datetime, timedelta

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.cases.models import CaseStatus
from forms_service.documents import paper_only
from forms_service.documents import service as documents
from forms_service.documents.models import DocumentStatus
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import termination as terminations
from forms_service.workflows.due import plan_review_due, whats_due
from tests.conftest import PASSWORD, ink_payload, login
from tests.pages import open_page


def kinds(items, case):
    return {(i.kind, i.overdue) for i in items if i.case.id == case.id}


def test_a_plan_review_is_due_thirty_days_after_the_case_opened(world):
    assert plan_review_due(world.case) == world.case.opened_on + timedelta(days=30)
    world.agency.plan_review_days = 14
    assert plan_review_due(world.case) == world.case.opened_on + timedelta(days=14)


def test_a_plan_signed_in_the_evening_counts_from_the_agencys_day_not_the_servers(world):
    actor = world.actor(world.case_manager)
    example = get_form_type("case_plan").example()
    plan = documents.start_document(actor, world.case, "case_plan", example)
    plan.status = DocumentStatus.ARCHIVED
    plan.completed_at = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 8 p.m. December 5 in St. Louis
    db.session.flush()
    assert plan_review_due(world.case) == date(2026, 12, 5) + timedelta(days=30)


def test_overdue_reviews_reach_the_case_manager_and_supervisor_only(world):
    today = world.case.opened_on + timedelta(days=45)
    assert ("plan", True) in kinds(whats_due(world.actor(world.case_manager), today), world.case)
    assert ("plan", True) in kinds(whats_due(world.actor(world.supervisor), today), world.case)
    stranger = create_user(world.agency, "x@a.example", "Other CM", Role.CASE_MANAGER, PASSWORD)
    assert kinds(whats_due(world.actor(stranger), today), world.case) == set()
    assert kinds(whats_due(world.actor(world.other_case_manager), today), world.case) == set()


def test_a_review_not_yet_due_is_listed_a_week_ahead_not_as_overdue(world):
    review = plan_review_due(world.case)
    items = whats_due(world.actor(world.case_manager), review - timedelta(days=3))
    assert ("plan", False) in kinds(items, world.case)
    assert (
        kinds(whats_due(world.actor(world.case_manager), review - timedelta(days=10)), world.case)
        == set()
    )


def test_unsigned_documents_are_listed(world, consent_document):
    document = consent_document()
    items = whats_due(world.actor(world.case_manager), clock.today(world.agency))
    assert any(i.document is not None and i.document.id == document.id for i in items)


def test_whats_due_names_whose_signature_is_awaited_and_lists_paper_and_declined(
    client, world, consent_document
):
    waiting, on_paper, declined, voided = (consent_document() for _ in range(4))
    draft = consent_document(send=False)
    actor = world.actor(world.case_manager)
    documents.choose_paper(actor, on_paper, on_paper.signers[0])
    documents.decline(actor, declined, declined.signers[0], "")
    documents.void(actor, voided, "Sent to the wrong client")
    documents.delete_draft(actor, draft)
    db.session.commit()
    login(client, world.case_manager)

    html = open_page(client, "/due").html

    assert "Waiting for the signature of María José Núñez (Client)" in html
    assert "Signing on paper: upload the signed form when María José Núñez returns it" in html
    assert "María José Núñez declined to sign: void it or start a new one" in html
    for document in (waiting, on_paper, declined):
        assert document.reference in html
    assert voided.reference not in html and draft.reference not in html


def test_waiting_for_my_signature_lists_what_i_sign_next(client, world, consent_document):
    document, not_yet = consent_document(), consent_document()
    documents.sign(
        world.actor(world.case_manager),
        document,
        document.signers[0],
        ink_payload=ink_payload(),
        shown_content_sha256=document.content_sha256,
        esign_accepted=True,
    )
    db.session.commit()
    login(client, world.case_manager)
    due = open_page(client, "/due")
    assert "Waiting for the signature of Sam Okafor (Case manager)" in due.html

    html = open_page(client, "/waiting").html

    assert 'href="/waiting"' in due.html
    assert document.reference in html and not_yet.reference not in html
    login(client, world.supervisor)
    assert "Nothing is waiting for your signature." in open_page(client, "/waiting").html
    login(client, world.records)
    assert client.get("/waiting").status_code == 403


def test_whats_due_lists_a_paper_only_notice_until_its_delivery_is_recorded(world):
    """A notice that ends a lease (15 U.S.C. 7003(b)(2)(B)) is owed to the client on paper."""
    actor = world.actor(world.case_manager)
    data = get_form_type("termination_notice").example()
    data.update(ends_lease=True, lease_description="Lease for unit 3B")
    notice = documents.send_for_signature(
        actor, documents.start_document(actor, world.case, "termination_notice", data)
    )
    listed = [i for i in whats_due(actor) if i.kind == "delivery"]
    assert [i.document for i in listed] == [notice]
    assert "record its delivery" in listed[0].what
    paper_only.record_delivery(
        actor, notice, "in_hand", clock.today(world.agency), world.case_manager
    )
    assert not [i for i in whats_due(actor) if i.kind == "delivery"]


def test_a_termination_noticed_before_the_case_closed_stays_due_until_its_decision(world):
    """The client keeps the right to appeal after the case closed (24 CFR 578.91): the appeal
    window, then the reviewer's decision, stay on What's due."""
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    actor = world.actor(world.case_manager)
    today = clock.today(world.agency)
    t = terminations.record_conference(actor, world.case, today, "Client, Sam", "Weighed.")
    terminations.issue_notice(actor, t, get_form_type("termination_notice").example(), director)
    world.case.status, world.case.closed_on = CaseStatus.CLOSED, today
    db.session.commit()
    assert "appeal window open" in _terminations(whats_due(actor))

    appeal = {**get_form_type("appeal").example(), "received_on": today.isoformat()}
    terminations.file_appeal(actor, t, appeal)
    db.session.commit()
    assert "final decision due" in _terminations(whats_due(actor))
    assert "final decision due" in _terminations(whats_due(world.actor(world.supervisor)))


def _terminations(items) -> str:
    return " ".join(i.what for i in items if i.kind == "termination")
