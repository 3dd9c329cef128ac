"""Tamper detection: one byte of a stored file, one field of an archive record, one audit
event changed after the fact, and `verify` names exactly what was changed."""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

import forms_service
from forms_service.archive.service import verify_records
from forms_service.audit import service as audit
from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from tests.conftest import blob_path


def damage(world) -> list[tuple[str, str]]:
    db.session.expire_all()
    return sorted(
        (d.record.reference, d.kind) for d in verify_records() if not d.reason.startswith("seal")
    )


def test_one_changed_byte_of_a_stored_file_is_named(world, make_record):
    record, intact = make_record(), make_record()
    assert damage(world) == []
    path = blob_path(record.docx_sha256)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[0] ^= 0x01
    path.write_bytes(bytes(data))
    assert damage(world) == [(record.reference, "docx")]
    assert intact.reference not in {name for name, _ in damage(world)}


def test_one_changed_field_of_an_archive_record_is_named(world, make_record):
    record, _ = make_record(), make_record()
    for column, value in [("client_name", "Someone Else"), ("signed_at", "2020-01-01 00:00:00")]:
        original = db.session.execute(
            sa.text(f"SELECT {column} FROM archive_record WHERE reference = :r"),  # noqa: S608
            {"r": record.reference},
        ).scalar_one()
        db.session.execute(
            sa.text(f"UPDATE archive_record SET {column} = :v WHERE reference = :r"),  # noqa: S608
            {"v": value, "r": record.reference},
        )
        db.session.commit()
        assert damage(world) == [(record.reference, "record")], column
        db.session.execute(
            sa.text(f"UPDATE archive_record SET {column} = :v WHERE reference = :r"),  # noqa: S608
            {"v": original, "r": record.reference},
        )
        db.session.commit()
        assert damage(world) == [], column


def test_a_record_whose_hash_was_removed_is_named(world, make_record):
    record = make_record()
    db.session.execute(sa.text("UPDATE archive_record SET record_sha256 = NULL"))
    db.session.commit()
    assert damage(world) == [(record.reference, "record")]


def test_one_changed_audit_event_breaks_the_chain_at_that_event(world, make_record):
    record = make_record()
    for action in ("a", "b", "c"):
        audit.record(world.actor(world.records), f"test.{action}", record)
    db.session.commit()
    assert list(audit.verify_chain()) == []
    middle = db.session.execute(
        select(AuditEvent.id).where(AuditEvent.action == "test.b")
    ).scalar_one()
    db.session.execute(
        sa.text("UPDATE audit_event SET actor = 'someone' WHERE id = :id"), {"id": middle}
    )
    db.session.commit()
    db.session.expire_all()
    problems = list(audit.verify_chain())
    assert [(p.event_id, p.reason) for p in problems] == [
        (middle, "was altered after it was written")
    ]


def test_records_filed_before_record_hashes_get_the_same_hash_at_the_upgrade(world, make_record):
    """The migration that added record hashes computes them for records already filed, with
    its own frozen copy of the rule: it must agree with the service's."""
    (path,) = (Path(forms_service.__file__).parent / "migrations" / "versions").glob(
        "*_bb872d19bdb6_*.py"
    )
    spec = importlib.util.spec_from_file_location("record_hash_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    record = make_record()
    filed = record.record_sha256
    db.session.execute(sa.text("UPDATE archive_record SET record_sha256 = NULL"))
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration._hash_existing_records()
    db.session.commit()
    db.session.expire_all()
    assert record.record_sha256 == filed
