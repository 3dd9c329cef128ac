"""Signing in and staying signed in, in a real browser (Debian's chromium through
Playwright): the idle warning shows, "Stay signed in" keeps the session, and without activity
the page goes to the sign-in page; two-factor sign-in is set up with a code computed here,
then used with a code and with a recovery code."""

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import ONE_DATABASE, PASSWORD
from tests.signing.test_browser import browser, live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
WAIT = 60_000  # ms: a generous bound on a loaded machine, never what the test measures


def _password(page, live_server, user):  # noqa: F811
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def _sign_out(page, live_server):  # noqa: F811
    page.click(".signout button")
    page.wait_for_url(f"{live_server}/login", timeout=WAIT)


@ONE_DATABASE  # the page's timers and the session's clock
def test_the_idle_warning_shows_stay_signed_in_keeps_the_session_and_idleness_ends_it(
    app,
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
):
    """With the agency's own timings (30 minutes, warned 2 before): the page's clock and the
    server's are moved on, not waited for."""
    idle, warn = app.config["STAFF_IDLE_MINUTES"] * 60_000, app.config["STAFF_IDLE_WARN"] * 1000
    page = browser.new_page()
    page.clock.install()
    _password(page, live_server, world.case_manager)
    page.wait_for_url(f"{live_server}/cases", timeout=WAIT)
    warning = page.locator("#idle-warning")
    page.clock.fast_forward(idle - warn - 1000)
    assert warning.is_hidden()
    page.clock.fast_forward(2000)
    warning.wait_for(state="visible", timeout=WAIT)
    assert "you will be signed out" in warning.inner_text()
    assert warning.get_attribute("role") == "alert"  # announced

    page.click("#idle-stay")
    warning.wait_for(state="hidden", timeout=WAIT)  # the server took it as activity
    assert page.url == f"{live_server}/cases"

    later = datetime.now(UTC) + timedelta(milliseconds=idle + 5000)
    with time_machine.travel(later, tick=True):  # the server's clock, as the page's
        page.clock.fast_forward(idle - warn + 1000)
        warning.wait_for(state="visible", timeout=WAIT)  # and now nothing more happens
        page.clock.fast_forward(warn + 2000)
        page.wait_for_url(f"{live_server}/login**", timeout=WAIT)
        assert "You were signed out to protect the information on this screen." in page.content()
        page.goto(f"{live_server}/cases")
        assert page.url.startswith(f"{live_server}/login")


def test_two_factor_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
):
    page = browser.new_page()
    _password(page, live_server, world.case_manager)
    page.wait_for_url(f"{live_server}/cases", timeout=WAIT)

    page.goto(f"{live_server}/account/two-factor")
    assert page.locator(".qr svg").count() == 1
    app = pyotp.TOTP(page.locator("main p code").inner_text())
    page.fill("#code", app.now())
    page.click("main button[type=submit]")
    # a click does not wait for the page it loads: the codes are read once they are shown
    expect(page.locator(".recovery-codes code")).to_have_count(10, timeout=WAIT)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    _sign_out(page, live_server)

    _password(page, live_server, world.case_manager)
    page.wait_for_url(f"{live_server}/login/code**", timeout=WAIT)
    page.fill("#code", app.at(time.time() + 30))  # the next window's: the enrolment used this one
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/cases", timeout=WAIT)
    _sign_out(page, live_server)

    _password(page, live_server, world.case_manager)
    page.wait_for_url(f"{live_server}/login/code**", timeout=WAIT)
    page.fill("#code", codes[0])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/cases", timeout=WAIT)
