"""The case page in a real browser (Debian's chromium through Playwright): every button is
readable against what is behind it, and the language is saved by pressing its button."""

import pytest

from forms_service.extensions import db
from tests.signing.test_browser import browser, live_server, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# Each button's text colour and the first opaque background behind it, as the page paints them.
BUTTON_COLOURS = """() => [...document.querySelectorAll('.btn')].map(b => {
  let el = b, bg = 'rgba(0, 0, 0, 0)';
  while (el && /rgba\\(.*, 0\\)$|transparent/.test(bg)) {
    bg = getComputedStyle(el).backgroundColor; el = el.parentElement;
  }
  if (/rgba\\(.*, 0\\)$/.test(bg)) bg = 'rgb(255, 255, 255)';
  return [b.textContent.trim(), getComputedStyle(b).color, bg];
})"""


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_case_page_button_is_readable_and_saves_the_language(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, world.case_manager)
    page.goto(f"{live_server}/cases/{world.case.id}")

    colours = page.evaluate(BUTTON_COLOURS)
    assert "Save the language" in [text for text, _, _ in colours]
    unreadable = [(t, fg, bg) for t, fg, bg in colours if contrast(fg, bg) < 4.5]
    assert unreadable == []  # WCAG 1.4.3, normal text

    page.select_option("#client-language", "es")
    page.click("text=Save the language")
    page.wait_for_selector("text=María José Núñez reads Spanish.")
    db.session.refresh(world.client)
    assert world.client.preferred_language == "es"
