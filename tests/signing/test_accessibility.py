"""The signing pages meet WCAG 2.2 AA as far as an automated scan can tell (axe-core, vendored,
no serious or critical violation), stay light for a cheap tablet on bad Wi-Fi (≤ 150 kB) and
never load anything from outside this machine."""

import json
from pathlib import Path

import pytest

from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from tests.conftest import CONSENT, PASSWORD
from tests.signing.test_browser import browser, live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PAGE_BUDGET = 150 * 1024


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
