"""A document sent and not signed can be voided with a reason, a draft deleted: both stay in
the audit trail, leave nothing in What's due, and neither is offered once a document is
signed."""

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.documents import service as documents
from forms_service.documents.models import Document, DocumentStatus
from forms_service.errors import RuleViolation
from forms_service.extensions import db
from forms_service.signing import remote
from tests.conftest import archive_consent, login, post
from tests.pages import open_page


def _actions(document) -> list[str]:
    return (
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.object_id == str(document.id))
        )
        .scalars()
        .all()
    )


def test_voiding_stops_the_tablet_and_the_phone_link_at_once(app, client, world, consent_document):
    document = consent_document()
    _, token, _ = remote.create_link(
        world.actor(world.case_manager), document, document.signers[0], remote.DOB
    )
    db.session.commit()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")  # tablet handed over
    desk = app.test_client()
    login(desk, world.case_manager)
    form = open_page(desk, f"/documents/{document.id}").form(action="/void")
    form["reason"] = "Wrong recipient: the client meant St. Louis Housing Authority."

    assert form.submit().status_code == 302

    assert "This form is no longer to be signed" in open_page(client, "/kiosk").html
    assert app.test_client().get(f"/s/{token}").status_code == 404
    page = open_page(desk, f"/documents/{document.id}")
    assert "Voided: “Wrong recipient: the client meant St. Louis Housing Authority.”" in page.html
    assert "Hand the tablet" not in page.html and "Send a signing link" not in page.html
    assert "document.void" in _actions(document)
    assert document.reference not in open_page(desk, "/due").html


def test_a_void_needs_a_reason_named_on_its_field(client, world, consent_document):
    document = consent_document()
    login(client, world.case_manager)

    response = open_page(client, f"/documents/{document.id}").form(action="/void").submit()

    assert response.status_code == 400
    assert "Say why it is voided, in at most 1,000 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Document, document.id).status == DocumentStatus.SIGNING


@pytest.mark.soffice
def test_a_signed_document_is_neither_voided_nor_deleted(client, world, consent_document):
    record = archive_consent(world, consent_document)
    document = record.document
    login(client, world.case_manager)
    page = open_page(client, f"/documents/{document.id}")
    assert "Void this document" not in page.html and "Delete the draft" not in page.html
    actor = world.actor(world.case_manager)
    with pytest.raises(RuleViolation):
        documents.void(actor, document, "Changed my mind")
    with pytest.raises(RuleViolation):
        documents.delete_draft(actor, document)
    assert post(client, f"/documents/{document.id}/void", {"reason": "x"}).status_code == 409
    assert post(client, f"/documents/{document.id}/delete").status_code == 409


def test_a_deleted_draft_leaves_the_case_page_and_stays_in_the_audit_trail(
    client, world, consent_document
):
    draft = consent_document(send=False)
    login(client, world.case_manager)
    assert draft.reference in open_page(client, f"/cases/{world.case.id}").html

    response = open_page(client, f"/documents/{draft.id}").form(action="/delete").submit()

    assert response.status_code == 302
    assert f"Draft {draft.reference} deleted." in open_page(client, response.location).html
    assert draft.reference not in open_page(client, f"/cases/{world.case.id}").html
    assert "document.delete" in _actions(draft)
    assert "This draft was deleted." in open_page(client, f"/documents/{draft.id}").html
    with pytest.raises(RuleViolation):
        documents.void(world.actor(world.case_manager), draft, "Not needed")
