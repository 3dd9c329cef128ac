"""Staff are told: a signature from a phone link, a document filed, a render that gave up, and
work due soon; a count in the header, a list, and e-mail for those who chose it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from forms_service import clock
from forms_service.database import utcnow
from forms_service.documents import service as documents
from forms_service.extensions import db
from forms_service.formatting import long_date
from forms_service.notifications import notices
from forms_service.notifications.models import Notice
from forms_service.notifications.runner import run_outbox
from forms_service.rendering.jobs import MAX_ATTEMPTS, run_job
from tests.conftest import archive_consent, login, sign_consent
from tests.pages import open_page

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def _kinds(user) -> list[str]:
    return list(db.session.execute(select(Notice.kind).where(Notice.user_id == user.id)).scalars())


def test_a_render_that_gave_up_is_a_notice_in_the_header_and_the_list(
    client, world, consent_document, monkeypatch
):
    document, job = sign_consent(world, consent_document)
    monkeypatch.setattr("forms_service.rendering.jobs.render_signed", _fail)
    for _ in range(MAX_ATTEMPTS):
        run_job(job.id)

    assert _kinds(world.case_manager) == [notices.RENDER_FAILED]
    login(client, world.case_manager)
    home = open_page(client, "/notices")
    assert '<span class="count"' in home.html and ">1</span>" in home.html
    assert f"Could not be rendered, try again from its page: {document.reference}." in home.html
    home.form(action="/notices", index=0).submit("read")
    assert '<span class="count"' not in open_page(client, "/notices").html


def _fail(document):
    raise RuntimeError("converter gone")


def test_staff_who_chose_email_get_each_notice_by_email(
    app, client, world, consent_document, channels
):
    mail_server, _ = channels
    app.config["PUBLIC_URL"] = "https://forms.gateway.example"
    login(client, world.case_manager)
    page = open_page(client, "/notices")
    form = page.form(action="/notices")
    form["email"] = True
    form.submit()
    document, job = sign_consent(world, consent_document)

    notices.filed(document)
    db.session.commit()
    run_outbox()

    # what is due (the case plan review of the world's case) is e-mailed too
    (mail,) = [m for m in mail_server.arrived if "filed" in m["Subject"]]
    assert mail["To"] == world.case_manager.email
    body = mail.get_payload()
    assert f"Signed by everyone and filed: {document.reference}." in body
    assert f"https://forms.gateway.example/documents/{document.id}" in body
    assert "María" not in body


def test_a_form_owed_on_paper_for_a_week_is_a_notice_once(world, consent_document, app):
    document = consent_document()
    documents.choose_paper(world.actor(world.case_manager), document, document.signers[0])
    db.session.commit()

    def about_it() -> list[str]:
        return list(
            db.session.execute(
                select(Notice.kind).where(
                    Notice.user_id == world.case_manager.id,
                    Notice.url == f"/documents/{document.id}",
                )
            ).scalars()
        )

    notices.notify_due(force=True)
    assert about_it() == []  # sent today: not yet
    with time_machine.travel(utcnow() + timedelta(days=8)):
        notices.notify_due(force=True)
        notices.notify_due(force=True)

    assert about_it() == [notices.DUE]


@pytest.mark.soffice
def test_a_consent_ending_within_30_days_is_a_notice_for_its_case_manager(world, consent_document):
    ends = clock.today(world.agency) + timedelta(days=20)
    record = archive_consent(world, consent_document, end_date=ends.isoformat())

    notices.notify_due(force=True)

    (notice,) = db.session.execute(
        select(Notice).where(
            Notice.url == f"/documents/{record.document_id}", Notice.kind == notices.DUE
        )
    ).scalars()
    assert notice.user_id == world.case_manager.id
    assert f"ends {long_date(ends, 'en')}" in notice.subjects["en"]
    assert f"termina el {long_date(ends, 'es')}" in notice.subjects["es"]


def test_a_due_notice_is_stored_and_shown_in_the_staff_members_language(client, world):
    """The case plan review falls due 30 days after the case opened (October 1)."""
    with time_machine.travel(datetime(2026, 10, 30, 16, tzinfo=UTC)):
        notices.notify_due(force=True)
        (notice,) = db.session.execute(
            select(Notice).where(Notice.user_id == world.case_manager.id)
        ).scalars()
        about = f"(María José Núñez, {world.case.number})"
        assert notice.subjects == {
            "en": f"Case plan review {about}",
            "es": f"Revisión del plan de caso {about}",
        }
        login(client, world.case_manager)

        spanish = open_page(client, "/notices", headers=SPANISH).html
        english = open_page(client, "/notices").html

    assert f"Vence pronto: Revisión del plan de caso {about}." in spanish
    assert "Case plan review" not in spanish
    assert f"Due soon: Case plan review {about}." in english
