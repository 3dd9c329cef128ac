"""The consent path in a real browser (Debian's chromium driven by Playwright): the case
manager fills the form, the client signs with a finger on a tablet-sized touch screen, the
case manager countersigns with the mouse. No request may leave this machine.

`FORMS_SCREENSHOTS=DIR` keeps a screenshot of each step (the README's come from here)."""

import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.rendering import prepared
from forms_service.rendering.models import PreparedRender
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.soffice]


def closing_each_response(app):
    """The app with each response read whole and closed before it is sent: werkzeug's
    development server skips closing a response when the browser drops the connection as the
    server drains it (a page closed at the end of a test), leaving a static file open for the
    garbage collector to report in whichever test runs next."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, closing_each_response(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser(chromium):
    """The module's chromium, every page of the test before closed: a page left open could
    keep the focus from the next one's."""
    yield chromium
    for context in chromium.contexts:
        context.close()


class Shots:
    def __init__(self, page):
        self.page = page
        self.folder = os.environ.get("FORMS_SCREENSHOTS")

    def __call__(self, name):
        if self.folder:
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{self.folder}/{name}.png", full_page=True)


def sign_in(page, live_server, user):
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def hand_over(page, live_server, user, document):
    """Sign in as `user` and hand the tablet over from the document page: the kiosk."""
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/documents/{document.id}")
    page.click("button:has-text('Hand the tablet to')")
    page.wait_for_url("**/kiosk")


def draw_with_finger(page, selector, strokes=3):
    """Real touch events through the DevTools protocol, as a finger on a tablet."""
    box = page.locator(selector).bounding_box()
    cdp = page.context.new_cdp_session(page)
    for k in range(strokes):
        points = [
            (
                box["x"] + 40 + k * box["width"] / 3.5 + i * 5,
                box["y"] + box["height"] / 2 + (25 if i % 8 < 4 else -25) * (i % 4) / 4,
            )
            for i in range(30)
        ]
        for n, (x, y) in enumerate(points):
            kind = "touchStart" if n == 0 else "touchMove"
            cdp.send(
                "Input.dispatchTouchEvent",
                {"type": kind, "touchPoints": [{"x": x, "y": y, "id": 1}]},
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def draw_with_mouse(page, selector):
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for i in range(40):
        page.mouse.move(box["x"] + 30 + i * 8, box["y"] + 100 + (i % 6) * 8)
    page.mouse.up()


def take_back_and_countersign(page):
    """The case manager unlocks the tablet, countersigns with the mouse, and sees it filed."""
    page.click("summary:has-text('Staff: take the tablet back')")
    page.fill("#secret", PASSWORD)
    page.click("button:has-text('Unlock')")
    page.click("a:has-text('Countersign')")
    page.wait_for_url("**/sign/**")
    page.check("#esign_accepted")
    draw_with_mouse(page, ".sig-pad canvas")
    page.click("#sign-submit")
    page.click("#confirm-sign")
    page.wait_for_selector("text=Open the archived copy", timeout=60000)


def test_client_signs_with_a_finger_and_the_case_manager_countersigns(live_server, browser, world):
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, device_scale_factor=1
    )
    page = context.new_page()
    outside = []
    page.on("request", lambda r: r.url.startswith(live_server) or outside.append(r.url))
    shot = Shots(page)

    page.goto(f"{live_server}/login")
    shot("01-login")
    page.fill("#email", world.case_manager.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.click(f"text={world.client.full_name}")
    shot("02-case")
    page.click("text=Consent to Release Information")
    page.fill("#recipient_name", "St. Patrick Center")
    page.check("input[name=recipient_type][value=agency]")
    page.check("input[name=categories][value=housing]")
    page.check("input[name=categories][value=income]")
    page.fill("#purpose", "To apply for permanent supportive housing.")
    page.fill("#end_event", "I move into permanent housing")
    shot("03-consent-form")
    page.click("button[value=send]")
    shot("04-document")

    page.click("button:has-text('Hand the tablet to')")
    page.wait_for_url("**/kiosk")
    assert page.locator("a[href^='/cases'], a[href^='/archive']").count() == 0
    assert page.locator("#sign-submit").is_disabled()
    # The kiosk holds: a typed address, the back button and a reload all stay in it.
    page.goto(f"{live_server}/cases")
    assert page.url.endswith("/kiosk")
    page.go_back()
    page.reload()
    assert page.url.endswith("/kiosk")
    page.locator("#esign_accepted").tap()
    draw_with_finger(page, ".sig-pad canvas")
    assert page.locator("#sign-submit").is_enabled()
    shot("05-tablet-signing")
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").wait_for()
    shot("06-check-before-signing")
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=Your signature is saved")
    shot("07-hand-back")

    take_back_and_countersign(page)
    shot("08-archived")
    page.click("text=Sign out")

    # Records staff, at a desk: find it by a name typed without accents.
    page.set_viewport_size({"width": 1200, "height": 900})
    page.fill("#email", world.records.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#q", "maria nunez")
    page.click("button:has-text('Search')")
    shot("09-archive-search")
    page.click("a:has-text('Consent to Release Information')")
    page.check("input[name=purpose][value=client_request]")
    with page.expect_download() as download:
        page.click("button:has-text('Download the DOCX')")
    assert download.value.suggested_filename.endswith(".docx")
    page.reload()
    shot("10-archive-record")
    assert page.locator("td:has-text('The client asked for a copy of their record')").count() == 1
    context.close()

    assert outside == []
    db.session.expire_all()
    document = db.session.execute(select(Document)).scalar_one()
    assert document.status == "archived"
    assert [s.method for s in document.signers] == ["in_person_tablet", "staff_session"]


def test_a_form_sent_is_converted_while_the_client_reads_and_filed_from_its_boxes(
    live_server, browser, world, app, monkeypatch
):
    """As the service runs (the `threads` queue): sending the form converts it in the
    background; once both have signed on the tablet, the filed form is its boxes filled."""
    app.config["RENDER_QUEUE"] = "threads"
    fill, filled = prepared.fill, []
    monkeypatch.setattr(prepared, "fill", lambda *args: filled.append(1) or fill(*args))
    page = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, device_scale_factor=1
    ).new_page()
    sign_in(page, live_server, world.case_manager)
    page.click(f"text={world.client.full_name}")
    page.click("text=Consent to Release Information")
    page.fill("#recipient_name", "St. Patrick Center")
    page.check("input[name=recipient_type][value=agency]")
    page.check("input[name=categories][value=housing]")
    page.fill("#purpose", "To apply for permanent supportive housing.")
    page.fill("#end_event", "I move into permanent housing")
    page.click("button[value=send]")
    document = db.session.execute(select(Document)).scalar_one()
    for _ in range(600):  # the client reads the form meanwhile
        db.session.rollback()
        if db.session.get(PreparedRender, document.id) is not None:
            break
        time.sleep(0.1)
    assert db.session.get(PreparedRender, document.id) is not None

    page.click("button:has-text('Hand the tablet to')")
    page.wait_for_url("**/kiosk")
    page.locator("#esign_accepted").tap()
    draw_with_finger(page, ".sig-pad canvas")
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=Your signature is saved")
    take_back_and_countersign(page)

    assert filled == [1]
    db.session.expire_all()
    assert db.session.get(Document, document.id).status == "archived"
    assert db.session.get(PreparedRender, document.id) is None


def test_an_idle_kiosk_closes_and_shows_nothing_of_the_client(live_server, browser, world, app):
    app.config["KIOSK_TIMEOUT"] = 3
    from forms_service.documents.service import send_for_signature, start_document
    from tests.conftest import CONSENT

    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    hand_over(page, live_server, world.case_manager, document)
    page.wait_for_selector("text=This screen has closed", timeout=15000)
    html = page.content()
    assert world.client.full_name not in html and "St. Patrick Center" not in html
    page.goto(f"{live_server}/archive/")  # the kiosk ended the session: only a new sign-in
    assert page.url.startswith(f"{live_server}/login")
    assert world.client.full_name not in page.content()
    context.close()


def test_a_signature_given_offline_is_sent_once_the_connection_returns(live_server, browser, world):
    from forms_service.documents.models import Signer
    from forms_service.documents.service import send_for_signature, start_document
    from tests.conftest import CONSENT

    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    posts = []
    page.on("request", lambda r: r.method == "POST" and "/kiosk/sign" in r.url and posts.append(1))
    hand_over(page, live_server, world.case_manager, document)
    page.locator("#esign_accepted").tap()
    draw_with_finger(page, ".sig-pad canvas")
    page.locator("#sign-submit").tap()
    context.set_offline(True)
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=Your signature is kept on this page")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("text=Your signature is saved", timeout=20000)
    context.close()
    db.session.expire_all()
    signer = db.session.get(Signer, document.signers[0].id)
    assert signer.status == "signed" and signer.signature_kind == "drawn"
    assert len(posts) >= 2  # the offline try and the one that went through
