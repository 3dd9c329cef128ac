"""The termination steps as staff submit their pages: what the workflow already knows (the case
conference, the supervisor chain, the reviewer chosen, the agency's appeal settings) is shown,
never typed again (24 CFR 578.91(b), (c))."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import termination as terminations
from forms_service.workflows.models import Termination
from tests.conftest import PASSWORD, login
from tests.pages import Page, open_page, submit, typed_part

NOTICE = get_form_type("termination_notice")
DECISION = get_form_type("final_decision")
ATTENDEES = "María José Núñez, Sam Okafor, Dana Whitfield, Ray Brooks (peer support)"


@pytest.fixture
def director(world):
    """Independent of the case manager and their supervisor: an eligible reviewer."""
    user = create_user(world.agency, "dir@a.example", "Jo Director", Role.SUPERVISOR, PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def conference(client, world):
    """The case conference, recorded through its page."""
    login(client, world.case_manager)
    response = submit(
        client,
        f"/cases/{world.case.id}/termination",
        on=(clock.today(world.agency) - timedelta(days=2)).isoformat(),
        attendees=ATTENDEES,
        notes="Weighed the job loss and treatment; offered another site.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.execute(select(Termination)).scalar_one()


def notice_form(client, termination, director):
    """The notice page filled as the example (three referrals: one row added to the two)."""
    url = f"/terminations/{termination.id}/notice"
    form = Page(client, url, open_page(client, url).form().submit("referrals")).form()
    form.fill(typed_part(NOTICE))
    form["reviewer"] = str(director.id)
    return form


def issued(termination):
    db.session.expire_all()
    return db.session.get(Termination, termination.id).notice


def test_the_notice_carries_over_the_case_conference_just_recorded(
    client, world, conference, director
):
    page = open_page(client, f"/terminations/{conference.id}/notice")
    form = page.form()
    assert "case_conference_attendees" not in form and "case_conference_date" not in form
    assert ATTENDEES in page.html
    response = notice_form(client, conference, director).submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    notice = issued(conference)
    assert notice.data["case_conference_attendees"] == ATTENDEES
    assert notice.data["case_conference_date"] == conference.conference_on.isoformat()
    assert notice.data["notice_date"] == clock.today(world.agency).isoformat()


def test_the_reviewer_is_chosen_once_from_the_eligible_staff(client, world, conference, director):
    form = open_page(client, f"/terminations/{conference.id}/notice").form()
    assert "reviewer_name" not in form
    assert form["reviewer"] == ""  # nobody preselected
    refused = notice_form(client, conference, director)
    refused["reviewer"] = ""
    assert "Choose who reviews an appeal." in refused.submit().get_data(as_text=True)
    with pytest.raises(ValueError):  # approved the termination: not offered
        form["reviewer"] = str(world.supervisor.id)
    assert notice_form(client, conference, director).submit().status_code == 302
    notice = issued(conference)
    assert notice.data["reviewer_name"] == "Jo Director"
    assert db.session.get(Termination, conference.id).reviewer_id == director.id


def test_the_supervisor_who_approved_comes_from_the_supervisor_chain(
    client, world, conference, director
):
    page = open_page(client, f"/terminations/{conference.id}/notice")
    assert "approved_by" not in page.form() and "Dana Whitfield" in page.html
    assert notice_form(client, conference, director).submit().status_code == 302
    notice = issued(conference)
    assert notice.data["approved_by"] == "Dana Whitfield"
    assert [(s.role, s.name) for s in notice.signers] == [
        ("case_manager", "Sam Okafor"),
        ("supervisor", "Dana Whitfield"),
    ]


def test_the_notice_prints_the_agency_appeal_days_and_where_appeals_go(
    client, world, conference, director
):
    world.agency.appeal_days = 21
    world.agency.appeal_contact = "Appeals Desk & “Room 2”, 1200 Market St"
    db.session.commit()
    page = open_page(client, f"/terminations/{conference.id}/notice")
    assert "appeal_days" not in page.form() and "appeal_contact" not in page.form()
    assert "Appeals Desk &amp; “Room 2”, 1200 Market St" in page.html
    assert notice_form(client, conference, director).submit().status_code == 302
    notice = issued(conference)
    assert (notice.data["appeal_days"], notice.data["appeal_contact"]) == (
        21,
        "Appeals Desk & “Room 2”, 1200 Market St",
    )
    deadline = db.session.get(Termination, conference.id).appeal_deadline
    assert deadline == clock.today(world.agency) + timedelta(days=21)


def test_a_referral_row_is_added_on_the_notice_page_without_saving(
    client, world, conference, director
):
    url = f"/terminations/{conference.id}/notice"
    page = open_page(client, url)
    assert "Save the draft" not in page.html  # no such button on a workflow step
    form = page.form()
    assert "referrals-1-organization" in form and "referrals-2-organization" not in form
    form["referrals-0-organization"] = "Biddle Housing Opportunities Center"
    form["referrals-1-organization"] = "Coordinated Entry"
    added = Page(client, url, form.submit("referrals"))  # the "Add a row" button
    assert added.response.status_code == 200
    assert db.session.get(Termination, conference.id).status == terminations.CONFERENCE
    form = added.form()
    assert form["referrals-0-organization"] == "Biddle Housing Opportunities Center"
    assert "referrals-2-organization" in form and "referrals-3-organization" not in form
    form = Page(client, url, form.submit("referrals")).form()
    form.fill(typed_part(NOTICE))  # the example's three referrals
    form["referrals-3-organization"] = "Food bank"
    form["referrals-3-contact"] = "(314) 555-0150"
    form["reviewer"] = str(director.id)
    assert form.submit().status_code == 302
    assert [r["organization"] for r in issued(conference).data["referrals"]][3] == "Food bank"


def test_the_final_decision_takes_the_notice_appeal_and_chain_from_the_records(
    client, world, conference, director
):
    actor = world.actor(world.case_manager)
    terminations.issue_notice(actor, conference, typed_part(NOTICE), director)
    terminations.file_appeal(actor, conference, get_form_type("appeal").example())
    db.session.commit()
    reviewer = client.application.test_client()
    login(reviewer, director)
    page = open_page(reviewer, f"/terminations/{conference.id}/decision")
    form = page.form()
    for name in ("termination_reference", "reviewer_name", "terminated_by", "approved_by"):
        assert name not in form
    assert conference.notice.reference in page.html and "Dana Whitfield" in page.html
    assert open_page(client, f"/terminations/{conference.id}/decision", status=403)  # not theirs


def test_a_notice_that_ends_a_lease_is_given_on_paper_and_its_delivery_recorded_on_its_page(
    client, world, conference, director
):
    """No e-signature for it (15 U.S.C. 7003(b)(2)(B)); its page records how it was given."""
    form = notice_form(client, conference, director)
    form["ends_lease"] = "y"
    form["lease_description"] = "Lease for unit 3B"
    assert form.submit().status_code == 302
    notice = issued(conference)
    page = open_page(client, f"/documents/{notice.id}")
    assert "given on paper only" in page.html and "Countersign" not in page.html
    assert ">Sign<" not in page.html
    delivery = page.form(action=f"/documents/{notice.id}/paper-delivery")
    assert delivery["delivered_by"] == str(world.case_manager.id)  # who is signed in
    delivery["method"] = "in_hand"
    assert delivery.submit().status_code == 302
    db.session.expire_all()
    termination = db.session.get(Termination, conference.id)
    assert termination.status == terminations.NOTICE
    today = clock.today(world.agency)
    assert termination.appeal_deadline == today + timedelta(days=notice.data["appeal_days"])
    assert "Handed to the client in person on" in open_page(client, f"/documents/{notice.id}").html
