"""A client's HMIS PersonalID and a case's EnrollmentID: entered on the case page, at most
32 plain characters (HUD data standards), one client or case per id within an agency."""

from datetime import date

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.cases.service import create_client, open_case, set_hmis_ids
from forms_service.errors import InvalidInput
from forms_service.extensions import db
from tests.conftest import login
from tests.pages import submit


def test_the_case_page_records_the_hmis_ids_and_audits_the_change(client, world):
    login(client, world.case_manager)
    response = submit(
        client,
        f"/cases/{world.case.id}",
        action="/hmis",
        hmis_personal_id="A1B2-C3D4",
        hmis_enrollment_id="ENR-2026-17",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert world.client.hmis_personal_id == "A1B2-C3D4"
    assert world.case.hmis_enrollment_id == "ENR-2026-17"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case.hmis_ids")
    ).scalar_one()
    assert event.details == {"before": [None, None], "after": ["A1B2-C3D4", "ENR-2026-17"]}
    assert "A1B2-C3D4 · ENR-2026-17" in client.get(f"/cases/{world.case.id}").get_data(as_text=True)


def test_a_personal_id_longer_than_hud_allows_is_refused_on_its_field(client, world):
    login(client, world.case_manager)
    response = submit(client, f"/cases/{world.case.id}", action="/hmis", hmis_personal_id="X" * 33)
    assert response.status_code == 400
    assert "At most 32 letters, digits" in response.get_data(as_text=True)
    assert 'id="hmis_personal_id-errors"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert world.client.hmis_personal_id is None


def test_an_id_is_one_clients_and_one_cases_within_the_agency(client, world):
    other = create_client(world.agency, "Esperanza", "Quiroga", date(1979, 6, 2))
    other_case = open_case(other, world.case_manager, "Shelter", date(2026, 10, 5))
    actor = world.actor(world.case_manager)
    set_hmis_ids(actor, str(other_case.id), "P-77", "E-77")
    db.session.commit()

    login(client, world.case_manager)
    response = submit(
        client,
        f"/cases/{world.case.id}",
        action="/hmis",
        hmis_personal_id="P-77",
        hmis_enrollment_id="E-77",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "HMIS PersonalID P-77 is already Esperanza Quiroga&#39;s." in html
    assert f"HMIS EnrollmentID E-77 is already case {other_case.number}&#39;s." in html


def test_another_agency_may_use_the_same_ids(world):
    set_hmis_ids(world.actor(world.case_manager), str(world.case.id), "P-1", "E-1")
    stranger = set_hmis_ids(
        world.actor(world.other_case_manager), str(world.other_case.id), "P-1", "E-1"
    )
    db.session.commit()
    assert stranger.client.hmis_personal_id == "P-1"


def test_blank_ids_clear_them(world):
    actor = world.actor(world.case_manager)
    set_hmis_ids(actor, str(world.case.id), "P-1", "E-1")
    case = set_hmis_ids(actor, str(world.case.id), "  ", "")
    assert (case.client.hmis_personal_id, case.hmis_enrollment_id) == (None, None)


def test_a_space_inside_an_id_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        set_hmis_ids(world.actor(world.case_manager), str(world.case.id), "P 1", "")
    assert list(refused.value.errors) == ["hmis_personal_id"]
