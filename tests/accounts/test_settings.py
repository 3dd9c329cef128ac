"""Agency settings: only an admin changes them, within the rules' limits, each change audited
with what it was before."""

import hashlib
import io
import os

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from forms_service.accounts.settings import update_agency_settings
from forms_service.archive.service import blob_store
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
    "time_zone": "America/Chicago",
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


def image(kind="PNG", size=(120, 40), color="navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def upload_logo(admin, filename: str, content: bytes):
    """The settings page as it renders, with a file chosen for its logo."""
    form = open_page(admin, "/agency/settings").form()
    data = MultiDict([(name, v) for name, values in form.values.items() for v in values])
    data.add("logo", (io.BytesIO(content), filename))
    return admin.post("/agency/settings", data=data, content_type="multipart/form-data")


def test_an_admin_uploads_a_logo_audited_with_the_one_before(client, world):
    login(client, world.admin)
    first, second = image(), image("JPEG", color="teal")
    assert upload_logo(client, "logo.png", first).status_code == 302
    assert upload_logo(client, "Gateway logo.JPG", second).status_code == 302
    db.session.refresh(world.agency)
    shas = [hashlib.sha256(logo).hexdigest() for logo in (first, second)]
    assert world.agency.logo_sha256 == shas[1]
    assert blob_store().get(shas[1]) == second
    events = select(AuditEvent).where(AuditEvent.action == "agency.settings")
    last = db.session.execute(events.order_by(AuditEvent.id.desc())).scalars().first()
    assert last.details["changes"] == {"logo_sha256": {"from": shas[0], "to": shas[1]}}
    form = open_page(client, "/agency/settings").form()
    form["remove_logo"] = True
    assert form.submit().status_code == 302
    db.session.refresh(world.agency)
    assert world.agency.logo_sha256 is None


def test_a_logo_that_is_not_the_image_its_name_says_is_refused_naming_the_field(client, world):
    login(client, world.admin)
    noise = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))  # over 256 KB
    big = io.BytesIO()
    noise.save(big, "PNG")
    refused = {
        "logo.png": image("JPEG"),  # a JPEG named as a PNG
        "logo.jpg": b"%PDF-1.7 a document, not a picture",
        "logo.gif": image("GIF"),
        "wide.png": image(size=(3001, 10)),
        "heavy.png": big.getvalue(),
    }
    for filename, content in refused.items():
        response = upload_logo(client, filename, content)
        assert response.status_code == 400, filename
        assert 'href="#logo">Logo (PNG or JPEG)</a>' in response.get_data(as_text=True), filename
    db.session.refresh(world.agency)
    assert world.agency.logo_sha256 is None


def test_an_admin_sets_the_agencys_time_zone_on_the_settings_page(client, world):
    login(client, world.admin)
    form = open_page(client, "/agency/settings").form()
    assert form["time_zone"] == "America/Chicago"  # a new agency keeps St. Louis time
    form["time_zone"] = "America/Los_Angeles"
    assert form.submit().status_code == 302
    db.session.refresh(world.agency)
    assert world.agency.time_zone == "America/Los_Angeles"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "agency.settings")
    ).scalar_one()
    assert event.details["changes"] == {
        "time_zone": {"from": "America/Chicago", "to": "America/Los_Angeles"}
    }


def test_a_time_zone_that_is_not_an_iana_name_is_refused_naming_the_field(world):
    for wrong in ("CST", "Central Time", "", "../../etc/passwd"):
        with pytest.raises(InvalidInput) as error:
            update_agency_settings(world.actor(world.admin), {**SETTINGS, "time_zone": wrong})
        assert set(error.value.errors) == {"time_zone"}
        assert "not a time zone name" in error.value.errors["time_zone"][0]
    db.session.rollback()
    assert world.agency.time_zone == "America/Chicago"
