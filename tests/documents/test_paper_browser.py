"""The paper path in a real browser: What's due names the paper form, the case manager uploads
the photographed form and attests it, and the page says it is signed on paper; a second form
is voided from its page.

`FORMS_SCREENSHOTS=DIR` keeps a screenshot of each step."""

import io

import pytest
from PIL import Image

from forms_service.documents import service as documents
from forms_service.extensions import db
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    live_server,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.soffice]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1275, 1650), "white").save(out, format="JPEG")
    return out.getvalue()


def test_a_paper_form_is_uploaded_and_another_voided_in_a_browser(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
    consent_document,
):
    on_paper, mistaken = consent_document(), consent_document()
    documents.choose_paper(world.actor(world.case_manager), on_paper, on_paper.signers[0])
    db.session.commit()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    shot = Shots(page)
    sign_in(page, live_server, world.case_manager)
    page.goto(f"{live_server}/due")
    page.wait_for_selector("text=Signing on paper: upload the signed form")
    shot("paper-01-whats-due")

    page.click(f"text={on_paper.reference}")
    page.click("text=The signed paper form came back: upload the scan")
    page.set_input_files(
        "#scan", files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.check("#attested")
    shot("paper-02-upload")
    page.click("text=File the signed paper form")
    page.wait_for_selector("text=signed on paper")
    page.wait_for_selector("text=Open the archived copy")
    shot("paper-03-filed")

    page.goto(f"{live_server}/documents/{mistaken.id}")
    page.click("text=Void this document")
    page.fill("#reason", "Sent to the wrong recipient.")
    shot("paper-04-void")
    page.click("text=Void it")
    page.wait_for_selector("text=Voided: “Sent to the wrong recipient.”")
    shot("paper-05-voided")
