"""Signing in and what every page shares: one answer for every failed sign-in, CSRF tokens on
every form post, no redirect to another site after sign-in, a safe session cookie, a rate
limit on sign-in, security headers on every response, and friendly error pages."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from forms_service.accounts.service import verify_secret
from forms_service.archive.models import AccessLog
from forms_service.documents.models import Document, Signer
from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from tests.conftest import (
    CONSENT,
    PASSWORD,
    RequestClient,
    _make_app,
    csrf_token,
    ink_payload,
    login,
    post,
)
from tests.pages import open_page, submit
from tests.test_access import file_record

FAILED = "The e-mail or password is not right."
# Pages differ only in these values (CSRF token, the typed e-mail): compare without them.
VALUES = re.compile(r'value="[^"]*"')


def _sign_in(client, email, password=PASSWORD, **kwargs):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, **kwargs)


def _signed_in(client) -> bool:
    return client.get("/cases").status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_page(client, world):
    wrong_password = _sign_in(client, world.case_manager.email, "wrong horse battery staple")
    unknown_email = _sign_in(client, "nobody@a.example")

    assert wrong_password.status_code == unknown_email.status_code == 400
    pages = [VALUES.sub("", r.get_data(as_text=True)) for r in (wrong_password, unknown_email)]
    assert FAILED in pages[0]
    assert pages[0] == pages[1]
    assert not _signed_in(client)


def test_an_inactive_user_cannot_sign_in(client, world):
    world.case_manager.active = False
    db.session.commit()
    response = _sign_in(client, world.case_manager.email)
    assert response.status_code == 400
    assert FAILED in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_user_deactivated_during_a_session_loses_access_at_once(client, world):
    login(client, world.case_manager)
    assert _signed_in(client)
    world.case_manager.active = False
    db.session.commit()
    response = client.get("/cases")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


def _arrange_login(client, world, consent_document):
    data = {"email": world.case_manager.email, "password": PASSWORD}
    return "/login", data, lambda: _signed_in(client)


def _arrange_logout(client, world, consent_document):
    login(client, world.case_manager)
    return "/logout", {}, lambda: _signed_in(client)


def _arrange_new_form(client, world, consent_document):
    login(client, world.case_manager)
    data = {**{k: v for k, v in CONSENT.items() if v not in (False, "")}, "action": "save"}

    def documents():
        return db.session.scalar(select(func.count()).select_from(Document))

    return f"/cases/{world.case.id}/forms/consent_release/new", data, documents


def _arrange_signing(client, world, consent_document):
    document = consent_document()
    signer = document.signers[0]
    login(client, world.case_manager)
    # the tablet is handed over
    open_page(client, f"/documents/{document.id}").form(f"/kiosk/{signer.id}").submit()
    data = {"ink": ink_payload(), "esign_accepted": "y", "content_sha256": document.content_sha256}

    def status():
        db.session.expire_all()
        return db.session.get(Signer, signer.id).status

    return "/kiosk/sign", data, status


def _arrange_archive_open(client, world, consent_document):
    record = file_record(consent_document())
    db.session.commit()
    login(client, world.records)

    def accesses():
        return db.session.scalar(select(func.count()).select_from(AccessLog))

    return f"/archive/{record.id}/open", {"kind": "pdf", "purpose": "client_copy"}, accesses


@pytest.mark.parametrize(
    "arrange",
    [
        _arrange_login,
        _arrange_logout,
        _arrange_new_form,
        _arrange_signing,
        _arrange_archive_open,
    ],
    ids=lambda f: f.__name__.removeprefix("_arrange_"),
)
def test_a_post_without_its_csrf_token_is_refused(client, world, consent_document, arrange):
    url, data, state = arrange(client, world, consent_document)
    before = state()

    for token in ({}, {"csrf_token": "forged"}):
        refused = client.post(url, data={**data, **token})
        assert refused.status_code == 400
        assert "The page expired" in refused.get_data(as_text=True)
        assert state() == before

    # The control: the same post with the session's token does what it says.
    assert post(client, url, data).status_code in (200, 302)
    assert state() != before


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/\n/evil.example",
    ],
)
def test_after_sign_in_next_never_leads_to_another_site(client, world, target):
    response = _sign_in(client, world.case_manager.email, query_string={"next": target})
    assert response.status_code == 302
    # Resolved as a browser does (it drops tabs and line breaks from a URL).
    landed = urlsplit(urljoin("http://localhost/login", response.headers["Location"]))
    assert (landed.scheme, landed.netloc) == ("http", "localhost")


def test_after_sign_in_next_leads_to_the_page_asked_for(client, world):
    page = f"/cases/{world.case.id}"
    response = _sign_in(client, world.case_manager.email, query_string={"next": page})
    assert response.status_code == 302 and response.headers["Location"] == page


def test_the_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = login(client, world.case_manager)
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


@pytest.fixture
def limited_client(app, world, tmp_path, converter_profile):
    """A client of an app with the rate limit on, on the same database as `app`."""
    limited = _make_app(
        tmp_path / "limited",
        app.config["SQLALCHEMY_DATABASE_URI"],
        converter_profile,
        RATELIMIT_ENABLED=True,
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],  # the run's schema
    )
    limited.test_client_class = RequestClient
    yield limited.test_client()
    with limited.app_context():
        db.engine.dispose()


def test_sign_in_attempts_are_rate_limited(limited_client, world):
    allowed = int(limited_client.application.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(allowed):
        guess = _sign_in(limited_client, world.case_manager.email, "guess-guess-guess")
        assert guess.status_code == 400

    blocked = _sign_in(limited_client, world.case_manager.email)  # even the right password

    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert blocked.headers["X-Content-Type-Options"] == "nosniff"
    assert not _signed_in(limited_client)
    assert limited_client.get("/login").status_code == 200  # reading the page is not limited


def _sign_in_page(client, world):
    return client.get("/login")


def _failed_sign_in(client, world):
    return _sign_in(client, "nobody@a.example")


def _redirect_to_sign_in(client, world):
    return client.get("/cases")


def _stylesheet(client, world):
    return client.get("/static/css/app.css")


def _expired_form(client, world):
    return client.post("/login", data={})


def _not_found(client, world):
    return client.get("/nowhere")


def _case_list(client, world):
    login(client, world.case_manager)
    return client.get("/cases")


def _not_allowed(client, world):
    login(client, world.records)
    return client.get("/cases")


def _tablet(client, world):
    document = _consent(world)
    login(client, world.case_manager)
    return client.get(f"/documents/{document.id}/sign/{document.signers[0].id}")


def _archived_pdf(client, world):
    record = file_record(_consent(world))
    db.session.commit()
    login(client, world.records)
    return submit(client, f"/archive/{record.id}", "pdf", action="/open", purpose="audit")


def _consent(world):
    actor = world.actor(world.case_manager)
    document = send_for_signature(
        actor, start_document(actor, world.case, "consent_release", dict(CONSENT))
    )
    db.session.commit()
    return document


# A CSP source that names no host: a keyword ('self', 'none', ...) or a scheme without one.
LOCAL_SOURCE = re.compile(r"'[a-z-]+'|data:|blob:")


@pytest.mark.parametrize(
    "respond",
    [
        _sign_in_page,
        _failed_sign_in,
        _redirect_to_sign_in,
        _stylesheet,
        _expired_form,
        _not_found,
        _case_list,
        _not_allowed,
        _tablet,
        _archived_pdf,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_every_response_carries_a_local_only_csp_and_nosniff(client, world, respond):
    response = respond(client, world)
    response.close()
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: not promised
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    directives = dict(d.strip().split(None, 1) for d in policy.split(";") if d.strip())
    assert "default-src" in directives
    outside = [
        (name, source)
        for name, sources in directives.items()
        for source in sources.split()
        if not LOCAL_SOURCE.fullmatch(source)
    ]
    assert not outside, policy


@pytest.mark.parametrize(
    ("who", "path", "status", "title"),
    [
        (None, "/nowhere", 404, "Not found"),
        ("case_manager", "/nowhere", 404, "Not found"),
        ("case_manager", "/cases/{other_case}", 404, "Not found"),
        ("records", "/archive/not-a-record", 404, "Not found"),
        ("records", "/cases", 403, "Not allowed"),
        ("case_manager", "/archive/?q=nunez", 403, "Not allowed"),
    ],
)
def test_error_pages_are_the_friendly_ones_never_a_stack_trace(
    client, world, who, path, status, title
):
    if who:
        login(client, getattr(world, who))
    response = client.get(path.format(other_case=world.other_case.id))
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{title}</h1>" in html
    assert "Back to the start page" in html
    for leak in ("Traceback", "werkzeug", "sqlalchemy", "forms_service", 'File "'):
        assert leak not in html


def test_staff_set_their_kiosk_pin_on_its_page(client, world):
    login(client, world.case_manager)
    easy = submit(client, "/account/pin", pin="1234")
    assert easy.status_code == 400
    assert "Choose a PIN that is harder to guess." in easy.get_data(as_text=True)
    assert submit(client, "/account/pin", pin="4817").status_code == 302
    db.session.refresh(world.case_manager)
    assert verify_secret(world.case_manager.pin_hash, "4817")


def test_over_https_the_browser_is_told_to_stay_on_https(client, world):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
