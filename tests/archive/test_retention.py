"""Retention: each record's disposal date is the longest rule that applies; disposal destroys
the files and keeps a tombstone and an audit event; a legal hold stops it until lifted."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from forms_service.archive import retention
from forms_service.archive.models import ArchiveDisposal
from forms_service.archive.service import blob_store, open_file
from forms_service.archive.status import statuses
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from forms_service.extensions import db
from tests.archive.conftest import close
from tests.conftest import CONSENT

SIGNED = datetime(2026, 3, 1, 12, tzinfo=UTC)


def due(on: date) -> dict:
    return {d.record.reference: d for d in retention.due_for_disposal(on)}


def test_a_record_of_an_open_case_is_never_due(world, make_record):
    make_record(form_type="case_plan", signed_at=SIGNED)
    assert due(date(2100, 1, 1)) == {}


def test_the_default_is_seven_years_after_case_closure(world, make_record):
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2027, 6, 30))
    assert due(date(2034, 6, 29)) == {}
    item = due(date(2034, 6, 30))[record.reference]
    assert (item.due_on, item.rule) == (
        date(2034, 6, 30),
        "agency schedule: 7 years after case closure",
    )


def test_an_agency_may_shorten_its_schedule_to_five_years_but_no_less(world, make_record):
    record = make_record(form_type="consent_release", signed_at=SIGNED)
    admin = world.actor(world.admin)
    with pytest.raises(InvalidInput):
        retention.set_schedule(admin, "consent_release", 4)
    with pytest.raises(PermissionDenied):
        retention.set_schedule(world.actor(world.records), "consent_release", 5)
    retention.set_schedule(admin, "consent_release", 5)
    close(world.case, date(2026, 6, 30))
    # Five years after closure (2031-06-30) is shorter than the release minimum: 6 years after
    # signature (2032-03-01), which is the longest rule and so the disposal date.
    assert due(date(2032, 2, 29)) == {}
    item = due(date(2032, 3, 1))[record.reference]
    assert item.due_on == date(2032, 3, 1) and "164.530(j)" in item.rule


def test_a_release_is_kept_six_years_after_it_ends_when_that_is_later(world, make_record):
    record = make_record(data={**CONSENT, "end_date": "2028-12-31"}, signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))
    assert due(date(2034, 12, 30)) == {}
    assert due(date(2034, 12, 31))[record.reference].due_on == date(2034, 12, 31)


def test_disposal_destroys_the_files_and_keeps_a_tombstone_and_an_audit_event(world, make_record):
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    kept = make_record(form_type="case_plan", signed_at=SIGNED, case=world.other_case)
    close(world.case, date(2026, 6, 30))
    items = list(retention.due_for_disposal(date(2034, 1, 1)))
    files = retention.dispose(world.actor(world.admin), items)
    db.session.commit()
    retention.destroy_files(files)

    assert sorted(files) == sorted([record.pdf_sha256, record.docx_sha256])
    store = blob_store()
    assert not store.matches(record.pdf_sha256) and not store.matches(record.docx_sha256)
    assert store.matches(kept.pdf_sha256)
    tombstone = db.session.execute(select(ArchiveDisposal)).scalar_one()
    assert (tombstone.record_id, tombstone.due_on) == (record.id, date(2033, 6, 30))
    assert statuses([record.id]) == {record.id: "disposed"}
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "archive.dispose")
    ).scalar_one()
    assert event.object_id == str(record.id) and event.details["due_on"] == "2033-06-30"
    with pytest.raises(RuleViolation, match="disposed of"):
        open_file(world.actor(world.records), str(record.id), "pdf", "audit")
    assert due(date(2040, 1, 1)) == {}  # once disposed, never due again


def test_a_legal_hold_stops_disposal_until_it_is_lifted(world, make_record):
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))
    records_staff = world.actor(world.records)
    hold = retention.place_hold(records_staff, str(record.id), "case", "Subpoena 2033-114")
    items = list(retention.due_for_disposal(date(2034, 1, 1)))
    assert [i.hold for i in items] == [hold]
    assert retention.dispose(records_staff, items) == []
    assert db.session.execute(select(ArchiveDisposal)).first() is None

    lifted = retention.lift_hold(records_staff, str(hold.id), "Case settled")
    assert (lifted.lifted_by_id, lifted.lift_reason) == (world.records.id, "Case settled")
    with pytest.raises(RuleViolation):
        retention.lift_hold(records_staff, str(hold.id), "again")
    items = list(retention.due_for_disposal(date(2034, 1, 1)))
    assert [i.hold for i in items] == [None]
    assert len(retention.dispose(records_staff, items)) == 2


def test_a_hold_on_the_client_covers_all_their_cases(world, make_record):
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))
    retention.place_hold(world.actor(world.admin), str(record.id), "client", "Audit")
    assert due(date(2034, 1, 1))[record.reference].hold is not None


def test_holds_need_a_reason_and_stay_within_the_agency(world, make_record):
    record = make_record()
    records_staff = world.actor(world.records)
    with pytest.raises(InvalidInput):
        retention.place_hold(records_staff, str(record.id), "case", " ")
    with pytest.raises(InvalidInput):
        retention.place_hold(records_staff, str(record.id), "everything", "Audit")
    with pytest.raises(PermissionDenied):
        retention.place_hold(world.actor(world.case_manager), str(record.id), "case", "Audit")
    hold = retention.place_hold(records_staff, str(record.id), "case", "Audit")
    with pytest.raises(NotFound):
        retention.place_hold(world.actor(world.other_records), str(record.id), "case", "Audit")
    with pytest.raises(NotFound):
        retention.lift_hold(world.actor(world.other_records), str(hold.id), "Done")
    assert retention.holds(world.actor(world.other_records)) == []
    assert retention.holds(records_staff) == [hold]
