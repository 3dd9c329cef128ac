"""The archive's operator commands (`retention`, `export`, `verify` of records), run as an
operator types them, on both databases."""

import zipfile
from datetime import UTC, date, datetime

import sqlalchemy as sa
import time_machine

from forms_service.accounts.service import SYSTEM
from forms_service.archive import retention
from forms_service.archive.models import ArchiveDisposal, ArchiveText
from forms_service.archive.retention import place_hold
from forms_service.archive.search import Criteria, search
from forms_service.extensions import db
from forms_service.programs import service as programs
from tests.archive.conftest import close
from tests.conftest import blob_path
from tests.test_cli import cli_environment, count, run  # noqa: F401 (cli_environment: autouse)


def test_retention_lists_what_is_due_and_disposes_of_it_keeping_held_records(
    app, world, make_record
):
    held = make_record(case=world.other_case, form_type="case_plan")
    due = make_record(form_type="case_plan")
    close(world.case, date(2026, 6, 30))
    close(world.other_case, date(2026, 6, 30))
    place_hold(world.actor(world.other_records), str(held.id), "client", "Litigation")
    db.session.commit()

    dry = run(app, "retention", "--dry-run", "--on", "2034-01-01")
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert lines[-1] == "1 due for disposal, 1 held (2034-01-01; dry run)"
    assert any(due.reference in line and "HELD" not in line for line in lines)
    assert any(held.reference in line and "HELD (Litigation)" in line for line in lines)
    assert count(ArchiveDisposal) == 0 and blob_path(due.pdf_sha256).exists()

    disposed = run(app, "retention", "--dispose", "--on", "2034-01-01")
    assert disposed.exit_code == 0, disposed.output
    assert disposed.stdout.splitlines()[-1] == "1 disposed of (2 files destroyed), 1 held"
    assert not blob_path(due.pdf_sha256).exists() and blob_path(held.pdf_sha256).exists()
    assert count(ArchiveDisposal) == 1


def test_without_a_date_a_record_is_due_on_its_agency_s_date_not_the_server_s(
    app, world, make_record
):
    make_record(form_type="case_plan")
    close(world.case, date(2026, 6, 30))  # due seven years on: 30 June 2033
    db.session.commit()
    # 2 a.m. in UTC on the day it falls due is still 29 June in St. Louis, the agency's zone
    with time_machine.travel(datetime(2033, 6, 30, 2, tzinfo=UTC), tick=False):
        before = run(app, "retention")
    with time_machine.travel(datetime(2033, 6, 30, 6, tzinfo=UTC), tick=False):
        on_the_day = run(app, "retention")
    assert before.stdout.splitlines()[-1] == (
        "0 due for disposal, 0 held (each agency's date now; dry run)"
    )
    assert on_the_day.stdout.splitlines()[-1].startswith("1 due for disposal")


def test_a_dry_run_names_the_grant_closeout_that_set_each_date(app, world, make_record):
    record = make_record(form_type="case_plan")
    close(world.case, date(2026, 6, 30))
    grant = programs.save_grant(
        world.actor(world.admin), None, "Shelter", "ESG-24-018", "esg", date(2024, 7, 1), None
    )
    programs.link_grant(world.actor(world.case_manager), str(world.case.id), str(grant.id))
    db.session.commit()
    kept = run(app, "retention", "--dry-run", "--on", "2040-01-01")
    assert kept.stdout.splitlines() == ["0 due for disposal, 0 held (2040-01-01; dry run)"]

    grant.closeout_on = date(2030, 3, 31)
    db.session.commit()
    dry = run(app, "retention", "--dry-run", "--on", "2040-01-01")
    line = next(line for line in dry.stdout.splitlines() if record.reference in line)
    assert line.startswith("2035-03-31 ")
    assert line.endswith(
        ": 5 years after closeout of grant ESG-24-018 on 2030-03-31 (24 CFR 576.500(y))"
    )


def test_export_writes_the_clients_record_and_refuses_a_stranger(app, world, make_record, tmp_path):
    record = make_record()
    out = tmp_path / "record.zip"
    args = ["export", str(world.client.id), "--purpose", "client_request", "--out", str(out)]
    result = run(app, *args, "--as", world.records.email)
    assert result.exit_code == 0, result.output
    assert f"documents/{record.reference}-v1.pdf" in zipfile.ZipFile(out).namelist()
    stranger = run(app, *args, "--as", world.other_records.email)
    assert stranger.exit_code == 2 and "No client" in stranger.stderr


def test_verify_names_a_record_whose_fields_were_changed(app, world, make_record):
    record = make_record()
    db.session.execute(
        sa.text("UPDATE archive_record SET case_number = 'C-1999-0001' WHERE id = :id"),
        {"id": record.id.hex if db.engine.dialect.name == "sqlite" else record.id},
    )
    db.session.commit()
    result = run(app, "verify")
    assert result.exit_code == 1
    assert f"DAMAGED {record.reference} " in result.stderr
    assert "RECORD fields changed since it was filed" in result.stderr


def test_a_disposal_cut_short_is_named_by_verify_and_finished_by_the_next_run(
    app, world, make_record
):
    record = make_record(form_type="case_plan")
    close(world.case, date(2026, 6, 30))
    db.session.commit()
    # A disposal whose tombstones were committed, then the process died before destroying.
    retention.dispose(SYSTEM, list(retention.due_for_disposal(date(2034, 1, 1))))
    db.session.commit()
    assert blob_path(record.pdf_sha256).exists()

    checked = run(app, "verify")
    assert checked.exit_code == 1
    assert f"LEFT {record.pdf_sha256}: a file of a disposed record is still stored" in (
        checked.stderr
    )
    finished = run(app, "retention", "--dispose", "--on", "2034-01-01")
    assert finished.exit_code == 0, finished.output
    assert finished.stdout.splitlines()[-1] == "0 disposed of (2 files destroyed), 0 held"
    assert not blob_path(record.pdf_sha256).exists()
    assert not blob_path(record.docx_sha256).exists()
    assert run(app, "verify").exit_code == 0


def test_index_text_indexes_records_filed_before_search_inside_documents(app, world, make_record):
    record = make_record()
    db.session.execute(sa.delete(ArchiveText))  # as filed before the index existed
    db.session.commit()
    staff, words = world.actor(world.records), Criteria(text="St. Patrick Center")
    assert search(staff, words).records == []

    result = run(app, "index-text")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "indexed 1, failed 0"
    assert search(staff, words).records == [record]
    assert run(app, "index-text").stdout.splitlines()[-1] == "indexed 0, failed 0"
