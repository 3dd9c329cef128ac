"""Archive search: every criterion narrows within the actor's agency; names are found ignoring
case and accents, by part, and on PostgreSQL despite a typo; results are paged and sorted."""

from datetime import UTC, date, datetime
from itertools import product

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, true

from forms_service.archive.models import (
    SEARCHED,
    ArchiveDisposal,
    ArchiveNameWord,
    ArchiveSearchRow,
    ArchiveSupersession,
)
from forms_service.archive.search import (
    COUNT_WALK,
    PER_PAGE,
    WALKABLE,
    Criteria,
    build_query,
    capped_count,
    gathered,
    near_words,
    search,
    share,
)
from forms_service.archive.status import statuses
from forms_service.audit.models import AuditEvent
from forms_service.cases.service import create_client, open_case
from forms_service.errors import InvalidInput, PermissionDenied
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows.consent import revoke
from tests.conftest import CONSENT, MIGRATIONS, archive_consent

SEARCH_ROWS_PARENT = "cbd0df38c3e1"  # the migration before the search rows


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC).replace(
        hour=12
    )


def found(world, **criteria) -> list:
    return search(world.actor(world.records), Criteria(**criteria)).records


@pytest.fixture
def second_case(world):
    client = create_client(world.agency, "Ana", "López García", date(1970, 5, 6))
    case = open_case(client, world.case_manager, "Shelter", date(2026, 1, 5))
    db.session.commit()
    return case


def test_a_name_is_found_ignoring_case_and_accents_and_by_part(world, make_record):
    record = make_record()
    for name in ["NUNEZ", "maría", "jos", "Núñez", "maria nunez", "NÚÑEZ  José"]:
        assert found(world, name=name) == [record], name
    for name in ["garcia", "maria garcia", "%", "_", "\\"]:
        assert found(world, name=name) == [], name


def test_a_name_of_one_or_two_letters_is_a_word_or_its_start_not_a_piece_of_one(world, make_record):
    """ "Lê" means the Lês (and "Ma" may start María): not every "Alejandro" and "Miller", and
    not a read of the whole archive (no index looks up two letters inside names)."""

    def case_of(first: str, last: str):
        client = create_client(world.agency, first, last, date(1980, 1, 2))
        return open_case(client, world.case_manager, "Shelter", date(2026, 1, 5))

    le = make_record(case=case_of("Minh", "Lê"))
    miller = make_record(case=case_of("Alejandro", "Miller"))
    maria = make_record()
    assert found(world, name="Lê") == [le]
    assert found(world, name="le minh") == [le]
    assert found(world, name="ma") == [maria]
    assert set(found(world, name="ler")) == {miller}  # three letters: part of a name again
    assert found(world, name="j") == [maria]


def test_a_name_with_a_typo_is_found_on_postgresql_through_trigrams(world, make_record):
    record = make_record()
    expected = [record] if db.engine.dialect.name == "postgresql" else []
    assert found(world, name="nunes") == expected
    assert found(world, name="maria nunes") == expected


def test_near_misses_count_only_when_nothing_matches_as_typed(world, make_record):
    nunez = make_record()
    client = create_client(world.agency, "Ana", "Nunes", date(1970, 5, 6))
    nunes = make_record(case=open_case(client, world.case_manager, "Shelter", date(2026, 1, 5)))
    db.session.commit()
    # Each name as typed finds its own client only: the near miss is not shown beside it.
    assert found(world, name="nunez") == [nunez]
    assert found(world, name="nunes") == [nunes]
    # Nothing as typed: the near misses, on PostgreSQL.
    fuzzy = db.engine.dialect.name == "postgresql"
    assert sorted(found(world, name="nunex"), key=str) == (
        sorted([nunez, nunes], key=str) if fuzzy else []
    )


def test_no_criteria_find_nothing(world, make_record):
    make_record()
    page = search(world.actor(world.records), Criteria(name="   "))
    assert (page.records, page.total) == ([], 0)


def test_each_criterion_narrows_the_search(world, make_record, second_case):
    early = make_record(signed_at=at("2026-01-10"), signer="Sam Okafor")
    late = make_record(signed_at=at("2026-06-10"), form_type="case_plan", signer="Dana Whitfield")
    other = make_record(case=second_case, signed_at=at("2026-03-10"), signer="Ana López García")

    assert found(world, client_id=str(world.client.id)) == [late, early]
    assert found(world, case_number=second_case.number.lower()) == [other]
    assert found(world, form_type="case_plan") == [late]
    assert found(world, signed_from=date(2026, 3, 10), signed_to=date(2026, 3, 10)) == [other]
    assert found(world, signed_from=date(2026, 1, 11)) == [late, other]
    assert found(world, signer="whitfield") == [late]
    assert found(world, signer="lopez") == [other]
    assert found(world, name="nunez", form_type="consent_release") == [early]


def test_status_comes_from_supersession_and_disposal(world, make_record):
    v1 = make_record(signed_at=at("2026-01-10"))
    v2 = make_record(signed_at=at("2026-02-10"), supersedes=v1)
    gone = make_record(signed_at=at("2025-01-10"))
    db.session.add(
        ArchiveSupersession(
            agency_id=v1.agency_id,
            record_id=v1.id,
            by_record_id=v2.id,
            reason="Updated",
            at=at("2026-02-10"),
        )
    )
    db.session.add(ArchiveDisposal(record_id=gone.id, due_on=date(2026, 1, 1), rule="t", by="t"))
    db.session.commit()

    page = search(world.actor(world.records), Criteria(name="nunez"))
    assert page.statuses == {v1.id: "superseded", v2.id: "active", gone.id: "disposed"}
    assert found(world, name="nunez", status="active") == [v2]
    assert found(world, name="nunez", status="superseded") == [v1]
    assert found(world, name="nunez", status="disposed") == [gone]
    assert found(world, name="nunez", status="revoked") == []


def test_in_force_on_a_date_means_signed_by_then_and_not_yet_replaced(world, make_record):
    v1 = make_record(signed_at=at("2026-01-10"))
    v2 = make_record(signed_at=at("2026-03-02"), supersedes=v1)
    db.session.add(
        ArchiveSupersession(
            agency_id=v1.agency_id,
            record_id=v1.id,
            by_record_id=v2.id,
            reason="New",
            at=at("2026-03-02"),
        )
    )
    db.session.commit()
    assert found(world, name="nunez", in_force_on=date(2026, 1, 9)) == []
    assert found(world, name="nunez", in_force_on=date(2026, 1, 10)) == [v1]
    assert found(world, name="nunez", in_force_on=date(2026, 3, 1)) == [v1]
    assert found(world, name="nunez", in_force_on=date(2026, 3, 2)) == [v2, v1]  # both that day
    assert found(world, name="nunez", in_force_on=date(2026, 3, 3)) == [v2]


def test_results_are_paged_and_sorted(world, make_record, second_case):
    records = [make_record(signed_at=at(f"2026-01-{day:02d}")) for day in range(1, 28)]
    other = make_record(case=second_case, signed_at=at("2025-12-31"))
    actor = world.actor(world.records)
    first = search(actor, Criteria(form_type="consent_release"))
    assert (first.total, first.pages, len(first.records)) == (28, 2, PER_PAGE)
    assert first.records[:2] == [records[-1], records[-2]]
    second = search(actor, Criteria(form_type="consent_release", page=2))
    assert second.records == [records[1], records[0], other]
    assert search(actor, Criteria(form_type="consent_release", sort="oldest")).records[:2] == [
        other,
        records[0],
    ]
    assert (
        search(actor, Criteria(form_type="consent_release", sort="client")).records[0] == other
    )  # "ana …"


def test_invalid_criteria_are_refused_naming_the_field(world):
    actor = world.actor(world.records)
    cases = {
        "client_id": Criteria(client_id="not-a-client"),
        "signed_to": Criteria(signed_from=date(2026, 2, 1), signed_to=date(2026, 1, 1)),
        "status": Criteria(status="lost"),
        "sort": Criteria(name="a", sort="id; drop table"),
        "page": Criteria(name="a", page=0),
    }
    for name, criteria in cases.items():
        with pytest.raises(InvalidInput) as refused:
            search(actor, criteria)
        assert list(refused.value.errors) == [name]


def test_only_records_staff_and_admins_search_and_only_their_agency(world, make_record):
    make_record()
    for who in (world.case_manager, world.supervisor):
        with pytest.raises(PermissionDenied):
            search(world.actor(who), Criteria(name="nunez"))
    assert len(search(world.actor(world.admin), Criteria(name="nunez")).records) == 1
    stranger = world.actor(world.other_records)
    assert search(stranger, Criteria(name="nunez")).records == []
    assert search(stranger, Criteria(client_id=str(world.client.id))).records == []


def test_every_search_is_audited_with_its_criteria(world, make_record):
    make_record()
    search(world.actor(world.records), Criteria(name="nunez", status="active"))
    event = db.session.query(AuditEvent).filter_by(action="archive.search").one()
    assert event.details == {"criteria": {"name": "nunez", "status": "active"}, "results": 1}


def test_revoked_and_expired_releases_come_from_the_consent_lifecycle(world, make_record):
    revoked = make_record()
    expired = make_record(data={**CONSENT, "end_date": "2026-06-30", "end_event": ""})
    kept = make_record()
    revoke(world.actor(world.case_manager), revoked.document, at("2026-04-01"))
    db.session.commit()
    assert found(world, name="nunez", status="revoked") == [revoked]
    assert found(world, name="nunez", status="expired") == [expired]
    assert set(found(world, name="nunez", status="active")) == {kept}
    assert set(found(world, name="nunez", in_force_on=date(2026, 3, 15))) == {
        revoked,
        expired,
        kept,
    }
    assert set(found(world, name="nunez", in_force_on=date(2026, 5, 1))) == {expired, kept}
    assert set(found(world, name="nunez", in_force_on=date(2026, 8, 1))) == {kept}


def test_the_status_shown_on_a_record_comes_from_its_form_types_spec(
    world, make_record, monkeypatch
):
    """The archive knows no form type: a plan whose data has a past end date is not
    "expired", until its spec's `ended_records` hook says which of its records are."""
    plan = make_record(form_type="case_plan", data={**CONSENT, "end_date": "2026-06-30"})
    assert statuses([plan.id]) == {plan.id: "active"}
    assert found(world, name="nunez", status="expired") == []
    spec = type(get_form_type("case_plan"))
    monkeypatch.setattr(spec, "ended_records", lambda self, status, zone, before=None: true())
    assert statuses([plan.id]) == {plan.id: "expired"}
    assert found(world, name="nunez", status="expired") == [plan]


def test_dates_are_the_agencys_days_an_evening_in_st_louis_is_not_the_next_day(world, make_record):
    """Signed at 8 p.m. on December 5 in St. Louis (02:00 UTC on December 6)."""
    evening = make_record(signed_at=datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    assert found(world, signed_from=date(2026, 12, 5), signed_to=date(2026, 12, 5)) == [evening]
    assert found(world, signed_from=date(2026, 12, 6)) == []
    assert found(world, name="nunez", in_force_on=date(2026, 12, 5)) == [evening]


def test_a_common_search_walks_and_finds_what_the_index_finds_in_the_same_order(
    world, make_record, second_case
):
    """On PostgreSQL a search common among the agency's newest records (a common surname,
    "superseded", a word of every document) reads the records in the page's order and tests
    each: it finds the same records, in the same order (ties by signing time included), and
    the same count as the index's form of it, in every order it walks."""
    nunez = [make_record(signed_at=at(f"2026-02-{day:02d}"), signer="Li Wu") for day in (1, 3)]
    nunez.append(make_record(signed_at=at("2026-02-03"), data={"goal": "Maple Street"}))
    lopez = [make_record(case=second_case, signed_at=at(f"2026-02-0{d}")) for d in (2, 3, 4)]
    db.session.add(
        ArchiveSupersession(
            agency_id=world.agency.id,
            record_id=lopez[0].id,
            by_record_id=lopez[1].id,
            reason="Updated",
            at=at("2026-02-03"),
        )
    )
    db.session.commit()
    by_time = sorted([*nunez, *lopez], key=lambda r: (-r.signed_at.timestamp(), r.id))
    expected = {  # the records each search means, newest first
        Criteria(name="nunez"): [r for r in by_time if r in nunez],
        Criteria(name="Lopez, ANA"): [r for r in by_time if r in lopez],
        Criteria(name="a"): [r for r in by_time if r in lopez],  # "Ana": a word's start
        Criteria(signer="wu"): [r for r in by_time if r in nunez[:2]],
        Criteria(case_number=second_case.number[2:]): [r for r in by_time if r in lopez],
        Criteria(status="superseded"): [lopez[0]],
        Criteria(text="maple", name="jose"): [nunez[2]],
        Criteria(name="nunez 100%_"): [],
    }
    staff = world.actor(world.records)
    for criteria, records in expected.items():
        assert search(staff, criteria).records == records, criteria
    past_the_end = search(staff, Criteria(name="jos", page=2))
    assert (past_the_end.records, past_the_end.total) == ([], len(nunez))
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite's plans read so few records that it never walks
    execute, agency = db.session.execute, world.agency.id
    for criteria, near in product(
        [*expected, Criteria(name="nunes"), Criteria(case_number="2026")],
        (None, "the agency's words"),  # near misses tested on each row, or looked up first
    ):
        if near:
            near = near_words(execute, agency, criteria.name, criteria.signer)
        for order in WALKABLE:
            sorted_ = Criteria(**{**criteria.__dict__, "sort": order})
            indexed = build_query(agency, sorted_, True, "postgresql", near=near)
            walked = build_query(agency, sorted_, True, "postgresql", True, near)
            found = [row.id for row in execute(indexed).scalars()]
            rows = execute(gathered(indexed, order, 0)).all()
            assert [row.id for row in rows] == found and {row.total for row in rows} <= {len(found)}
            assert [row.id for row in execute(walked).scalars()] == found, sorted_
            assert execute(capped_count(walked, walk=True)).scalar_one() == len(found)
            assert (share(execute, agency, walked) > 0) == bool(found), sorted_
    assert share(execute, agency, walked) >= COUNT_WALK  # "2026": the count walks too


def test_a_search_is_planned_for_cached_rows_without_parallel_workers_on_postgresql(
    world, make_record
):
    """Each of its statements reads a few thousand rows at most: starting workers cost more
    than they save (twice the time of "superseded" at a million records); and its rows and
    indexes are read from memory, so an index lookup is priced as one (a disk's price made
    "superseded" read a whole agency's rows: 16 ms against 2)."""
    make_record()
    assert found(world, name="nunez")
    if db.session.get_bind().dialect.name == "postgresql":
        shown = db.session.execute(text("SHOW max_parallel_workers_per_gather")).scalar_one()
        assert shown == "0"
        assert db.session.execute(text("SHOW random_page_cost")).scalar_one() == "1.1"


def test_a_filed_record_is_found_through_the_search_row_filed_with_it(world, consent_document):
    """The search reads a narrow row per record (`archive_search`), written in the filing's
    transaction with the record's own values."""
    record = archive_consent(world, consent_document)
    row = db.session.get(ArchiveSearchRow, record.id)
    assert {c: getattr(row, c) for c in SEARCHED} == {c: getattr(record, c) for c in SEARCHED}
    assert found(world, name="nunez maria") == [record]


def test_the_migration_gives_records_filed_before_it_their_search_rows(app, world, make_record):
    records = [make_record(), make_record(signed_at=at("2026-04-01"), signer="Ana López")]
    db.session.commit()  # the session's connection goes back, its locks with it
    downgrade(directory=MIGRATIONS, revision=SEARCH_ROWS_PARENT)
    upgrade(directory=MIGRATIONS, revision="heads")
    assert found(world, signer="lopez") == [records[1]]
    assert found(world, case_number=world.case.number) == records[::-1]  # newest first
    if db.session.get_bind().dialect.name == "postgresql":  # near misses: the names' words
        assert found(world, signer="okafr") == [records[0]]


def test_near_misses_are_the_agencys_known_name_words_a_typed_word_nearly_is(world, make_record):
    """A typed word that finds nothing is looked up among the words of the names the
    agency's records were filed with (each kept once per agency), and the records are found
    by those words; another agency's words are not its."""
    make_record(signer="Ana Williams")
    make_record(signer="Ana Williams Bell")
    make_record(case=world.other_case, signer="Ana Willians")
    words = db.session.execute(
        select(ArchiveNameWord.word).where(ArchiveNameWord.agency_id == world.agency.id)
    ).scalars()
    assert sorted(words) == ["ana", "bell", "jose", "maria", "nunez", "williams"]
    if db.session.get_bind().dialect.name != "postgresql":
        return
    assert near_words(db.session.execute, world.agency.id, "Williamx") == {
        "williamx": ["williams"]  # not the other agency's "willians"
    }
    assert len(found(world, signer="williamx")) == 2
    # near no single word, a typo may still be near the whole name (two words run together)
    assert len(found(world, name="mariajose")) == 2  # this agency's two
