"""The kiosk's rules: who may hand the tablet over, who takes it back, how long it stays open,
and what a client may do on it besides signing."""

import pytest
from sqlalchemy import select

from forms_service.accounts.service import hash_password
from forms_service.audit.models import AuditEvent
from forms_service.documents import service as documents
from forms_service.documents.models import Document, DocumentStatus, SignerStatus
from forms_service.errors import InvalidInput, PermissionDenied, RuleViolation
from forms_service.extensions import db
from forms_service.signing import kiosk
from tests.conftest import PASSWORD, ink_payload, login, post
from tests.pages import Page, open_page, submit

TIMEOUT = 180


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
    db.session.commit()
    assert kiosk.unlock(state, PASSWORD, world.actor(None), TIMEOUT) == world.case_manager
    assert kiosk.unlock(state, "4821", world.actor(None), TIMEOUT) == world.case_manager
    db.session.commit()
    with pytest.raises(InvalidInput):
        kiosk.unlock(state, "1234", world.actor(None), TIMEOUT)
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("kiosk.unlock") == 2 and actions.count("kiosk.unlock_failed") == 1


def test_another_staff_members_password_does_not_unlock(world, consent_document):
    document = consent_document()
    state = kiosk.start(world.actor(world.case_manager), document, document.signers[0])
    world.supervisor.pin_hash = hash_password("4821")
    db.session.commit()
    with pytest.raises(InvalidInput):
        kiosk.unlock(state, "4821", world.actor(None), TIMEOUT)


def test_no_unlock_after_the_timeout_even_with_the_right_password(world, consent_document):
    document = consent_document()
    state = kiosk.start(world.actor(world.case_manager), document, document.signers[0], now=1000)
    with pytest.raises(kiosk.KioskClosed):
        kiosk.unlock(state, PASSWORD, world.actor(None), timeout=180, now=1181)


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
        documents.decline(
            world.actor(world.case_manager), document, document.signers[0], "x" * 1001
        )
    documents.decline(world.actor(world.case_manager), document, document.signers[0], "Later")
    assert document.status == DocumentStatus.DECLINED
    assert document.signers[0].status == SignerStatus.DECLINED
    assert document.signers[0].declined_reason == "Later"


def _hand_over(client, world, document):
    """The case manager hands the tablet over from the document page; the kiosk page."""
    login(client, world.case_manager)
    submit(client, f"/documents/{document.id}", action=f"/kiosk/{document.signers[0].id}")
    return open_page(client, "/kiosk")


def test_a_client_may_decline_without_giving_a_reason(client, world, consent_document):
    document = consent_document()
    form = _hand_over(client, world, document).form(action="/kiosk/decline")
    assert form["reason"] == ""
    assert form.submit().location.endswith("/kiosk")
    assert "You chose not to sign" in open_page(client, "/kiosk").html
    db.session.expire_all()
    signer = db.session.get(Document, document.id).signers[0]
    assert signer.status == SignerStatus.DECLINED and signer.declined_reason is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.decline"))
    assert "reason" not in event.one().details  # none given
    submit(client, "/kiosk", action="/kiosk/unlock", secret=PASSWORD)
    staff_page = open_page(client, f"/documents/{document.id}").html
    body = staff_page.split("<body", 1)[1]
    assert body.count("María José Núñez chose not to sign and gave no reason.") == 1
    assert "chose not to sign" not in staff_page.split("<body", 1)[0]  # not in the <head>


def test_a_refused_decline_shows_its_error_at_the_decline_form(client, world, consent_document):
    document = consent_document()
    form = _hand_over(client, world, document).form(action="/kiosk/decline")
    form["reason"] = "x" * 1001
    refused = Page(client, "/kiosk/decline", form.submit())
    assert refused.response.status_code == 400
    assert refused.html.count('class="error-summary" role="alert"') == 1
    decline = refused.html[refused.html.index('<details id="decline" open>') :]
    assert decline.index('class="error-summary"') < decline.index("</details>")
    assert '<textarea aria-describedby="reason-errors" aria-invalid="true"' in decline
    assert "<title>Error: Sign: Consent to Release Information" in refused.html
    db.session.expire_all()
    assert db.session.get(Document, document.id).signers[0].status == SignerStatus.PENDING


def test_one_tap_on_paper_only_asks_and_yes_chooses_paper(client, world, consent_document):
    document = consent_document()
    page = _hand_over(client, world, document)
    assert '<dialog class="dialog" id="paper-confirm"' in page.html
    asked = Page(client, "/kiosk/paper", page.form(action="/kiosk/paper").submit())
    assert asked.response.status_code == 200
    assert "Sign on paper instead?" in asked.html and 'tabindex="-1" open>' in asked.html
    db.session.expire_all()
    assert db.session.get(Document, document.id).signers[0].status == SignerStatus.PENDING

    assert asked.form(action="/kiosk/paper").submit("yes").location.endswith("/kiosk")
    assert "You will sign on paper" in open_page(client, "/kiosk").html
    db.session.expire_all()
    assert db.session.get(Document, document.id).signers[0].status == SignerStatus.PAPER


def test_a_refused_signature_comes_back_with_its_ink_and_errors_tied_to_their_fields(
    client, world, consent_document
):
    document = consent_document()
    form = _hand_over(client, world, document).form(action="/kiosk/sign")
    ink = ink_payload()
    form["ink"] = ink  # drawn, but "I agree to sign electronically" is not ticked
    refused = Page(client, "/kiosk/sign", form.submit())
    assert refused.response.status_code == 400
    assert refused.html.count('class="error-summary" role="alert" tabindex="-1"') == 1
    assert "<title>Error: Sign: Consent to Release Information" in refused.html
    assert refused.form(action="/kiosk/sign")["ink"] == ink  # pad.js draws it again
    assert (
        '<input aria-describedby="esign_accepted-errors" aria-invalid="true" id="esign_accepted"'
        in refused.html
    )
    assert 'id="esign_accepted-errors"' in refused.html
    again = refused.form(action="/kiosk/sign")
    again["esign_accepted"] = True
    assert again.submit().location.endswith("/kiosk")
    db.session.expire_all()
    assert db.session.get(Document, document.id).signers[0].signature_kind == "drawn"


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
    assert submit(client, "/kiosk", "yes", action="/kiosk/paper").location.endswith("/kiosk")
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


def _unlock_failures():
    db.session.expire_all()
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "kiosk.unlock_failed")
    ).all()


def test_a_wrong_unlock_answer_is_refused_and_stays_in_the_audit_trail(
    client, world, consent_document
):
    document = consent_document()
    _hand_over(client, world, document)
    refused = submit(client, "/kiosk", action="/kiosk/unlock", secret="not the password")
    assert refused.status_code == 400
    assert "That is not the password or PIN" in refused.get_data(as_text=True)
    assert [e.details["attempts"] for e in _unlock_failures()] == [1]
    assert open_page(client, "/kiosk").html.count(world.client.full_name) >= 1  # still open


def test_five_wrong_unlock_answers_close_the_kiosk_and_end_the_staff_members_sessions(
    app, client, world, consent_document
):
    document = consent_document()
    desk = app.test_client()  # the case manager's own computer
    login(desk, world.case_manager)
    _hand_over(client, world, document)
    for _ in range(4):
        wrong = submit(client, "/kiosk", action="/kiosk/unlock", secret="1234")
        assert wrong.status_code == 400

    fifth = submit(client, "/kiosk", action="/kiosk/unlock", secret="4321")

    assert fifth.status_code == 403
    html = fifth.get_data(as_text=True)
    assert "This screen has closed" in html and world.client.full_name not in html
    assert "/kiosk/unlock" not in html
    assert [e.details["attempts"] for e in _unlock_failures()] == [1, 2, 3, 4, 5]
    for browser in (client, desk):  # the tablet and the desk: both need a fresh sign-in
        assert browser.get("/kiosk").location.endswith("/login?next=%2Fkiosk")
        assert browser.get("/cases").status_code == 302
    login(desk, world.case_manager)
    assert desk.get("/cases").status_code == 200


def test_an_idle_kiosk_cannot_be_unlocked_and_leads_to_a_fresh_sign_in(
    app, client, world, consent_document
):
    document = consent_document()
    page = _hand_over(client, world, document)
    app.config["KIOSK_TIMEOUT"] = -1  # every moment after the hand-over is past it
    refused = page.form(action="/kiosk/unlock")
    refused["secret"] = PASSWORD
    closed = refused.submit()

    assert closed.status_code == 403
    assert world.client.full_name not in closed.get_data(as_text=True)
    assert client.get("/cases").location.startswith("/login")
    closing = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "kiosk.unlock"))
    assert closing.all() == []
