"""The kiosk's rules: who may hand the tablet over, who takes it back, how long it stays open,
and what a client may do on it besides signing."""

import pytest
from sqlalchemy import select

from forms_service.accounts.service import hash_password
from forms_service.audit.models import AuditEvent
from forms_service.documents import service as documents
from forms_service.documents.models import DocumentStatus, SignerStatus
from forms_service.errors import InvalidInput, PermissionDenied, RuleViolation
from forms_service.extensions import db
from forms_service.signing import kiosk
from tests.conftest import PASSWORD, login, post


def test_only_a_pending_client_signer_gets_the_tablet(world, consent_document):
    document = consent_document()
    client_signer, staff_signer = document.signers
    actor = world.actor(world.case_manager)
    assert kiosk.start(actor, document, client_signer).signer_id == str(client_signer.id)
    with pytest.raises(RuleViolation):
        kiosk.start(actor, document, staff_signer)
    with pytest.raises(PermissionDenied):
        kiosk.start(world.actor(world.records), document, client_signer)


def test_the_tablet_unlocks_with_the_staff_members_password_or_pin(world, consent_document):
    document = consent_document()
    state = kiosk.start(world.actor(world.case_manager), document, document.signers[0])
    world.case_manager.pin_hash = hash_password("4821")
    assert kiosk.unlock(state, PASSWORD, world.actor(None)) == world.case_manager
    assert kiosk.unlock(state, "4821", world.actor(None)) == world.case_manager
    with pytest.raises(InvalidInput):
        kiosk.unlock(state, "1234", world.actor(None))
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("kiosk.unlock") == 2 and actions.count("kiosk.unlock_failed") == 1


def test_another_staff_members_password_does_not_unlock(world, consent_document):
    document = consent_document()
    state = kiosk.start(world.actor(world.case_manager), document, document.signers[0])
    world.supervisor.pin_hash = hash_password("4821")
    with pytest.raises(InvalidInput):
        kiosk.unlock(state, "4821", world.actor(None))


def test_a_kiosk_expires_after_the_inactivity_timeout(world, consent_document):
    document = consent_document()
    state = kiosk.start(world.actor(world.case_manager), document, document.signers[0], now=1000)
    assert not kiosk.expired(state, timeout=180, now=1179)
    assert kiosk.expired(state, timeout=180, now=1181)
    kiosk.touch(state, now=1170)
    assert not kiosk.expired(state, timeout=180, now=1300)


@pytest.mark.parametrize("pin", ["12", "123456789", "12ab", "1111", "1234", "9876"])
def test_a_weak_or_malformed_pin_is_refused(world, pin):
    with pytest.raises(InvalidInput):
        kiosk.set_pin(world.actor(world.case_manager), pin)


def test_declining_records_the_reason_and_stops_the_document(world, consent_document):
    document = consent_document()
    with pytest.raises(InvalidInput):
        documents.decline(world.actor(world.case_manager), document, document.signers[0], "  ")
    documents.decline(world.actor(world.case_manager), document, document.signers[0], "Later")
    assert document.status == DocumentStatus.DECLINED
    assert document.signers[0].status == SignerStatus.DECLINED
    assert document.signers[0].declined_reason == "Later"


def test_a_typed_name_signs_only_with_its_attestation(world, consent_document):
    document = consent_document()
    signer = document.signers[0]
    given = {"shown_content_sha256": document.content_sha256, "esign_accepted": True}
    actor = world.actor(world.case_manager)
    with pytest.raises(InvalidInput) as refused:
        documents.sign(actor, document, signer, typed_name="María José Núñez", **given)
    assert "typed_attested" in refused.value.errors
    documents.sign(
        actor, document, signer, typed_name="María José Núñez", typed_attested=True, **given
    )
    assert signer.signature_kind == "typed" and signer.typed_name == "María José Núñez"
    assert signer.signature_png.startswith(b"\x89PNG")


def test_the_same_submission_key_signs_once(world, consent_document):
    document = consent_document()
    signer = document.signers[0]
    given = {
        "typed_name": "María José Núñez",
        "typed_attested": True,
        "shown_content_sha256": document.content_sha256,
        "esign_accepted": True,
        "submission_key": "k" * 32,
    }
    actor = world.actor(world.case_manager)
    documents.sign(actor, document, signer, **given)
    assert documents.sign(actor, document, signer, **{**given, "typed_name": "M. Núñez"}) is None
    assert signer.typed_name == "María José Núñez"


@pytest.mark.soffice
def test_paper_instead_gives_a_printable_form(client, world, consent_document):
    document = consent_document()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")
    assert post(client, "/kiosk/paper").headers["Location"].endswith("/kiosk")
    assert "You will sign on paper" in client.get("/kiosk").get_data(as_text=True)
    post(client, "/kiosk/unlock", {"secret": PASSWORD})
    pdf = client.get(f"/documents/{document.id}/paper.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_error_on_the_tablet_speaks_the_clients_language_and_leads_back_to_the_form(
    client, world, consent_document
):
    world.client.preferred_language = "ar"
    document = consent_document()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")

    expired = client.post("/kiosk/sign", data={"esign_accepted": "y"})  # no CSRF token

    html = expired.get_data(as_text=True)
    assert expired.status_code == 400
    assert '<html lang="ar" dir="rtl">' in html
    assert 'href="/kiosk"' in html
    for staff_way in ("Back to the start page", "Check a signed document", "Sign out"):
        assert staff_way not in html
