"""The kiosk in Arabic in a real browser: the page reads right to left (the pad's buttons and
the check step mirrored), the drawing surface stays left to right, a finger signs, and axe
finds no serious violation on the Arabic page."""

import pytest

from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from tests.conftest import CONSENT, PASSWORD
from tests.signing.test_accessibility import serious_violations
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    draw_with_finger,
    hand_over,
    live_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.soffice]


def _box(page, selector):
    return page.locator(selector).bounding_box()


def test_an_arabic_client_signs_with_a_finger_on_a_right_to_left_kiosk(live_server, browser, world):  # noqa: F811
    world.client.preferred_language = "ar"
    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    shot = Shots(page)
    hand_over(page, live_server, world.case_manager, document)

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    surface = "getComputedStyle(document.querySelector('.sig-pad-surface')).direction"
    assert page.evaluate(surface) == "ltr"
    undo, clear = _box(page, "[data-action=undo]"), _box(page, "[data-action=clear]")
    assert undo["x"] > clear["x"]  # the first button sits on the right
    assert serious_violations(page) == []

    page.locator("#esign_accepted").tap()
    draw_with_finger(page, ".sig-pad canvas")
    page.wait_for_function(  # the pad announces it, in Arabic, a moment later
        "document.querySelector('[data-role=status]').textContent === 'تم تسجيل التوقيع'"
    )
    page.locator("#sign-submit").tap()
    page.locator("#confirm-sign").wait_for()
    shot("ar-01-check-before-signing")
    sign, back = _box(page, "#confirm-sign"), _box(page, "#confirm-back")
    assert sign["x"] > back["x"]  # the check step mirrored too
    assert "أنت توقّع" in page.locator("#confirm").text_content()
    page.locator("#confirm-sign").tap()
    page.wait_for_selector("text=تم حفظ توقيعك")
    shot("ar-02-hand-back")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    db.session.refresh(document)
    assert document.signers[0].status == "signed"
    context.close()


def test_a_spanish_client_reads_a_case_plan_in_spanish_handed_over_from_a_spanish_staff_page(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
):
    world.client.preferred_language = "es"
    actor = world.actor(world.case_manager)
    data = get_form_type("case_plan").example()
    document = start_document(actor, world.case, "case_plan", data)
    send_for_signature(actor, document)
    db.session.commit()
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, bypass_csp=True, locale="es-MX"
    )
    page = context.new_page()
    shot = Shots(page)
    page.goto(f"{live_server}/login")
    assert page.evaluate("document.documentElement.lang") == "es"  # the browser's language
    page.fill("#email", world.case_manager.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/documents/{document.id}")
    assert page.locator("nav").text_content().split()[:1] == ["Casos"]
    shot("es-01-staff-document")
    page.click("button:has-text('Entregar la tableta a')")
    page.wait_for_url("**/kiosk")

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "es",
        "ltr",
    ]
    article = page.locator("article.doc").text_content()
    assert "Plan de caso" in article and "Sus metas" in article
    assert "Your goals" not in article
    assert serious_violations(page) == []
    shot("es-02-kiosk-case-plan")
    context.close()
