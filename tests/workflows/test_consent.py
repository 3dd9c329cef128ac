"""The consent lifecycle and the sharing gate: nothing is shared without an active release
naming the recipient and the kind of information; revocation, expiry, the end event and case
closure take effect at once; ended releases stay in the archive."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forms_service import clock
from forms_service.database import utcnow
from forms_service.errors import InvalidInput, RuleViolation
from forms_service.extensions import db
from forms_service.rendering.jobs import run_job
from forms_service.workflows import consent
from tests.conftest import sign_consent

pytestmark = pytest.mark.soffice


def active_release(world, consent_document, **changes):
    document, job = sign_consent(world, consent_document, **changes)
    assert run_job(job.id)
    db.session.refresh(document)
    document.completed_at = utcnow() - timedelta(days=1)  # signed yesterday
    return document


def test_sharing_needs_an_active_release_naming_the_recipient_and_category(world, consent_document):
    release = active_release(world, consent_document)
    gate = consent.may_share
    assert gate(world.agency.id, world.client.id, "housing", "St. Patrick Center").allowed
    assert gate(world.agency.id, world.client.id, "housing", "st.  patrick center").allowed
    assert not gate(world.agency.id, world.client.id, "health", "St. Patrick Center").allowed
    assert not gate(world.agency.id, world.client.id, "housing", "Another Shelter").allowed
    decision = gate(world.agency.id, world.client.id, "income", "St. Patrick Center")
    assert decision.release.id == release.id and release.reference in decision.reason


def test_a_revocation_takes_effect_when_the_agency_receives_it(world, consent_document):
    release = active_release(world, consent_document)
    received = utcnow()
    consent.revoke(world.actor(world.case_manager), release, received)
    before = received - timedelta(seconds=1)
    assert consent.may_share(
        world.agency.id, world.client.id, "housing", "St. Patrick Center", before
    ).allowed  # disclosures made before are not undone
    assert not consent.may_share(
        world.agency.id, world.client.id, "housing", "St. Patrick Center"
    ).allowed
    assert consent.release_status(release).state == "revoked"
    with pytest.raises(RuleViolation):
        consent.revoke(world.actor(world.case_manager), release, utcnow())


def test_a_revocation_cannot_be_dated_in_the_future(world, consent_document):
    release = active_release(world, consent_document)
    with pytest.raises(InvalidInput):
        consent.revoke(world.actor(world.case_manager), release, utcnow() + timedelta(days=2))


def test_a_release_expires_after_its_end_date_in_the_agencys_day(world, consent_document):
    """Through its end date as the agency's calendar has it: midnight UTC is still that
    day in St. Louis; the agency's next midnight is not."""
    end = clock.today(world.agency) + timedelta(days=10)
    release = active_release(world, consent_document, end_date=end.isoformat(), end_event="")
    next_day = datetime.combine(end + timedelta(days=1), datetime.min.time())
    assert consent.release_status(release).active
    assert consent.release_status(release, next_day.replace(tzinfo=UTC)).active
    agencys_next_day = next_day.replace(tzinfo=ZoneInfo(world.agency.time_zone))
    assert consent.release_status(release, agencys_next_day).state == "expired"


def test_the_end_event_ends_the_release(world, consent_document):
    release = active_release(world, consent_document)
    consent.record_end_event(world.actor(world.case_manager), release, utcnow())
    assert consent.release_status(release).state == "ended"


def test_a_case_conference_list_has_only_housing_items_of_clients_who_allowed_it(
    world, consent_document
):
    active_release(world, consent_document, categories=["housing", "health"])
    rows = consent.conference_list(world.actor(world.case_manager), "St. Patrick Center")
    assert rows == [
        {"client": world.client.full_name, "case": world.case.number, "shared": ["housing"]}
    ]
    assert consent.conference_list(world.actor(world.case_manager), "Other Partner") == []


def test_a_signed_revocation_form_ends_the_release_it_names(world, consent_document):

    from forms_service.documents import service as documents
    from forms_service.forms import get_form_type

    release = active_release(world, consent_document)
    # typed as the agency's clock read two hours ago
    now = clock.now(world.agency).replace(second=0, microsecond=0, tzinfo=None)
    received = now - timedelta(hours=2)
    data = {
        **get_form_type("consent_revocation").example(),
        "release_reference": release.reference,
        "received_at": received.isoformat(),
    }
    actor = world.actor(world.case_manager)
    revocation = documents.start_document(actor, world.case, "consent_revocation", data)
    documents.send_for_signature(actor, revocation)
    for signer in revocation.signers:
        job = documents.sign(
            actor,
            revocation,
            signer,
            typed_name=signer.name,
            typed_attested=True,
            shown_content_sha256=revocation.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    assert run_job(job.id)
    status = consent.release_status(release)
    assert status.state == "revoked"
    assert clock.aware(status.since) == received.replace(tzinfo=clock.zone(world.agency))
