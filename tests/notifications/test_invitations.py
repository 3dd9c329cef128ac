"""A signing link reaches the client by text message or e-mail: the message names the agency and
carries the link, nothing about the client or the form; staff can send it again, and a
reminder follows after the set delay while the link still works."""

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.notifications.models import OutboxMessage
from forms_service.notifications.runner import run_outbox
from forms_service.signing.models import RemoteLink
from tests.conftest import login
from tests.pages import open_page

PUBLIC = "https://forms.gateway.example"


def _send(client, document, **typed):
    """Staff fill "Send a signing link" on the document's page and press it."""
    signer = document.signers[0]
    form = open_page(client, f"/documents/{document.id}").form(
        action=f"/signers/{signer.id}/remote-link"
    )
    for name, value in typed.items():
        form[name] = value
    return form.submit()


def _link_in(text: str) -> str:
    return re.search(rf"{PUBLIC}/s/[\w-]{{43}}", text).group(0)


def _audited(action: str) -> list:
    return list(db.session.scalars(select(AuditEvent.id).where(AuditEvent.action == action)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_link_sent_by_text_message_names_the_agency_and_nothing_about_the_client(
    app, client, world, consent_document, channels
):
    _, sms = channels
    app.config["PUBLIC_URL"] = PUBLIC
    document = consent_document()
    login(client, world.case_manager)

    page = _send(client, document, identity_method="dob", send_by="sms", phone="(314) 555-0123")

    assert page.status_code == 200
    assert "A text message with the link is on its way to +13145550123." in page.text
    (sent,) = sms.arrived
    assert sent["To"] == "+13145550123"
    assert sent["Body"].startswith("Gateway Housing Services asks you to sign a document.")
    url = _link_in(sent["Body"])
    assert url in page.text  # the same link as the QR code
    for secret in ("María", "Núñez", "Nunez", document.reference, "Consent", "St. Patrick"):
        assert secret not in sent["Body"]
    shown = open_page(client, f"/documents/{document.id}").html
    assert "Text message to <bdi>+13145550123</bdi>" in shown and "Sent " in shown


def test_a_link_sent_by_email_arrives_in_the_clients_language(
    app, client, world, consent_document, channels
):
    mail_server, _ = channels
    app.config["PUBLIC_URL"] = PUBLIC
    world.client.preferred_language = "es"
    db.session.commit()
    document = consent_document()
    login(client, world.case_manager)

    page = _send(
        client, document, identity_method="code", send_by="email", email="maria@example.net"
    )

    assert page.status_code == 200
    (mail,) = mail_server.arrived
    assert mail["To"] == "maria@example.net"
    assert mail["Subject"] == "Un documento para firmar de Gateway Housing Services"
    body = mail.get_payload(decode=True).decode()
    assert _link_in(body) in page.text
    code = re.search(r'id="link-code"><strong>(\d{3}) (\d{3})', page.text)
    assert code and code.group(1) + code.group(2) not in body  # the code never goes with it


def test_a_mistyped_number_is_refused_on_its_field_and_nothing_is_written(
    client, world, consent_document, channels
):
    document = consent_document()
    login(client, world.case_manager)

    page = _send(client, document, identity_method="dob", send_by="sms", phone="555-01")

    assert page.status_code == 400
    assert "Enter a mobile number, for example (314) 555-0100." in page.text
    assert 'value="555-01"' in page.text  # what was typed stays to be corrected
    assert _count(RemoteLink) == 0 and _count(OutboxMessage) == 0


def test_staff_can_send_the_same_link_again(app, client, world, consent_document, channels):
    _, sms = channels
    app.config["PUBLIC_URL"] = PUBLIC
    document = consent_document()
    login(client, world.case_manager)
    _send(client, document, identity_method="dob", send_by="sms", phone="+13145550123")

    again = open_page(client, f"/documents/{document.id}").form(action="/resend").submit()

    assert again.status_code == 302
    first, second = sms.arrived
    assert _link_in(first["Body"]) == _link_in(second["Body"])


def test_sending_again_twice_from_one_page_sends_once(
    app, client, world, consent_document, channels
):
    """A double click (or the page posted twice) names the same sending: one message."""
    _, sms = channels
    app.config["PUBLIC_URL"] = PUBLIC
    document = consent_document()
    login(client, world.case_manager)
    _send(client, document, identity_method="dob", send_by="sms", phone="+13145550123")
    form = open_page(client, f"/documents/{document.id}").form(action="/resend")

    assert form.submit().status_code == 302
    assert form.submit().status_code == 302
    run_outbox()

    assert len(sms.arrived) == 2  # the link, then once again
    assert len(_audited("remote_link.resend")) == 1
    again = open_page(client, f"/documents/{document.id}").form(action="/resend").submit()
    assert again.status_code == 302  # a press on the page drawn since sends again
    run_outbox()
    assert len(sms.arrived) == 3


def test_a_reminder_follows_after_the_delay_until_the_link_stops(
    app, client, world, consent_document, channels
):
    _, sms = channels
    app.config.update(PUBLIC_URL=PUBLIC, REMINDER_HOURS=24)
    document = consent_document()
    login(client, world.case_manager)
    _send(client, document, identity_method="dob", send_by="sms", phone="+13145550123")

    assert run_outbox() == (0, 0)  # not yet
    with time_machine.travel(utcnow() + timedelta(hours=24, minutes=1)):
        assert run_outbox() == (1, 0)
    open_page(client, f"/documents/{document.id}").form(action="/revoke").submit()
    with time_machine.travel(utcnow() + timedelta(hours=48, minutes=2)):
        assert run_outbox() == (0, 0)  # revoked: no second reminder

    first, reminder = sms.arrived
    assert reminder["Body"].startswith("Gateway Housing Services: a reminder")
    assert _link_in(reminder["Body"]) == _link_in(first["Body"])


def test_reminders_go_on_each_delay_until_the_link_expires(
    app, client, world, consent_document, channels
):
    _, sms = channels
    app.config.update(PUBLIC_URL=PUBLIC, REMINDER_HOURS=24, REMOTE_LINK_HOURS=24 * 5)
    document = consent_document()
    login(client, world.case_manager)
    _send(client, document, identity_method="dob", send_by="sms", phone="+13145550123")
    start = utcnow()
    for day in range(1, 7):
        with time_machine.travel(start + timedelta(hours=24 * day, minutes=day)):
            run_outbox()
    assert len(sms.arrived) == 1 + 4  # the link, then a reminder a day while it works


def test_staff_are_warned_when_links_would_point_at_the_servers_own_address(
    app, client, world, consent_document
):
    """Without FORMS_PUBLIC_URL, and without e-mail or SMS set up: only the QR code is offered."""
    document = consent_document()
    login(client, world.case_manager)

    page = open_page(client, f"/documents/{document.id}")

    assert "FORMS_PUBLIC_URL is not set on this server" in page.html
    form = page.form(action=f"/signers/{document.signers[0].id}/remote-link")
    assert form["send_by"] == "show" and "phone" not in form and "email" not in form
