"""The outbox sends each message once, through a real SMTP server and an SMS provider's API on
this machine; a failure is retried after a wait, then given up, audited and shown to staff."""

from datetime import timedelta

import time_machine
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.notifications import outbox, service
from forms_service.notifications.models import Channel, MessageStatus, OutboxMessage
from tests.conftest import login
from tests.notifications.servers import SMS_FROM

LINK = "https://forms.example.org/s/abc123"


def _queue(world, channel=Channel.EMAIL, to="maria@example.net", key="link:1"):
    message = service.queue_message(
        world.agency.id,
        key,
        channel,
        to,
        f"Gateway Housing Services asks you to sign a document: {LINK}",
        subject="A document to sign from Gateway Housing Services",
    )
    db.session.commit()
    return message


def _actions(message) -> list[str]:
    return list(
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(message.id))
            .order_by(AuditEvent.id)
        ).scalars()
    )


def test_an_email_goes_out_once_over_starttls_with_a_password(world, channels):
    mail_server, _ = channels
    message = _queue(world)

    assert service.send_due() == (1, 0)
    assert service.send_due() == (0, 0)
    again = service.queue_message(world.agency.id, "link:1", Channel.EMAIL, "x@example.net", "x")

    (mail,) = mail_server.arrived
    assert mail["To"] == "maria@example.net" and mail["X-Envelope-To"] == "maria@example.net"
    assert mail["From"] == "forms@gateway.example"
    assert mail["Subject"] == "A document to sign from Gateway Housing Services"
    assert LINK in mail.get_payload(decode=True).decode()
    assert again.id == message.id
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.body == ""  # no link kept
    assert _actions(message) == ["message.sent"]


def test_a_text_message_goes_through_the_providers_messages_api(world, channels):
    _, sms = channels
    message = _queue(world, Channel.SMS, "+13145550123")

    assert service.send_due() == (1, 0)

    (sent,) = sms.arrived
    assert sent["To"] == "+13145550123" and sent["From"] == SMS_FROM
    assert sent["Body"] == f"Gateway Housing Services asks you to sign a document: {LINK}"
    db.session.refresh(message)
    assert message.provider_id == "SM" + "1".zfill(32)


def test_a_provider_outage_is_retried_after_a_wait_until_it_passes(world, channels):
    _, sms = channels
    sms.failures = [(503, "Service unavailable"), (500, "Internal error")]
    message = _queue(world, Channel.SMS, "+13145550123")

    assert service.send_due() == (0, 1)
    db.session.refresh(message)
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert "503" in message.error
    assert service.send_due() == (0, 0)  # not due before its wait is over
    with time_machine.travel(utcnow() + service.RETRIES.backoff[0] + timedelta(seconds=1)):
        assert service.send_due() == (0, 1)
    with time_machine.travel(utcnow() + service.RETRIES.backoff[1] + timedelta(minutes=2)):
        assert service.send_due() == (1, 0)

    assert len(sms.arrived) == 1
    assert _actions(message) == ["message.failed", "message.failed", "message.sent"]


def test_a_refused_number_is_given_up_at_once_and_staff_see_why(world, channels, client):
    _, sms = channels
    sms.refuse = {"+1555"}
    message = _queue(world, Channel.SMS, "+1555")

    assert service.send_due() == (0, 1)

    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    login(client, world.case_manager)
    page = client.get("/messages").get_data(as_text=True)
    assert "Not sent" in page and "is not a valid phone number" in page
    assert _actions(message) == ["message.failed"]


def test_a_message_claimed_by_one_runner_is_not_sent_by_another(world, channels):
    mail_server, _ = channels
    message = _queue(world)
    assert outbox.claim(OutboxMessage, message.id)

    assert service.send_one(message.id) is False
    assert mail_server.arrived == []


def test_a_runner_that_died_while_sending_leaves_the_message_failed_not_sent_again(world, channels):
    """It may have arrived: staff decide, rather than the client getting it twice."""
    mail_server, _ = channels
    message = _queue(world)
    assert outbox.claim(OutboxMessage, message.id)

    with time_machine.travel(utcnow() + service.CLAIM_LOST_AFTER + timedelta(minutes=1)):
        assert service.send_due() == (0, 0)

    db.session.refresh(message)
    assert message.status == MessageStatus.FAILED and "may or may not" in message.error
    assert mail_server.arrived == []


def test_a_wrong_mail_password_fails_with_the_servers_reason(world, channels):
    mail_server, _ = channels
    db.session.get(OutboxMessage, _queue(world).id)
    from flask import current_app

    current_app.config["SMTP_URL"] = mail_server.url.replace("mail%20password", "wrong")

    assert service.send_due() == (0, 1)
    message = db.session.execute(select(OutboxMessage)).scalar_one()
    assert "user name or password" in message.error, message.error
    assert message.status == MessageStatus.FAILED
