"""The kiosk's own rules in a real browser (Debian's chromium through Playwright, touch input on
a tablet-sized screen): Sign waits for the e-signature agreement and says so, a drawn signature
survives a refusal, paper is asked once, an error shows where the person is, and the timeout
warning never takes the focus."""

import pytest
from playwright.sync_api import expect

from forms_service.documents.models import Document, SignerStatus
from forms_service.extensions import db
from tests.conftest import ONE_DATABASE
from tests.signing.test_accessibility import serious_violations
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    draw_with_finger,
    hand_over,
    live_server,
)

pytestmark = [pytest.mark.browser, ONE_DATABASE]  # the page's own behaviour
TABLET = {"width": 800, "height": 1280}
ACTIVE_ID = "document.activeElement.id"


@pytest.fixture
def kiosk(live_server, browser, world, consent_document):  # noqa: F811
    """The tablet, handed to the client of a consent from the document page."""
    document = consent_document()
    context = browser.new_context(viewport=TABLET, has_touch=True, bypass_csp=True)
    page = context.new_page()
    hand_over(page, live_server, world.case_manager, document)
    yield page, document
    context.close()


def _signer(document):
    db.session.expire_all()
    return db.session.get(Document, document.id).signers[0]


def _in_view(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"]


def test_sign_waits_for_the_agreement_and_a_refused_signature_keeps_its_ink(kiosk):
    page, document = kiosk
    page.locator(".sig-pad canvas").scroll_into_view_if_needed()
    draw_with_finger(page, ".sig-pad canvas")
    sign = page.locator("#sign-submit")
    assert sign.is_disabled()
    assert page.locator("#sign-needs").is_visible()
    assert "I agree to sign this form electronically." in page.locator("#sign-needs").inner_text()
    assert sign.get_attribute("aria-describedby").split() == ["sign-needs", "sign-note"]
    Shots(page)("kiosk-01-sign-waits-for-the-agreement")

    page.locator("#esign_accepted").tap()
    assert sign.is_enabled() and not page.locator("#sign-needs").is_visible()
    assert sign.get_attribute("aria-describedby") == "sign-note"
    sign.tap()
    # The server refuses (the agreement is withdrawn behind the page's back): the ink stays.
    page.evaluate("document.getElementById('esign_accepted').checked = false")
    page.locator("#confirm-sign").tap()
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("Error: ")
    expect(page.locator(".error-summary")).to_be_focused()  # once its script has run
    assert page.locator(".sig-pad.has-ink").count() == 1
    assert page.locator("#pad-ink").input_value().startswith('{"v":1')
    inked = page.evaluate(
        "(() => { const c = document.querySelector('.sig-pad canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })()"
    )
    assert inked > 200  # drawn again, not only kept in the input
    assert page.locator("#esign_accepted").get_attribute("aria-invalid") == "true"

    page.locator("#esign_accepted").tap()
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=Your signature is saved")
    assert _signer(document).signature_kind == "drawn"


def test_paper_is_asked_once_in_a_dialog(kiosk):
    page, document = kiosk
    page.locator("#paper-open").tap()
    dialog = page.locator("#paper-confirm")
    assert dialog.is_visible() and page.evaluate("document.querySelector('dialog:modal') !== null")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert serious_violations(page) == []
    Shots(page)("kiosk-02-paper-asked")
    page.keyboard.press("Escape")
    assert not dialog.is_visible() and page.evaluate(ACTIVE_ID) == "paper-open"
    page.locator("#paper-open").tap()
    page.locator("#paper-back").tap()
    assert not dialog.is_visible()
    assert _signer(document).status == SignerStatus.PENDING

    page.locator("#paper-open").tap()
    page.locator("button:has-text('Yes, sign on paper')").tap()
    page.wait_for_selector("text=You will sign on paper")
    assert _signer(document).status == SignerStatus.PAPER


def test_a_decline_error_shows_where_the_person_is_and_no_reason_is_needed(kiosk):
    page, document = kiosk
    page.locator("summary:has-text('I do not want to sign')").tap()
    # An error the server finds (here a reason past maxlength, from a browser that lets it be)
    page.evaluate("document.getElementById('reason').removeAttribute('maxlength')")
    page.fill("#reason", "x" * 1001)
    page.locator("#decline button[type=submit]").tap()
    page.wait_for_selector(".error-summary")
    expect(page.locator(".error-summary")).to_be_focused()  # once its script has run
    assert _in_view(page, ".error-summary") and _in_view(page, "#reason")
    Shots(page)("kiosk-03-decline-error")

    page.fill("#reason", "")
    page.locator("#decline button[type=submit]").tap()
    page.wait_for_selector("text=You chose not to sign")
    signer = _signer(document)
    assert signer.status == SignerStatus.DECLINED and signer.declined_reason is None


def test_the_timeout_warning_never_takes_the_focus_and_reading_is_activity(kiosk, app):
    page, document = kiosk
    page.clock.install()  # the page's timers run on a clock the test moves on, not waits for
    page.reload()
    warning = page.locator("#timeout-warning")
    quiet = app.config["KIOSK_TIMEOUT"] * 1000 - 30_000 + 1500  # the warning: 30 s before the end

    def warned():
        page.clock.run_for(quiet)
        if warning.is_hidden():  # it told the server of the activity a minute on: quiet since
            page.clock.run_for(61_000)
        warning.wait_for(state="visible", timeout=10000)
        assert page.locator("#timeout-announce").inner_text().startswith("Do you need more time?")

    page.locator("summary:has-text('type my name instead')").tap()
    page.locator("#typed_name").focus()
    page.keyboard.type("Mar")
    warned()
    assert page.evaluate(ACTIVE_ID) == "typed_name"  # the focus stays where they type
    page.keyboard.type("ia")
    assert page.locator("#typed_name").input_value() == "Maria"
    assert warning.is_hidden() and page.locator("#timeout-announce").inner_text() == ""

    warned()
    page.mouse.wheel(0, 400)  # scrolling
    warning.wait_for(state="hidden", timeout=2000)
    warned()
    page.locator("#esign_accepted").focus()  # reading: a screen reader moves the focus
    warning.wait_for(state="hidden", timeout=2000)
    warned()
    page.keyboard.press("Tab")
    warning.wait_for(state="hidden", timeout=2000)
    assert page.locator("text=This screen has closed").count() == 0
