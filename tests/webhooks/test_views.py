"""The admin's Webhooks pages, submitted as they render: an endpoint is added with its events,
its secret is shown once, it can be turned off, and its delivery log lists each try's answer
with a button to send the event again."""

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from forms_service.webhooks import delivery
from forms_service.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import login
from tests.pages import open_page


def _added(client, url, events):
    page = open_page(client, "/agency/webhooks")
    form = page.form()
    form["url"] = url
    form["events"] = events
    return form.submit()


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(client, world, receiver):
    login(client, world.admin)
    response = _added(client, receiver.url, ["document.sent", "grievance.filed"])
    assert response.status_code == 302
    endpoint = db.session.execute(select(WebhookEndpoint)).scalar_one()
    assert endpoint.events == ["document.sent", "grievance.filed"]

    first = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="webhook-secret">whsec_' in first
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "whsec_" not in again
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == str(endpoint.id)))
        == "webhook.create"
    )


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("ftp://hooks.example.org/in", ["document.sent"], "url"),
        ("https://user:pw@hooks.example.org/in", ["document.sent"], "url"),
        ("https://hooks.example.org/in", [], "events"),
    ],
)
def test_a_bad_address_or_no_event_is_named_on_its_field(client, world, url, events, field):
    login(client, world.admin)
    response = _added(client, url, events)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in html
    assert db.session.execute(select(WebhookEndpoint)).first() is None


def test_the_delivery_log_shows_each_tries_answer_and_sends_an_event_again(
    client, world, receiver, consent_document
):
    login(client, world.admin)
    location = _added(client, receiver.url, ["document.sent"]).headers["Location"]
    consent_document()
    receiver.answers = [500]
    delivery.deliver_due()

    page = open_page(client, location)
    assert "answered 500" in page.html and "document.sent" in page.html
    (queued,) = db.session.execute(select(WebhookDelivery)).scalars()
    response = page.form(f"/deliveries/{queued.id}").submit()
    assert response.status_code == 302
    assert len(db.session.execute(select(WebhookDelivery)).scalars().all()) == 2


def test_an_admin_turns_an_endpoint_off(client, world, receiver):
    login(client, world.admin)
    location = _added(client, receiver.url, ["document.sent"]).headers["Location"]
    form = open_page(client, location).form(location)
    form["enabled"] = False
    assert form.submit().status_code == 302
    endpoint = db.session.execute(select(WebhookEndpoint)).scalar_one()
    db.session.refresh(endpoint)
    assert endpoint.enabled is False and "Alex Moreno" in endpoint.disabled_reason


@pytest.mark.parametrize("who", ["case_manager", "supervisor", "records"])
def test_only_admins_reach_the_webhooks_page(client, world, who):
    login(client, getattr(world, who))
    assert client.get("/agency/webhooks").status_code == 403
