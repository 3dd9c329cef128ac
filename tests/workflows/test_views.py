"""The workflow pages, as a case manager walks them: each test submits the page as it renders
(tests/pages.py), typing only what a person would."""

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.cases.models import Case, CaseStatus
from forms_service.documents import service as documents
from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.jobs import render_input, run_job
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx
from forms_service.workflows import consent
from forms_service.workflows import termination as terminations
from forms_service.workflows.models import Grievance, Termination
from tests.conftest import PASSWORD, login, sign_consent
from tests.pages import open_page, typed_part


def docx_text(document: Document) -> str:
    """The words of the document's filled DOCX (in-process; no PDF conversion)."""
    store = template_store()
    version = store.current(document.form_type)
    docx = render_docx(store.load(version, document.language), render_input(document), version)
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    return " ".join(re.sub(r"<[^>]+>", " ", xml).split())


def test_a_termination_goes_from_conference_to_notice_on_the_case_page(client, world):
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    db.session.commit()
    login(client, world.case_manager)
    yesterday = (clock.today(world.agency) - timedelta(days=1)).isoformat()
    form = open_page(client, f"/cases/{world.case.id}/termination").form()
    form["on"] = yesterday
    form["attendees"] = "Client, Sam, Dana"
    form["notes"] = "Considered everything."
    assert form.submit().status_code == 302
    termination = db.session.execute(select(Termination)).scalar_one()
    page = open_page(client, f"/terminations/{termination.id}/notice")
    assert "Jo Director" in page.html
    assert "Dana Whitfield (Supervisor)" not in page.html  # approved it: not independent
    notice = typed_part(get_form_type("termination_notice"))
    # the page offers two empty rows for referrals: a person types two
    form = page.form().fill({**notice, "referrals": notice["referrals"][:2]})
    form["reviewer"] = str(director.id)
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    termination = db.session.get(Termination, termination.id)
    assert termination.status == "notice_issued" and termination.reviewer_id == director.id
    due = client.get("/due").get_data(as_text=True)
    assert "appeal window open until" in due and termination.notice.reference in due


def test_a_grievance_is_numbered_and_listed_until_answered(client, world):
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    form.fill(typed_part(get_form_type("grievance")))
    form["filed_on"] = clock.today(world.agency).isoformat()
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    grievance = db.session.execute(select(Grievance)).scalar_one()
    assert grievance.number == f"G-{clock.today(world.agency).year}-0001"
    assert grievance.filed_on == clock.today(world.agency)
    assert grievance.response_due == clock.today(world.agency) + timedelta(days=10)
    assert f"Grievance {grievance.number}" in client.get("/due").get_data(as_text=True)


def test_a_grievance_page_offers_today_and_never_asks_what_recording_it_gives(client, world):
    """The number and the answer date are given when it is recorded; received defaults to
    today (staff change it for a letter that came earlier)."""
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    assert form["filed_on"] == clock.today(world.agency).isoformat()
    assert "grievance_number" not in form and "response_due" not in form


def test_a_grievance_without_its_received_date_names_the_field(client, world):
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    form.fill(typed_part(get_form_type("grievance")))
    form["filed_on"] = ""
    response = form.submit()
    assert response.status_code == 400
    assert 'id="filed_on-errors"' in response.get_data(as_text=True)
    assert db.session.execute(select(Grievance)).first() is None


def test_a_former_client_may_grieve_after_the_case_closes(client, world):
    """A grievance about the exit itself comes after closing; it is recorded and answered."""
    world.case.status, world.case.closed_on = CaseStatus.CLOSED, clock.today(world.agency)
    db.session.commit()
    login(client, world.case_manager)
    case_page = open_page(client, f"/cases/{world.case.id}").html
    assert f"/cases/{world.case.id}/grievances/new" in case_page
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    form.fill(typed_part(get_form_type("grievance")))
    form["filed_on"] = clock.today(world.agency).isoformat()
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    grievance = db.session.execute(select(Grievance)).scalar_one()
    case_page = open_page(client, f"/cases/{world.case.id}").html
    assert f"/grievances/{grievance.id}/respond" in case_page


def test_the_language_asked_for_the_answer_reaches_the_grievance_and_its_response(client, world):
    """Typed under "Language for our answer", it is printed on the grievance (not the
    language of the form), and the response is offered in it."""
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    form.fill(typed_part(get_form_type("grievance")))
    form["language"] = "Spanish"
    form["document-language"] = "en"
    assert form.submit().status_code == 302
    grievance = db.session.execute(select(Grievance)).scalar_one()
    filed = db.session.get(Document, grievance.grievance_id)
    assert (filed.language, filed.data["language"]) == ("en", "Spanish")
    assert "Language Spanish , with an interpreter" in docx_text(filed)

    page = open_page(client, f"/grievances/{grievance.id}/respond")
    assert "The client asked for the answer in Spanish, with an interpreter." in page.html
    form = page.form()
    assert form["document-language"] == "es"
    form.fill(typed_part(get_form_type("grievance_response")))
    assert form.submit().status_code == 302
    db.session.expire_all()
    response = db.session.get(Document, db.session.get(Grievance, grievance.id).response_id)
    assert response.language == "es" and response.status == "signing"


def test_an_answer_in_another_language_than_the_client_asked_for_is_refused_on_its_page(
    client, world
):
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}/grievances/new").form()
    form.fill(typed_part(get_form_type("grievance")))
    form["language"] = "Spanish"
    assert form.submit().status_code == 302
    grievance = db.session.execute(select(Grievance)).scalar_one()
    form = open_page(client, f"/grievances/{grievance.id}/respond").form()
    form.fill(typed_part(get_form_type("grievance_response")))
    form["document-language"] = "en"
    response = form.submit()
    assert response.status_code == 400
    assert "write it in Spanish" in response.get_data(as_text=True)
    assert db.session.get(Grievance, grievance.id).response_id is None


def test_the_language_of_the_appeal_hearing_reaches_the_appeal(client, world):
    actor = world.actor(world.case_manager)
    t = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "Client, staff", "Notes"
    )
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    notice = get_form_type("termination_notice").example()
    terminations.issue_notice(actor, t, notice, director)
    db.session.commit()
    login(client, world.case_manager)
    form = open_page(client, f"/terminations/{t.id}/appeal").form()
    form.fill(typed_part(get_form_type("appeal")))
    form["received_on"] = clock.today(world.agency).isoformat()
    form["language"] = "Vietnamese"
    form["interpreter"] = True
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    t = db.session.get(Termination, t.id)
    assert t.status == "appealed" and t.appeal_filed_on == clock.today(world.agency)
    appeal = db.session.get(Document, t.appeal_id)
    assert appeal.data["language"] == "Vietnamese" and appeal.language == "en"
    assert "Language Vietnamese , with an interpreter" in docx_text(appeal)


def test_a_case_cannot_close_without_a_signed_discharge_plan(client, world):
    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}").form(action="/close")
    form["closed_on"] = clock.today(world.agency).isoformat()
    response = form.submit()
    assert response.status_code == 409
    assert "discharge plan is signed" in response.get_data(as_text=True)
    assert db.session.execute(select(Document)).first() is None


@pytest.mark.soffice
def test_closing_a_case_takes_the_discharge_plan_and_ends_its_releases(
    client, world, consent_document
):
    release, job = sign_consent(world, consent_document)
    assert run_job(job.id)
    plan = get_form_type("discharge_plan").example()
    actor = world.actor(world.case_manager)
    discharge = documents.start_document(actor, world.case, "discharge_plan", plan)
    documents.send_for_signature(actor, discharge)
    for signer in discharge.signers:  # the client on the tablet, then the case manager
        last = documents.sign(
            actor,
            discharge,
            signer,
            typed_name=signer.name,
            typed_attested=True,
            shown_content_sha256=discharge.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    assert run_job(last.id)

    login(client, world.case_manager)
    form = open_page(client, f"/cases/{world.case.id}").form(action="/close")
    form["closed_on"] = clock.today(world.agency).isoformat()
    response = form.submit()
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, world.case.id)
    assert case.status == "closed"
    assert case.exit_reason == plan["exit_reason"]
    assert case.destination_code == int(plan["destination"])
    db.session.refresh(release)
    assert consent.release_status(release).state == "case_closed"


def test_an_appeal_is_still_owed_after_the_case_closes(client, world):
    """The client keeps the right to appeal a termination (24 CFR 578.91) when the case was
    closed after the notice; no new termination starts on a closed case."""
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    actor = world.actor(world.case_manager)
    today = clock.today(world.agency)
    t = terminations.record_conference(actor, world.case, today, "Client, Sam", "Weighed.")
    terminations.issue_notice(actor, t, get_form_type("termination_notice").example(), director)
    again = terminations.record_conference(actor, world.case, today, "Client, Sam", "Weighed.")
    world.case.status, world.case.closed_on = CaseStatus.CLOSED, today
    db.session.commit()

    login(client, world.case_manager)
    page = open_page(client, f"/cases/{world.case.id}").html
    assert f"/terminations/{t.id}/appeal" in page and "Record an appeal" in page
    assert f"/terminations/{again.id}/notice" not in page
    assert client.get(f"/terminations/{again.id}/notice").status_code == 409
    appeal_page = open_page(client, f"/terminations/{t.id}/appeal")
    assert t.notice.reference in appeal_page.html  # the notice appealed, shown, not typed
    appeal = appeal_page.form()
    assert "termination_reference" not in appeal and appeal["received_on"] == today.isoformat()
    for name in ("filed_by", "grounds", "requested_outcome", "heard_how", "how_to_reach"):
        appeal[name] = get_form_type("appeal").example()[name]
    appeal["received_on"] = today.isoformat()
    response = appeal.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Termination, t.id).status == terminations.APPEALED


def test_the_reviewer_writes_the_final_decision_on_its_page(client, world):
    actor = world.actor(world.case_manager)
    t = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "Client, staff", "Notes"
    )
    director = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    terminations.issue_notice(actor, t, get_form_type("termination_notice").example(), director)
    received = get_form_type("final_decision").example()["appeal_received_on"]  # before hearing
    terminations.file_appeal(
        actor, t, {**get_form_type("appeal").example(), "received_on": received}
    )
    db.session.commit()
    login(client, director)
    form = open_page(client, f"/terminations/{t.id}/decision").form()
    form.fill(typed_part(get_form_type("final_decision")))
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    t = db.session.get(Termination, t.id)
    assert t.status == "decided" and db.session.get(Document, t.decision_id).status == "signing"


def text_of(html: str) -> str:
    """A page's words as a reader sees them (no tags, one space between words)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.soffice
@pytest.mark.parametrize(
    ("signed", "typed", "stored"),
    [
        (datetime(2026, 12, 1, 16, tzinfo=UTC), "2026-12-03T09:30", datetime(2026, 12, 3, 15, 30)),
        (datetime(2027, 7, 1, 16, tzinfo=UTC), "2027-07-03T09:30", datetime(2027, 7, 3, 14, 30)),
    ],
    ids=["winter", "summer"],
)
def test_a_revocation_typed_in_st_louis_time_is_stored_in_utc(
    client, world, consent_document, signed, typed, stored
):
    """09:30 on the agency's clock is 15:30 UTC in winter, 14:30 in summer; it is not refused
    as "in the future" at 10:00 there, and the release page says since when, in St. Louis time."""
    with time_machine.travel(signed):
        release, job = sign_consent(world, consent_document)
        assert run_job(job.id)
    with time_machine.travel(stored.replace(tzinfo=UTC) + timedelta(minutes=30)):
        login(client, world.case_manager)
        form = open_page(client, f"/documents/{release.id}").form(action="/revoke")
        form["received_at"] = typed
        form["note"] = "Handed in at the front desk"
        assert form.submit().status_code == 302
        db.session.expire_all()
        status = consent.release_status(db.session.get(Document, release.id))
        assert status.state == "revoked"
        assert clock.aware(status.since) == stored.replace(tzinfo=UTC)
        page = text_of(open_page(client, f"/documents/{release.id}").html)
        assert "9:30 AM C" in page and ("CST" if stored.month == 12 else "CDT") in page


@pytest.mark.soffice
def test_a_revocation_typed_in_the_hour_the_clocks_skip_is_refused_naming_it(
    client, world, consent_document
):
    with time_machine.travel(datetime(2027, 3, 10, 16, tzinfo=UTC)):
        release, job = sign_consent(world, consent_document)
        assert run_job(job.id)
    with time_machine.travel(datetime(2027, 3, 15, 16, tzinfo=UTC)):
        login(client, world.case_manager)
        form = open_page(client, f"/documents/{release.id}").form(action="/revoke")
        form["received_at"] = "2027-03-14T02:30"
        response = form.submit()
        page = text_of(open_page(client, response.headers["Location"]).html)
        assert "02:30 did not happen in America/Chicago" in page
        db.session.expire_all()
        assert consent.release_status(db.session.get(Document, release.id)).active
