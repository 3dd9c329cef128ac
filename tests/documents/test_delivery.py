"""A signed termination notice (or final decision, or grievance response) is delivered to the
client: staff record how and on which day, and What's due lists it until then."""

from datetime import timedelta

from sqlalchemy import select

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import Actor, create_user
from forms_service.audit.models import AuditEvent
from forms_service.documents import service as documents
from forms_service.documents.models import Delivery, Document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import termination as terminations
from forms_service.workflows.due import whats_due
from tests.conftest import PASSWORD, ink_payload, login
from tests.pages import open_page


def _signed_notice(world) -> Document:
    actor = world.actor(world.case_manager)
    t = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "Client, staff", "Notes"
    )
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    terminations.issue_notice(actor, t, get_form_type("termination_notice").example(), director)
    db.session.commit()
    notice = db.session.get(Document, t.notice_id)
    for signer in list(notice.signers):
        documents.sign(
            Actor(signer.user or world.case_manager, "203.0.113.7", "pytest"),
            notice,
            signer,
            ink_payload=ink_payload(),
            shown_content_sha256=notice.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    return notice


def _due_kinds(world) -> list[str]:
    return [d.kind for d in whats_due(world.actor(world.case_manager))]


def test_a_signed_notice_is_due_until_its_delivery_is_recorded(client, world):
    notice = _signed_notice(world)
    assert "delivery" in _due_kinds(world)
    login(client, world.case_manager)
    form = open_page(client, f"/documents/{notice.id}").form(action="/delivery")
    form["method"] = "mail"
    form["note"] = "1200 Market St"

    assert form.submit().status_code == 302

    delivery = db.session.execute(select(Delivery)).scalar_one()
    assert (delivery.method, delivery.delivered_on) == ("mail", clock.today(world.agency))
    assert "delivery" not in _due_kinds(world)
    page = open_page(client, f"/documents/{notice.id}").html
    assert "By mail" in page and "recorded by Sam Okafor" in page
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "document.delivered" in actions


def test_a_delivery_day_in_the_future_is_refused_on_its_field(client, world):
    notice = _signed_notice(world)
    login(client, world.case_manager)
    form = open_page(client, f"/documents/{notice.id}").form(action="/delivery")
    form["method"] = "in_hand"
    form["delivered_on"] = (clock.today(world.agency) + timedelta(days=1)).isoformat()

    response = form.submit()

    assert response.status_code == 400
    assert "The day it was delivered cannot be in the future." in response.text
    assert db.session.execute(select(Delivery)).first() is None
