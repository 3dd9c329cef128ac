"""Finding a case: by part of a client's name (any order, "Last, First", case and accents
ignored), date of birth or part of a case number; "My cases"; open or closed; from the page's
own form or the client search in the header of every staff page; within the own agency, and
in the audit trail."""

import re
from datetime import date

from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.cases.models import CaseStatus
from forms_service.cases.service import create_client, open_case
from forms_service.extensions import db
from tests.conftest import login
from tests.pages import open_page


def clients_listed(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return re.findall(r'<td><a href="/cases/[^"]+">([^<]+)</a></td>', html)


def find(client, **typed):
    """The cases page's own search form (the header's client search comes first)."""
    form = open_page(client, "/cases").form(action="/cases", index=1)
    for name, value in typed.items():
        form[name] = value
    return form.submit()


def other_clients(world):
    """Ana López García (born 1970-05-06, the supervisor's case, closed) and the stranger
    agency's John Stranger."""
    ana = create_client(world.agency, "Ana", "López García", date(1970, 5, 6))
    case = open_case(ana, world.supervisor, "Shelter", date(2026, 1, 5))
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 6, 1)
    db.session.commit()
    return case


def test_a_name_in_any_order_a_date_of_birth_or_part_of_a_case_number_finds_the_case(client, world):
    ana = other_clients(world)
    login(client, world.case_manager)
    for typed in ["lopez", "LÓPEZ, ana", "ana garcia", "1970-05-06", "05/06/1970"]:
        assert clients_listed(find(client, q=typed)) == ["Ana López García"], typed
    assert clients_listed(find(client, q=ana.number[2:].lower())) == ["Ana López García"]
    assert clients_listed(find(client, q="nunez, maria")) == ["María José Núñez"]
    for typed in ["stranger", "1990-01-01", "%"]:
        response = find(client, q=typed)
        assert clients_listed(response) == [], typed
        assert "No cases match." in response.get_data(as_text=True)
    event = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "case.search"))
        .scalars()
        .first()
    )
    assert event.details["text"] == "lopez" and event.details["results"] == 1


def test_my_cases_and_open_or_closed_narrow_the_list(client, world):
    other_clients(world)
    login(client, world.case_manager)
    assert clients_listed(find(client)) == ["María José Núñez", "Ana López García"]
    assert clients_listed(find(client, mine="y")) == ["María José Núñez"]
    assert clients_listed(find(client, status="closed")) == ["Ana López García"]
    assert clients_listed(find(client, status="open", q="lopez")) == []


def test_a_date_of_birth_that_is_no_date_is_searched_as_text_and_a_long_search_is_refused(
    client, world
):
    login(client, world.case_manager)
    assert clients_listed(find(client, q="13/45/1985")) == []
    response = find(client, q="x" * 201)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "At most 200 characters." in html


def test_the_header_client_search_on_a_staff_page_leads_to_the_results(client, world):
    other_clients(world)
    login(client, world.case_manager)
    page = open_page(client, f"/cases/{world.case.id}")
    form = page.form(action="/cases")
    form["q"] = "López"
    assert clients_listed(form.submit()) == ["Ana López García"]


def test_records_staff_search_the_archive_from_the_header(client, world):
    login(client, world.records)
    form = open_page(client, "/archive/holds").form(action="/archive/")
    form["q"] = "nunez"
    response = form.submit()
    assert response.status_code == 200 and 'value="nunez"' in response.get_data(as_text=True)
