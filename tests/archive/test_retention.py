"""Retention: each record's disposal date is the longest rule that applies; disposal destroys
the files and keeps a tombstone and an audit event; a legal hold stops it until lifted."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from forms_service.archive import retention
from forms_service.archive.models import ArchiveDisposal
from forms_service.archive.service import blob_store, open_file
from forms_service.archive.status import statuses
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.programs import service as programs
from forms_service.workflows.consent import revoke
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
    # it was last in effect (the case closure ended it), which is the disposal date.
    assert due(date(2032, 6, 29)) == {}
    item = due(date(2032, 6, 30))[record.reference]
    assert item.due_on == date(2032, 6, 30) and "164.530(j)" in item.rule


def test_a_release_is_kept_six_years_from_when_it_was_last_in_effect(world, make_record):
    """Not from its signature: a release signed in 2026 and in effect until the case closed
    in 2030 is kept until 2036, past a five-year schedule (2035)."""
    record = make_record(signed_at=SIGNED)
    retention.set_schedule(world.actor(world.admin), "consent_release", 5)
    close(world.case, date(2030, 6, 30))
    assert due(date(2036, 6, 29)) == {}
    item = due(date(2036, 6, 30))[record.reference]
    assert item.rule == (
        "release: 6 years from when it was last in effect, 2030-06-30 (case closure) "
        "(45 CFR 164.530(j))"
    )


def test_a_revoked_release_counts_from_its_revocation_not_its_end_date(world, make_record):
    record = make_record(data={**CONSENT, "end_date": "2040-12-31"}, signed_at=SIGNED)
    with time_machine.travel(datetime(2027, 1, 20, tzinfo=UTC)):
        revoke(world.actor(world.case_manager), record.document, datetime(2027, 1, 15, tzinfo=UTC))
    close(world.case, date(2027, 2, 1))
    retention.set_schedule(world.actor(world.admin), "consent_release", 5)
    item = due(date(2033, 1, 15))[record.reference]
    assert (item.due_on, item.rule) == (
        date(2033, 1, 15),
        "release: 6 years from when it was last in effect, 2027-01-15 (revoked) "
        "(45 CFR 164.530(j))",
    )


def test_a_release_whose_end_date_came_first_counts_from_that_date(world, make_record):
    record = make_record(data={**CONSENT, "end_date": "2026-12-31"}, signed_at=SIGNED)
    close(world.case, date(2028, 6, 30))
    retention.set_schedule(world.actor(world.admin), "consent_release", 5)
    assert due(date(2033, 6, 29)) == {}  # not from the closure (2034-06-30) either
    assert due(date(2033, 6, 30))[record.reference].due_on == date(2033, 6, 30)


def _grant(world, number: str, closeout_on: date | None, funder: str = "coc"):
    admin = world.actor(world.admin)
    grant = programs.save_grant(
        admin, None, "Rapid rehousing", number, funder, date(2024, 7, 1), closeout_on
    )
    programs.link_grant(world.actor(world.case_manager), str(world.case.id), str(grant.id))
    db.session.commit()
    return grant


def test_a_form_types_own_retention_minimum_comes_from_its_spec(world, make_record, monkeypatch):
    """The archive knows no form type: it asks the spec's `retention_minimum` hook, which
    only the release overrides (a plan is kept by the agency's schedule alone)."""
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2027, 6, 30))
    assert due(date(2034, 6, 30))[record.reference].rule.startswith("agency schedule")
    monkeypatch.setattr(
        type(get_form_type("case_plan")),
        "retention_minimum",
        lambda self, record, closed_on: (date(2040, 1, 1), "kept for an audit"),
    )
    assert due(date(2039, 12, 31)) == {}
    assert due(date(2040, 1, 1))[record.reference].rule == "kept for an audit"


def test_a_record_is_never_due_while_a_grant_that_served_it_is_open(world, make_record):
    make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))
    _grant(world, "CA0001L9T002401", date(2027, 6, 30))
    open_grant = _grant(world, "ESG-24-018", None, funder="esg")
    assert due(date(2100, 1, 1)) == {}
    admin = world.actor(world.admin)
    programs.save_grant(
        admin, open_grant, "Shelter", "ESG-24-018", "esg", date(2024, 7, 1), date(2028, 3, 31)
    )
    assert list(due(date(2100, 1, 1))) != []


def test_a_record_is_kept_five_years_after_the_latest_closeout_of_its_grants(world, make_record):
    """Counted from the grant's closeout (24 CFR 578.103(c), 576.500(y)), not from case
    closure, when that is later than the agency's schedule."""
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))  # the schedule: 2033-06-30
    _grant(world, "CA0001L9T002401", date(2029, 9, 30))
    _grant(world, "ESG-24-018", date(2030, 3, 31), funder="esg")
    assert due(date(2035, 3, 30)) == {}
    item = due(date(2035, 3, 31))[record.reference]
    assert item.rule == (
        "5 years after closeout of grant ESG-24-018 on 2030-03-31 (24 CFR 576.500(y))"
    )


def test_the_agency_schedule_still_applies_when_the_grant_closed_out_long_before(
    world, make_record
):
    record = make_record(form_type="case_plan", signed_at=SIGNED)
    close(world.case, date(2026, 6, 30))
    _grant(world, "CA0001L9T002401", date(2025, 9, 30))
    assert due(date(2033, 6, 30))[record.reference].rule == (
        "agency schedule: 7 years after case closure"
    )


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
