"""Staff see their own agency's cases, and every case page they open is in the audit trail."""

import re
from datetime import date

from sqlalchemy import func, select

from forms_service.audit.models import AuditEvent
from forms_service.audit.service import verify_chain
from forms_service.cases.models import Case, CaseStatus, Client
from forms_service.cases.service import create_client, open_case
from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows.models import Termination
from tests.conftest import login, post
from tests.pages import open_page, submit

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def close(case: Case, exit_reason="positive", destination=435) -> None:
    """The case as `close_case` leaves it after its signed discharge plan (that path, with
    its render, is tested in tests/workflows/test_views.py)."""
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 11, 20)
    case.exit_reason, case.destination_code = exit_reason, destination
    db.session.commit()


def test_the_case_list_shows_only_the_own_agencys_clients(client, world):
    colleague_client = create_client(world.agency, "Esperanza", "Quiroga", date(1979, 6, 2))
    open_case(colleague_client, world.supervisor, "Shelter Plus Care", date(2026, 10, 5))
    db.session.commit()

    login(client, world.case_manager)
    response = client.get("/cases")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "María José Núñez" in html and "Esperanza Quiroga" in html
    assert "Stranger" not in html
    assert f"/cases/{world.other_case.id}" not in html


def test_the_other_agencys_case_list_shows_only_its_own_clients(client, world):
    login(client, world.other_case_manager)
    html = client.get("/cases").get_data(as_text=True)
    assert "John Stranger" in html
    assert "Núñez" not in html and f"/cases/{world.case.id}" not in html


def test_opening_a_case_page_writes_a_case_view_audit_event(client, world):
    login(client, world.case_manager)
    assert client.get(f"/cases/{world.case.id}").status_code == 200

    (event,) = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.view")
    ).scalars()
    assert event.object_type == "case_file"
    assert event.object_id == str(world.case.id)
    assert event.agency_id == world.agency.id
    assert world.case_manager.email in event.actor
    assert event.ip == "127.0.0.1"
    assert list(verify_chain()) == []


def test_a_refused_case_page_is_not_recorded_as_viewed(client, world):
    login(client, world.case_manager)
    assert client.get(f"/cases/{world.other_case.id}").status_code == 404
    viewed = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.view")
    ).scalars()
    assert list(viewed) == []


def test_staff_record_the_language_the_client_reads_and_it_is_audited(client, world):
    login(client, world.case_manager)
    page = client.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert '<option value="en" selected>English</option>' in page
    assert '<option value="vi">Vietnamese</option>' in page  # beyond the pages we translate

    response = submit(client, f"/cases/{world.case.id}", action="/language", language="vi")
    assert response.status_code == 302
    db.session.refresh(world.client)
    assert world.client.preferred_language == "vi"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "client.language")
    ).scalar_one()
    assert (event.details["before"], event.details["after"]) == ("en", "vi")
    assert "María José Núñez reads Vietnamese." in client.get(f"/cases/{world.case.id}").get_data(
        as_text=True
    )

    post(client, f"/cases/{world.case.id}/language", {"language": "xx"})  # not offered: forged
    page = client.get(f"/cases/{world.case.id}").get_data(as_text=True)
    assert "The client&#39;s language: Choose a language from the list." in page
    db.session.refresh(world.client)
    assert world.client.preferred_language == "vi"


def test_intake_registers_a_client_and_opens_their_case_with_the_case_manager(client, world):
    login(client, world.case_manager)
    assert "/cases/new" in client.get("/cases").get_data(as_text=True)
    response = submit(
        client,
        "/cases/new",
        first_name=" Rosa ",
        last_name="Quispe <b>",
        date_of_birth="1990-02-03",
        language="es",
        program="Rapid Rehousing",
    )
    assert response.status_code == 302
    case = db.session.execute(
        select(Case).join(Client).where(Client.first_name == "Rosa")
    ).scalar_one()
    assert response.location.endswith(f"/cases/{case.id}")
    assert (case.client.last_name, case.client.preferred_language) == ("Quispe <b>", "es")
    assert (case.case_manager_id, case.agency_id, case.status) == (
        world.case_manager.id,
        world.agency.id,
        "open",
    )
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Rosa Quispe &lt;b&gt; is registered" in page
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "client.register")
    ).scalar_one()
    assert event.details["case"] == case.number


def test_intake_names_each_bad_field_and_refuses_the_same_person_twice(client, world):
    login(client, world.case_manager)
    bad = submit(
        client,
        "/cases/new",
        first_name="",
        last_name="x" * 101,
        date_of_birth="2999-01-01",
        program="Shelter",
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "This is required." in html and "At most 100 characters" in html
    assert "between 1900 and today" in html
    forged = post(client, "/cases/new", {"first_name": "Ana", "language": "xx"})  # not offered
    assert "Choose a language from the list." in forged.get_data(as_text=True)
    twice = submit(
        client,
        "/cases/new",
        first_name="maria jose",
        last_name="NUNEZ",
        date_of_birth="1985-03-04",
        language="en",
        program="Shelter",
    )
    assert twice.status_code == 400
    assert "is already a client: case C-2026-0001" in twice.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Client)).scalar_one() == 2


def test_a_closed_case_offers_no_new_work_and_refuses_a_page_opened_before(client, world):
    login(client, world.case_manager)
    case_url = f"/cases/{world.case.id}"
    starts = [f"{case_url}/forms/consent_release/new", f"{case_url}/termination"]
    assert all(start in open_page(client, case_url).html for start in starts)
    consent = open_page(client, starts[0]).form()
    consent.fill(get_form_type("consent_release").example())
    conference = open_page(client, starts[1]).form()
    conference["on"] = "2026-11-19"
    conference["attendees"] = "The client, Sam Okafor"
    conference["notes"] = "Extenuating circumstances weighed."

    close(world.case)
    page = open_page(client, case_url).html
    for start in [*starts, f"{case_url}/close", "Start a form"]:
        assert start not in page
    for start in starts:
        refused = client.get(start)
        assert refused.status_code == 409
        assert "was closed on November 20, 2026: it takes no new forms" in refused.get_data(
            as_text=True
        )
    for response in (consent.submit("save"), conference.submit()):
        assert response.status_code == 409
        assert "it takes no new forms or terminations" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(Termination)).scalar_one() == 0


def test_a_closed_case_shows_its_exit_reason_and_destination_in_words(client, world):
    close(world.case)
    login(client, world.case_manager)
    page = open_page(client, f"/cases/{world.case.id}").html
    assert re.findall(r"<dd>([^<]*)</dd>", page)[-2:] == [
        "Positive exit: planned move to housing",
        "Rental by client, with ongoing housing subsidy",
    ]
    spanish = open_page(client, f"/cases/{world.case.id}", headers=SPANISH).html
    assert re.findall(r"<dd>([^<]*)</dd>", spanish)[-2:] == [
        "Salida positiva: mudanza planificada a una vivienda",
        "Alquiler a nombre de la persona cliente, con subsidio de vivienda continuo",
    ]
