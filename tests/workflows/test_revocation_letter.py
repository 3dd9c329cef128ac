"""The recipients a revoked consent named are told (45 CFR 164.508(b)(5); 42 CFR 2.31): the
revocation writes the letter to the recipient, the staff member who recorded it signs it, its
sending (mail, e-mail, fax, in hand) is recorded, and What's due lists the revocation until
then, also once the case is closed and after its draft is deleted (then it is written again)."""

from datetime import timedelta

from sqlalchemy import select

from forms_service import clock
from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.documents import service as documents
from forms_service.documents.models import Delivery, Document, DocumentStatus
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import consent
from forms_service.workflows.due import whats_due
from forms_service.workflows.revocation_letter import LETTER, letters_about, write_again
from tests.cases.test_views import close
from tests.conftest import ink_payload, login, post, sign_consent
from tests.pages import open_page

LETTER_TYPE = get_form_type(LETTER)


def _active_release(world, consent_document, **changes) -> Document:
    """A consent signed and filed yesterday, as the pages can tell (no conversion needed)."""
    release, _ = sign_consent(world, consent_document, **changes)
    release.status = DocumentStatus.ARCHIVED
    release.completed_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return release


def _revoke_on_the_page(client, release, typed: str):
    form = open_page(client, f"/documents/{release.id}").form(action="/revoke")
    form["received_at"] = typed
    return form.submit()


def _an_hour_ago(world) -> str:
    now = clock.now(world.agency).replace(second=0, microsecond=0, tzinfo=None)
    return (now - timedelta(hours=1)).isoformat(timespec="minutes")


def _due(world, user) -> list:
    db.session.expire_all()  # what the pages' requests wrote
    return [(d.kind, d.document and d.document.id) for d in whats_due(world.actor(user))]


def test_a_revocation_writes_the_letter_to_the_recipient_the_consent_named(
    client, world, consent_document
):
    release = _active_release(
        world, consent_document, categories=["housing", "substance_use"], end_date="2027-06-30"
    )
    login(client, world.supervisor)
    typed = _an_hour_ago(world)

    response = _revoke_on_the_page(client, release, typed)

    (letter,) = letters_about(release)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/documents/{letter.id}/edit")
    assert letter.status == DocumentStatus.DRAFT and letter.created_by_id == world.supervisor.id
    expected = {
        "release_reference": release.reference,
        "release_signed_on": (clock.today(world.agency) - timedelta(days=1)).isoformat(),
        "recipient_name": "St. Patrick Center",
        "recipient_address": "800 N Tucker Blvd",
        "revoked_at": typed,  # as the agency's clocks read it
        "sud_records": True,  # the 42 CFR Part 2 paragraph is printed
    }
    assert {name: letter.data[name] for name in expected} == expected
    page = open_page(client, f"/documents/{letter.id}/edit").html
    assert release.reference in page and "St. Patrick Center" in page  # shown, never typed


def test_the_letter_is_signed_by_the_staff_member_who_recorded_the_revocation(
    client, world, consent_document
):
    release = _active_release(world, consent_document)
    login(client, world.supervisor)
    _revoke_on_the_page(client, release, _an_hour_ago(world))
    (letter,) = letters_about(release)
    form = open_page(client, f"/documents/{letter.id}/edit").form()
    form["recipient_address"] = "Fax (314) 555-0199"

    assert form.submit("send").status_code == 302

    db.session.expire_all()
    letter = db.session.get(Document, letter.id)
    assert letter.status == DocumentStatus.SIGNING
    assert letter.data["release_reference"] == release.reference  # kept through the edit
    assert letter.data["recipient_address"] == "Fax (314) 555-0199"
    (signer,) = letter.signers
    assert (signer.user_id, signer.role) == (world.supervisor.id, "sender")


def test_whats_due_lists_a_revocation_until_its_letter_is_sent(client, world, consent_document):
    release = _active_release(world, consent_document)
    login(client, world.case_manager)
    _revoke_on_the_page(client, release, _an_hour_ago(world))
    (letter,) = letters_about(release)
    assert ("draft", letter.id) in _due(world, world.case_manager)
    due_page = open_page(client, "/due").html
    assert letter.reference in due_page and "Not sent yet (to St. Patrick Center" in due_page

    open_page(client, f"/documents/{letter.id}/edit").form().submit("send")
    db.session.expire_all()  # sent by the page's request
    assert ("signing", letter.id) in _due(world, world.case_manager)
    letter = db.session.get(Document, letter.id)
    documents.sign(
        world.actor(world.case_manager),
        letter,
        letter.signers[0],
        ink_payload=ink_payload(),
        shown_content_sha256=letter.content_sha256,
        esign_accepted=True,
    )
    db.session.commit()
    assert ("delivery", letter.id) in _due(world, world.case_manager)

    form = open_page(client, f"/documents/{letter.id}").form(action="/delivery")
    form["method"] = "fax"
    form["note"] = "(314) 555-0199"
    assert form.submit().status_code == 302

    delivery = db.session.execute(select(Delivery)).scalar_one()
    assert (delivery.method, delivery.recorded_by_id) == ("fax", world.case_manager.id)
    assert [d for d in _due(world, world.case_manager) if d[1] == letter.id] == []


def test_the_letter_is_sent_by_mail_email_fax_or_in_hand_and_never_by_text(
    client, world, consent_document
):
    release = _active_release(world, consent_document)
    actor = world.actor(world.case_manager)
    consent.revoke(actor, release, utcnow() - timedelta(hours=1))
    (letter,) = letters_about(release)
    documents.send_for_signature(actor, letter)
    documents.sign(
        actor,
        letter,
        letter.signers[0],
        ink_payload=ink_payload(),
        shown_content_sha256=letter.content_sha256,
        esign_accepted=True,
    )
    db.session.commit()
    login(client, world.case_manager)

    form = open_page(client, f"/documents/{letter.id}").form(action="/delivery")

    offered = {c.value for c in form.controls if c.name == "method"}
    assert offered == {"mail", "email", "fax", "in_hand"}
    form.values["method"] = ["text"]  # not on the page: a crafted post is refused
    assert form.submit().status_code == 400
    assert db.session.execute(select(Delivery)).first() is None


def test_a_signed_revocation_form_writes_the_letter_too(world, consent_document):
    """The client's own signed revocation ends the release when it is filed, and that writes
    the letter for whoever made the revocation form."""
    release = _active_release(world, consent_document)
    received = clock.now(world.agency).replace(second=0, microsecond=0, tzinfo=None)
    received -= timedelta(hours=2)
    actor = world.actor(world.case_manager)
    data = {
        **get_form_type("consent_revocation").example(),
        "release_reference": release.reference,
        "received_at": received.isoformat(),
    }
    revocation = documents.start_document(actor, world.case, "consent_revocation", data)

    consent.apply_revocation(revocation)

    (letter,) = letters_about(release)
    assert letter.created_by_id == world.case_manager.id
    assert letter.data["revoked_at"] == received.isoformat(timespec="minutes")
    assert letter.data["sud_records"] is False  # housing and income only
    created = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "document.create")
    ).all()
    assert len(created) == 3  # the consent, the revocation and the letter


def _revoked_with_its_letter(client, world, consent_document, user):
    release = _active_release(world, consent_document)
    login(client, user)
    _revoke_on_the_page(client, release, _an_hour_ago(world))
    (letter,) = letters_about(release)
    return release, letter


def test_a_deleted_letter_draft_leaves_the_letter_owed_and_it_is_written_again(
    client, world, consent_document
):
    """Deleting the draft tells nobody: the revocation's recipient is still told (45 CFR
    164.508(b)(5)), so What's due says the letter is owed and the consent's page writes it
    again."""
    release, letter = _revoked_with_its_letter(client, world, consent_document, world.case_manager)
    assert (
        open_page(client, f"/documents/{letter.id}").form(action="/delete").submit().status_code
        == 302
    )

    due = _due(world, world.case_manager)
    assert ("draft", letter.id) not in due and ("letter", release.id) in due
    assert "St. Patrick Center is still owed the letter" in open_page(client, "/due").html

    response = (
        open_page(client, f"/documents/{release.id}").form(action="/revocation-letter").submit()
    )

    (again,) = letters_about(release)
    assert response.headers["Location"].endswith(f"/documents/{again.id}/edit")
    assert again.id != letter.id and again.data["release_reference"] == release.reference
    due = _due(world, world.case_manager)
    assert ("draft", again.id) in due and ("letter", release.id) not in due
    assert "/revocation-letter" not in open_page(client, f"/documents/{release.id}").html
    assert post(client, f"/documents/{release.id}/revocation-letter").status_code == 409
    assert letters_about(release) == [again]


def test_a_voided_letter_is_owed_again_too(client, world, consent_document):
    release, letter = _revoked_with_its_letter(client, world, consent_document, world.case_manager)
    actor = world.actor(world.case_manager)
    documents.send_for_signature(actor, letter)
    documents.void(actor, letter, "Wrong address")
    db.session.commit()
    assert ("letter", release.id) in _due(world, world.case_manager)


def test_closing_the_case_keeps_the_letter_on_whats_due_until_it_is_sent(
    client, world, consent_document
):
    """The letter is owed to the recipient even once the case is closed (closing ends the
    releases, it tells no recipient), so a closed case's letter stays listed."""
    release, letter = _revoked_with_its_letter(client, world, consent_document, world.case_manager)
    close(world.case)

    assert ("draft", letter.id) in _due(world, world.case_manager)
    assert ("draft", letter.id) in _due(world, world.supervisor)  # a report's case
    documents.delete_draft(world.actor(world.case_manager), db.session.get(Document, letter.id))
    db.session.commit()
    assert ("letter", release.id) in _due(world, world.case_manager)
    again = write_again(world.actor(world.case_manager), release)
    documents.send_for_signature(world.actor(world.case_manager), again)
    db.session.commit()
    assert ("signing", again.id) in _due(world, world.case_manager)
