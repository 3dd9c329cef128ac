"""The signing pages meet WCAG 2.2 AA as far as an automated scan can tell (axe-core, vendored,
no serious or critical violation), stay light for a cheap tablet on bad Wi-Fi (≤ 150 kB) and
never load anything from outside this machine; every focusable element of the signing and
staff pages shows its focus at 3:1 or more (measured on the pixels, which axe cannot)."""

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from tests.conftest import CONSENT, ONE_DATABASE, PASSWORD
from tests.signing.test_browser import browser, live_server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, ONE_DATABASE]  # the pages' markup and styles
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PAGE_BUDGET = 150 * 1024
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select,"
    " textarea, summary, [tabindex]:not([tabindex='-1'])"
)


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', "
        "'wcag22aa', 'best-practice']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_kiosk_signing_page_is_accessible_light_and_local(live_server, browser, world):  # noqa: F811
    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    # The scan injects axe-core: allowed for the test only (the pages' CSP forbids inline code).
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert serious_violations(page) == []
    page.fill("#email", world.case_manager.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/documents/{document.id}")
    assert serious_violations(page) == []

    sizes, outside = {}, []
    page.on("request", lambda r: r.url.startswith(live_server) or outside.append(r.url))
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.click("button:has-text('Hand the tablet to')")
    page.wait_for_url("**/kiosk")
    page.wait_for_load_state("networkidle")
    weight = sum(sizes.values())
    timing = json.loads(
        page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    )
    print(
        f"kiosk page: {weight} bytes in {len(sizes)} responses, "
        f"DOM interactive after {timing['domInteractive']:.0f} ms"
    )
    assert outside == []
    assert weight <= PAGE_BUDGET
    assert serious_violations(page) == []
    targets = page.evaluate(
        "() => [...document.querySelectorAll('button, summary, input[type=checkbox]')]"
        ".filter(e => e.offsetParent).map(e => { const r = e.getBoundingClientRect();"
        " return [e.outerHTML.slice(0, 60), Math.round(r.width), Math.round(r.height)]; })"
    )
    small = [t for t in targets if t[0].startswith(("<button", "<summary")) and t[2] < 44]
    assert small == []
    context.close()


def _luminance(rgb) -> float:
    c = [v / 255 for v in rgb[:3]]
    c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def weak_focus_indicators(page) -> list[str]:
    """The visible focusable elements whose focus is not shown at 3:1 (WCAG 1.4.11): each is
    shot unfocused and focused, and the pixels that change by 3:1 or more must cover at least
    a one-pixel ring around it."""
    weak = []
    viewport = page.viewport_size
    for element in page.locator(FOCUSABLE).all():
        if not element.is_visible():
            continue
        element.focus()
        box = element.bounding_box()
        x, y = max(0, box["x"] - 8), max(0, box["y"] - 8)
        clip = {
            "x": x,
            "y": y,
            "width": min(viewport["width"], box["x"] + box["width"] + 8) - x,
            "height": min(viewport["height"], box["y"] + box["height"] + 8) - y,
        }
        focused = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
        page.evaluate("document.activeElement.blur()")
        unfocused = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
        before, after = unfocused.tobytes(), focused.tobytes()
        strong = sum(
            1
            for i in range(0, len(before), 3)
            if before[i : i + 3] != after[i : i + 3]
            and _contrast(before[i : i + 3], after[i : i + 3]) >= 3
        )
        if strong < 2 * (box["width"] + box["height"]):
            weak.append(element.evaluate("e => e.outerHTML.slice(0, 80)"))
    return weak


def test_every_focusable_element_shows_its_focus_at_3_to_1(live_server, browser, world):  # noqa: F811
    actor = world.actor(world.case_manager)
    document = start_document(actor, world.case, "consent_release", CONSENT)
    send_for_signature(actor, document)
    db.session.commit()
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert weak_focus_indicators(page) == []
    page.fill("#email", world.case_manager.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    for staff_page in (f"/cases/{world.case.id}", f"/documents/{document.id}"):
        page.goto(live_server + staff_page)
        assert weak_focus_indicators(page) == [], staff_page
    page.click("button:has-text('Hand the tablet to')")
    page.wait_for_url("**/kiosk")
    page.click("summary:has-text('type my name instead')")
    assert weak_focus_indicators(page) == []
    context.close()
