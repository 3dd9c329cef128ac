"""Deliveries reach a receiver on 127.0.0.1 signed, in order, tried again after a failure for
about three days, and the endpoint is turned off (admins told) when the last try fails."""

import hashlib
import hmac
import socket
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.notifications import notices, outbox
from forms_service.notifications.models import MessageStatus, Notice
from forms_service.webhooks import delivery, transport
from forms_service.webhooks.models import WebhookDelivery, WebhookEndpoint
from forms_service.webhooks.service import redeliver
from tests.webhooks.conftest import add_endpoint


def _deliveries(endpoint) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.created_at)
        ).scalars()
    )


def _verify(secret: str, header: str, body: bytes) -> int:
    """What the README tells a receiver to do; returns the signed time."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(expected.hexdigest(), parts["v1"])
    return int(parts["t"])


def test_a_delivery_carries_ids_and_links_signed_over_its_time_and_raw_body(
    world, receiver, consent_document
):
    endpoint, secret = add_endpoint(world, receiver.url, ["document.sent"])
    document = consent_document()

    assert delivery.deliver_due() == (1, 0)

    (arrival,) = receiver.arrived
    signed_at = _verify(secret, arrival.headers["X-Forms-Signature"], arrival.body)
    assert abs(signed_at - utcnow().timestamp()) < 60
    event = arrival.json
    assert event["type"] == "document.sent"
    assert event["agency"] == {"id": str(world.agency.id), "name": world.agency.name}
    assert event["created_at"].endswith("Z")
    assert event["data"]["document"]["id"] == str(document.id)
    assert event["data"]["document"]["reference"] == document.reference
    assert event["data"]["document"]["url"].endswith(f"/documents/{document.id}")
    assert event["data"]["case"]["number"] == world.case.number
    # ids and links, never what the form says nor who it is about
    for content in ("St. Patrick", "permanent supportive housing", "Núñez", "María"):
        assert content not in arrival.body.decode()
    (sent,) = _deliveries(endpoint)
    assert sent.status == MessageStatus.SENT and sent.response_code == 200


def test_a_signature_made_with_another_secret_does_not_verify(world, receiver, consent_document):
    add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()
    delivery.deliver_due()
    (arrival,) = receiver.arrived
    with pytest.raises(AssertionError):
        _verify("whsec_someone-else", arrival.headers["X-Forms-Signature"], arrival.body)


def test_the_secret_is_kept_sealed_not_as_given(world, receiver):
    endpoint, secret = add_endpoint(world, receiver.url)
    assert secret.startswith("whsec_") and secret not in endpoint.secret_sealed


def test_after_a_500_the_delivery_is_tried_again_after_its_wait_and_later_ones_wait_behind_it(
    world, receiver, consent_document
):
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    first, second = consent_document(), consent_document()
    receiver.answers = [500]

    assert delivery.deliver_due() == (0, 1)
    assert len(receiver.arrived) == 1  # the second waits behind the first
    head, behind = _deliveries(endpoint)
    assert head.status == MessageStatus.PENDING and head.attempts == 1
    assert head.error == "answered 500" and head.response_code == 500
    assert behind.attempts == 0
    assert delivery.deliver_due() == (0, 0)  # not yet due: nothing sent

    with time_machine.travel(utcnow() + delivery.RETRIES.backoff[0] + timedelta(seconds=1)):
        assert delivery.deliver_due() == (2, 0)

    ids = [a.json["data"]["document"]["id"] for a in receiver.arrived]
    assert ids == [str(first.id), str(first.id), str(second.id)]
    assert receiver.arrived[0].json["id"] == receiver.arrived[1].json["id"]  # the same event


def test_an_endpoints_deliveries_arrive_in_the_order_they_were_written(
    world, receiver, consent_document
):
    add_endpoint(world, receiver.url, ["document.sent", "document.voided"])
    sent = [consent_document() for _ in range(4)]
    from forms_service.documents.service import void

    void(world.actor(world.case_manager), sent[0], "Sent by mistake")
    db.session.commit()

    assert delivery.deliver_due() == (5, 0)

    assert receiver.types() == ["document.sent"] * 4 + ["document.voided"]
    order = [a.json["data"]["document"]["id"] for a in receiver.arrived]
    assert order == [str(d.id) for d in sent] + [str(sent[0].id)]


def test_a_later_delivery_cannot_be_claimed_while_an_earlier_one_is_unfinished(
    world, receiver, consent_document
):
    """Two runners at once: the one that finds the second delivery may not send it while the
    first is being sent by the other."""
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document(), consent_document()
    head, behind = _deliveries(endpoint)
    assert outbox.claim(WebhookDelivery, head.id, delivery._earlier_unfinished())

    assert delivery.send_one(behind) is False
    assert receiver.arrived == []


def test_the_retries_span_about_three_days():
    total = sum(delivery.RETRIES.backoff, timedelta())
    assert timedelta(days=2, hours=12) <= total <= timedelta(days=3, hours=12)


def test_when_the_last_try_fails_the_endpoint_is_turned_off_and_the_admins_told(
    world, receiver, consent_document
):
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()
    receiver.answers = [503] * delivery.RETRIES.max_attempts
    at = utcnow()
    for wait in (timedelta(0), *delivery.RETRIES.backoff):
        at += wait + timedelta(seconds=1)
        # The clock stands still during a try: the next is due `wait` after it failed, and a
        # try that took over a second on a loaded machine would not be due yet.
        with time_machine.travel(at, tick=False):
            assert delivery.deliver_due() == (0, 1)

    (failed,) = _deliveries(endpoint)
    assert failed.status == MessageStatus.FAILED
    assert failed.attempts == delivery.RETRIES.max_attempts == len(receiver.arrived)
    db.session.refresh(endpoint)
    assert endpoint.enabled is False and "answered 503" in endpoint.disabled_reason
    (notice,) = db.session.execute(select(Notice).where(Notice.user_id == world.admin.id)).scalars()
    assert notice.kind == notices.WEBHOOK_OFF and notice.url == f"/agency/webhooks/{endpoint.id}"
    # An endpoint that is off hears nothing more, and nothing is written for it.
    consent_document()
    assert delivery.deliver_due() == (0, 0)
    assert len(_deliveries(endpoint)) == 1


def test_an_admin_redelivers_an_event_with_the_same_id(world, receiver, consent_document):
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()
    delivery.deliver_due()
    (first,) = _deliveries(endpoint)

    redeliver(world.actor(world.admin), endpoint, str(first.id))
    db.session.commit()
    assert delivery.deliver_due() == (1, 0)

    assert [a.json["id"] for a in receiver.arrived] == [str(first.event_id)] * 2
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_id == str(endpoint.id))
    ).scalars()
    assert "webhook.redeliver" in list(actions)


def test_a_loopback_receiver_is_refused_unless_the_operator_allows_it(
    app, world, receiver, consent_document
):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = ""
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()

    assert delivery.deliver_due() == (0, 1)

    assert receiver.arrived == []
    (refused,) = _deliveries(endpoint)
    assert refused.status == MessageStatus.FAILED and "not a public address" in refused.error
    assert db.session.get(WebhookEndpoint, endpoint.id).enabled is False


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "::ffff:127.0.0.1",
        "fc00::1",
    ],
)
def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch, address):
    """Checked on the address the name resolves to, not on the name."""

    def resolves(host, port, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves)
    with pytest.raises(transport.Refused, match="not a public address"):
        transport.resolve("https://hooks.example.org/in", [])


def test_every_address_a_name_resolves_to_must_be_public(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    with pytest.raises(transport.Refused):
        transport.resolve("https://hooks.example.org/in", [])


def test_the_request_goes_to_the_address_that_was_checked_naming_the_host(
    world, receiver, monkeypatch
):
    """DNS rebinding: the name is resolved once, checked, and that address is connected to."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    calls = []

    def resolves(host, p, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves)
    allowed = transport.allowed_networks("127.0.0.1/32")
    answer = transport.post(f"http://receiver.example:{port}/in", b"{}", "s", allowed, "test")

    assert answer.status == 200
    assert calls.count("receiver.example") == 1  # the connection is made to the address
    assert set(calls) == {"receiver.example", "127.0.0.1"}
    assert receiver.arrived[0].headers["Host"] == f"receiver.example:{port}"


def test_plain_http_to_a_public_address_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))
        ],
    )
    with pytest.raises(transport.Refused, match="http://"):
        transport.resolve("http://hooks.example.org/in", [])


def test_a_redirect_is_not_followed(world, receiver, consent_document):
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()
    receiver.answers = [302]
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}

    assert delivery.deliver_due() == (0, 1)

    assert len(receiver.arrived) == 1
    assert _deliveries(endpoint)[0].error == "answered 302"


def test_a_delivery_whose_runner_died_is_sent_again(world, receiver, consent_document):
    endpoint, _ = add_endpoint(world, receiver.url, ["document.sent"])
    consent_document()
    (lost,) = _deliveries(endpoint)
    assert outbox.claim(WebhookDelivery, lost.id)

    with time_machine.travel(utcnow() + delivery.CLAIM_LOST_AFTER + timedelta(minutes=1)):
        assert delivery.deliver_due() == (1, 0)
    assert len(receiver.arrived) == 1
