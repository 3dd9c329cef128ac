"""Integrity that does not trust the database.

Each agency's filed records form a chain (`seq`, `chain_sha256`), as its audit events do
(`audit.service`). A checkpoint, written beside the blobs on every filing and every
`CHECKPOINT_MINUTES` when a chain moved, lists each chain's links since the checkpoint before
(number, id, hash) and its head, names the checkpoint before it by sha256, and is signed with
the owner's seal key (the agency's; the instance's for events of no agency). `verify` checks
the database against every checkpoint, so a row deleted, trimmed, rewritten with every hash
recomputed, or a file filed under another record, is named even when the database agrees
with itself. What the checkpoints cannot see: links made after the newest one (at most one
filing or `CHECKPOINT_MINUTES` of events), and, for someone who can also write to the store,
the newest checkpoint deleted together with those links (see README, "Integrity").
"""

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from flask import current_app
from sqlalchemy import select

from ..accounts.models import Agency
from ..audit import chains
from ..audit.models import AuditEvent, ChainHead
from ..audit.service import LEGACY, chain_events, owner_name
from ..database import utcnow
from ..extensions import db
from ..formatting import date_time
from ..keys import agency_key_dir
from ..rendering.resources import seal_certificate_path, seal_signer
from .models import ArchiveRecord
from .service import blob_store

# --- writing checkpoints -------------------------------------------------------------------


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _agency(owner: str) -> Agency | None:
    return None if owner == chains.INSTANCE else db.session.get(Agency, uuid.UUID(owner))


def _signer(owner: str):
    agency = _agency(owner)
    return seal_signer(agency.id, agency.name) if agency else seal_signer()


def _certificate(owner: str) -> Path:
    if owner == chains.INSTANCE or current_app.config["SEAL_PKCS12"]:
        return seal_certificate_path()
    return agency_key_dir(Path(current_app.config["SEAL_KEY_DIR"]), owner) / "seal.crt"


def _chains_of(owner: str) -> dict[str, str]:
    """The chains a checkpoint of `owner` covers, by the name it gives them."""
    if owner == chains.INSTANCE:
        return {"audit": "audit:instance", "legacy": LEGACY}
    return {"audit": f"audit:{owner}", "archive": f"archive:{owner}"}


def _entries(owner: str, kind: str, after: int, upto: int) -> list[list]:
    if kind == "legacy" or upto <= after:
        return []
    if kind == "audit":
        query = chain_events(owner).where(AuditEvent.seq > after, AuditEvent.seq <= upto)
        return [[e.seq, e.id, e.hash] for e in db.session.execute(query).scalars()]
    query = (
        select(ArchiveRecord)
        .where(ArchiveRecord.agency_id == uuid.UUID(owner))
        .where(ArchiveRecord.seq > after, ArchiveRecord.seq <= upto)
        .order_by(ArchiveRecord.seq)
    )
    return [
        [r.seq, str(r.id), r.reference, r.record_sha256, r.chain_sha256]
        for r in db.session.execute(query).scalars()
    ]


def write_checkpoint(agency_id=None, *, only_if_moved: bool = False) -> int | None:
    """Sign and store the next checkpoint of an agency's chains (of the instance's without
    one); its own unit of work. With `only_if_moved`, none when no chain moved since the last.
    Returns the checkpoint's number."""
    owner = chains.owner_of(agency_id)
    name = f"checkpoint:{owner}"
    number, previous = chains.advance(name)  # holds the checkpoint chain until the commit
    store = blob_store()
    while (taken := store.get_checkpoint(owner, number)) is not None:
        number, previous = number + 1, hashlib.sha256(taken).hexdigest()  # left by a rollback
    before = _read(store.get_checkpoint(owner, number - 1)) if number > 1 else None
    covered = {k: c["count"] for k, c in before["chains"].items()} if before else {}
    heads = {kind: db.session.get(ChainHead, chain) for kind, chain in _chains_of(owner).items()}
    counts = {kind: head.count if head else 0 for kind, head in heads.items()}
    if only_if_moved and all(counts[k] == covered.get(k, 0) for k in counts):
        db.session.rollback()
        return None
    agency = _agency(owner)
    body = {
        "format": 1,
        "owner": owner,
        "owner_name": agency.name if agency else "instance",
        "number": number,
        "at": utcnow().isoformat(),
        "previous": previous if number > 1 else None,
        "chains": {
            kind: {
                "count": counts[kind],
                "head": head.last_hash if head else chains.GENESIS,
                "entries": _entries(owner, kind, covered.get(kind, 0), counts[kind]),
            }
            for kind, head in heads.items()
        },
    }
    signer = _signer(owner)
    key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    data = _canonical(
        {
            "checkpoint": body,
            "signature": base64.b64encode(_sign(key, _canonical(body))).decode(),
            "certificate": base64.b64encode(signer.signing_cert.dump()).decode(),
        }
    )
    store.put_checkpoint(owner, number, data)
    chains.close(name, hashlib.sha256(data).hexdigest(), number)
    db.session.commit()
    return number


def checkpoint_after_filing(agency_id) -> None:
    """A filing's checkpoint; one that fails is logged and left to the periodic one (the
    record is filed all the same, and `verify` names it until a checkpoint covers it)."""
    try:
        write_checkpoint(agency_id)
    except Exception:  # noqa: BLE001 (the store is down: the filing stands)
        db.session.rollback()
        current_app.logger.exception("Checkpoint after a filing failed")


def _sign(key, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def _read(data: bytes | None) -> dict | None:
    try:
        return json.loads(data)["checkpoint"] if data else None
    except (ValueError, KeyError, TypeError):
        return None


def checkpoint_due() -> list[int]:
    """Every owner's checkpoint when one of its chains moved (the periodic checkpoint)."""
    owners = {chains.INSTANCE} | {
        head.chain.split(":", 1)[1]
        for head in db.session.execute(select(ChainHead)).scalars()
        if head.chain.startswith(("audit:", "archive:")) and head.chain != LEGACY
    }
    db.session.rollback()
    written = [write_checkpoint(_owner_id(o), only_if_moved=True) for o in sorted(owners)]
    return [n for n in written if n is not None]


def checkpoint_interval() -> timedelta:
    return timedelta(minutes=current_app.config["CHECKPOINT_MINUTES"])


def _owner_id(owner: str) -> uuid.UUID | None:
    return None if owner == chains.INSTANCE else uuid.UUID(owner)


# --- verifying the database against them ---------------------------------------------------


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"DAMAGED {self.where}: {self.reason}"


def _verified(owner: str, data: bytes) -> dict | None:
    """The checkpoint's content if its signature is the owner's key's, else None."""
    try:
        signed = json.loads(data)
        body = signed["checkpoint"]
        signature = base64.b64decode(signed["signature"])
        cert = x509.load_pem_x509_certificate(_certificate(owner).read_bytes())
        public = cert.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, _canonical(body), padding.PKCS1v15(), hashes.SHA256())
        else:
            public.verify(signature, _canonical(body), ec.ECDSA(hashes.SHA256()))
    except (ValueError, KeyError, TypeError, OSError, InvalidSignature):
        return None
    return body if body.get("owner") == owner else None


def verify_checkpoints() -> Iterator[Problem]:
    """Each owner's checkpoints (signed, numbered without gaps, each naming the one before),
    then its chains in the database against what they recorded."""
    store = blob_store()
    owners = set(store.checkpoint_owners()) | {
        head.chain.split(":", 1)[1]
        for head in db.session.execute(select(ChainHead)).scalars()
        if head.chain.startswith(("archive:", "checkpoint:"))
    }
    for owner in sorted(owners):
        yield from _verify_owner(store, owner)


def _verify_owner(store, owner: str) -> Iterator[Problem]:
    numbers = store.checkpoint_numbers(owner)
    label = owner_name(owner)
    head = db.session.get(ChainHead, f"checkpoint:{owner}")
    if not numbers:
        yield Problem(f"checkpoints of {label}", "none is stored (deleted, or never written)")
        return
    expected = {kind: {} for kind in _chains_of(owner)}
    latest, previous = {}, None
    for want, number in enumerate(numbers, start=1):
        where = f"checkpoint #{number} of {label}"
        if number != want:
            yield Problem(f"checkpoints of {label}", f"{_span(want, number - 1)} missing")
        data = store.get_checkpoint(owner, number)
        body = _verified(owner, data)
        if body is None or body.get("number") != number:
            yield Problem(where, "its signature is not the seal key's (replaced or altered)")
            previous = None
            continue
        if number == want and previous is not None and body["previous"] != previous:
            yield Problem(where, "does not follow the checkpoint before it (one was replaced)")
        previous = hashlib.sha256(data).hexdigest()
        stamp = f"#{number} of {date_time_of(body['at'], owner)}"
        for kind, chain in body["chains"].items():
            latest[kind] = (chain["count"], stamp)
            for entry in chain["entries"]:
                expected.setdefault(kind, {})[entry[0]] = (entry, stamp)
    if head is not None and head.count > numbers[-1]:
        yield Problem(
            f"checkpoints of {label}",
            f"the newest: {_span(numbers[-1] + 1, head.count)} missing from the store",
        )
    yield from _compare_audit(owner, label, expected.get("audit", {}))
    if owner != chains.INSTANCE:
        yield from _compare_archive(
            owner, label, expected.get("archive", {}), latest.get("archive")
        )


def _span(first: int, last: int) -> str:
    return f"#{first} is" if first == last else f"#{first}–#{last} are"


def date_time_of(at: str, owner: str) -> str:
    agency = _agency(owner)
    zone = agency.time_zone if agency else None
    return date_time(datetime.fromisoformat(at), zone=zone) if zone else at


def _compare_audit(owner, label, expected) -> Iterator[Problem]:
    rows = db.session.execute(chain_events(owner).execution_options(yield_per=1000)).scalars()
    for event in rows:
        found = expected.pop(event.seq, None)
        if found is not None and found[0][2] != event.hash:
            yield Problem(
                f"audit event {event.id}",
                f"#{event.seq} of {label} differs from checkpoint {found[1]}: it was rewritten",
            )
    yield from _missing(expected, label, "audit events", lambda e: f"id {e[1]}")


def _compare_archive(owner, label, expected, latest) -> Iterator[Problem]:
    rows = db.session.execute(
        select(ArchiveRecord)
        .where(ArchiveRecord.agency_id == uuid.UUID(owner))
        .order_by(ArchiveRecord.seq)
        .execution_options(yield_per=500)
    ).scalars()
    newest = latest[0] if latest else 0
    for record in rows:
        where = f"{record.reference} (record {record.id})"
        if record.seq is None:
            yield Problem(where, f"is not in the chain of records of {label}")
            continue
        found = expected.pop(record.seq, None)
        if found is None and record.seq <= newest:
            yield Problem(where, f"#{record.seq} of {label}'s records is not in any checkpoint")
        elif found is not None:
            entry, stamp = found
            if entry[1] != str(record.id) or entry[3] != record.record_sha256:
                yield Problem(
                    where,
                    f"#{record.seq} of {label}'s records differs from checkpoint {stamp}, "
                    f"which filed {entry[2]} there: its fields or files were changed",
                )
        elif record.seq > newest:
            yield Problem(
                where,
                f"was filed after the newest checkpoint of {label}: a newer checkpoint is "
                "missing, or was never written (`forms-service checkpoint` writes one)",
            )
    yield from _missing(expected, label, "records", lambda e: e[2])


def _missing(expected, label, what, name) -> Iterator[Problem]:
    """Links a checkpoint recorded that the database no longer has."""
    for seq, (entry, stamp) in sorted(expected.items()):
        yield Problem(
            f"{what} of {label}",
            f"#{seq} ({name(entry)}), recorded by checkpoint {stamp}, is missing from the database",
        )
