"""The signing state machine: what may be signed, by whom, in which order."""

import pytest
from sqlalchemy import func, select

from forms_service.audit.models import AuditEvent
from forms_service.documents import service
from forms_service.documents.models import DocumentStatus
from forms_service.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from forms_service.extensions import db
from forms_service.rendering.models import RenderJob
from forms_service.rendering.resources import template_store
from tests.conftest import ink_payload


def sign(world, document, signer, user=None, **overrides):
    kwargs = {
        "ink_payload": ink_payload(),
        "shown_content_sha256": document.content_sha256,
        "esign_accepted": True,
        **overrides,
    }
    return service.sign(world.actor(user or world.case_manager), document, signer, **kwargs)


def test_release_with_a_blank_element_cannot_be_sent_for_signature(world, consent_document):
    document = consent_document(send=False, purpose="")
    with pytest.raises(InvalidInput) as refused:
        service.send_for_signature(world.actor(world.case_manager), document)
    assert "purpose" in refused.value.errors
    assert document.status == DocumentStatus.DRAFT and document.signers == []


def test_sending_freezes_the_content_and_pins_the_template(world, consent_document):
    document = consent_document()
    assert document.status == DocumentStatus.SIGNING
    current = template_store().current("consent_release", language=document.language)
    pinned = (document.template_version, document.template_sha256)
    assert pinned == (current.number, current.files[document.language])
    assert document.content_sha256 == service.content_hash(document)
    with pytest.raises(RuleViolation, match="can no longer be changed"):
        service.update_draft(world.actor(world.case_manager), document, {})


def test_case_manager_cannot_countersign_before_the_client(world, consent_document):
    document = consent_document()
    with pytest.raises(RuleViolation, match="Client must sign first"):
        sign(world, document, document.signers[1])


def test_only_the_named_staff_member_can_countersign(world, consent_document):
    document = consent_document()
    sign(world, document, document.signers[0])
    with pytest.raises(PermissionDenied):
        sign(world, document, document.signers[1], user=world.supervisor)


def test_signing_requires_the_electronic_signature_agreement(world, consent_document):
    document = consent_document()
    with pytest.raises(InvalidInput) as refused:
        sign(world, document, document.signers[0], esign_accepted=False)
    assert "esign_accepted" in refused.value.errors


def test_a_signature_binds_to_the_content_that_was_shown(world, consent_document):
    document = consent_document()
    with pytest.raises(RuleViolation, match="changed while it was on screen"):
        sign(world, document, document.signers[0], shown_content_sha256="0" * 64)


def test_an_empty_signature_is_refused_in_plain_words(world, consent_document):
    document = consent_document()
    with pytest.raises(InvalidInput) as refused:
        sign(world, document, document.signers[0], ink_payload="")
    assert refused.value.errors["ink"]


def test_a_repeated_submission_never_creates_a_second_signature(world, consent_document):
    document = consent_document()
    client_signer = document.signers[0]
    sign(world, document, client_signer)
    signed_at = client_signer.signed_at
    assert sign(world, document, client_signer) is None
    assert client_signer.signed_at == signed_at
    with pytest.raises(RuleViolation, match="already signed"):
        sign(world, document, client_signer, ink_payload=ink_payload(loops=2))
    signs = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "document.sign")
    )
    assert signs == 1


def test_a_client_signature_records_its_evidence(world, consent_document):
    document = consent_document()
    client_signer = document.signers[0]
    sign(world, document, client_signer)
    assert client_signer.method == "in_person_tablet"
    assert client_signer.witnessed_by_id == world.case_manager.id
    assert client_signer.ip == "203.0.113.7" and client_signer.user_agent == "pytest tablet"
    assert client_signer.content_sha256 == document.content_sha256
    assert len(client_signer.ink_sha256) == 64
    assert client_signer.signature_png.startswith(b"\x89PNG")
    assert client_signer.esign_accepted_at is not None


def test_the_last_signature_queues_exactly_one_render(world, consent_document):
    document = consent_document()
    assert sign(world, document, document.signers[0]) is None
    job = sign(world, document, document.signers[1])
    assert isinstance(job, RenderJob)
    assert document.status == DocumentStatus.SIGNED and document.completed_at is not None
    assert db.session.scalar(select(func.count()).select_from(RenderJob)) == 1


def test_no_form_can_be_started_on_a_closed_case(world):
    world.case.status = "closed"
    with pytest.raises(RuleViolation, match="closed"):
        service.start_document(world.actor(world.case_manager), world.case, "consent_release", {})


def test_a_draft_started_before_the_case_closed_is_not_sent_after(world, consent_document):
    """A release signed after closing would authorise sharing for a closed case."""
    draft = consent_document(send=False)
    world.case.status = "closed"
    with pytest.raises(RuleViolation, match="takes no new forms"):
        service.send_for_signature(world.actor(world.case_manager), draft)
    assert draft.status == "draft" and draft.signers == []


def test_another_agencys_document_does_not_exist_for_you(world, consent_document):
    document = consent_document()
    with pytest.raises(NotFound):
        service.get_document(world.actor(world.other_case_manager), str(document.id))
    with pytest.raises(NotFound):
        sign(world, document, document.signers[0], user=world.other_case_manager)


def test_records_staff_do_not_fill_or_sign_forms(world, consent_document):
    document = consent_document()
    with pytest.raises(PermissionDenied):
        sign(world, document, document.signers[0], user=world.records)
