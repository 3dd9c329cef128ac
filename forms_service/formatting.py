"""How dates, times and numbers read on pages and in documents, in the reader's language: the
current page's (or, while a document renders, the document's) unless one is named. A time is
shown in an agency's zone, with the zone named (`forms_service.clock` is the agency's clock)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import g, has_request_context
from flask_babel import get_locale
from flask_login import current_user

from .clock import aware


def _language(language: str | None) -> str:
    return language or str(get_locale() or "en")


def long_date(value: date | str | None, language: str | None = None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "long", locale=_language(language))


def show_times_of(agency) -> None:
    """Show this request's times in `agency`'s zone: a page no staff member of that agency
    is signed in to (a client's phone, the public verification page) names the agency."""
    g.time_zone = agency.time_zone


def page_time_zone() -> str:
    """The zone of this page's times: the agency it names, else the signed-in staff's."""
    if has_request_context() and "time_zone" in g:
        return g.time_zone
    if has_request_context() and current_user.is_authenticated:
        return current_user.agency.time_zone
    return "UTC"


def date_time(
    value: datetime | date | None, language: str | None = None, zone: str | None = None
) -> str:
    """E.g. "December 5, 2026, 9:30 AM CST": the long date and the short time joined and
    ordered as the language's CLDR data says (no English "at" in a Spanish document), then the
    zone as the language names it (its abbreviation where it has one, else its full name:
    Spanish has no "CST", and an offset like "-0600" means little to a reader). A date alone
    (a release's end date) stays a date."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return long_date(value, language)
    language = _language(language)
    tz = ZoneInfo(zone or page_time_zone())
    value = aware(value).astimezone(tz)
    zone_name = format_time(value, "z", tzinfo=tz, locale=language)
    if any(c.isdigit() for c in zone_name):
        zone_name = format_time(value, "zzzz", tzinfo=tz, locale=language)
    pattern = Locale.parse(language).datetime_formats["long"]
    text = pattern.format(
        format_time(value, "short", tzinfo=tz, locale=language),
        format_date(value, "long", locale=language),
    )
    # CLDR's narrow no-break space before "AM" is missing from many fonts: a plain one.
    return f"{text} {zone_name}".replace("\u202f", "\u00a0")


def number(value: int | float, language: str | None = None) -> str:
    """1,234 in English, 1.234 in Spanish."""
    return format_decimal(value, locale=_language(language))
