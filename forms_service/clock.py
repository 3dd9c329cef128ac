"""The agency's clock. Times are stored as aware UTC, but an agency works in its own time zone
(an IANA name): its "today" (default dates, deadlines, what is due, "not in the future"), the
times it shows and prints (`formatting.date_time`) and the times its staff type are its own.
Services take the agency from the case, document or actor, never from a request."""

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext

from .database import utcnow
from .errors import InvalidInput

DEFAULT_TIME_ZONE = "America/Chicago"  # a new agency's, unless it is given one


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted (the settings page offers them)."""
    return tuple(sorted(available_timezones()))


def time_zone_error(name: str | None) -> str | None:
    """Why `name` cannot be an agency's time zone, or None when it can."""
    if name in time_zones():
        return None
    return gettext(
        "Time zone: “%(name)s” is not a time zone name; choose one such as America/Chicago.",
        name=name or "",
    )


def zone(agency) -> ZoneInfo:
    return ZoneInfo(agency.time_zone)


def now(agency) -> datetime:
    return utcnow().astimezone(zone(agency))


def today(agency) -> date:
    """The agency's date now: at 8 p.m. in St. Louis it is still today there, not tomorrow."""
    return now(agency).date()


def example_today() -> date:
    """ "Today" in an example payload, which no agency fills: a new agency's (St. Louis time),
    so an example's "today" is never tomorrow on the clock that checks it, at any hour UTC."""
    return utcnow().astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()


def aware(at: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands timestamps back without their zone)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def day_of(at: datetime, agency) -> date:
    """The agency's date at a stored moment (a form created at 7 p.m. in St. Louis is dated
    that day, not the next)."""
    return aware(at).astimezone(zone(agency)).date()


def from_local(typed: datetime, agency, field: str) -> datetime:
    """A time staff typed (a clock reading with no zone) read in the agency's zone, as aware
    UTC. A reading the clocks skipped (2:30 a.m. when daylight saving time starts) is refused
    with an error on `field`: it names no moment, and guessing one could move a revocation by
    an hour. A reading that happens twice (1:30 a.m. when it ends) is the first of the two
    (fold=0, still daylight time): the earlier moment, so a revocation never takes effect
    later than the client made it."""
    if typed.tzinfo is not None:
        return typed.astimezone(UTC)
    tz = zone(agency)
    local = typed.replace(tzinfo=tz, fold=0)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != typed:
        raise InvalidInput(
            {
                field: [
                    gettext(
                        "%(time)s did not happen in %(zone)s: the clocks moved forward an hour "
                        "that night. Check the time.",
                        time=typed.strftime("%H:%M"),
                        zone=agency.time_zone,
                    )
                ]
            }
        )
    return local.astimezone(UTC)


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
