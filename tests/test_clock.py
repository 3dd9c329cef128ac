"""The agency's clock: a St. Louis agency (America/Chicago) sees, prints and types St. Louis
times, with the zone named, across the daylight-saving changes of 2027 (March 14, November 7)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from forms_service import clock
from forms_service.accounts.service import create_agency
from forms_service.errors import InvalidInput
from forms_service.formatting import date_time
from forms_service.forms import form_types, get_form_type
from forms_service.workflows import termination as terminations

ST_LOUIS = "America/Chicago"


def plain(text: str) -> str:
    """Babel's no-break spaces as spaces, to compare with what a reader sees."""
    return " ".join(text.split())


def test_a_new_agency_keeps_st_louis_time_unless_given_a_zone(world):
    assert world.agency.time_zone == ST_LOUIS
    valley = create_agency("Valley Shelter", "1 Main St", "555-0101", "America/Denver")
    assert valley.time_zone == "America/Denver"


def test_an_agency_in_an_unknown_time_zone_is_refused_naming_the_field(world):
    with pytest.raises(InvalidInput) as error:
        create_agency("Valley Shelter", "1 Main St", "555-0101", "Mars/Olympus_Mons")
    assert "Mars/Olympus_Mons" in error.value.errors["time_zone"][0]


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 12, 5, 15, 30, tzinfo=UTC), "December 5, 2026, 9:30 AM CST"),
        (datetime(2027, 7, 5, 14, 30, tzinfo=UTC), "July 5, 2027, 9:30 AM CDT"),
        # the night daylight time starts: 1:59 CST is followed by 3:00 CDT
        (datetime(2027, 3, 14, 7, 59, tzinfo=UTC), "March 14, 2027, 1:59 AM CST"),
        (datetime(2027, 3, 14, 8, 0, tzinfo=UTC), "March 14, 2027, 3:00 AM CDT"),
        # the night it ends: 1:30 comes twice, the zone tells them apart
        (datetime(2027, 11, 7, 6, 30, tzinfo=UTC), "November 7, 2027, 1:30 AM CDT"),
        (datetime(2027, 11, 7, 7, 30, tzinfo=UTC), "November 7, 2027, 1:30 AM CST"),
    ],
)
def test_a_time_is_shown_in_the_agencys_zone_with_the_zone_named(utc, shown):
    assert plain(date_time(utc, "en", ST_LOUIS)) == shown


def test_spanish_and_arabic_times_carry_no_english_at(app):
    """Issue 15: the date and time are joined as each language joins them."""
    utc = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)
    spanish = plain(date_time(utc, "es", ST_LOUIS))
    arabic = plain(date_time(utc, "ar", ST_LOUIS))
    assert spanish == "5 de diciembre de 2026, 9:30 hora estándar central"
    assert arabic.startswith("5 ديسمبر 2026، 9:30 ص") and "المركزي" in arabic
    assert " at " not in f" {spanish} {arabic} "


def test_a_time_kept_without_its_zone_is_utc():
    """SQLite returns stored times without their zone: they were stored as UTC."""
    naive = datetime(2026, 12, 5, 15, 30)
    assert plain(date_time(naive, "en", ST_LOUIS)) == "December 5, 2026, 9:30 AM CST"


def test_the_agencys_today_is_its_own_date_not_the_servers(world):
    """At 8 p.m. in St. Louis the server's UTC date is already tomorrow."""
    with time_machine.travel(datetime(2026, 12, 6, 2, 0, tzinfo=UTC), tick=False):
        assert clock.today(world.agency) == date(2026, 12, 5)
    with time_machine.travel(datetime(2026, 12, 6, 6, 0, tzinfo=UTC), tick=False):
        assert clock.today(world.agency) == date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (datetime(2026, 12, 5, 9, 30), datetime(2026, 12, 5, 15, 30, tzinfo=UTC)),  # winter
        (datetime(2027, 7, 5, 9, 30), datetime(2027, 7, 5, 14, 30, tzinfo=UTC)),  # summer
        (datetime(2027, 3, 14, 3, 0), datetime(2027, 3, 14, 8, 0, tzinfo=UTC)),
        (datetime(2027, 11, 7, 2, 0), datetime(2027, 11, 7, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_time_staff_type_is_read_in_the_agencys_zone_and_stored_as_utc(world, typed, stored):
    received = clock.from_local(typed, world.agency, "received_at")
    assert received == stored and received.utcoffset().total_seconds() == 0


def test_a_time_the_clocks_skipped_is_refused_naming_the_field(world):
    """2:30 a.m. on March 14, 2027 never happened in St. Louis."""
    with pytest.raises(InvalidInput) as error:
        clock.from_local(datetime(2027, 3, 14, 2, 30), world.agency, "received_at")
    assert "02:30" in error.value.errors["received_at"][0]
    assert "America/Chicago" in error.value.errors["received_at"][0]


def test_a_time_the_clocks_repeat_is_its_first_occurrence(world):
    """1:30 a.m. on November 7, 2027 happens twice; it is read as the first (still daylight
    time, fold=0), so a revocation never counts from later than it came."""
    received = clock.from_local(datetime(2027, 11, 7, 1, 30), world.agency, "received_at")
    assert received == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)


EVENING_IN_ST_LOUIS = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)  # 7 p.m. on December 5 there


def test_a_date_typed_into_a_form_is_not_in_the_future_by_the_agencys_calendar(world):
    """At 7 p.m. in St. Louis, December 6 has begun on the server but not at the agency."""
    form_class = get_form_type("appeal").form_class
    with time_machine.travel(EVENING_IN_ST_LOUIS, tick=False):
        for typed, refused in (("2026-12-05", False), ("2026-12-06", True)):
            form = form_class(
                formdata=MultiDict({"received_on": typed}),
                meta={"csrf": False},
                agency=world.agency,
            )
            form.validate()
            assert bool(form.received_on.errors) is refused, typed


def test_a_conference_tomorrow_in_st_louis_is_refused_though_the_server_has_reached_it(world):
    def conference(on: date):
        actor = world.actor(world.case_manager)
        return terminations.record_conference(actor, world.case, on, "Client", "Notes")

    with time_machine.travel(EVENING_IN_ST_LOUIS, tick=False):
        with pytest.raises(InvalidInput) as error:
            conference(date(2026, 12, 6))
        assert set(error.value.errors) == {"on"} and "future" in error.value.errors["on"][0]
        assert conference(date(2026, 12, 5)).conference_on == date(2026, 12, 5)


@pytest.mark.parametrize("utc_hour", [3, 15])  # the evening before in St. Louis, and midday
def test_every_form_example_is_valid_on_the_agencys_clock_at_any_hour(world, utc_hour):
    """An example's "today" is St. Louis's, never tomorrow there while UTC has moved on."""
    with time_machine.travel(datetime(2026, 12, 6, utc_hour, tzinfo=UTC), tick=False):
        for form_type in form_types():
            form = form_type.form_class.from_payload(form_type.example(), agency=world.agency)
            assert form.validate(), (form_type.name, form.errors)


def test_a_revocation_form_typed_in_the_hour_the_clocks_skip_is_refused_on_its_field(world):
    form_type = get_form_type("consent_revocation")
    payload = {**form_type.example(), "received_at": "2027-03-14T02:30"}
    with time_machine.travel(datetime(2027, 3, 20, 15, tzinfo=UTC), tick=False):
        form = form_type.form_class.from_payload(payload, agency=world.agency)
        assert not form.validate()
    assert "did not happen in America/Chicago" in form.received_at.errors[0]
