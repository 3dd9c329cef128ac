"""Two-factor sign-in through the pages: set up with a QR code (or its key), then a code from
the app after the password; a code replayed within its window is refused; ten recovery codes
each work once; an agency requires it for admins and records staff or for everyone; an admin
turns it off for a lost phone; each step is audited."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from forms_service.accounts.models import RecoveryCode
from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from tests.conftest import PASSWORD, login
from tests.pages import open_page, submit


def _password(client, user):
    return submit(client, "/login", email=user.email, password=PASSWORD)


def _opens_pages(client) -> bool:
    return client.get("/account/pin").status_code == 200  # a page every staff member has


def _set_up(client) -> tuple[pyotp.TOTP, list[str]]:
    """Scan (read the key off the page), type the app's code: the recovery codes page."""
    page = open_page(client, "/account/two-factor")
    assert "<svg" in page.html  # the QR code
    app = pyotp.TOTP(re.search(r"<code>([A-Z2-7]+)</code>", page.html).group(1))
    done = submit(client, "/account/two-factor", code=app.now())
    assert done.status_code == 200
    codes = re.findall(
        r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True)
    )
    return app, codes


def _actions():
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _next_window(app: pyotp.TOTP) -> str:
    """The code of the next 30-second window (accepted, for clocks a little apart)."""
    return app.at(time.time() + 30)


def test_staff_set_it_up_and_then_sign_in_with_a_code_that_works_once(app, client, world):
    login(client, world.case_manager)
    totp, codes = _set_up(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    submit(client, "/cases", action="/logout")

    assert _password(client, world.case_manager).location.startswith("/login/code")
    assert not _opens_pages(client)  # the password alone opens nothing
    code = _next_window(totp)
    assert submit(client, "/login/code", code=code).status_code == 302
    assert _opens_pages(client)

    replay = app.test_client()  # someone who saw the code typed, within its window
    _password(replay, world.case_manager)
    refused = submit(replay, "/login/code", code=code)
    assert refused.status_code == 400 and "already used" in refused.get_data(as_text=True)
    assert not _opens_pages(replay)
    actions = _actions()
    assert actions.count("user.two_factor_enrol") == 1
    assert actions.count("user.two_factor_used") == 1
    assert "user.login_failed" in actions


def test_a_recovery_code_signs_in_once_and_is_kept_only_as_a_hash(client, world):
    login(client, world.case_manager)
    _, codes = _set_up(client)
    submit(client, "/cases", action="/logout")
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and all(h.startswith("$argon2") for h in stored)
    assert not any(code in h for code in codes for h in stored)

    _password(client, world.case_manager)
    assert submit(client, "/login/code", code=codes[3]).status_code == 302
    submit(client, "/cases", action="/logout")
    _password(client, world.case_manager)
    assert submit(client, "/login/code", code=codes[3]).status_code == 400
    assert "user.two_factor_recovery" in _actions()


@pytest.mark.parametrize(
    ("policy", "asked", "not_asked"),
    [("admins_and_records", "records", "case_manager"), ("all", "case_manager", None)],
)
def test_an_agency_requires_it_and_staff_set_it_up_at_sign_in(
    app, client, world, policy, asked, not_asked
):
    world.agency.two_factor = policy
    db.session.commit()
    if not_asked:
        assert _password(app.test_client(), getattr(world, not_asked)).location == "/"
    assert _password(client, getattr(world, asked)).location.startswith("/login/code")
    assert client.get("/login/code").location.startswith("/account/two-factor")
    assert not _opens_pages(client)
    _set_up(client)
    assert _opens_pages(client)


def test_the_admin_sets_the_policy_on_the_settings_page(client, world):
    login(client, world.admin)
    form = open_page(client, "/agency/settings").form()
    form["two_factor"] = "all"
    assert form.submit().status_code == 302
    db.session.expire_all()
    assert world.agency.two_factor == "all"


def test_an_admin_turns_it_off_for_a_lost_phone_and_their_sessions_end(app, client, world):
    login(client, world.case_manager)
    _set_up(client)
    admin = app.test_client()
    login(admin, world.admin)

    reset = submit(admin, f"/agency/staff/{world.case_manager.id}", reset_two_factor=True)

    assert reset.status_code == 302
    assert not _opens_pages(client)
    assert _password(client, world.case_manager).location == "/"  # not required here
    assert "user.two_factor_reset" in _actions()
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_the_secret_being_set_up_is_kept_on_the_server_never_in_the_session_cookie(
    app, client, world
):
    login(client, world.case_manager)
    page = open_page(client, "/account/two-factor")
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.html).group(1)
    cookie = client.get_cookie("session").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in cookie and secret not in repr(session)
    assert open_page(client, "/account/two-factor").html.count(secret) >= 1  # the same one again
    db.session.expire_all()
    assert world.case_manager.totp_pending_secret == secret

    submit(client, "/account/two-factor", code=pyotp.TOTP(secret).now())
    db.session.expire_all()
    assert world.case_manager.totp_secret == secret
    assert world.case_manager.totp_pending_secret is None
