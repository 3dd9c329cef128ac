"""Staff kept by the agency's admins: only an admin adds or changes them, within their own
agency; supervisors form no loop; an admin keeps their own access; a deactivated member is
signed out at their next request. Every change is audited, never a password."""

import re

import pytest
from sqlalchemy import delete, func, select

from forms_service.accounts import staff
from forms_service.accounts.models import Role, User
from forms_service.accounts.service import authenticate
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, PermissionDenied
from forms_service.extensions import db
from tests.conftest import PASSWORD, login
from tests.pages import open_page, submit

NEW_PASSWORD = "a-long-first-password"


def test_only_an_admin_keeps_the_staff(world):
    for user in (world.case_manager, world.supervisor, world.records):
        with pytest.raises(PermissionDenied):
            staff.add_staff(world.actor(user), "x@a.example", "X", "records", NEW_PASSWORD)
        with pytest.raises(PermissionDenied):
            staff.list_staff(world.actor(user))


def test_an_admin_adds_a_case_manager_under_a_supervisor_and_it_is_audited(world):
    admin = world.actor(world.admin)
    user = staff.add_staff(
        admin,
        " New@A.example ",
        "Noor Aziz",
        "case_manager",
        NEW_PASSWORD,
        str(world.supervisor.id),
    )
    db.session.commit()
    assert (user.email, user.role, user.supervisor_id) == (
        "new@a.example",
        Role.CASE_MANAGER,
        world.supervisor.id,
    )
    assert authenticate("new@a.example", NEW_PASSWORD) == [user]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.create")
    ).scalar_one()
    assert NEW_PASSWORD not in str(event.details) and event.details["role"] == "case_manager"


def test_bad_staff_input_names_each_field(world):
    admin = world.actor(world.admin)
    with pytest.raises(InvalidInput) as error:
        staff.add_staff(
            admin, "cm@a.example", "", "boss", "short", str(world.other_case_manager.id)
        )
    assert set(error.value.errors) == {"email", "name", "role", "password", "supervisor_id"}
    assert "already has this e-mail" in error.value.errors["email"][0]


def _add_on_the_page(client, email: str, agency_id):
    added = submit(
        client,
        "/agency/staff",
        name="Noor Aziz",
        email=email,
        role="records",
        password=NEW_PASSWORD,
    )
    after = client.get(added.location).get_data(as_text=True).replace(email, "EMAIL")
    user = db.session.execute(
        select(User).where(User.email == email, User.agency_id == agency_id)
    ).scalar_one()
    after = re.sub(r'value="[^"]*"', "", after.replace(str(user.id), "ID"))  # CSRF tokens
    return added.status_code, added.location, after


def test_adding_an_email_used_in_another_agency_looks_exactly_like_adding_a_new_one(
    app, client, world
):
    """The admin of agency A sees the same pages for an address another agency (B) uses as
    for one nobody uses, and nothing of B; B's account is untouched, both sign in."""
    login(client, world.admin)
    taken = world.other_case_manager.email
    before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    fresh = _add_on_the_page(client, "nobody-yet@a.example", world.agency.id)
    db.session.execute(delete(User).where(User.email == "nobody-yet@a.example"))
    db.session.commit()
    assert _add_on_the_page(client, taken, world.agency.id) == fresh
    page = client.get("/agency/staff").get_data(as_text=True)
    assert world.other_case_manager.name not in page and world.other_agency.name not in page

    db.session.expire_all()
    ours = db.session.execute(
        select(User).where(User.email == taken, User.agency_id == world.agency.id)
    ).scalar_one()
    assert authenticate(taken, NEW_PASSWORD) == [ours]
    assert authenticate(taken, PASSWORD) == [world.other_case_manager]
    assert not any(
        world.other_agency.name in str(e.details) or e.agency_id == world.other_agency.id
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.id > before))
    )


def test_one_agency_refuses_an_address_its_own_staff_already_has(world):
    with pytest.raises(InvalidInput) as error:
        staff.add_staff(
            world.actor(world.admin), world.case_manager.email, "X", "records", NEW_PASSWORD
        )
    assert error.value.errors["email"] == ["Someone on your staff already has this e-mail address."]


def test_a_supervisor_chain_never_loops(world):
    admin = world.actor(world.admin)
    # Dana supervises Sam: Sam cannot become Dana's supervisor, nor Dana her own.
    world.case_manager.role = Role.SUPERVISOR
    with pytest.raises(InvalidInput) as error:
        staff.update_staff(
            admin, str(world.supervisor.id), "supervisor", str(world.case_manager.id), True
        )
    assert "reports to this person" in error.value.errors["supervisor_id"][0]
    with pytest.raises(InvalidInput) as error:
        staff.update_staff(
            admin, str(world.supervisor.id), "supervisor", str(world.supervisor.id), True
        )
    assert error.value.errors["supervisor_id"] == ["Nobody supervises themselves."]


def test_an_admin_cannot_lock_themselves_out(world):
    admin = world.actor(world.admin)
    for role, active in (("records", True), ("admin", False)):
        with pytest.raises(InvalidInput) as error:
            staff.update_staff(admin, str(world.admin.id), role, "", active)
        assert "your own admin role" in error.value.errors["role"][0]


def test_a_deactivated_member_is_signed_out_at_their_next_request(client, world):
    login(client, world.case_manager)
    assert client.get("/cases").status_code == 200
    staff.update_staff(
        world.actor(world.admin),
        str(world.case_manager.id),
        "case_manager",
        str(world.supervisor.id),
        False,
    )
    db.session.commit()
    assert client.get("/cases").status_code == 302  # to the sign-in page
    assert authenticate(world.case_manager.email, PASSWORD) == []
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.update")
    ).scalar_one()
    assert event.details["changes"] == {"active": {"from": "True", "to": "False"}}


def test_the_staff_pages_add_and_change_a_member(client, world):
    login(client, world.admin)
    page = client.get("/agency/staff").get_data(as_text=True)
    assert "Sam Okafor" in page and "Lee Park" not in page  # only the own agency's staff
    added = submit(
        client,
        "/agency/staff",
        name="Noor Aziz",
        email="noor@a.example",
        role="records",
        password=NEW_PASSWORD,
    )
    assert added.status_code == 302
    bad = submit(client, "/agency/staff", name="", email="nope", role="records", password="x")
    assert bad.status_code == 400 and "Give an e-mail address" in bad.get_data(as_text=True)
    member = f"/agency/staff/{world.records.id}"
    form = open_page(client, member).form()
    assert form["active"] == "y"
    form["active"] = False  # "May sign in" unticked
    form["new_password"] = "another-long-password"
    changed = form.submit()
    assert changed.status_code == 302
    db.session.refresh(world.records)
    assert not world.records.active
    assert client.get(f"/agency/staff/{world.other_records.id}").status_code == 404
