"""Agency settings: only an admin changes them, within the rules' limits, each change audited
with what it was before."""

import pytest
from sqlalchemy import select

from forms_service.accounts.settings import update_agency_settings
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, PermissionDenied
from forms_service.extensions import db
from forms_service.forms import example_agency_settings
from tests.conftest import login
from tests.pages import open_page

SETTINGS = {
    "name": "Gateway Housing Services",
    "address": "1200 Market St",
    "phone": "(314) 555-0100",
    "program_rules": example_agency_settings()["program_rules"],
    "coc_contact": example_agency_settings()["coc_contact"],
    "appeal_contact": "Program Director, 1200 Market St, Room 210",
    "appeal_days": 21,
    "decision_days": 10,
    "grievance_response_days": 10,
    "plan_review_days": 14,
    "file_english_copy": False,
}


def test_only_an_admin_changes_the_agency_settings(world):
    for user in (world.case_manager, world.supervisor, world.records):
        with pytest.raises(PermissionDenied):
            update_agency_settings(world.actor(user), SETTINGS)
    assert world.agency.appeal_days == 14


def test_each_change_is_audited_with_what_it_was_before(world):
    update_agency_settings(world.actor(world.admin), SETTINGS)
    db.session.commit()
    assert (world.agency.appeal_days, world.agency.file_english_copy) == (21, False)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "agency.settings")
    ).scalar_one()
    assert event.details["changes"] == {
        "appeal_contact": {
            "from": example_agency_settings()["appeal_contact"],
            "to": "Program Director, 1200 Market St, Room 210",
        },
        "appeal_days": {"from": 14, "to": 21},
        "decision_days": {"from": 14, "to": 10},
        "plan_review_days": {"from": 30, "to": 14},
        "file_english_copy": {"from": True, "to": False},
    }
    update_agency_settings(world.actor(world.admin), SETTINGS)  # nothing changed: no event
    events = select(AuditEvent).where(AuditEvent.action == "agency.settings")
    assert len(db.session.execute(events).all()) == 1


def test_a_plan_review_more_than_30_days_apart_is_refused_naming_the_field(world):
    with pytest.raises(InvalidInput) as error:
        update_agency_settings(
            world.actor(world.admin),
            {
                **SETTINGS,
                "plan_review_days": 31,
                "appeal_days": 3,
                "name": " ",
                "coc_contact": "Room 4\x07",
            },
        )
    assert set(error.value.errors) == {"plan_review_days", "appeal_days", "name", "coc_contact"}
    assert "from 1 to 30" in error.value.errors["plan_review_days"][0]
    db.session.rollback()
    assert world.agency.plan_review_days == 30


def test_the_settings_page_saves_and_shows_errors_by_field(client, world):
    login(client, world.case_manager)
    assert client.get("/agency/settings").status_code == 403
    admin = client.application.test_client()  # another browser
    login(admin, world.admin)
    page = open_page(admin, "/agency/settings")
    form = page.form()
    assert form["address"] == "1200 Market St" and "file_english_copy" in form
    form["plan_review_days"] = "45"
    bad = form.submit()
    assert bad.status_code == 400
    assert "Days between case plan reviews: a whole number from 1 to 30." in bad.get_data(
        as_text=True
    )
    form = open_page(admin, "/agency/settings").form()
    for name, value in SETTINGS.items():
        form[name] = value
    form["appeal_contact"] = "Program Director, Room 210 & “Appeals”"
    assert form.submit().status_code == 302
    db.session.refresh(world.agency)
    assert (world.agency.appeal_days, world.agency.file_english_copy) == (21, False)
    assert world.agency.appeal_contact == "Program Director, Room 210 & “Appeals”"
