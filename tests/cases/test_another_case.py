"""A registered client gets another case (back after leaving, or in another program), from
their case page: program, day, a case manager of the agency, HMIS EnrollmentID; audited.
Termination never bars re-entry (24 CFR 578.91(a))."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forms_service import clock
from forms_service.audit.models import AuditEvent
from forms_service.cases.models import Case
from forms_service.cases.service import open_another_case
from forms_service.errors import InvalidInput, NotFound
from forms_service.extensions import db
from tests.cases.test_views import close
from tests.conftest import login
from tests.pages import open_page


def _new_case_form(client, world):
    """The form the case page leads to ("Open another case for this client")."""
    page = open_page(client, f"/cases/{world.case.id}")
    url = f"/clients/{world.client.id}/cases/new"
    assert f'href="{url}"' in page.html
    return open_page(client, url).form()


def test_a_client_who_left_comes_back_with_a_new_case_opened_on_their_page(client, world):
    close(world.case)
    login(client, world.case_manager)
    form = _new_case_form(client, world)
    form["program"] = "Rapid Rehousing"
    form["hmis_enrollment_id"] = "ENR-2"
    (chooser,) = [c for c in form.controls if c.name == "case_manager_email"]
    offered = {value for value, _ in chooser.options}

    response = form.submit()

    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert offered == {"cm@a.example", "sup@a.example"}  # not records staff, not the admin
    db.session.expire_all()
    case = db.session.execute(
        select(Case).where(Case.id != world.case.id, Case.client_id == world.client.id)
    ).scalar_one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert (case.program, case.status, case.hmis_enrollment_id) == (
        "Rapid Rehousing",
        "open",
        "ENR-2",
    )
    assert case.opened_on == clock.today(world.agency)  # the page's default
    assert case.case_manager_id == world.case_manager.id and case.number != world.case.number
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.open")
    ).scalar_one()
    assert event.details["program"] == "Rapid Rehousing"
    page = open_page(client, f"/cases/{case.id}").html
    assert f'href="/cases/{world.case.id}">{world.case.number}</a>' in page


def test_a_supervisor_gives_the_new_case_to_a_case_manager_of_the_agency_only(client, world):
    login(client, world.supervisor)
    form = _new_case_form(client, world)
    form["program"] = "Shelter Plus Care"
    form.values["case_manager_email"] = ["cm@b.example"]  # another agency's: not offered

    refused = form.submit()

    assert refused.status_code == 400
    assert 'id="case_manager_email-errors"' in refused.get_data(as_text=True)
    form["case_manager_email"] = "cm@a.example"
    assert form.submit().status_code == 302
    db.session.expire_all()
    case = db.session.execute(select(Case).where(Case.program == "Shelter Plus Care")).scalar_one()
    assert case.case_manager_id == world.case_manager.id


def test_a_program_the_client_has_an_open_case_in_is_refused_naming_that_case(client, world):
    login(client, world.case_manager)
    form = _new_case_form(client, world)
    form["program"] = " rapid REHOUSING "

    response = form.submit()

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="program-errors"' in html and world.case.number in html
    assert (
        db.session.scalar(
            select(Case.id).where(Case.id != world.case.id, Case.client_id == world.client.id)
        )
        is None
    )


@pytest.mark.parametrize(
    ("field", "given"),
    [
        ("opened_on", {"opened_on": None}),
        ("opened_on", {"opened_on": "tomorrow"}),
        ("opened_on", {"opened_on": date(1985, 3, 3)}),  # the day before the client was born
        ("program", {"program": "  "}),
        ("case_manager_email", {"case_manager_email": "rec@a.example"}),  # records staff
        ("hmis_enrollment_id", {"hmis_enrollment_id": "no spaces here"}),
    ],
)
def test_each_refusal_names_its_field_and_opens_nothing(world, field, given):
    today = clock.today(world.agency)
    asked = {
        "program": "Shelter",
        "opened_on": today,
        "case_manager_email": "CM@a.example",
        "hmis_enrollment_id": "",
        **given,
    }
    if asked["opened_on"] == "tomorrow":
        asked["opened_on"] = today + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        open_another_case(world.actor(world.case_manager), str(world.client.id), **asked)
    assert set(refused.value.errors) == {field}
    assert (
        db.session.scalar(
            select(Case.id).where(Case.program == "Shelter", Case.client_id == world.client.id)
        )
        is None
    )


def test_a_client_of_another_agency_is_not_found(world):
    with pytest.raises(NotFound):
        open_another_case(
            world.actor(world.case_manager),
            str(world.other_client.id),
            "Shelter",
            date(2026, 10, 15),
            "cm@a.example",
        )
