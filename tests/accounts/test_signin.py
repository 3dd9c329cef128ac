"""Signing in and out under attack: every refused sign-in is in the audit trail, one account
is throttled whatever address the guesses come from, and a session ends everywhere when its
person signs out, gets a new password or role, or loses access: a copied cookie replayed
afterwards opens nothing."""

import re
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from tests.conftest import PASSWORD, RequestClient, _make_app, login
from tests.pages import open_page, submit

NEW_PASSWORD = "a completely new passphrase"


def _sign_in(client, email, password):
    return submit(client, "/login", email=email, password=password)


def _opens_pages(client) -> bool:
    return client.get("/cases").status_code == 200


def test_a_refused_sign_in_is_in_the_audit_trail_of_the_accounts_agency(client, world):
    assert _sign_in(client, world.case_manager.email, "wrong horse battery").status_code == 400
    assert _sign_in(client, "nobody@a.example", "wrong horse battery").status_code == 400

    db.session.expire_all()
    failed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed").order_by(AuditEvent.id)
    ).all()
    assert [e.details["email"] for e in failed] == [world.case_manager.email, "nobody@a.example"]
    assert failed[0].agency_id == world.agency.id and failed[0].ip is not None
    assert failed[1].agency_id is None


@pytest.fixture
def limited_app(app, world, tmp_path, converter_profile):
    """An app with the rate limits on (3 wrong sign-ins an hour per account), same database."""
    limited = _make_app(
        tmp_path / "limited",
        app.config["SQLALCHEMY_DATABASE_URI"],
        converter_profile,
        RATELIMIT_ENABLED=True,
        LOGIN_ACCOUNT_RATE_LIMIT="3 per hour",
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    limited.test_client_class = RequestClient
    yield limited
    with limited.app_context():
        db.engine.dispose()


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_sign_ins_to_one_account_are_throttled_from_any_address(limited_app, world):
    for n in range(3):
        guess = _sign_in(_from(limited_app, f"198.51.100.{n}"), world.case_manager.email, "guess")
        assert guess.status_code == 400

    elsewhere = _from(limited_app, "203.0.113.99")
    blocked = _sign_in(elsewhere, world.case_manager.email, PASSWORD)  # even the right one

    assert blocked.status_code == 429
    assert not _opens_pages(elsewhere)
    other = _sign_in(elsewhere, world.supervisor.email, PASSWORD)  # other accounts still open
    assert other.status_code == 302


def test_right_sign_ins_do_not_use_up_the_accounts_limit(limited_app, world):
    for n in range(5):
        assert (
            _sign_in(_from(limited_app, f"198.51.100.{n}"), world.admin.email, PASSWORD).status_code
            == 302
        )


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(client, cookie: str) -> None:
    client.set_cookie("session", cookie)


def test_a_session_cookie_replayed_after_sign_out_opens_nothing(app, client, world):
    login(client, world.case_manager)
    copied = _cookie(client)
    elsewhere = app.test_client()  # the same person on another computer
    login(elsewhere, world.case_manager)

    submit(client, "/cases", action="/logout")

    _replay(client, copied)
    assert urlsplit(client.get("/cases").location).path == "/login"
    assert not _opens_pages(elsewhere)  # signing out ends every session of that person


def _admin_changes(app, world, member, **typed):
    admin = app.test_client()
    login(admin, world.admin)
    assert submit(admin, f"/agency/staff/{member.id}", **typed).status_code == 302


@pytest.mark.parametrize(
    "change",
    [{"new_password": NEW_PASSWORD}, {"role": "records"}, {"active": False}],
    ids=["password reset", "role change", "deactivation"],
)
def test_an_admins_change_ends_every_session_of_that_person(app, client, world, change):
    login(client, world.case_manager)
    copied = _cookie(client)

    _admin_changes(app, world, world.case_manager, **change)

    assert not _opens_pages(client)
    _replay(client, copied)
    assert not _opens_pages(client)


def test_a_change_of_supervisor_alone_keeps_the_session(app, client, world):
    login(client, world.case_manager)
    _admin_changes(app, world, world.case_manager, supervisor_id=str(world.admin.id))
    assert _opens_pages(client)


@pytest.fixture
def clock():
    """The server's clock, moved forward by hand (the session's times are wall-clock times)."""
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), tick=False) as traveller:
        yield lambda minutes: traveller.shift(timedelta(minutes=minutes))


def _signed_out_by_the_clock(client) -> bool:
    response = client.get("/cases")
    if response.status_code != 302 or urlsplit(response.location).path != "/login":
        return False
    return "You were signed out to protect" in client.get("/login").get_data(as_text=True)


def test_a_staff_session_ends_after_thirty_minutes_without_activity(client, world, clock):
    login(client, world.case_manager)
    clock(29)
    assert _opens_pages(client)  # activity: the idle clock starts again
    clock(29)
    assert _opens_pages(client)
    clock(31)

    assert _signed_out_by_the_clock(client)
    timeout = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.session_timeout")
    ).one()
    assert timeout.details == {"reason": "idle"}


def test_a_page_polling_on_its_own_is_not_activity(client, world, clock, consent_document):
    document = consent_document()
    login(client, world.case_manager)
    for _ in range(4):
        clock(10)
        client.get(f"/documents/{document.id}/render-status")
    assert _signed_out_by_the_clock(client)


def test_a_staff_session_ends_after_its_lifetime_whatever_the_activity(app, client, world, clock):
    app.config["STAFF_SESSION_HOURS"] = 2
    login(client, world.case_manager)
    for _ in range(5):
        clock(20)
        assert _opens_pages(client)
    clock(21)  # 2 h 1 min after signing in
    assert _signed_out_by_the_clock(client)


def test_staff_pages_warn_before_the_idle_end_and_stay_signed_in_is_activity(client, world, clock):
    login(client, world.case_manager)
    page = open_page(client, "/cases").html
    assert 'id="idle-warning"' in page and 'data-idle-seconds="1800"' in page
    assert "you will be signed out in 2 minutes" in page  # STAFF_IDLE_WARN: 120 s
    clock(25)
    stay = client.post("/account/still-here", headers={"X-CSRFToken": _csrf_of(page)})
    assert stay.status_code == 204
    clock(25)
    assert _opens_pages(client)


def _csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the sign-out form's


def _same_person_in_both_agencies(world):
    """Sam's e-mail and password are also an account of the other agency."""
    from forms_service.accounts.models import Role
    from forms_service.accounts.service import create_user

    other = create_user(
        world.other_agency, world.case_manager.email, "Sam Okafor", Role.CASE_MANAGER, PASSWORD
    )
    db.session.commit()
    return other


def test_one_password_for_accounts_in_two_agencies_asks_which_agency(client, world):
    other = _same_person_in_both_agencies(world)
    asked = _sign_in(client, world.case_manager.email, PASSWORD)
    assert asked.location.startswith("/login/agency") and not _opens_pages(client)
    page = open_page(client, "/login/agency")
    assert world.agency.name in page.html and world.other_agency.name in page.html
    chosen = submit(client, "/login/agency", account=str(other.id))
    assert chosen.status_code == 302 and _opens_pages(client)
    db.session.expire_all()
    login_event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login")
    ).one()
    assert login_event.agency_id == world.other_agency.id


def test_a_password_right_for_one_of_two_accounts_signs_into_that_one_and_names_no_other(
    client, world
):
    from forms_service.accounts.service import hash_password

    other = _same_person_in_both_agencies(world)
    other.password_hash = hash_password(NEW_PASSWORD)
    db.session.commit()
    signed_in = _sign_in(client, world.case_manager.email, NEW_PASSWORD)
    assert signed_in.location == "/" and _opens_pages(client)
    assert world.agency.name not in client.get("/").get_data(as_text=True)


def test_sign_in_takes_as_many_hash_checks_for_no_one_or_two_accounts(world, monkeypatch):
    """What makes a refusal's time tell nothing of how many agencies use an address."""
    from forms_service.accounts import service

    checks = []
    real = service._verifies
    monkeypatch.setattr(
        service, "_verifies", lambda stored, password: checks.append(1) or real(stored, password)
    )
    counts = []
    for email in ("nobody@a.example", world.records.email, world.case_manager.email):
        if email == world.case_manager.email:
            _same_person_in_both_agencies(world)
        checks.clear()
        assert service.authenticate(email, "wrong horse battery staple") == []
        counts.append(len(checks))
    assert counts == [service.SAME_TIME_UP_TO] * 3


def test_a_sign_in_checks_its_hashes_at_once(world, monkeypatch):
    """argon2 leaves Python's lock while it hashes: the padded checks run side by side, so a
    sign-in takes the time of one check where cores are free, and a busy machine's share of
    three threads. Each check here waits until all of them have started."""
    from forms_service.accounts import service

    started = threading.Barrier(service.SAME_TIME_UP_TO, timeout=30)
    real = service._verifies
    monkeypatch.setattr(
        service,
        "_verifies",
        lambda stored, password: started.wait() >= 0 and real(stored, password),
    )
    assert service.authenticate(world.case_manager.email, PASSWORD) == [world.case_manager]


def test_the_idle_warning_names_the_time_the_agency_configured(client, world):
    client.application.config["STAFF_IDLE_WARN"] = 60
    login(client, world.case_manager)
    assert "you will be signed out in 1 minute," in open_page(client, "/cases").html
    client.application.config["STAFF_IDLE_WARN"] = 300
    assert "you will be signed out in 5 minutes," in open_page(client, "/cases").html
