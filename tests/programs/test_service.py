"""Grants: admins record them and their closeout; staff who fill forms link a case to the
grants that served it; every change is audited and stays within the agency."""

from datetime import date

import pytest
from sqlalchemy import select

from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, NotFound, PermissionDenied
from forms_service.extensions import db
from forms_service.programs import service


def _add(world, number="CA0001L9T002401", closeout_on=None):
    return service.save_grant(
        world.actor(world.admin),
        None,
        "Rapid Rehousing",
        number,
        "coc",
        date(2024, 7, 1),
        closeout_on,
    )


def test_only_an_agency_admin_records_a_grant(world):
    with pytest.raises(PermissionDenied):
        service.save_grant(
            world.actor(world.case_manager), None, "Shelter", "ESG-1", "esg", date(2024, 7, 1), None
        )
    grant = _add(world)
    with pytest.raises(PermissionDenied):
        service.get_grant(world.actor(world.case_manager), str(grant.id))


def test_a_grant_names_each_field_it_refuses(world):
    _add(world)
    with pytest.raises(InvalidInput) as refused:
        service.save_grant(
            world.actor(world.admin), None, " ", "CA0001L9T002401", "hud", None, date(2020, 1, 1)
        )
    assert set(refused.value.errors) == {"program", "number", "funder", "starts_on"}
    with pytest.raises(InvalidInput) as refused:
        service.save_grant(
            world.actor(world.admin),
            None,
            "Shelter",
            "ESG-1",
            "esg",
            date(2024, 7, 1),
            date(2024, 6, 30),
        )
    assert set(refused.value.errors) == {"closeout_on"}


def test_closing_out_a_grant_is_audited(world):
    grant = _add(world)
    service.save_grant(
        world.actor(world.admin),
        grant,
        grant.program,
        grant.number,
        "coc",
        grant.starts_on,
        date(2026, 6, 30),
    )
    event = select(AuditEvent).where(AuditEvent.action == "grant.closeout")
    assert db.session.execute(event).scalar_one().details["closeout_on"] == "2026-06-30"


def test_a_case_is_linked_only_to_its_own_agencys_grants_once(world):
    grant = _add(world)
    manager = world.actor(world.case_manager)
    service.link_grant(manager, str(world.case.id), str(grant.id))
    assert service.grants_of_case(world.case) == [grant]
    with pytest.raises(InvalidInput):
        service.link_grant(manager, str(world.case.id), str(grant.id))
    with pytest.raises(NotFound):
        service.link_grant(world.actor(world.other_case_manager), str(world.case.id), str(grant.id))
    with pytest.raises(InvalidInput):  # a case of their own, a grant of another agency
        service.link_grant(
            world.actor(world.other_case_manager), str(world.other_case.id), str(grant.id)
        )
    with pytest.raises(PermissionDenied):
        service.link_grant(world.actor(world.records), str(world.case.id), str(grant.id))
