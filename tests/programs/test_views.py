"""The Grants admin pages and the case page's grant link, submitted as they render."""

import uuid
from datetime import date

from forms_service.cases.models import Case
from forms_service.extensions import db
from forms_service.programs import service
from forms_service.programs.models import Grant
from tests.conftest import login
from tests.pages import open_page, submit


def test_an_admin_records_a_grant_and_later_enters_its_closeout(client, world):
    login(client, world.admin)
    added = submit(
        client,
        "/agency/grants",
        program="Rapid Rehousing",
        number="CA0001L9T002401",
        funder="coc",
        starts_on="2024-07-01",
    )
    assert added.status_code == 302
    grant = db.session.query(Grant).one()
    page = open_page(client, "/agency/grants")
    assert "CA0001L9T002401" in page.html and "open" in page.html
    form = open_page(client, f"/agency/grants/{grant.id}").form()
    assert form["number"] == "CA0001L9T002401"
    form["closeout_on"] = "2026-09-30"
    assert form.submit().status_code == 302
    db.session.refresh(grant)
    assert grant.closeout_on == date(2026, 9, 30)


def test_a_closeout_before_the_grant_started_is_refused_on_its_field(client, world):
    login(client, world.admin)
    refused = submit(
        client,
        "/agency/grants",
        program="Shelter",
        number="ESG-24-018",
        funder="esg",
        starts_on="2024-07-01",
        closeout_on="2024-06-30",
    )
    assert refused.status_code == 400
    assert "The closeout cannot be before the grant started." in refused.get_data(as_text=True)
    assert db.session.query(Grant).count() == 0


def test_staff_link_a_case_to_the_grant_that_served_it_from_the_case_page(client, world):
    grant = service.save_grant(
        world.actor(world.admin),
        None,
        "Rapid Rehousing",
        "CA0001L9T002401",
        "coc",
        date(2024, 7, 1),
        None,
    )
    db.session.commit()
    login(client, world.case_manager)
    case_page = f"/cases/{world.case.id}"
    assert "No grant recorded" in open_page(client, case_page).html
    linked = submit(
        client, case_page, action=f"/cases/{world.case.id}/grants", grant_id=str(grant.id)
    )
    assert linked.status_code == 302
    page = open_page(client, case_page)
    assert "CA0001L9T002401 (Rapid Rehousing) — open" in page.html
    assert f"/cases/{world.case.id}/grants" not in page.html  # no other grant to link
    assert service.grants_of_case(world.case) == [grant]


def test_intake_may_link_the_new_case_to_an_open_grant(client, world):
    login(client, world.case_manager)
    assert 'name="grant_id"' not in open_page(client, "/cases/new").html  # no grant yet
    grant = service.save_grant(
        world.actor(world.admin), None, "Shelter", "ESG-24-018", "esg", date(2024, 7, 1), None
    )
    db.session.commit()
    registered = submit(
        client,
        "/cases/new",
        first_name="Ana",
        last_name="Ruiz",
        language="es",
        program="Shelter",
        grant_id=str(grant.id),
    )
    assert registered.status_code == 302
    case = db.session.get(Case, uuid.UUID(registered.location.rsplit("/", 1)[1]))
    assert service.grants_of_case(case) == [grant]
