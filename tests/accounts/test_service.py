"""Authentication and the checks every service calls: argon2id hashes, one answer for every
failed sign-in, no sign-in for inactive users, and objects of another agency that do not exist
for the actor."""

import uuid

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from forms_service.accounts import service
from forms_service.accounts.models import Role, User
from forms_service.accounts.service import (
    SYSTEM,
    authenticate,
    create_user,
    get_in_agency,
    require_role,
)
from forms_service.cases.models import Case
from forms_service.errors import NotFound, PermissionDenied
from forms_service.extensions import db
from tests.conftest import PASSWORD


def test_passwords_are_stored_as_argon2id_hashes(world):
    stored = world.case_manager.password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_passwords_are_hashed_at_no_less_than_owasps_argon2id_cost():
    """OWASP's Password Storage Cheat Sheet: argon2id with 19 MiB, 2 passes, 1 lane at the
    least. Not more here: a sign-in checks several hashes, and at argon2-cffi's default cost
    (64 MiB, 3 passes, 4 lanes) sign-ins waited seconds while clients signed (issue 17)."""
    params = extract_parameters(PasswordHasher(**service.PASSWORD_COST).hash(PASSWORD))
    assert params.type is Type.ID
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1


def test_the_same_password_gets_its_own_salt(world):
    assert world.case_manager.password_hash != world.supervisor.password_hash


def test_a_password_shorter_than_12_characters_is_refused(world):
    with pytest.raises(ValueError, match="12 characters"):
        create_user(world.agency, "new@a.example", "New Person", Role.CASE_MANAGER, "short-pass1")


def test_the_right_password_signs_in_whatever_the_case_of_the_email(world):
    assert authenticate("  CM@A.example ", PASSWORD) == [world.case_manager]


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("cm@a.example", "wrong horse battery staple"),
        ("nobody@a.example", PASSWORD),
        ("cm@a.example", ""),
    ],
    ids=["wrong-password", "unknown-email", "empty-password"],
)
def test_a_failed_sign_in_gives_no_user_and_no_reason(world, email, password):
    assert authenticate(email, password) == []


def test_an_inactive_user_cannot_sign_in(world):
    world.case_manager.active = False
    db.session.commit()
    assert authenticate(world.case_manager.email, PASSWORD) == []


def test_a_hash_with_outdated_parameters_is_upgraded_at_sign_in(world):
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    world.case_manager.password_hash = old
    db.session.commit()

    assert authenticate(world.case_manager.email, PASSWORD) == [world.case_manager]

    upgraded = world.case_manager.password_hash
    assert upgraded != old and upgraded.startswith("$argon2id$")
    assert not service._hasher.check_needs_rehash(upgraded)
    assert service._hasher.verify(upgraded, PASSWORD)


def test_a_role_outside_the_allowed_ones_is_denied(world):
    actor = world.actor(world.records)
    with pytest.raises(PermissionDenied):
        require_role(actor, (Role.CASE_MANAGER, Role.SUPERVISOR))
    with pytest.raises(PermissionDenied):
        require_role(SYSTEM, tuple(Role))
    assert require_role(actor, (Role.RECORDS,)) == world.records


@pytest.mark.parametrize(
    "case_id",
    ["other-agency", "random", "not-a-uuid", ""],
)
def test_an_object_of_another_agency_does_not_exist_for_the_actor(world, case_id):
    ids = {"other-agency": world.other_case.id, "random": uuid.uuid4()}
    with pytest.raises(NotFound):
        get_in_agency(world.actor(world.case_manager), Case, ids.get(case_id, case_id))


def test_an_object_of_the_own_agency_is_found_by_id_or_text(world):
    actor = world.actor(world.case_manager)
    assert get_in_agency(actor, Case, world.case.id) == world.case
    assert get_in_agency(actor, Case, str(world.case.id)) == world.case
    with pytest.raises(NotFound):
        get_in_agency(SYSTEM, Case, world.case.id)


def test_users_are_found_by_lower_case_email(world):
    user = create_user(world.agency, " Mixed@A.Example ", "Mixed Case", Role.RECORDS, PASSWORD)
    assert db.session.get(User, user.id).email == "mixed@a.example"
