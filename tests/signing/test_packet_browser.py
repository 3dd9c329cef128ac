"""An intake packet in a real browser (chromium, touch, a tablet-sized screen): the case manager
ticks the forms waiting for the client and hands the tablet over once; the client signs the
first ("Form 1 of 2"), asks for paper for the second, and hands the tablet back once; each form
keeps its own outcome."""

import pytest

from forms_service.documents.models import Document, DocumentStatus, SignerStatus
from forms_service.extensions import db
from tests.conftest import PASSWORD
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    draw_with_finger,
    live_server,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_an_intake_packet_is_signed_in_one_sitting(live_server, browser, world, consent_document):  # noqa: F811
    first = consent_document()
    second = consent_document(recipient_name="Places for People")
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    shot = Shots(page)
    sign_in(page, live_server, world.case_manager)
    page.goto(f"{live_server}/cases/{world.case.id}")
    assert page.locator("#intake-packet input[name=document_ids]:checked").count() == 2
    shot("packet-01-case")

    page.click("#intake-packet button[type=submit]")
    page.wait_for_url("**/kiosk")
    assert page.locator("#packet-progress").inner_text().startswith("Form 1 of 2")
    page.locator("#esign_accepted").tap()
    draw_with_finger(page, ".sig-pad canvas")
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").wait_for()
    page.locator("#confirm-sign").tap()
    page.locator("#packet-progress:has-text('Form 2 of 2')").wait_for()
    shot("packet-02-second-form")
    page.locator("#paper-open").tap()
    page.locator("button:has-text('Yes, sign on paper')").tap()
    page.wait_for_selector("text=Staff: take the tablet back")
    shot("packet-03-hand-back")
    page.click("summary:has-text('Staff: take the tablet back')")
    page.fill("#secret", PASSWORD)
    page.click("button:has-text('Unlock')")
    page.wait_for_url(f"**/cases/{world.case.id}")
    context.close()

    db.session.expire_all()
    signed, paper = (db.session.get(Document, d.id) for d in (first, second))
    assert signed.signers[0].status == SignerStatus.SIGNED
    assert signed.status == DocumentStatus.SIGNING  # the case manager countersigns next
    assert paper.status == DocumentStatus.PAPER
