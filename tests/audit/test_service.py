"""The audit trail is append-only and hash-chained: whoever edits or deletes an event in the
database, even with plain SQL, is named by `verify_chain`."""

from concurrent.futures import ThreadPoolExecutor, wait
from itertools import pairwise

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from forms_service.accounts.models import User
from forms_service.accounts.service import SYSTEM, Actor
from forms_service.audit.models import AuditEvent
from forms_service.audit.service import ChainProblem, event_hash, record, verify_chain
from forms_service.cases.models import Case
from forms_service.extensions import db


def five_events(world) -> list[int]:
    actor = world.actor(world.case_manager)
    events = [
        record(actor, "document.create", world.case, form_type="consent_release"),
        record(actor, "document.view", world.case),
        record(world.actor(world.records), "archive.search", query="núñez", results=0),
        record(actor, "document.sign", world.case, signer="María José Núñez"),
        record(SYSTEM, "document.render", world.case, template_version=1),
    ]
    db.session.commit()
    return [e.id for e in events]


def problems() -> list[ChainProblem]:
    db.session.expire_all()
    return list(verify_chain())


def run_sql(statement: str, **params) -> None:
    db.session.execute(sa.text(statement), params)
    db.session.commit()


def test_an_intact_chain_verifies(world):
    ids = five_events(world)
    assert problems() == []
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [e.id for e in events] == ids
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))


def test_an_intact_chain_verifies_in_small_batches(world):
    five_events(world)
    db.session.expire_all()
    assert list(verify_chain(batch=2)) == []


def test_an_altered_audit_event_is_named_by_verify(world):
    ids = five_events(world)
    run_sql("UPDATE audit_event SET actor = 'someone-else@a.example' WHERE id = :id", id=ids[2])
    assert problems() == [ChainProblem(ids[2], "was altered after it was written")]


def test_an_altered_ip_address_is_named_by_verify(world):
    ids = five_events(world)
    run_sql("UPDATE audit_event SET ip = '198.51.100.1' WHERE id = :id", id=ids[0])
    assert problems() == [ChainProblem(ids[0], "was altered after it was written")]


def test_an_edited_event_given_a_fresh_hash_is_caught_by_the_next_link(world):
    ids = five_events(world)
    run_sql("UPDATE audit_event SET actor = 'someone-else@a.example' WHERE id = :id", id=ids[1])
    edited = db.session.get(AuditEvent, ids[1])
    db.session.refresh(edited)
    run_sql("UPDATE audit_event SET hash = :h WHERE id = :id", h=event_hash(edited), id=ids[1])
    assert [p.event_id for p in problems()] == [ids[2]]


def test_a_deleted_middle_event_is_detected(world):
    ids = five_events(world)
    run_sql("DELETE FROM audit_event WHERE id = :id", id=ids[2])
    assert problems() == [
        ChainProblem(ids[3], "does not follow the event before it (one was altered or removed)")
    ]


def test_a_deleted_first_event_is_detected(world):
    ids = five_events(world)
    run_sql("DELETE FROM audit_event WHERE id = :id", id=ids[0])
    assert [p.event_id for p in problems()] == [ids[1]]


def test_deleting_the_newest_events_is_detected(world):
    ids = five_events(world)
    run_sql("DELETE FROM audit_event WHERE id >= :id", id=ids[3])
    assert problems() == [
        ChainProblem(None, f"the newest events of {world.agency.name} were removed")
    ]


def test_deleting_every_event_is_detected(world):
    five_events(world)
    run_sql("DELETE FROM audit_event")
    assert problems() == [
        ChainProblem(None, f"the newest events of {world.agency.name} were removed")
    ]


def test_an_event_carries_the_agency_of_its_actor(world):
    own = record(world.actor(world.case_manager), "document.view", world.other_case)
    other = record(world.actor(world.other_records), "archive.search", query="x")
    system = record(SYSTEM, "document.render", world.case)
    system_without_object = record(SYSTEM, "maintenance")
    db.session.commit()
    assert own.agency_id == world.agency.id  # the actor's, not the object's
    assert other.agency_id == world.other_agency.id
    assert system.agency_id == world.agency.id  # no person acting: the object's agency
    assert system_without_object.agency_id is None
    assert problems() == []


def chain_of(agency) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.agency_id == agency.id).order_by(AuditEvent.seq)
    return db.session.execute(query).scalars().all()


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # SQLite: one writer at a time
def test_an_event_is_chained_as_its_transaction_commits_so_an_open_one_holds_no_other(app, world):
    """A request that recorded an event and is still at work does not hold its agency's
    chain: another request's event is chained and committed meanwhile, and the first takes
    the next number when it commits."""
    supervisor, case = world.supervisor.id, world.case.id
    db.session.commit()
    record(world.actor(world.case_manager), "document.view", world.case)  # still at work

    def another_request():
        with app.app_context():
            actor = Actor(db.session.get(User, supervisor), "203.0.113.9")
            record(actor, "document.view", db.session.get(Case, case))
            db.session.commit()

    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(another_request)
        finished = wait([other], timeout=30).done
        db.session.commit()  # lets it go on, had it waited for this transaction
    assert finished and other.exception() is None, "it waited for the first request's commit"

    assert [(e.seq, e.actor) for e in chain_of(world.agency)] == [
        (1, "sup@a.example (supervisor)"),
        (2, "cm@a.example (case_manager)"),
    ]
    assert problems() == []


def test_events_undone_with_their_savepoint_or_transaction_take_no_place_in_the_chain(world):
    actor = world.actor(world.case_manager)
    db.session.commit()
    record(actor, "document.view", world.case, n=1)
    db.session.rollback()  # a refused request
    with db.session.begin_nested():
        record(actor, "document.view", world.case, n=2)  # kept: its savepoint is released
    savepoint = db.session.begin_nested()
    record(actor, "document.view", world.case, n=3)
    savepoint.rollback()  # a row of a bulk dry run
    record(actor, "document.view", world.case, n=4)
    db.session.commit()

    assert [(e.seq, e.details["n"]) for e in chain_of(world.agency)] == [(1, 2), (2, 4)]
    assert problems() == []
