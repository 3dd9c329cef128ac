"""A notice that ends a lease is given on paper only (ESIGN does not apply to it,
15 U.S.C. 7003(b)(2)(B)): nobody signs it electronically, and it counts as given once its
delivery, in hand or by mail, on a day, by a staff member, is recorded."""

from datetime import timedelta

import pytest

from forms_service import clock
from forms_service.documents import client_copy, delivery, paper_only
from forms_service.documents import service as documents
from forms_service.documents.models import DeliveryMethod, DocumentStatus, SignerStatus
from forms_service.errors import InvalidInput, RuleViolation
from forms_service.forms import get_form_type
from forms_service.notifications.models import Channel
from tests.conftest import ink_payload

LEASE = {"ends_lease": True, "lease_description": "Lease for unit 3B, signed March 2"}


def notice(world, **changes):
    data = {**get_form_type("termination_notice").example(), **LEASE, **changes}
    actor = world.actor(world.case_manager)
    document = documents.start_document(actor, world.case, "termination_notice", data)
    return documents.send_for_signature(actor, document)


def test_a_notice_that_ends_a_lease_cannot_be_signed_electronically(world):
    sent = notice(world)
    assert sent.status == DocumentStatus.PAPER
    assert {s.status for s in sent.signers} == {SignerStatus.PAPER}
    assert documents.next_signer(sent) is None
    with pytest.raises(RuleViolation):
        documents.sign(
            world.actor(world.case_manager),
            sent,
            sent.signers[0],
            ink_payload=ink_payload(),
            shown_content_sha256=sent.content_sha256,
            esign_accepted=True,
        )
    assert paper_only.awaiting_delivery(sent)


def test_a_notice_that_keeps_the_lease_is_signed_electronically_as_before(world):
    sent = notice(world, ends_lease=False, lease_description="")
    assert sent.status == DocumentStatus.SIGNING
    assert paper_only.delivery_of(sent) is None and not paper_only.awaiting_delivery(sent)


def test_the_delivery_of_a_paper_notice_records_how_when_and_by_whom(world):
    sent = notice(world)
    today = clock.today(world.agency)
    given = paper_only.record_delivery(
        world.actor(world.supervisor), sent, "mail", today, world.case_manager
    )
    assert (given.method, given.delivered_on, given.delivered_by) == (
        DeliveryMethod.MAIL,
        today,
        world.case_manager,
    )
    assert given.recorded_by_id == world.supervisor.id and not paper_only.awaiting_delivery(sent)
    with pytest.raises(RuleViolation, match="already recorded"):
        paper_only.record_delivery(
            world.actor(world.supervisor), sent, "in_hand", today, world.admin
        )


def test_a_delivery_is_refused_field_by_field_when_it_cannot_be_true(world):
    sent = notice(world)
    tomorrow = clock.today(world.agency) + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        paper_only.record_delivery(
            world.actor(world.case_manager), sent, "email", tomorrow, world.records
        )
    assert set(refused.value.errors) == {"method", "delivered_on", "delivered_by"}
    assert paper_only.awaiting_delivery(sent)


def test_only_a_document_given_on_paper_only_has_a_delivery_to_record(world, consent_document):
    consent = consent_document()
    with pytest.raises(RuleViolation, match="paper only"):
        paper_only.record_delivery(
            world.actor(world.case_manager),
            consent,
            "in_hand",
            clock.today(world.agency),
            world.case_manager,
        )


def test_a_notice_that_ends_a_lease_is_never_sent_to_the_client_electronically(world):
    """No copy by text message or e-mail either: it is handed over or mailed."""
    sent = notice(world)
    with pytest.raises(RuleViolation, match="given on paper only"):
        client_copy.send_copy(world.actor(world.case_manager), sent, Channel.SMS, "+13145550100")


def test_a_paper_only_notice_once_filed_has_no_electronic_delivery_to_record(world):
    """Its hand-over or mailing is what counts (recorded above): the delivery of signed
    documents, which offers e-mail and text, neither applies to it nor lists it as owed."""
    sent = notice(world)
    sent.status = DocumentStatus.ARCHIVED
    assert not delivery.needs_delivery(sent)
    assert sent not in delivery.undelivered([world.case.id])
    with pytest.raises(RuleViolation):
        delivery.record_delivery(
            world.actor(world.case_manager), sent, "email", clock.today(world.agency)
        )
