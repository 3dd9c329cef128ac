"""The `forms-service` command, run through click's test runner inside the test app: the same
commands an operator types, on both databases where they touch one."""

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from cryptography import x509
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import func, select

from forms_service import cli
from forms_service.accounts.models import Agency, Role, User
from forms_service.archive.models import ArchiveRecord, ArchiveSupersession
from forms_service.audit.models import AuditEvent
from forms_service.cases.models import Case, Client
from forms_service.cli import main
from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.keys import ensure_seal_key
from forms_service.programs.models import CaseGrant, Grant
from forms_service.workflows.models import ReleaseEnd
from tests.conftest import archive_consent, blob_path
from tests.rendering.test_pool import free_base_port, gone


@pytest.fixture(autouse=True)
def cli_environment(monkeypatch):
    """FlaskGroup sets FLASK_RUN_FROM_CLI, and Alembic's logging setup (run by `init`) points
    the root logger at the runner's captured stderr: both are put back after each test."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    handlers = logging.root.handlers[:]
    level = logging.root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)
    for name, was_disabled in disabled.items():
        logging.getLogger(name).disabled = was_disabled


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def example(app) -> dict:
    result = run(app, "render", "consent_release", "--example")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_json(path, payload):
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


# Rendering touches no database: these run once, on `bare_app`.


def test_forms_lists_each_form_type_with_its_template_versions_and_languages(bare_app):
    result = run(bare_app, "forms")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("consent_release: Consent to Release Information")
    assert lines[at + 1].startswith("  v1 effective 2026-11-25") and lines[at + 1].endswith(
        ": ar, en, es"
    )


def test_an_unknown_form_type_is_refused_naming_the_known_ones(bare_app):
    result = run(bare_app, "render", "lease_addendum", "--example")
    assert result.exit_code == 2
    assert "lease_addendum" in result.stderr and "consent_release" in result.stderr


@pytest.mark.soffice
def test_the_example_payload_renders_to_docx_and_pdf(bare_app, tmp_path):
    payload = example(bare_app)
    payload["form"]["recipient_name"] = "Riverbend Community Clinic"
    payload["client"]["last_name"] = "Núñez"
    out = tmp_path / "out"
    result = run(
        bare_app,
        "render",
        "consent_release",
        "--data",
        str(write_json(tmp_path / "consent.json", payload)),
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    docx, pdf = out / "consent_release-en.docx", out / "consent_release-en.pdf"
    assert result.stdout.splitlines() == [str(docx), str(pdf)]
    assert sorted(out.iterdir()) == [docx, pdf]
    assert docx.read_bytes().startswith(b"PK")
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages
        ).split()
    )
    assert "Riverbend Community Clinic" in text
    assert "Maria Núñez" in text


@pytest.mark.soffice
def test_two_instances_on_one_machine_render_at_once_and_leave_no_converter_running(
    bare_app, tmp_path
):
    data = str(write_json(tmp_path / "consent.json", example(bare_app)))
    command = [str(Path(sys.executable).with_name("forms-service")), "render", "consent_release"]
    base = free_base_port(4)  # both prefer the same ports
    instances = [tmp_path / "first", tmp_path / "second"]
    renders = [
        subprocess.Popen(  # noqa: S603
            [*command, "--data", data, "--out", str(instance / "out")],
            env={
                **os.environ,
                "FORMS_INSTANCE": str(instance),
                "FORMS_CONVERTER_BASE_PORT": str(base),
                "FORMS_CONVERTERS": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for instance in instances
    ]

    finished = [render.communicate(timeout=120) for render in renders]  # closes every pipe
    for instance, render, (_, errors) in zip(instances, renders, finished, strict=True):
        assert render.returncode == 0, errors.decode()
        assert (instance / "out/consent_release-en.pdf").read_bytes().startswith(b"%PDF")
        assert gone(instance)  # no converter, nor its launcher


def render_invalid(app, tmp_path, payload):
    out = tmp_path / "out"
    data = str(write_json(tmp_path / "invalid.json", payload))
    result = run(app, "render", "consent_release", "--data", data, "--out", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not out.exists()
    return sorted(line.split(":", 1)[0] for line in result.stderr.splitlines())


def test_invalid_data_is_named_field_by_field_and_nothing_is_written(bare_app, tmp_path):
    payload = example(bare_app)
    payload["form"]["recipient_name"] = ""
    payload["form"]["favourite_colour"] = "blue"
    del payload["client"]["last_name"]
    payload["agency"]["phone"] = 3145550100
    payload["case_number"] = "C" * 31
    assert render_invalid(bare_app, tmp_path, payload) == [
        "agency.phone",
        "case_number",
        "client.last_name",
        "form.favourite_colour",
        "form.recipient_name",
    ]


def test_a_wrongly_typed_form_field_is_named_and_nothing_is_written(bare_app, tmp_path):
    payload = example(bare_app)
    payload["form"]["end_date"] = "next spring"
    payload["form"]["recipient_type"] = ["agency", "person"]
    payload["client"]["date_of_birth"] = "04/03/1985"
    assert render_invalid(bare_app, tmp_path, payload) == [
        "client.date_of_birth",
        "form.end_date",
        "form.recipient_type",
    ]


def test_a_blank_element_is_named_even_when_another_field_is_invalid(bare_app, tmp_path):
    payload = example(bare_app)
    payload["form"]["recipient_name"] = ""
    payload["form"]["end_date"] = "next spring"
    assert render_invalid(bare_app, tmp_path, payload) == ["form.end_date", "form.recipient_name"]


def test_a_language_without_a_template_exits_1_and_writes_nothing(bare_app, tmp_path):
    out = tmp_path / "out"
    data = str(write_json(tmp_path / "consent.json", example(bare_app)))
    result = run(
        bare_app, "render", "consent_release", "--data", data, "--out", str(out), "--lang", "xx"
    )
    assert result.exit_code == 1
    assert "'xx'" in result.stderr and "available: ar, en, es" in result.stderr
    assert not out.exists()


def test_malformed_json_is_refused_naming_its_line_and_column(bare_app, tmp_path):
    data = tmp_path / "broken.json"
    data.write_text('{\n  "case_number": "C-1",\n  "form": {oops}\n}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run(bare_app, "render", "consent_release", "--data", str(data), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{data}: line 3 column 12: ")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


# Commands that read or write the database: on SQLite and PostgreSQL.


@pytest.mark.soffice
def test_verify_passes_an_intact_archive_and_names_what_was_damaged(app, world, consent_document):
    record = archive_consent(world, consent_document)
    intact = run(app, "verify")
    assert intact.exit_code == 0, intact.output
    assert "intact (checked " in intact.stdout and " UTC)." in intact.stdout  # not the server's day

    path = blob_path(record.pdf_sha256)
    path.chmod(0o640)
    pdf = bytearray(path.read_bytes())
    pdf[len(pdf) // 2] ^= 0x01
    path.write_bytes(bytes(pdf))
    signed = (
        db.session.execute(
            select(AuditEvent.id)
            .where(AuditEvent.action == "document.sign")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .first()
    )
    db.session.execute(
        sa.text("UPDATE audit_event SET ip = '198.51.100.66' WHERE id = :id"), {"id": signed}
    )
    db.session.commit()
    db.session.expire_all()

    damaged = run(app, "verify")
    assert damaged.exit_code == 1
    lines = damaged.stderr.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"DAMAGED {record.reference} ") and "PDF" in lines[0]
    assert lines[1] == f"DAMAGED audit event {signed}: was altered after it was written"
    assert lines[2] == "2 problem(s) found"


def test_init_gives_an_older_agency_its_own_seal_key_and_checkpoints_its_chains(app, world):
    from forms_service.audit import service as audit
    from forms_service.keys import agency_key_dir

    folder = agency_key_dir(Path(app.config["SEAL_KEY_DIR"]), world.agency.id)
    shutil.rmtree(folder)  # made before agencies had keys of their own
    audit.record(world.actor(world.records), "test.event", world.case)
    db.session.commit()
    assert run(app, "init").exit_code == 0
    certificate = x509.load_pem_x509_certificate((folder / "seal.crt").read_bytes())
    assert certificate.subject.rfc4514_string() == f"O={world.agency.name},CN={world.agency.name}"
    assert run(app, "checkpoint").stdout == "0 checkpoint(s) written.\n"  # init wrote it
    audit.record(world.actor(world.records), "test.event", world.case)
    db.session.commit()
    assert run(app, "checkpoint").stdout == "1 checkpoint(s) written.\n"
    assert run(app, "verify").exit_code == 0


def test_init_twice_is_safe_and_keeps_the_seal_key(app):
    first = run(app, "init")
    assert first.exit_code == 0, first.output
    key_line = next(line for line in first.stdout.splitlines() if line.startswith("Seal key: "))
    key_path = key_line.removeprefix("Seal key: ")
    with open(key_path, "rb") as f:
        key = f.read()
    second = run(app, "init")
    assert second.exit_code == 0, second.output
    with open(key_path, "rb") as f:
        assert f.read() == key
    # One row per head: parallel branches of migrations (e.g. two areas' schema changes made
    # from the same revision) are each upgraded, once.
    heads = ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config(
            current_app.extensions["migrate"].directory
        )
    ).get_heads()
    versions = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
    assert sorted(versions) == sorted(heads)


def test_init_sets_the_agencys_time_zone_and_refuses_an_unknown_one(app, world):
    refused = run(app, "init", "--time-zone", "America/St_Louis")
    assert refused.exit_code == 2 and "--time-zone" in refused.output
    assert "“America/St_Louis” is not a time zone name" in refused.output
    assert run(app, "demo", "--time-zone", "CST").exit_code == 2
    done = run(app, "init", "--time-zone", "America/Denver")
    assert done.exit_code == 0, done.output
    assert "Time zone of Gateway Housing Services: America/Denver" in done.stdout
    db.session.expire_all()
    assert world.agency.time_zone == "America/Denver"
    event = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "agency.settings"))
        .scalars()
        .first()
    )
    assert event.details["changes"]["time_zone"] == {
        "from": "America/Chicago",
        "to": "America/Denver",
    }


@pytest.mark.soffice
def test_demo_loads_one_agency_and_files_a_records_tour_once_and_verify_passes(app):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    logins = [line.split()[-1] for line in first.stdout.splitlines()[1:]]
    assert len(logins) == 4 and all(login.endswith("@gateway.example") for login in logins)

    def contents():
        db.session.expire_all()
        return (
            count(Agency),
            sorted(db.session.execute(select(User.role)).scalars()),
            count(Client),
            count(Case, Case.status == "open"),
            sorted(
                (d.client.first_name, d.form_type, d.language, d.version, d.status)
                for d in db.session.execute(select(Document)).scalars()
            ),
            count(ArchiveRecord),
            count(AuditEvent),
        )

    loaded = contents()
    assert loaded[:4] == (1, sorted(Role), 3, 3)
    assert loaded[4] == [
        ("Amina", "consent_release", "ar", 1, "archived"),
        ("James", "consent_release", "en", 1, "archived"),
        ("James", "revocation_letter", "en", 1, "archived"),  # mailed to St. Patrick Center
        ("María José", "case_plan", "es", 1, "archived"),
        ("María José", "case_plan", "es", 2, "archived"),
        ("María José", "client_rights", "es", 1, "archived"),
    ]
    assert loaded[5] == 6 and count(ArchiveSupersession) == 1  # plan v1 by v2
    assert [end.reason for end in db.session.execute(select(ReleaseEnd)).scalars()] == ["revoked"]
    assert {case.client_id for case in db.session.execute(select(Case)).scalars()} == set(
        db.session.execute(select(Client.id)).scalars()
    )
    assert count(CaseGrant) == 3 and count(Grant, Grant.closeout_on.is_(None)) == 3

    second = run(app, "demo")
    assert second.exit_code == 0, second.output
    assert contents() == loaded
    assert second.stdout == first.stdout
    verified = run(app, "verify")
    assert verified.exit_code == 0, verified.output
    assert db.session.execute(select(Agency.time_zone)).scalar_one() == "America/Chicago"
    moved = run(app, "demo", "--time-zone", "America/New_York")
    assert moved.exit_code == 0, moved.output
    db.session.expire_all()
    assert db.session.execute(select(Agency.time_zone)).scalar_one() == "America/New_York"


def test_send_test_message_sends_an_email_at_once(app, channels):
    mail_server, _ = channels
    result = run(app, "send-test-message", "--email", "ops@example.net")
    assert result.exit_code == 0, result.output
    (mail,) = mail_server.arrived
    assert mail["To"] == "ops@example.net" and "settings work" in mail.get_payload()


def test_send_test_message_sends_a_text_message_at_once(app, channels):
    _, sms = channels
    result = run(app, "send-test-message", "--sms", "+13145550123")
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in sms.arrived] == ["+13145550123"]
    assert "SM" in result.output


def test_send_test_message_exits_non_zero_with_the_reason(app, channels):
    _, sms = channels
    sms.refuse = {"+1555"}
    refused = run(app, "send-test-message", "--sms", "+1555")
    app.config["SMTP_URL"] = ""
    unset = run(app, "send-test-message", "--email", "ops@example.net")

    assert refused.exit_code == 1 and "not a valid phone number" in refused.output
    assert unset.exit_code == 1 and "FORMS_SMTP_URL is empty" in unset.output


def test_a_second_beat_refuses_to_run(app):
    from forms_service.rendering.queue import scheduler_lock

    running = scheduler_lock(app.instance_path)  # the scheduler already running
    try:
        result = run(app, "beat")
    finally:
        running.close()

    assert result.exit_code == 1
    assert "Another forms-service beat is running" in result.stderr


def test_a_render_worker_without_the_instance_s_seal_keys_refuses_to_start(app, tmp_path):
    app.config["SEAL_KEY_DIR"] = str(tmp_path / "not-shared")
    result = run(app, "worker")
    assert result.exit_code == 1
    assert "Point FORMS_SEAL_KEY_DIR at the folder" in result.stderr


def test_a_render_worker_runs_below_the_web_service(app, monkeypatch):
    """Nice 10, as its converters: sign-ins and pages on the same machine get the CPU first
    (with 50 clients signing at once, a staff sign-in's p95 went 3.1 s -> 1.3 s)."""
    from forms_service.rendering import queue, resources, service, tasks

    nice, started, settled = [], [], []
    monkeypatch.setattr(cli.os, "nice", nice.append)
    monkeypatch.setattr(cli.process, "settle", lambda: settled.append(True))
    monkeypatch.setattr(resources, "start_converters", lambda: None)
    monkeypatch.setattr(service, "warm_seal", lambda: None)

    class Worker:
        def __init__(self, **options):
            self.options = options

        def start(self):
            started.append(self.options)

    monkeypatch.setattr(tasks.celery_app, "Worker", Worker)
    ensure_seal_key(Path(app.config["SEAL_KEY_DIR"]))
    result = run(app, "worker")
    assert result.exit_code == 0, result.output
    assert nice == [queue.RUNNER_NICENESS] and queue.RUNNER_NICENESS >= 10
    assert started and started[0]["pool"] == "threads"
    assert started[0]["queues"] == "celery,celery.prepare"  # renders, and forms to convert
    assert settled  # see tests/test_process.py
