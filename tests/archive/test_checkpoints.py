"""Integrity that does not trust the database: someone who can write to the database, and
recomputes every hash in it so that it agrees with itself, is still named by `verify`,
because signed checkpoints beside the blobs say what the chains were."""

import base64
import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from cryptography.hazmat.primitives import serialization
from flask import current_app
from sqlalchemy import select

import forms_service
from forms_service.archive import integrity
from forms_service.archive.models import ArchiveRecord
from forms_service.archive.service import blob_store, link_hash, record_hash, verify_records
from forms_service.audit import chains
from forms_service.audit import service as audit
from forms_service.audit.models import AuditEvent, ChainHead
from forms_service.database import utcnow
from forms_service.extensions import db
from forms_service.keys import (
    INSTANCE_SEAL_NAME,
    agency_key_dir,
    certificate_made_at,
    ensure_seal_key,
)
from forms_service.rendering.resources import seal_certificates, seal_signer
from signatures.seal import UNTRUSTED, check_seal, seal_pdf
from tests.archive.conftest import tiny_pdf


def problems() -> list[str]:
    """What `verify` says beyond the seals of the tiny unsealed PDFs these records file."""
    db.session.expire_all()
    found = [str(p) for p in integrity.verify_checkpoints()]
    found += [f"audit {p.event_id}: {p.reason}" for p in audit.verify_chain()]
    found += [
        f"{d.record.reference} {d.kind}: {d.reason}"
        for d in verify_records()
        if not d.reason.startswith("seal")
    ]
    return found


def events(world, record, count=4) -> list[AuditEvent]:
    made = [audit.record(world.actor(world.records), f"test.{i}", record) for i in range(count)]
    db.session.commit()
    return made


def chain_of(agency) -> list[AuditEvent]:
    return list(db.session.execute(audit.chain_events(str(agency.id))).scalars())


def recompute_audit_chain(agency) -> None:
    """What an attacker who read the code does after an edit: every link and the head."""
    prev = chains.GENESIS
    rows = chain_of(agency)
    for seq, event in enumerate(rows, start=1):
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = audit.event_hash(event)
    head = db.session.get(ChainHead, f"audit:{agency.id}")
    head.count, head.last_hash = len(rows), prev
    db.session.commit()


def recompute_archive_chain(agency) -> None:
    prev = chains.GENESIS
    rows = db.session.execute(
        select(ArchiveRecord)
        .where(ArchiveRecord.agency_id == agency.id)
        .order_by(ArchiveRecord.seq)
    ).scalars()
    count = 0
    for count, record in enumerate(rows, start=1):
        record.record_sha256 = record_hash(record)
        record.seq, record.chain_sha256 = count, link_hash(prev, count, record.record_sha256)
        prev = record.chain_sha256
    head = db.session.get(ChainHead, f"archive:{agency.id}")
    head.count, head.last_hash = count, prev
    db.session.commit()


def delete_record(record) -> None:
    for table in ("archive_text", "archive_search", "archive_record"):
        column = "record_id" if table == "archive_text" else "id"
        db.session.execute(
            sa.text(f"DELETE FROM {table} WHERE {column} = :id"),  # noqa: S608
            {"id": record.id.hex if db.engine.dialect.name == "sqlite" else record.id},
        )
    db.session.commit()


def test_an_untouched_archive_verifies_against_its_checkpoints(world, make_record):
    record = make_record()
    events(world, record)
    make_record(case=world.other_case)
    integrity.checkpoint_due()
    assert problems() == []
    assert blob_store().checkpoint_owners() == sorted(
        [str(world.agency.id), str(world.other_agency.id)]
    )


def test_trimmed_audit_events_with_the_head_rewound_are_named(world, make_record):
    record = make_record()
    trimmed = [(event.seq, event.id) for event in events(world, record)[2:]]
    integrity.write_checkpoint(world.agency.id)
    db.session.execute(sa.text("DELETE FROM audit_event WHERE id >= :id"), {"id": trimmed[0][1]})
    db.session.commit()
    recompute_audit_chain(world.agency)
    assert list(audit.verify_chain()) == []  # the database agrees with itself
    found = problems()
    assert len(found) == 2, found
    for (seq, event_id), line in zip(trimmed, found, strict=True):
        assert line.startswith(f"DAMAGED audit events of {world.agency.name}: #{seq} ")
        assert f"(id {event_id}), recorded by checkpoint #2 of " in line
        assert line.endswith("is missing from the database")


def test_an_edited_audit_event_with_the_chain_recomputed_is_named(world, make_record):
    record = make_record()
    made = events(world, record)
    integrity.write_checkpoint(world.agency.id)
    db.session.execute(
        sa.text("UPDATE audit_event SET actor = 'someone' WHERE id = :id"), {"id": made[1].id}
    )
    db.session.commit()
    recompute_audit_chain(world.agency)
    assert list(audit.verify_chain()) == []
    found = problems()
    # The edited event first; every later one hashes differently too, so each is named.
    assert found[0].startswith(
        f"DAMAGED audit event {made[1].id}: #{made[1].seq} of {world.agency.name} differs "
        "from checkpoint #2 of "
    )
    assert found[0].endswith(": it was rewritten")
    assert [line.split(":")[0] for line in found] == [
        f"DAMAGED audit event {event.id}" for event in made[1:]
    ]


def test_files_swapped_between_agencies_with_record_hashes_recomputed_are_named(world, make_record):
    ours, theirs = make_record(), make_record(case=world.other_case)
    integrity.checkpoint_due()
    ours.pdf_sha256, theirs.pdf_sha256 = theirs.pdf_sha256, ours.pdf_sha256
    db.session.commit()
    recompute_archive_chain(world.agency)
    recompute_archive_chain(world.other_agency)
    found = problems()
    assert len(found) == 2, found
    for record, agency in ((ours, world.agency), (theirs, world.other_agency)):
        (line,) = [line for line in found if record.reference in line]
        assert line.startswith(f"DAMAGED {record.reference} (record {record.id}): #1 of ")
        assert f"{agency.name}'s records differs from checkpoint #1 of " in line
        assert line.endswith(
            f"which filed {record.reference} there: its fields or files were changed"
        )


def test_a_deleted_archive_record_is_named(world, make_record):
    first, gone, last = make_record(), make_record(), make_record()
    last_ref, last_id = last.reference, last.id
    delete_record(gone)
    recompute_archive_chain(world.agency)
    found = problems()
    # The one deleted is named; the one after it moved up into its number, so it is too.
    assert found[0].startswith(f"DAMAGED {last_ref} (record {last_id}): #2 of ")
    assert found[1].startswith(
        f"DAMAGED records of {world.agency.name}: #3 ({last_ref}), recorded by checkpoint #3 of "
    )
    assert len(found) == 2 and first.reference not in "".join(found)


def test_the_newest_record_deleted_and_its_chain_rewound_is_named(world, make_record):
    make_record()
    newest = make_record()
    reference = newest.reference
    delete_record(newest)
    recompute_archive_chain(world.agency)
    found = problems()
    assert len(found) == 1, found
    assert found[0].startswith(
        f"DAMAGED records of {world.agency.name}: #2 ({reference}), recorded by checkpoint #2 of "
    )


def test_a_replaced_checkpoint_fails_its_signature(world, make_record, tmp_path):
    """Rewritten to agree with an edited database: as it was, or signed again with a key of
    the attacker's own."""
    make_record()
    store = blob_store()
    path = store.root / "checkpoints" / str(world.agency.id) / "000000000001.json"
    signed = json.loads(path.read_bytes())
    signed["checkpoint"]["chains"]["archive"]["entries"] = []
    path.chmod(0o640)
    path.write_text(json.dumps(signed))
    damaged = (
        f"DAMAGED checkpoint #1 of {world.agency.name}: its signature is not the seal key's "
        "(replaced or altered)"
    )
    assert problems()[0] == damaged
    key = serialization.load_pem_private_key(
        ensure_seal_key(tmp_path / "attacker").read_bytes(), password=None
    )
    body = integrity._canonical(signed["checkpoint"])
    signed["signature"] = base64.b64encode(integrity._sign(key, body)).decode()
    path.write_text(json.dumps(signed))
    assert problems()[0] == damaged


def test_a_deleted_checkpoint_is_named(world, make_record):
    for _ in range(3):
        make_record()
    store = blob_store()
    owner = str(world.agency.id)
    (store.root / "checkpoints" / owner / "000000000002.json").unlink()
    found = problems()
    assert f"DAMAGED checkpoints of {world.agency.name}: #2 is missing" in found
    (store.root / "checkpoints" / owner / "000000000003.json").unlink()
    found = problems()
    assert (
        f"DAMAGED checkpoints of {world.agency.name}: the newest: #2–#3 are missing from the store"
        in found
    )


def test_a_record_filed_after_the_newest_checkpoint_is_named(world, make_record):
    make_record()
    later = make_record(checkpoint=False)
    assert problems() == [
        f"DAMAGED {later.reference} (record {later.id}): was filed after the newest checkpoint "
        f"of {world.agency.name}: a newer checkpoint is missing, or was never written "
        "(`forms-service checkpoint` writes one)"
    ]
    integrity.checkpoint_due()
    assert problems() == []


def test_a_periodic_checkpoint_is_written_only_when_a_chain_moved(world, make_record):
    record = make_record()
    assert integrity.checkpoint_due() == []  # the filing wrote #1
    events(world, record, 1)
    assert integrity.checkpoint_due() == [2]
    assert integrity.checkpoint_due() == []


def sealed_by(agency, label: str) -> bytes:
    return seal_pdf(
        tiny_pdf(1, label), seal_signer(agency.id, agency.name), reason="test", location=""
    )


def test_each_agency_seals_with_its_own_key_named_after_it(world):
    pdf = sealed_by(world.agency, "ours")
    assert check_seal(pdf, seal_certificates(world.agency.id)).signer == world.agency.name
    assert check_seal(pdf, seal_certificates(world.agency.id, utcnow())).ok
    other = check_seal(pdf, seal_certificates(world.other_agency.id, utcnow()))
    assert not other.trusted and other.signer == world.agency.name


def test_a_file_moved_under_another_agency_fails_its_seal_naming_who_sealed_it(world, make_record):
    ours = make_record(pdf=sealed_by(world.agency, "ours"))
    theirs = make_record(case=world.other_case, pdf=sealed_by(world.other_agency, "theirs"))
    ours.pdf_sha256, theirs.pdf_sha256 = theirs.pdf_sha256, ours.pdf_sha256
    db.session.commit()
    recompute_archive_chain(world.agency)
    recompute_archive_chain(world.other_agency)
    db.session.expire_all()
    seals = sorted((d.record.reference, d.reason) for d in verify_records() if d.kind == "pdf")
    assert seals == sorted(
        [
            (ours.reference, f"seal: {UNTRUSTED} (sealed by {world.other_agency.name})"),
            (theirs.reference, f"seal: {UNTRUSTED} (sealed by {world.agency.name})"),
        ]
    )


def test_records_sealed_with_the_instance_key_before_agency_keys_still_verify(world, make_record):
    """An instance upgraded from one seal key: what it sealed before keeps verifying; what
    the old key seals after the agency got its own does not."""
    instance = seal_signer()
    old = tiny_pdf(1, "old")
    sealed = seal_pdf(old, instance, reason="test", location="")
    made = certificate_made_at(
        agency_key_dir(Path(current_app.config["SEAL_KEY_DIR"]), world.agency.id) / "seal.crt"
    )
    make_record(pdf=sealed, signed_at=made - timedelta(days=30))  # filed then
    later = seal_pdf(tiny_pdf(1, "new"), instance, reason="test", location="")
    after = make_record(pdf=later, signed_at=made + timedelta(minutes=1))
    db.session.expire_all()
    seals = {d.record.reference: d.reason for d in verify_records() if d.kind == "pdf"}
    assert seals == {after.reference: f"seal: {UNTRUSTED} (sealed by {INSTANCE_SEAL_NAME})"}


def test_records_filed_before_chains_are_chained_at_the_upgrade_as_when_filed(world, make_record):
    """The migration that added the chains numbers the records already filed, with its own
    frozen copy of the rule: it must agree with the service's."""
    (path,) = (Path(forms_service.__file__).parent / "migrations" / "versions").glob(
        "*_d5e1c0a7b3f2_*.py"
    )
    spec = importlib.util.spec_from_file_location("chains_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    march = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    records = [make_record(signed_at=march + timedelta(hours=h), checkpoint=False) for h in (0, 1)]
    filed = [(r.seq, r.chain_sha256) for r in records]
    db.session.execute(sa.text("UPDATE archive_record SET seq = NULL, chain_sha256 = NULL"))
    db.session.execute(sa.text("DELETE FROM chain_head WHERE chain LIKE 'archive:%'"))
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration._chain_existing_records()
    db.session.commit()
    db.session.expire_all()
    assert [(r.seq, r.chain_sha256) for r in records] == filed
    head = db.session.get(ChainHead, f"archive:{world.agency.id}")
    assert (head.count, head.last_hash) == filed[-1]
