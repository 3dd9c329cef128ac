"""How dates and times read on pages and in documents."""

from datetime import UTC, date, datetime


def long_date(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value:%B} {value.day}, {value.year}"


def date_time(value: datetime | None) -> str:
    if value is None:
        return ""
    value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return f"{long_date(value.date())} at {value:%H:%M} UTC"
