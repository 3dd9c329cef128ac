"""The one-time link in a real browser (Debian's chromium through Playwright): the case manager
makes a link at their desk; the client opens it on a phone-sized touch screen, answers with
their date of birth, signs with a finger and is thanked; the signed PDF's audit certificate
says how they were identified. No request may leave this machine.

`FORMS_SCREENSHOTS=DIR` keeps a screenshot of each step."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from forms_service.archive.models import ArchiveRecord
from forms_service.documents.models import Document
from forms_service.extensions import db
from tests.conftest import PASSWORD, blob_path
from tests.signing.test_accessibility import PAGE_BUDGET, serious_violations
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    draw_with_finger,
    draw_with_mouse,
    live_server,
)
from tests.signing.test_remote import make_link  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.soffice]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "has_touch": True,
    "is_mobile": True,
    "bypass_csp": True,  # for the injected axe-core only: the pages' CSP forbids inline code
}
# Everything a finger may need to hit on the phone pages (a checkbox is hit through its label).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, input:not([type=hidden]):not([type=checkbox]), label.check, summary')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([html]) => html)"""


def _fits_the_phone(page):
    """No sideways scrolling at 390 px, every target at least 44 px, no serious axe finding."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert page.evaluate(SMALL_TARGETS) == []
    assert serious_violations(page) == []


def test_a_client_signs_on_their_own_phone_through_a_one_time_link(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
    consent_document,
):
    document = consent_document()
    outside = []

    def watch(page):
        page.on("request", lambda r: r.url.startswith(live_server) or outside.append(r.url))

    desk = browser.new_context(viewport={"width": 1200, "height": 900})
    staff = desk.new_page()
    watch(staff)
    staff.goto(f"{live_server}/login")
    staff.fill("#email", world.case_manager.email)
    staff.fill("#password", PASSWORD)
    staff.click("button[type=submit]")
    staff.goto(f"{live_server}/documents/{document.id}")
    Shots(staff)("remote-00-document")
    staff.check("input[name=identity_method][value=dob]")
    staff.click("button:has-text('Send a signing link')")
    url = staff.locator("#link-url").inner_text()
    assert re.fullmatch(rf"{live_server}/s/[\w-]{{43}}", url)
    assert staff.locator(".qr svg path").count() == 1
    Shots(staff)("remote-01-link-for-staff")

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    watch(page)
    shot = Shots(page)
    page.goto(url)
    assert page.title().startswith("Sign a document")
    assert world.client.last_name not in page.content()
    _fits_the_phone(page)
    shot("remote-02-identity")
    page.fill("#answer", "1985-03-04")
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.locator("main button[type=submit]").tap()
    page.wait_for_selector("text=please read and sign")
    page.wait_for_load_state("networkidle")
    interactive = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
    print(
        f"phone signing page: {sum(sizes.values())} bytes, interactive after {interactive:.0f} ms"
    )
    assert sum(sizes.values()) <= PAGE_BUDGET
    _fits_the_phone(page)
    shot("remote-03-signing-page")

    page.locator("#esign_accepted").tap()
    page.locator(".sig-pad canvas").scroll_into_view_if_needed()
    draw_with_finger(page, ".sig-pad canvas")
    shot("remote-04-signed-with-a-finger")
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=You can close this page")
    shot("remote-05-thank-you")
    assert page.locator("a").count() == 1  # only "Skip to content": no way into the app
    _fits_the_phone(page)
    phone.close()

    # The case manager countersigns at the desk; the server renders and files the document.
    staff.goto(f"{live_server}/documents/{document.id}")
    assert staff.locator("text=Signing links that work").count() == 0  # the link was used
    staff.click("a:has-text('Countersign')")
    staff.check("#esign_accepted")
    draw_with_mouse(staff, ".sig-pad canvas")
    staff.click("#sign-submit")
    staff.click("#confirm-sign")
    staff.wait_for_selector("text=Open the archived copy", timeout=60000)
    desk.close()
    assert outside == []

    db.session.expire_all()
    client_signer = db.session.get(Document, document.id).signers[0]
    assert client_signer.method == "one_time_link" and client_signer.signature_kind == "drawn"
    assert client_signer.user_agent.startswith("Mozilla/") and client_signer.ip == "127.0.0.1"
    record = db.session.scalars(select(ArchiveRecord)).one()
    reader = PdfReader(blob_path(record.pdf_sha256))
    certificate = " ".join(" ".join(p.extract_text() for p in reader.pages[-2:]).split())
    assert "One-time link on the signer's own device" in certificate
    assert "Date of birth matched" in certificate
    assert "María José Núñez (one-time link)" in certificate


def test_a_reload_after_a_refused_signature_shows_the_links_page_in_the_clients_language(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
    make_link,  # noqa: F811
):
    world.client.preferred_language = "es"
    _, _, token, _ = make_link()
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server}/s/{token}")
    page.fill("#answer", "1985-03-04")
    page.locator("main button[type=submit]").tap()
    page.wait_for_selector("#sign-form")
    draw_with_finger(page, ".sig-pad canvas")
    # Sent without "I agree to sign electronically": the server refuses it.
    page.evaluate("document.getElementById('sign-form').requestSubmit()")
    page.wait_for_url(f"{live_server}/s/{token}/sign")
    page.wait_for_selector(".field-errors")

    page.reload()  # as Android does when it restores a discarded tab

    assert page.url == f"{live_server}/s/{token}"
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#sign-form").count() == 1
    Shots(page)("remote-06-reloaded-after-a-refusal")


def test_a_wrong_identity_answer_is_focused_announced_and_named_in_the_title(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    make_link,  # noqa: F811
):
    _, _, token, _ = make_link()
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server}/s/{token}")
    page.fill("#answer", "1985-04-03")
    page.locator("main button[type=submit]").tap()
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error: Sign a document")
    expect(page.locator(".error-summary[role=alert]")).to_be_focused()  # once its script ran
    assert page.locator("#answer").get_attribute("aria-invalid") == "true"
    assert page.locator("#answer-errors").is_visible()
    _fits_the_phone(page)
    Shots(page)("remote-07-wrong-answer")
