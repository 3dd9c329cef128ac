"""The Templates page in a real browser (Debian's chromium through Playwright): an admin
uploads a consent with changed wording, looks at the preview, activates it; the next consent
prints it, and a consent sent before the activation still renders with its pinned version."""

import hashlib
import threading

import pytest
from flask import current_app

from forms_service.extensions import db
from forms_service.rendering.jobs import run_job
from tests.conftest import blob_path, sign_consent
from tests.rendering.test_service import pdf_text
from tests.signing.test_browser import Shots, browser, live_server, sign_in  # noqa: F401
from tests.templates_admin.test_service import archive_record
from tests.templates_admin.test_views import CHANGED, NEW_WORDING, NEXT, SHIPPED

pytestmark = [pytest.mark.browser, pytest.mark.soffice]


def rendered_by_a_runner(job_id) -> bool:
    """Run the render job in a thread of its own, as the runner does: Playwright's event loop
    holds this one, and the seal runs one of its own."""
    app, done = current_app._get_current_object(), []

    def work():
        with app.app_context():
            done.append(run_job(job_id))

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    db.session.expire_all()
    return done == [True]


def test_an_admin_uploads_previews_and_activates_a_consent_the_next_one_uses_it(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
    consent_document,
    tmp_path,
):
    sent_before = consent_document()
    path = tmp_path / "consent-december.docx"
    path.write_bytes(CHANGED)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    shot = Shots(page)
    sign_in(page, live_server, world.admin)
    page.click("nav >> text=Templates")
    page.click("text=Consent to Release Information")
    page.set_input_files("#template", str(path))
    page.fill("#language", "en")
    page.fill("#note", "December wording")
    shot("20-templates-upload")
    page.click("text=Check and upload")
    page.wait_for_url(f"**/agency/templates/consent_release/{NEXT}")
    preview = page.locator("img[alt='Page 1 of the example']")
    assert preview.evaluate("img => img.complete && img.naturalWidth > 300")
    shot("21-templates-preview")
    page.click("text=Activate: new forms use this version")
    page.wait_for_selector(f"text=Version {NEXT} is active: new forms use it.")

    document, job = sign_consent(world, lambda: sent_before)
    assert rendered_by_a_runner(job.id)
    old = archive_record(document)
    shipped = SHIPPED.current("consent_release", language="en")
    assert (old.template_version, old.template_sha256) == (shipped.number, shipped.files["en"])
    assert NEW_WORDING not in pdf_text(blob_path(old.pdf_sha256).read_bytes())
    document, job = sign_consent(world, consent_document)
    assert rendered_by_a_runner(job.id)
    new = archive_record(document)
    assert (new.template_version, new.template_sha256) == (
        NEXT,
        hashlib.sha256(CHANGED).hexdigest(),
    )
    assert NEW_WORDING in pdf_text(blob_path(new.pdf_sha256).read_bytes())
