"""Exports: a client's whole record as one reproducible zip with a manifest of hashes and
audit trails; to a partner only what an active release naming it allows; every export
logged."""

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from forms_service.archive.export import export_client
from forms_service.archive.models import AccessLog, ArchiveDisposal, ArchiveSupersession
from forms_service.archive.sharing import CLIENT, sharing_allowed
from forms_service.audit import service as audit
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, NotFound, PermissionDenied
from forms_service.extensions import db
from forms_service.workflows.consent import conference_list
from forms_service.workflows.models import ReleaseEnd
from tests.conftest import CONSENT

ON = date(2026, 4, 1)


def export(world, recipient=CLIENT, on=ON, who=None):
    actor = world.actor(who or world.records)
    return export_client(actor, str(world.client.id), recipient, on, "client_request")


def test_the_clients_own_request_gets_every_document_with_a_manifest(world, make_record):
    release = make_record()
    audit.record(world.actor(world.case_manager), "document.sign", release.document)
    plan = make_record(form_type="case_plan", data={"goal": "housing"})
    result = export(world)
    files = zipfile.ZipFile(io.BytesIO(result.data))
    manifest = json.loads(files.read("manifest.json"))
    assert sorted(files.namelist()) == sorted(
        [
            "manifest.json",
            *(f"documents/{r.reference}-v1.pdf" for r in (release, plan)),
            f"documents/{release.reference}-v1.roi.json",  # a release: its ROI record too
        ]
    )
    for entry in manifest["documents"]:
        pdf = files.read(entry["file"])
        assert hashlib.sha256(pdf).hexdigest() == entry["pdf_sha256"]
    first = (
        manifest["documents"][0]
        if manifest["documents"][0]["reference"] == release.reference
        else manifest["documents"][1]
    )
    assert first["form_type"] == "consent_release" and first["version"] == 1
    assert [e["action"] for e in first["audit_trail"]] == ["document.sign"]
    assert manifest["client"]["name"] == "María José Núñez"


def test_the_same_inputs_give_the_same_zip_bytes(world, make_record):
    make_record()
    make_record(form_type="case_plan", data={"goal": "housing"})
    first, second = export(world), export(world)
    assert first.data == second.data
    assert all(
        i.date_time == (1980, 1, 1, 0, 0, 0)
        for i in zipfile.ZipFile(io.BytesIO(first.data)).infolist()
    )


def test_a_partner_gets_only_what_an_active_release_naming_it_allows(world, make_record):
    release = make_record(data={**CONSENT, "categories": ["case_plan"]})
    plan = make_record(form_type="case_plan", data={"goal": "housing"})
    discharge = make_record(form_type="discharge_plan", data={})
    other_release = make_record(data={**CONSENT, "recipient_name": "City Clinic"})
    partner = "st. patrick center"  # as typed: case and punctuation aside, the release's name
    assert {r.reference for r in export(world, partner).records} == {
        release.reference,
        plan.reference,
    }
    assert sharing_allowed(discharge, partner, ON) is False  # housing was not ticked
    assert sharing_allowed(other_release, partner, ON) is False
    assert export(world, "Unknown Shelter").records == []


def test_a_release_that_ended_or_was_superseded_allows_nothing(world, make_record):
    ended = make_record(data={**CONSENT, "categories": ["case_plan"], "end_date": "2026-03-31"})
    plan = make_record(form_type="case_plan", data={"goal": "housing"})
    partner = CONSENT["recipient_name"]
    assert sharing_allowed(plan, partner, date(2026, 3, 31)) is True
    assert sharing_allowed(plan, partner, ON) is False
    assert sharing_allowed(ended, partner, ON) is False
    current = make_record(data={**CONSENT, "categories": ["case_plan"]})
    assert sharing_allowed(plan, partner, ON) is True
    newer = make_record(supersedes=current, data={**CONSENT, "categories": ["housing"]})
    db.session.add(
        ArchiveSupersession(
            agency_id=current.agency_id, record_id=current.id, by_record_id=newer.id, reason="r"
        )
    )
    db.session.commit()
    tomorrow = date.today() + timedelta(days=1)  # superseded today: in force until tonight
    assert sharing_allowed(plan, partner, tomorrow) is False


def test_a_disposed_document_is_listed_without_its_file(world, make_record):
    gone = make_record()
    db.session.add(ArchiveDisposal(record_id=gone.id, due_on=date(2026, 1, 1), rule="t", by="t"))
    db.session.commit()
    files = zipfile.ZipFile(io.BytesIO(export(world).data))
    assert files.namelist() == ["manifest.json"]
    (entry,) = json.loads(files.read("manifest.json"))["documents"]
    assert (entry["status"], entry["file"]) == ("disposed", None)


def test_every_export_is_logged_per_file_and_in_the_audit_chain(world, make_record):
    record = make_record()
    result = export(world)
    db.session.commit()
    (access,) = db.session.execute(select(AccessLog)).scalars()
    assert (access.record_id, access.kind, access.user_id) == (
        record.id,
        "export",
        world.records.id,
    )
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "archive.export")
    ).scalar_one()
    assert event.object_id == str(world.client.id)
    assert event.details["sha256"] == hashlib.sha256(result.data).hexdigest()
    assert event.details["documents"] == [record.reference]


def test_only_archive_staff_of_the_agency_export(world, make_record):
    make_record()
    for who in (world.case_manager, world.supervisor):
        with pytest.raises(PermissionDenied):
            export(world, who=who)
    with pytest.raises(NotFound):
        export(world, who=world.other_records)
    with pytest.raises(InvalidInput):
        export(world, recipient="  ")
    assert export(world, who=world.admin).records


def test_a_revoked_release_allows_nothing_from_the_day_it_was_received(world, make_record):
    release = make_record(data={**CONSENT, "categories": ["case_plan"]})
    plan = make_record(form_type="case_plan", data={"goal": "housing"})
    received = datetime(2026, 3, 15, 10, tzinfo=UTC)
    db.session.add(
        ReleaseEnd(release_id=release.document_id, reason="revoked", effective_at=received)
    )
    db.session.commit()
    partner = CONSENT["recipient_name"]
    assert sharing_allowed(plan, partner, date(2026, 3, 14)) is True
    assert sharing_allowed(plan, partner, date(2026, 3, 15)) is False
    assert export(world, partner).records == []


def test_the_export_and_the_case_conference_list_ask_one_sharing_gate(world, make_record):
    """A release superseded today no longer counts from tomorrow, for an export and for a
    case-conference list alike (workflows.consent.may_share decides both)."""
    current = make_record(data={**CONSENT, "categories": ["housing", "case_plan"]})
    plan = make_record(form_type="case_plan", data={"goal": "housing"})
    partner = CONSENT["recipient_name"]
    actor = world.actor(world.case_manager)
    today = datetime.now(UTC)
    assert sharing_allowed(plan, partner, today.date())
    assert [row["case"] for row in conference_list(actor, partner, today)] == [world.case.number]
    newer = make_record(supersedes=current, data={**CONSENT, "categories": ["income"]})
    db.session.add(
        ArchiveSupersession(
            agency_id=current.agency_id, record_id=current.id, by_record_id=newer.id, reason="r"
        )
    )
    db.session.commit()
    tomorrow = today + timedelta(days=1)
    assert not sharing_allowed(plan, partner, tomorrow.date())
    assert conference_list(actor, partner, tomorrow)[0]["shared"] == ["income"]


SUD_RELEASE = {**CONSENT, "categories": ["housing", "health", "substance_use"]}


def test_a_discharge_plan_is_shared_under_every_category_it_contains_not_housing_alone(
    world, make_record
):
    """Its linkages are health details; a detox destination tells of SUD treatment."""
    partner = CONSENT["recipient_name"]
    make_record(data={**CONSENT, "categories": ["housing"]})
    plan = make_record(form_type="discharge_plan", data={"destination": 410})
    assert sharing_allowed(plan, partner, ON) is False
    make_record(data={**CONSENT, "categories": ["housing", "health"]})
    assert sharing_allowed(plan, partner, ON) is True
    detox = make_record(form_type="discharge_plan", data={"destination": 205})
    assert sharing_allowed(detox, partner, ON) is False  # substance use records not ticked


def test_sud_records_sent_to_a_partner_carry_a_copy_of_the_consent_that_lets_them_go(
    world, make_record
):
    """42 CFR 2.32(b): the consent's PDF goes in the export with the 2.32 notice."""
    release = make_record(data=SUD_RELEASE)
    detox = make_record(form_type="discharge_plan", data={"destination": 205})
    housed = make_record(form_type="discharge_plan", data={"destination": 410})
    files = zipfile.ZipFile(io.BytesIO(export(world, CONSENT["recipient_name"]).data))
    consent_copy = f"consents/{release.reference}-v1.pdf"
    assert consent_copy in files.namelist()
    entries = {e["reference"]: e for e in json.loads(files.read("manifest.json"))["documents"]}
    assert entries[detox.reference]["disclosed_under"] == {
        "consent": release.reference,
        "file": consent_copy,
    }
    assert "42 CFR part 2" in entries[detox.reference]["part2_notice"]
    assert "disclosed_under" not in entries[housed.reference]
    own = zipfile.ZipFile(io.BytesIO(export(world).data))  # the client's own request
    assert not [n for n in own.namelist() if n.startswith("consents/")]


def test_a_partner_named_client_is_a_partner_not_the_clients_own_request(world, make_record):
    make_record(form_type="case_plan", data={"goal": "housing"})  # no release names them
    result = export(world, recipient="client")
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(result.data)).read("manifest.json"))
    assert result.records == [] and manifest["recipient"] == "client"
    assert len(export(world).records) == 1  # the client's own request gets it


def test_a_release_goes_with_its_roi_record_beside_its_pdf(world, make_record):
    """The shape an HMIS imports as a release-of-information record: client, recipient,
    scope, signed, effective, expires, revoked at, and the template it was signed on."""
    world.client.hmis_personal_id = "P-1001"
    release = make_record(data={**CONSENT, "end_date": "2027-03-01"})
    db.session.add(
        ReleaseEnd(
            release_id=release.document_id,
            reason="revoked",
            effective_at=datetime(2026, 3, 20, 16, 0, tzinfo=UTC),
        )
    )
    db.session.commit()

    files = zipfile.ZipFile(io.BytesIO(export(world).data))

    manifest = json.loads(files.read("manifest.json"))
    (entry,) = manifest["documents"]
    assert entry["roi"] == entry["file"].removesuffix(".pdf") + ".roi.json"
    roi = json.loads(files.read(entry["roi"]))
    assert roi["client"]["name"] == "María José Núñez"
    assert roi["client"]["hmis_personal_id"] == "P-1001"
    assert roi["recipient"] == {
        "name": CONSENT["recipient_name"],
        "type": CONSENT["recipient_type"],
        "contact": CONSENT["recipient_contact"],
    }
    assert roi["scope"]["categories"] == sorted(CONSENT["categories"])
    assert roi["scope"]["purpose"] == CONSENT["purpose"]
    assert roi["signed"] == roi["effective"] == entry["signed_at"]
    assert roi["expires"] == {"on": "2027-03-01", "event": CONSENT["end_event"]}
    assert roi["revoked_at"].startswith("2026-03-20T16:00")
    assert roi["template"] == {"version": 1, "sha256": "a" * 64}
    assert roi["pdf_sha256"] == entry["pdf_sha256"]


def test_a_revocation_recorded_after_the_exports_day_is_not_in_its_roi_record(world, make_record):
    release = make_record()
    db.session.add(
        ReleaseEnd(
            release_id=release.document_id,
            reason="revoked",
            effective_at=datetime(2026, 5, 2, 16, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    files = zipfile.ZipFile(io.BytesIO(export(world, on=ON).data))
    (entry,) = json.loads(files.read("manifest.json"))["documents"]
    roi = json.loads(files.read(entry["roi"]))
    assert roi["revoked_at"] is None and roi["ended"] is None


def test_a_case_plan_has_no_roi_record(world, make_record):
    make_record(form_type="case_plan", data={"goal": "housing"})
    files = zipfile.ZipFile(io.BytesIO(export(world).data))
    assert not [n for n in files.namelist() if n.endswith(".roi.json")]
