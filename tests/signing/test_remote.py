"""One-time signing links: a signer who is not in the room signs on their own phone. A link
signs once, expires, locks after five wrong identity answers and stops when replaced or
revoked; before the identity answer it names the agency that sent it (so it does not look like
phishing) and shows nothing about the client or the document, and every link that does not
work looks the same (the audit trail says why)."""

import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from docx import Document as DocxDocument
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.database import utcnow
from forms_service.documents import service as documents
from forms_service.documents.evidence import ONE_TIME_LINK
from forms_service.documents.models import Document, DocumentStatus, SignerStatus
from forms_service.errors import NotFound, PermissionDenied, RuleViolation
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.jobs import certificate_data
from forms_service.signing import remote
from forms_service.signing.models import RemoteLink
from forms_service.signing.remote_views import qr_svg
from signatures.certificate import append_certificate
from tests.conftest import RequestClient, _make_app, csrf_token, ink_payload, login, post
from tests.pages import open_page

DOES_NOT_WORK = "This link does not work"
PHONE = {"REMOTE_ADDR": "198.51.100.23", "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14)"}
# Pages differ only in these values (the CSRF token); compare pages without them.
VALUES = re.compile(r'value="[^"]*"')


def _phone(app) -> RequestClient:
    """A browser of its own (its own cookies), on the signer's phone."""
    app.test_client_class = RequestClient
    phone = app.test_client()
    phone.environ_base.update(PHONE)
    return phone


@pytest.fixture
def phone(app):
    return _phone(app)


@pytest.fixture
def make_link(world, consent_document):
    """Factory: a link for the client of a consent sent for signature, made by the case
    manager; returns (document, link, token, code)."""

    def make(method=remote.DOB, document=None):
        document = document or consent_document()
        actor = world.actor(world.case_manager)
        link, token, code = remote.create_link(actor, document, document.signers[0], method)
        db.session.commit()
        return document, link, token, code

    return make


def _answer(phone, token, answer):
    return post(phone, f"/s/{token}", {"answer": answer})


def _sign(phone, token, document, **changes):
    data = {
        "ink": ink_payload(),
        "esign_accepted": "y",
        "content_sha256": document.content_sha256,
        "submission_key": "k" * 32,
        **changes,
    }
    return post(phone, f"/s/{token}/sign", data)


def _sign_with_link(phone, token, document, answer="1985-03-04"):
    assert _answer(phone, token, answer).status_code == 302
    signed = _sign(phone, token, document)
    assert signed.status_code == 302 and signed.location.endswith("/s/thanks")
    return signed


def _reasons(document) -> list[str]:
    db.session.expire_all()
    return [
        e.details["reason"]
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "remote_link.refused")
            .order_by(AuditEvent.id)
        )
        if e.object_id in (str(document.id), None)
    ]


def _links(html: str) -> list[str]:
    return re.findall(r'(?<![\w-])(?:href|action)="([^"]*)"', html)


def test_a_link_signs_once(phone, app, world, make_link):
    document, link, token, _ = make_link()
    _sign_with_link(phone, token, document)
    thanks = phone.get("/s/thanks")
    assert "You can close this page" in thanks.get_data(as_text=True)

    again = _phone(app)  # the same link, opened again anywhere
    response = again.get(f"/s/{token}")

    assert response.status_code == 404
    assert DOES_NOT_WORK in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).used_at is not None
    assert _reasons(document) == ["used"]


def test_a_double_tap_or_a_retry_signs_once_and_lands_on_thanks(phone, world, make_link):
    document, _, token, _ = make_link()
    _sign_with_link(phone, token, document)

    retry = _sign(phone, token, document)

    assert retry.status_code == 302 and retry.location.endswith("/s/thanks")
    signs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.sign"))
    assert len(list(signs)) == 1


def test_a_retry_whose_first_answer_was_lost_is_thanked_and_signs_once(app, world, make_link):
    document, _, token, _ = make_link()
    phone = _phone(app)
    assert _answer(phone, token, "1985-03-04").status_code == 302
    form = open_page(phone, f"/s/{token}").form(action=f"/s/{token}/sign")
    form.fill({"ink": ink_payload(), "esign_accepted": True})
    before = phone.get_cookie("session").value

    assert form.submit().status_code == 302  # committed, but the phone never got the answer
    phone.set_cookie("session", before)
    retry = form.submit()  # the browser sends the same form again

    assert retry.status_code == 302 and retry.location.endswith("/s/thanks")
    assert "Thank you" in phone.get("/s/thanks").get_data(as_text=True)
    signs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.sign"))
    assert len(list(signs)) == 1


def test_another_submission_on_a_used_link_still_does_not_work(app, world, make_link):
    document, _, token, _ = make_link()
    _sign_with_link(_phone(app), token, document)

    other = _sign(_phone(app), token, document, submission_key="z" * 32)

    assert other.status_code == 404 and DOES_NOT_WORK in other.get_data(as_text=True)


def test_a_link_expires(phone, world, make_link, app):
    document, link, token, _ = make_link()
    hours = (link.expires_at - link.created_at).total_seconds() / 3600
    assert round(hours) == app.config["REMOTE_LINK_HOURS"] == 72
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = phone.get(f"/s/{token}")

    assert response.status_code == 404
    assert DOES_NOT_WORK in response.get_data(as_text=True)
    assert _reasons(document) == ["expired"]


def test_five_wrong_answers_lock_the_link(phone, world, make_link):
    document, link, token, _ = make_link()
    for tries_left in (4, 3, 2, 1):
        wrong = _answer(phone, token, "1985-04-03")
        assert wrong.status_code == 400
        assert f"({tries_left} tr" in wrong.get_data(as_text=True)

    fifth = _answer(phone, token, "1986-03-04")
    right_too_late = _answer(phone, token, "1985-03-04")

    assert fifth.status_code == right_too_late.status_code == 404
    assert DOES_NOT_WORK in right_too_late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).failed_attempts == 5
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("remote_link.identity_failed") == 5
    assert actions.count("remote_link.locked") == 1
    assert "remote_link.verified" not in actions
    assert _reasons(document) == ["locked"]


def test_a_wrong_answer_is_announced_first_and_tied_to_the_field(phone, make_link):
    _, link, token, _ = make_link()
    form = open_page(phone, f"/s/{token}").form(index=1)  # after the language switch
    form["answer"] = "1985-04-03"
    wrong = form.submit().get_data(as_text=True)
    assert "<title>Error: Sign a document" in wrong
    assert wrong.index('class="error-summary" role="alert"') < wrong.index('name="answer"')
    assert '<a href="#answer">Your date of birth</a>' in wrong
    assert 'aria-describedby="answer-errors" aria-invalid="true"' in wrong
    assert 'id="answer-errors"' in wrong
    assert "signing/focus.js" in wrong


def test_an_answer_that_is_not_a_date_says_what_to_type_and_costs_no_try(phone, make_link):
    _, link, token, _ = make_link()
    response = _answer(phone, token, "March")
    assert response.status_code == 400
    assert "Enter your date of birth: day, month and year." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).failed_attempts == 0


def test_a_new_link_replaces_the_older_one_and_a_revoked_link_does_not_work(
    client, phone, world, make_link
):
    document, older, older_token, _ = make_link()
    _, newer, newer_token, _ = make_link(remote.CODE, document=document)
    assert phone.get(f"/s/{older_token}").status_code == 404
    assert phone.get(f"/s/{newer_token}").status_code == 200

    login(client, world.case_manager)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f"/remote-links/{newer.id}/revoke" in page
    assert f"/remote-links/{older.id}/revoke" not in page
    revoked = post(client, f"/documents/{document.id}/remote-links/{newer.id}/revoke")
    assert revoked.status_code == 302

    assert phone.get(f"/s/{newer_token}").status_code == 404
    assert "Signing links that work" not in client.get(f"/documents/{document.id}").get_data(
        as_text=True
    )
    assert _reasons(document) == ["revoked", "revoked"]


def test_every_link_that_does_not_work_looks_the_same_and_the_audit_says_why(
    app, world, consent_document, make_link
):
    used_doc, _, used, _ = make_link()
    _sign_with_link(_phone(app), used, used_doc)
    _, expired_link, expired, _ = make_link()
    expired_link.expires_at = utcnow() - timedelta(hours=1)
    _, locked_link, locked, _ = make_link()
    locked_link.failed_attempts = 5
    revoked_doc, revoked_link, revoked, _ = make_link()
    remote.revoke_link(world.actor(world.case_manager), revoked_doc, str(revoked_link.id))
    db.session.commit()

    pages = []
    for token in (used, expired, locked, revoked, "x" * 43):
        response = _phone(app).get(f"/s/{token}")
        assert response.status_code == 404
        pages.append(VALUES.sub("", response.get_data(as_text=True)))

    assert all(page == pages[0] for page in pages)
    assert DOES_NOT_WORK in pages[0]
    reasons = [
        e.details["reason"]
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "remote_link.refused")
        )
    ]
    assert sorted(reasons) == ["expired", "locked", "revoked", "unknown", "used"]


@pytest.mark.parametrize("staff_signed_in", [False, True])
def test_the_link_names_only_the_agency_before_the_identity_answer(
    app, world, make_link, staff_signed_in
):
    document, _, token, _ = make_link()
    phone = _phone(app)
    if staff_signed_in:  # a case manager trying the link in their own browser
        login(phone, world.case_manager)
    secrets = [
        world.client.first_name,
        world.client.last_name,
        "Nunez",
        document.reference,
        world.case.number,
        "Consent",
        "St. Patrick",
        world.case_manager.name,
    ]

    for response in (phone.get(f"/s/{token}"), _answer(phone, token, "1999-01-01")):
        html = response.get_data(as_text=True)
        assert re.search(r"<title>(Error: )?Sign a document ·", html)
        assert f"<bdi>{world.agency.name}</bdi> sent you this link to sign a document." in html
        for secret in secrets:
            assert secret not in html, secret
        assert [link for link in _links(html) if not link.startswith(("#", "/static/"))] == [
            f"/s/{token}/language"  # the language switch: back to this page, nowhere else
        ]


def test_after_the_answer_the_page_shows_that_document_only_with_the_kiosk_fields(
    phone, world, make_link
):
    document, _, token, _ = make_link()
    _answer(phone, token, "1985-03-04")

    html = phone.get(f"/s/{token}").get_data(as_text=True)

    assert "<bdi>María José Núñez</bdi>, please read and sign" in html
    assert "St. Patrick Center" in html and world.agency.phone in html
    for name in ("ink", "typed_name", "typed_attested", "esign_accepted"):
        assert f'name="{name}"' in html
    for name in ("content_sha256", "submission_key", "csrf_token"):
        assert re.search(rf'name="{name}"[^>]*value="[^"]+"', html), name
    assert [link for link in _links(html) if not link.startswith(("#", "/static/"))] == [
        f"/s/{token}/language",
        f"/s/{token}/sign",
    ]
    assert "Sign out" not in html


def test_the_signer_picks_the_language_of_the_phone_pages(phone, world, make_link):
    document, _, token, _ = make_link()  # the client reads English
    page = phone.get(f"/s/{token}").get_data(as_text=True)
    assert '<html lang="en"' in page

    chosen = post(phone, f"/s/{token}/language", {"language": "ar"})
    assert chosen.status_code == 302 and chosen.location.endswith(f"/s/{token}")
    assert '<html lang="ar" dir="rtl">' in phone.get(f"/s/{token}").get_data(as_text=True)
    _answer(phone, token, "1985-03-04")
    page = phone.get(f"/s/{token}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page  # over the client's preferred language too
    assert "الموافقة على الإفصاح عن المعلومات" in page
    post(phone, f"/s/{token}/language", {"language": "xx"})  # not offered: nothing changes
    assert '<html lang="ar"' in phone.get(f"/s/{token}").get_data(as_text=True)
    db.session.refresh(document)
    assert document.language == "en"  # only the pages change, not the document


def test_identity_by_a_code_read_out(phone, world, make_link):
    document, _, token, code = make_link(remote.CODE)
    assert re.fullmatch(r"\d{6}", code)
    wrong = "000000" if code != "000000" else "111111"
    assert _answer(phone, token, wrong).status_code == 400
    assert _answer(phone, token, "12345").status_code == 400  # not 6 digits: costs no try

    assert _answer(phone, token, f"{code[:3]} {code[3:]}").status_code == 302
    _sign(phone, token, document)

    db.session.expire_all()
    signer = db.session.get(Document, document.id).signers[0]
    assert signer.identity_check == "Code read out by Sam Okafor matched"
    assert db.session.scalars(select(RemoteLink)).one().failed_attempts == 1


def test_the_code_is_kept_only_as_a_hash(make_link):
    _, link, token, code = make_link(remote.CODE)
    stored = db.session.get(RemoteLink, link.id)
    assert stored.code_hash.startswith("$argon2") and code not in stored.code_hash
    assert stored.token_sha256 == remote.digest(token) and token not in stored.token_sha256


def test_a_date_of_birth_link_needs_a_known_date_of_birth(world, consent_document):
    world.client.date_of_birth = None
    document = consent_document()
    with pytest.raises(RuleViolation, match="date of birth is not known"):
        remote.create_link(
            world.actor(world.case_manager), document, document.signers[0], remote.DOB
        )


def test_only_the_next_signer_who_is_not_staff_can_get_a_link(world, consent_document):
    actor = world.actor(world.case_manager)
    document = consent_document()
    client_signer, case_manager_signer = document.signers

    with pytest.raises(RuleViolation, match="Staff sign as themselves"):
        remote.create_link(actor, document, case_manager_signer, remote.CODE)
    with pytest.raises(RuleViolation, match="Choose"):
        remote.create_link(actor, document, client_signer, "sms")
    other = consent_document()
    with pytest.raises(NotFound):
        remote.create_link(actor, document, other.signers[0], remote.CODE)
    documents.sign(
        actor,
        document,
        client_signer,
        ink_payload=ink_payload(),
        shown_content_sha256=document.content_sha256,
        esign_accepted=True,
    )
    with pytest.raises(RuleViolation, match="not waiting"):
        remote.create_link(actor, document, client_signer, remote.CODE)


def test_a_link_stops_when_the_signer_signed_in_person(phone, world, make_link):
    document, _, token, _ = make_link()
    documents.sign(
        world.actor(world.case_manager),
        document,
        document.signers[0],
        ink_payload=ink_payload(),
        shown_content_sha256=document.content_sha256,
        esign_accepted=True,
    )
    db.session.commit()
    assert remote.active_links(world.actor(world.case_manager), document) == []
    assert phone.get(f"/s/{token}").status_code == 404
    assert _reasons(document) == ["not_waiting"]


def test_another_agency_cannot_create_a_link_for_our_document(world, consent_document):
    document = consent_document()
    with pytest.raises(NotFound):
        remote.create_link(
            world.actor(world.other_case_manager), document, document.signers[0], remote.CODE
        )
    with pytest.raises(PermissionDenied):
        remote.create_link(world.actor(world.records), document, document.signers[0], remote.CODE)
    assert db.session.scalars(select(RemoteLink)).all() == []


def test_signing_needs_the_answer_given_in_this_browser(app, phone, world, make_link):
    document, link, token, _ = make_link()
    _answer(phone, token, "1985-03-04")
    elsewhere = _phone(app)  # the link copied to another browser after the answer

    response = _sign(elsewhere, token, document)

    assert response.status_code == 302 and response.location.endswith(f"/s/{token}")
    with pytest.raises(PermissionDenied):
        remote.sign_with_link(
            link,
            "198.51.100.23",
            "x",
            verified_in_session=False,
            ink_payload=ink_payload(),
            shown_content_sha256=document.content_sha256,
            esign_accepted=True,
        )
    db.session.expire_all()
    assert db.session.get(Document, document.id).signers[0].status == SignerStatus.PENDING


def test_the_signature_records_the_one_time_link_evidence(phone, world, make_link):
    document, _, token, _ = make_link()
    _sign_with_link(phone, token, document)

    db.session.expire_all()
    signer = db.session.get(Document, document.id).signers[0]
    assert signer.status == SignerStatus.SIGNED
    assert signer.method == ONE_TIME_LINK == "one_time_link"
    assert signer.identity_check == "Date of birth matched"
    assert signer.ip == PHONE["REMOTE_ADDR"]
    assert signer.user_agent == PHONE["HTTP_USER_AGENT"]
    assert signer.witnessed_by_id is None
    assert signer.content_sha256 == document.content_sha256
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.sign")).one()
    assert event.actor == "María José Núñez (one-time link)"
    assert event.ip == PHONE["REMOTE_ADDR"]


def test_a_typed_name_signs_through_a_link(phone, world, make_link):
    document, _, token, _ = make_link()
    _answer(phone, token, "1985-03-04")
    typed = {"ink": "", "typed_name": "María José Núñez", "typed_attested": "y"}
    assert _sign(phone, token, document, **typed).status_code == 302
    db.session.expire_all()
    signer = db.session.get(Document, document.id).signers[0]
    assert (signer.signature_kind, signer.method) == ("typed", "one_time_link")


def test_an_empty_signature_is_refused_in_words_and_keeps_the_link(phone, make_link):
    document, link, token, _ = make_link()
    _answer(phone, token, "1985-03-04")
    response = _sign(phone, token, document, ink="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<div class="error-summary" role="alert" tabindex="-1">' in html
    assert "<title>Error: Sign: Consent to Release Information" in html
    assert (
        '<a href="#ink">Signature</a>' in html
        and '<section aria-labelledby="pad-title" id="ink">' in html
    )
    assert 'aria-describedby="ink-errors"' in html and 'id="ink-errors"' in html
    assert _sign(phone, token, document).status_code == 302  # the link still works


def test_content_changed_on_screen_is_refused_and_keeps_the_link(phone, make_link):
    document, link, token, _ = make_link()
    _answer(phone, token, "1985-03-04")
    response = _sign(phone, token, document, content_sha256="0" * 64)
    assert response.status_code == 409
    assert "please reload it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).used_at is None


def test_the_staff_page_shows_the_link_its_qr_code_and_the_code_once(client, world, make_link):
    document = make_link()[0]
    login(client, world.case_manager)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Send a signing link" in page

    created = post(
        client,
        f"/documents/{document.id}/signers/{document.signers[0].id}/remote-link",
        {"identity_method": "code"},
    )

    html = created.get_data(as_text=True)
    assert created.status_code == 200
    url = re.search(r'<code id="link-url">(http://localhost/s/[\w-]{43})</code>', html).group(1)
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert "<path" in svg and svg == qr_svg(url)  # drawn here, from exactly this URL
    code = re.search(r'id="link-code"><strong>(\d{3}) (\d{3})</strong>', html)
    link = db.session.scalars(select(RemoteLink).where(RemoteLink.revoked_at.is_(None))).one()
    assert link.identity_method == "code"
    assert link.token_sha256 == remote.digest(url.rsplit("/", 1)[1])
    assert remote.check_identity(link, code.group(1) + code.group(2), None, None)
    db.session.rollback()

    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Signing links that work" in page and "Revoke" in page
    assert code.group(1) + " " + code.group(2) not in page and url not in page


def test_staff_cannot_link_a_staff_signer_through_the_page(client, world, consent_document):
    document = consent_document()
    login(client, world.case_manager)
    response = post(
        client,
        f"/documents/{document.id}/signers/{document.signers[1].id}/remote-link",
        {"identity_method": "code"},
    )
    assert response.status_code == 409
    assert db.session.scalars(select(RemoteLink)).all() == []


def test_the_certificate_of_a_link_signed_document_says_how_the_client_was_identified(
    phone, world, make_link
):
    document, _, token, _ = make_link()
    _sign_with_link(phone, token, document)
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    documents.sign(
        world.actor(world.case_manager),
        document,
        document.signers[1],
        ink_payload=ink_payload(loops=2),
        shown_content_sha256=document.content_sha256,
        esign_accepted=True,
    )
    assert document.status == DocumentStatus.SIGNED

    data = certificate_data(document)
    docx = DocxDocument()
    append_certificate(docx, data)
    buffer = io.BytesIO()
    docx.save(buffer)

    client_evidence = data.signers[0]
    assert client_evidence.method == "One-time link on the signer's own device"
    assert client_evidence.identity_check == "Date of birth matched"
    assert client_evidence.ip == PHONE["REMOTE_ADDR"]
    trail = [(e.actor, e.action) for e in data.events]
    assert ("cm@a.example (case_manager)", "remote_link.create") in trail
    assert ("María José Núñez (one-time link)", "remote_link.verified") in trail
    assert ("María José Núñez (one-time link)", "document.sign") in trail
    text = "\n".join(
        cell.text
        for table in DocxDocument(buffer).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "One-time link on the signer's own device" in text
    assert "Date of birth matched" in text


@pytest.fixture
def limited_phone(app, world, tmp_path, converter_profile):
    """A phone on an app with the rate limit on (3 answers a minute), on the same database."""
    limited = _make_app(
        tmp_path / "limited",
        app.config["SQLALCHEMY_DATABASE_URI"],
        converter_profile,
        RATELIMIT_ENABLED=True,
        REMOTE_RATE_LIMIT="3 per minute",
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    yield _phone(limited)
    with limited.app_context():
        db.engine.dispose()


def test_identity_answers_are_rate_limited(limited_phone, make_link):
    document, link, token, _ = make_link()
    for _ in range(3):
        assert _answer(limited_phone, token, "2001-01-01").status_code == 400

    blocked = _answer(limited_phone, token, "1985-03-04")  # even the right answer

    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many attempts" in html
    assert "Gateway" not in html
    assert [link for link in _links(html) if not link.startswith(("#", "/static/"))] == [
        f"/s/{token}"  # back to this link's page, nowhere else
    ]
    assert limited_phone.get(f"/s/{token}").status_code == 200  # reading is not limited
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).verified_at is None


def test_a_link_is_built_on_the_public_url_never_on_a_requests_host(
    app, client, world, consent_document
):
    document = consent_document()
    app.config["PUBLIC_URL"] = "https://forms.example.org/"
    login(client, world.case_manager)
    created = post(
        client,
        f"/documents/{document.id}/signers/{document.signers[0].id}/remote-link",
        {"identity_method": "code"},
    )
    html = created.get_data(as_text=True)
    assert re.search(r'<code id="link-url">https://forms\.example\.org/s/[\w-]{43}</code>', html)
    assert "http://localhost/s/" not in html  # the host this request named plays no part


@pytest.fixture
def proxied_phone(app, tmp_path, converter_profile):
    """A phone reaching an app behind one reverse proxy (FORMS_PROXY_HOPS=1)."""
    proxied = _make_app(
        tmp_path / "proxied",
        app.config["SQLALCHEMY_DATABASE_URI"],
        converter_profile,
        PROXY_HOPS=1,
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    phone = _phone(proxied)
    phone.environ_base.update({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.50"})
    yield phone
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_proxy_the_signature_records_the_signers_address(proxied_phone, make_link):
    document, _, token, _ = make_link()
    _sign_with_link(proxied_phone, token, document)
    db.session.expire_all()
    signer = db.session.get(Document, document.id).signers[0]
    assert signer.ip == "203.0.113.50"  # the phone's, not the proxy's 10.0.0.2


STAFF_WAYS = ("Back to the start page", "Check a signed document", "/login", "/cases")


def _spanish_phone(app):
    phone = _phone(app)
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    return phone


def test_a_reload_after_a_refused_signature_lands_on_the_links_page(app, world, make_link):
    """The address bar shows /s/<token>/sign after a refused submit; a reload (or a phone
    restoring a discarded tab) opens it with GET."""
    world.client.preferred_language = "es"
    document, _, token, _ = make_link()
    phone = _phone(app)
    assert _answer(phone, token, "1985-03-04").status_code == 302
    form = open_page(phone, f"/s/{token}").form(action=f"/s/{token}/sign")
    form["ink"] = ink_payload()  # drawn, but "I agree to sign electronically" left unticked
    refused = form.submit()
    assert refused.status_code == 400

    for address in (f"/s/{token}/sign", f"/s/{token}/language"):
        reloaded = phone.get(address)
        assert reloaded.status_code == 303 and reloaded.location.endswith(f"/s/{token}")
    page = phone.get(f"/s/{token}", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="es"' in page and "por favor lea y firme" in page
    db.session.refresh(document)
    assert document.signers[0].status == SignerStatus.PENDING


def test_error_pages_on_a_phone_link_speak_the_signers_language_with_no_way_into_the_app(
    app, world, make_link
):
    _, _, token, _ = make_link()
    phone = _spanish_phone(app)
    pages = {
        405: phone.put(f"/s/{token}/sign"),
        404: phone.get(f"/s/{token}/nothing-here"),
        400: phone.post(f"/s/{token}", data={"answer": "1985-03-04"}),  # the page expired
    }
    for status, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == status
        assert '<html lang="es"' in html, status
        for staff_way in STAFF_WAYS:
            assert staff_way not in html, (status, staff_way)
    assert "recargue la página" in pages[400].get_data(as_text=True)
    assert f'href="/s/{token}"' in pages[405].get_data(as_text=True)  # back to the link


def test_the_phone_shows_a_revocations_received_time_in_the_agencys_zone(phone, world, make_link):
    """Nobody is signed in on the phone: the time staff typed is named as St. Louis time."""
    data = {
        **get_form_type("consent_revocation").example(),
        "received_at": "2026-12-03T09:30:00",
    }
    actor = world.actor(world.case_manager)
    revocation = documents.start_document(actor, world.case, "consent_revocation", data)
    documents.send_for_signature(actor, revocation)
    _, _, token, _ = make_link(document=revocation)
    _answer(phone, token, "1985-03-04")
    html = phone.get(f"/s/{token}").get_data(as_text=True)
    assert "December 3, 2026, 9:30\u00a0AM CST" in html


def test_twelve_wrong_answers_at_once_count_five_then_the_link_is_locked(app, world, make_link):
    """Each answer is its own request on its own connection, all sent at once: the counter
    changes in one statement, so no answer is checked past the fifth and none is lost."""
    document, link, token, _ = make_link()
    phones = [_phone(app) for _ in range(12)]
    tokens = [csrf_token(phone) for phone in phones]
    start = threading.Barrier(len(phones))

    def answer(phone, csrf):
        start.wait()
        return phone.post(
            f"/s/{token}", data={"answer": "1985-04-03", "csrf_token": csrf}
        ).status_code

    with ThreadPoolExecutor(len(phones)) as pool:
        statuses = list(pool.map(answer, phones, tokens))

    assert sorted(statuses) == [400] * 4 + [404] * 8  # the fifth wrong answer locks it
    db.session.expire_all()
    assert db.session.get(RemoteLink, link.id).failed_attempts == 5
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("remote_link.identity_failed") == 5
    assert actions.count("remote_link.locked") == 1
    assert _answer(_phone(app), token, "1985-03-04").status_code == 404


def test_a_signature_from_a_phone_link_is_a_notice_for_whoever_made_the_document(
    phone, world, make_link
):
    from forms_service.notifications import notices
    from forms_service.notifications.models import Notice

    document, _, token, _ = make_link()
    _sign_with_link(phone, token, document)

    (notice,) = db.session.execute(select(Notice)).scalars()
    assert (notice.user_id, notice.kind) == (world.case_manager.id, notices.SIGNED_BY_LINK)
    assert notice.url == f"/documents/{document.id}" and notice.subject == document.reference
