"""The base form every form type uses, and the validators they share."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeLocalField, FieldList, SelectChoice, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

from .. import clock
from ..database import utcnow
from ..errors import InvalidInput
from ..formatting import number as format_number

# C0/C1 control characters cannot be stored in a Word document (XML 1.0) and have no business
# in a form; tabs and line breaks are allowed in multi-line fields only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Statement:
    """A statement the law requires a form to make (e.g. the right to revoke a release, 45 CFR
    164.508(c)(2)(i)): its citation and its wording in each language the shipped template has.
    An agency may reword around it, never drop it; `templates check` looks for it."""

    citation: str
    text: dict[str, str]  # language -> the words, as the template has them (tags included)
    # A statement printed only where it applies (42 CFR 2.32 when substance use records are
    # shared): form values that make it apply. The template must contain it all the same, and
    # `templates check` renders the example with these values to see that it is printed.
    applies_with: dict | None = None


def has_control_character(value: str, multiline: bool = False) -> bool:
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value))


def strip(value):
    return value.strip() if isinstance(value, str) else value


class Text:
    """Bounded plain text: any printable character is welcome and is kept literally."""

    def __init__(self, max_length: int, multiline: bool = False):
        self.max_length, self.multiline = max_length, multiline

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) > self.max_length:
            raise ValidationError(
                gettext(
                    "%(field)s is too long: %(length)s characters, at most %(limit)s allowed.",
                    field=field.label.text,
                    length=format_number(len(value)),
                    limit=format_number(self.max_length),
                )
            )
        if has_control_character(value, self.multiline):
            raise ValidationError(
                gettext(
                    "%(field)s contains a control character that cannot be printed.",
                    field=field.label.text,
                )
            )


class NotInFuture:
    """A date (or date and time) that has already happened: a meeting held, a request received,
    by the clock of the agency filling the form; a time its clocks skipped never happened."""

    def __call__(self, form, field):
        value = field.data
        agency = getattr(form, "agency", None)
        if isinstance(value, datetime) and agency:
            try:
                clock.from_local(value, agency, field.name)
            except InvalidInput as exc:
                raise ValidationError(exc.errors[field.name][0]) from None
        now = agency_now(form)
        if value and value > (now if isinstance(value, datetime) else now.date()):
            raise ValidationError(
                gettext("%(field)s cannot be in the future.", field=field.label.text)
            )


def agency_now(form) -> datetime:
    """What the clock of the agency filling `form` reads now, as staff would type it (no zone);
    UTC's for a form no agency fills (an example rendered from the command line)."""
    agency = getattr(form, "agency", None)
    return (clock.now(agency) if agency else utcnow()).replace(tzinfo=None)


def _blank(value) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return value in (None, "", False, [])


def _as_json(value):
    """Field data as JSON-ready values: dates as ISO text, repeated groups as lists of dicts."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


ADD_ROW = "add_row"  # a group's "Add a row" button: its value is the group's name


class Rows(FieldList):
    """A repeating group (FieldList of FormField) for staff to fill row by row.

    The page always offers `spare` empty rows (up to `limit`), and one more each time its
    "Add a row" button is pressed (the page comes back as typed, nothing saved, so it works on
    any page); rows left entirely empty are not data. More than `limit` filled rows is an
    error, never a silent cut. Errors read as one list of sentences naming the row, so the
    error summary, the CLI and the API show them as they show any other field's."""

    def __init__(self, unbound_field, label=None, *, limit, row_label, spare=2, **kwargs):
        super().__init__(unbound_field, label, **kwargs)
        self.limit, self.row_label, self.spare = limit, row_label, spare
        self.adding = False

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.adding = formdata is not None and formdata.get(ADD_ROW) == self.name
        wanted = sum(not _blank(entry.data) for entry in self.entries) + self.spare
        if self.adding:
            wanted = len(self.entries) + 1
        while len(self.entries) < min(self.limit, wanted):
            self.append_entry()

    @property
    def data(self):
        return [entry.data for entry in self.entries if not _blank(entry.data)]

    def validate(self, form, extra_validators=()):
        super().validate(form, extra_validators)
        messages = []
        for number, entry in enumerate(self.entries, 1):
            for sub in entry.form:
                messages += [
                    gettext(
                        "%(row)s %(number)s, %(field)s: %(error)s",
                        row=self.row_label,
                        number=number,
                        field=sub.label.text,
                        error=m,
                    )
                    for m in sub.errors
                ]
        if len(self.data) > self.limit:
            messages.append(
                gettext(
                    "At most %(limit)s rows: remove %(extra)s.",
                    limit=self.limit,
                    extra=len(self.data) - self.limit,
                )
            )
        self.errors = messages
        return not messages


def adding_row(form) -> bool:
    """Whether the page was posted to add a row to a repeating group, not to be saved."""
    return any(isinstance(field, Rows) and field.adding for field in form)


def leaf_fields(form):
    """Every leaf field of a form, inside repeated groups too."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from leaf_fields(entry.form)
        else:
            yield field


def _flatten(formdata: MultiDict, key: str, value) -> None:
    """JSON -> posted form keys: a list of objects becomes key-0-name, key-1-name, ..."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, row in enumerate(value):
            for name, item in row.items():
                _flatten(formdata, f"{key}-{index}-{name}", item)
        return
    for item in value if isinstance(value, list) else [value]:
        if item is None or item is False:
            continue
        formdata.add(key, "y" if item is True else str(item))


class BaseForm(FlaskForm):
    """Form data in and out as JSON-ready dicts, so the web, the CLI and the API share one
    validation path. `agency` is whose clock decides "today" and "not in the future"."""

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def to_data(self) -> dict:
        return {
            name: _as_json(field.data)
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit") and field.type != "SubmitField"
        }

    @classmethod
    def from_payload(cls, payload: dict, agency=None) -> "BaseForm":
        """Bind a JSON payload as if it had been posted, without CSRF (CLI and API callers
        authenticate differently)."""
        formdata = MultiDict()
        for key, value in payload.items():
            _flatten(formdata, key, value)
        return cls(formdata=formdata, meta={"csrf": False}, agency=agency)

    @classmethod
    def from_data(cls, data: dict, **kwargs) -> "BaseForm":
        """A form pre-filled from stored data (for editing a draft); dates are stored as text."""
        form = cls(data=data, **kwargs)
        for field in leaf_fields(form):
            if isinstance(field, DateField | DateTimeLocalField) and isinstance(field.data, str):
                parse = datetime if isinstance(field, DateTimeLocalField) else date
                field.data = parse.fromisoformat(field.data) if field.data else None
        return form


def multiline(text: str | None):
    """Typed text for a Word template with its line breaks kept (docxtpl's Listing, which
    escapes it too); "" when blank, so a template can test it with `{%p if ... %}`. Imported
    here, where a form is filled for its template: a web worker that never fills one (the
    renders on Celery) does not load docxtpl."""
    from docxtpl import Listing

    return Listing(text) if text else ""


class Missing(dict):
    """What must still be filled before a form may go out for signature: field -> messages
    (the shape `missing_elements` returns)."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def require(self, data: dict, field: str, message: str) -> None:
        if not data.get(field):
            self.add(field, message)


def translated(label):
    """A label marked with N_ (or already lazy), translated each time a page shows it."""
    return label if isinstance(label, LazyString) or not label else _l(label)


def choices(options: dict[str, str]) -> list[SelectChoice]:
    """WTForms choices from a dict of N_-marked labels, shown in the page's language."""
    return [SelectChoice(value, translated(label)) for value, label in options.items()]


NOT_CHOSEN = SelectChoice("", _l("Choose…"))  # a select's first option, so nothing is preselected


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; rendered by the `checkboxes` macro."""
