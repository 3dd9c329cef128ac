"""How dates, times and numbers read on pages and in documents, in the reader's language: the
current page's (or, while a document renders, the document's) unless one is named."""

from datetime import UTC, date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask_babel import get_locale, gettext


def _language(language: str | None) -> str:
    return language or str(get_locale() or "en")


def long_date(value: date | str | None, language: str | None = None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "long", locale=_language(language))


def date_time(value: datetime | None, language: str | None = None) -> str:
    if value is None:
        return ""
    value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    language = _language(language)
    return gettext(
        "%(date)s at %(time)s UTC",
        date=long_date(value.date(), language),
        time=format_time(value, "HH:mm", locale=language),
    )


def number(value: int | float, language: str | None = None) -> str:
    """1,234 in English, 1.234 in Spanish."""
    return format_decimal(value, locale=_language(language))
