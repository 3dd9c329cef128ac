"""A minor's substance use treatment records: where state law lets a minor get that treatment
alone (the agency's setting), only the minor may consent to releasing them (42 CFR 2.14)."""

from datetime import date

import pytest

from forms_service import clock
from forms_service.documents import service as documents
from forms_service.documents.models import DocumentStatus
from forms_service.errors import InvalidInput
from forms_service.forms import get_form_type

BY_A_PARENT = {
    "representative_signs": True,
    "representative_name": "Rosa Núñez",
    "representative_authority": "Mother",
}


def consent(world, born: date, **changes):
    world.client.date_of_birth = born
    data = {**get_form_type("consent_release").example(), **BY_A_PARENT, **changes}
    actor = world.actor(world.case_manager)
    return actor, documents.start_document(actor, world.case, "consent_release", data)


def sixteen(world) -> date:
    today = clock.today(world.agency)
    return today.replace(year=today.year - 16)


def test_only_the_minor_can_sign_a_release_of_sud_records_where_state_law_lets_minors_consent_alone(
    world,
):
    world.agency.minors_consent_to_sud_alone = True
    actor, release = consent(world, sixteen(world), categories=["housing", "substance_use"])
    with pytest.raises(InvalidInput) as refused:
        documents.send_for_signature(actor, release)
    (why,) = refused.value.errors["representative_signs"]
    assert "only the minor can sign" in why and "42 CFR 2.14" in why
    assert release.status == DocumentStatus.DRAFT and not release.signers
    release.data = {**release.data, "representative_signs": False}  # the minor signs alone
    documents.send_for_signature(actor, release)
    assert [s.name for s in release.signers][0] == "María José Núñez"


@pytest.mark.parametrize(
    "setting, age, categories",
    [
        (False, 16, ["substance_use"]),  # state law asks for a parent: they may sign
        (True, 18, ["substance_use"]),  # an adult's representative (a guardian) may sign
        (True, 16, ["housing"]),  # no substance use records in it
    ],
)
def test_a_representative_may_sign_otherwise(world, setting, age, categories):
    world.agency.minors_consent_to_sud_alone = setting
    today = clock.today(world.agency)
    actor, release = consent(world, today.replace(year=today.year - age), categories=categories)
    documents.send_for_signature(actor, release)
    assert release.signers[0].name == "Rosa Núñez"
