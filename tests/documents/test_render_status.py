"""The document page while its document is rendered: it asks quietly for the render status
(no reload), less and less often, stops when the document is filed or rendering gave up, and
then shows staff the failure and a way to try again."""

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from forms_service.rendering.jobs import MAX_ATTEMPTS
from forms_service.rendering.models import RenderJob, RenderStatus
from tests.conftest import login, sign_consent
from tests.pages import open_page
from tests.signing.test_browser import (  # noqa: F401 (fixtures)
    Shots,
    browser,
    live_server,
    sign_in,
)

ERROR = "Converter on port 2003 did not answer"


def _give_up(job_id, attempts=MAX_ATTEMPTS):
    job = db.session.get(RenderJob, job_id)
    job.status = RenderStatus.FAILED if attempts >= MAX_ATTEMPTS else RenderStatus.PENDING
    job.attempts, job.error = attempts, ERROR
    db.session.commit()


def _views(document) -> int:
    return db.session.scalar(
        select(db.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "document.view", AuditEvent.object_id == str(document.id))
    )


def test_a_document_being_rendered_is_followed_without_reloading_the_page(
    client, world, consent_document
):
    document, _ = sign_consent(world, consent_document)
    login(client, world.case_manager)

    page = client.get(f"/documents/{document.id}").get_data(as_text=True)

    assert 'http-equiv="refresh"' not in page
    assert f'data-poll="/documents/{document.id}/render-status"' in page
    assert "documents/render_status.js" in page
    views = _views(document)
    status = client.get(f"/documents/{document.id}/render-status").get_data(as_text=True)
    assert "data-working" in status and "being rendered and filed" in status
    assert _views(document) == views + 1  # audited as any view of the document


@pytest.mark.soffice
def test_a_render_that_gave_up_is_shown_to_staff_who_can_try_again(client, world, consent_document):
    document, job = sign_consent(world, consent_document)
    _give_up(job.id, attempts=1)
    login(client, world.case_manager)
    retrying = client.get(f"/documents/{document.id}/render-status").get_data(as_text=True)
    assert "data-working" in retrying and "Rendering failed 1 time" in retrying

    _give_up(job.id)
    page = open_page(client, f"/documents/{document.id}")
    html = page.html
    assert "The document could not be rendered" in html and ERROR in html
    assert "data-working" not in html  # nothing more to wait for: the page stops asking
    assert "documents/render_status.js" in html

    tried = page.form(action=f"/documents/{document.id}/render").submit()

    assert tried.status_code == 302
    db.session.expire_all()
    assert db.session.get(Document, document.id).status == DocumentStatus.ARCHIVED
    assert db.session.get(RenderJob, job.id).status == RenderStatus.DONE
    retry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.render_retry")
    ).one()
    assert retry.object_id == str(document.id) and retry.details == {"attempts": MAX_ATTEMPTS}
    filed = client.get(f"/documents/{document.id}/render-status").get_data(as_text=True)
    assert "Open the archived copy" in filed and "data-working" not in filed


def test_only_a_render_that_gave_up_can_be_tried_again(client, world, consent_document):
    document, _ = sign_consent(world, consent_document)
    login(client, world.case_manager)
    page = open_page(client, f"/documents/{document.id}")
    assert f'action="/documents/{document.id}/render"' not in page.html


@pytest.mark.browser
def test_the_page_shows_a_failed_render_without_reloading(
    live_server,  # noqa: F811
    browser,  # noqa: F811
    world,
    consent_document,
):
    document, job = sign_consent(world, consent_document)
    desk = browser.new_context(viewport={"width": 1200, "height": 900})
    page = desk.new_page()
    sign_in(page, live_server, world.case_manager)
    polls, loads = [], []
    page.on("request", lambda r: "render-status" in r.url and polls.append(r.url))
    page.clock.install()  # the page's waits between asking run on a clock the test moves on
    with page.expect_response(lambda r: "render-status" in r.url):
        page.goto(f"{live_server}/documents/{document.id}")
        page.on("load", lambda p: loads.append(p.url))
        page.clock.run_for(2500)
    assert len(polls) == 1  # asked once, quietly

    _give_up(job.id)
    failed = page.locator("text=The document could not be rendered")
    for _ in range(10):  # a wait of the page's at a time: it asks less and less often
        page.clock.run_for(10_000)
        if failed.is_visible():
            break
        page.wait_for_timeout(100)  # the answer, in real time
    assert failed.is_visible()

    assert loads == []  # never reloaded
    asked = len(polls)
    page.clock.run_for(600_000)
    page.wait_for_timeout(300)
    assert len(polls) == asked  # stopped asking
    assert page.locator("#render-status button:has-text('Try again')").is_visible()
    Shots(page)("document-render-failed")
    desk.close()
