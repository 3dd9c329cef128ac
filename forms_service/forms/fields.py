"""The typed fields a form spec is made of. Each kind knows its WTForms field, its JSON Schema,
what the template prints for it and when it counts as blank, so a spec only says what the form
asks: its label, limits, the message when it is still blank, an example and a hint."""

from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import NumberRange, Optional

from .. import clock
from ..formatting import date_time, long_date
from . import base
from .base import NOT_CHOSEN, MultiCheckboxField, NotInFuture, choices, multiline, strip, translated

_DATE = r"^(\d{4}-\d{2}-\d{2})?$"
_DATE_TIME = r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?)?$"


@dataclass(frozen=True)
class Field:
    label: str  # N_-marked, translated where it is shown
    _: KW_ONLY
    # The message when it is still blank as the form goes out for signature (a missing element).
    required: str = ""
    # (other field, value): it is asked for, and `required`, only when that field has that value.
    when: tuple[str, str] | None = None
    hint: str = ""  # shown under the label; may name %(zone)s, the agency's time zone
    example: object = None  # a value, or a function that returns one (a date from today)
    setting: str = ""  # printed from this Agency setting: shown, never typed per client
    workflow: bool = False  # filled by its workflow step from the workflow's records
    printed_as: str = ""  # its name in the template context (default: its own name)
    validators: tuple = ()  # further WTForms validators of the typed value
    blank = ""  # its value when nothing is typed (an example that leaves it out)

    def unbound(self):
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError

    def filled(self) -> dict:
        """What its value must be to count as filled (a JSON Schema), where it is required."""
        return {"minLength": 1}

    def printed(self, value, common: dict):
        return value or ""

    def is_blank(self, value) -> bool:
        return value in (None, "", False, [])

    def example_value(self):
        value = self.example() if callable(self.example) else self.example
        return self.blank if value is None else value

    def never_typed(self) -> bool:
        return bool(self.setting or self.workflow)


def days_from_today(days: int):
    """An example date `days` after the example's today (before it when negative), taken when
    the example is, so it is valid on any day."""
    return lambda: (clock.example_today() + timedelta(days=days)).isoformat()


def _text_schema(label, max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length, "title": str(label)}


@dataclass(frozen=True)
class Text(Field):
    max_length: int = 200

    def unbound(self):
        return StringField(
            translated(self.label),
            [base.Text(self.max_length), *self.validators],
            filters=[strip],
        )

    def schema(self) -> dict:
        return _text_schema(self.label, self.max_length)


@dataclass(frozen=True)
class LongText(Field):
    """Several lines, printed with their line breaks (unless `lines` is off)."""

    max_length: int = 1000
    lines: bool = True

    def unbound(self):
        return TextAreaField(
            translated(self.label),
            [base.Text(self.max_length, multiline=True), *self.validators],
            filters=[strip],
        )

    def schema(self) -> dict:
        return _text_schema(self.label, self.max_length)

    def printed(self, value, common: dict):
        return multiline(value) if self.lines else value or ""


@dataclass(frozen=True)
class Date(Field):
    past: bool = False  # it has already happened, by the agency's clock
    blank = None

    def unbound(self):
        validators = [Optional(), NotInFuture()] if self.past else [Optional()]
        return DateField(translated(self.label), validators=[*validators, *self.validators])

    def schema(self) -> dict:
        return {"type": ["string", "null"], "pattern": _DATE, "title": str(self.label)}

    def filled(self) -> dict:
        return {"type": "string", "minLength": 1}

    def printed(self, value, common: dict):
        return long_date(value)


@dataclass(frozen=True)
class DateTime(Field):
    """A clock reading typed in the agency's zone, printed with the zone named; an hour the
    clocks repeat reads as its first."""

    past: bool = False
    blank = None

    def unbound(self):
        validators = [Optional(), NotInFuture()] if self.past else [Optional()]
        return DateTimeLocalField(
            translated(self.label),
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
            validators=[*validators, *self.validators],
        )

    def schema(self) -> dict:
        return {"type": ["string", "null"], "pattern": _DATE_TIME, "title": str(self.label)}

    def filled(self) -> dict:
        return {"type": "string", "minLength": 1}

    def printed(self, value, common: dict):
        return clock_reading(value, common["agency"]["time_zone"]) if value else ""


@dataclass(frozen=True)
class Number(Field):
    """A whole number, from `minimum` to `maximum` when they are given."""

    minimum: int | None = None
    maximum: int | None = None
    # The error when it is out of bounds (N_-marked; may name %(min)s and %(max)s).
    range_message: str = ""
    blank = None

    def unbound(self):
        message = translated(self.range_message) or None
        bounds = [NumberRange(self.minimum, self.maximum, message)]
        if self.minimum is None and self.maximum is None:
            bounds = []
        return IntegerField(
            translated(self.label), validators=[Optional(), *bounds, *self.validators]
        )

    def schema(self) -> dict:
        limits = {"minimum": self.minimum, "maximum": self.maximum}
        return {
            "type": ["integer", "null"],
            **{k: v for k, v in limits.items() if v is not None},
            "title": str(self.label),
        }

    def filled(self) -> dict:
        return {"type": "integer"}

    def printed(self, value, common: dict):
        return "" if value is None else str(value)


def clock_reading(value: str, zone: str) -> str:
    """A typed time (no zone) as the agency's clocks read it, with the zone named."""
    return date_time(datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(zone)), zone=zone)


@dataclass(frozen=True)
class Radio(Field):
    options: dict[str, str] = field(default_factory=dict)  # value -> N_-marked label
    print_label: bool = False  # the document prints the chosen option's words, not its code

    def unbound(self):
        return RadioField(
            translated(self.label), choices=choices(self.options), validators=[Optional()]
        )

    def schema(self) -> dict:
        return {"enum": [*self.options, "", None], "title": str(self.label)}

    def filled(self) -> dict:
        return {"enum": list(self.options)}

    def is_blank(self, value) -> bool:
        return value not in self.options

    def printed(self, value, common: dict):
        if self.print_label:  # translated into the document's language
            return gettext(self.options[value]) if value in self.options else ""
        return value or ""


@dataclass(frozen=True)
class Select(Radio):
    def unbound(self):
        return SelectField(
            translated(self.label),
            choices=[NOT_CHOSEN, *choices(self.options)],
            validators=[Optional()],
        )


def _code(value):
    """A numeric code from a select; blank is no answer yet."""
    return int(value) if value not in ("", None) else None


@dataclass(frozen=True)
class Coded(Field):
    """A numbered code from a list (an HMIS code): `choices` as the select offers them (groups
    and labels), `codes` the valid ones."""

    choices: tuple = ()
    codes: frozenset = frozenset()
    blank = None

    def unbound(self):
        return SelectField(
            translated(self.label),
            choices=list(self.choices),
            coerce=_code,
            validators=[Optional(), *self.validators],
        )

    def schema(self) -> dict:
        return {"enum": [*sorted(self.codes), None, ""], "title": str(self.label)}

    def filled(self) -> dict:
        return {"enum": sorted(self.codes)}

    def is_blank(self, value) -> bool:
        return value not in self.codes

    def printed(self, value, common: dict):
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Checkbox(Field):
    blank = False

    def unbound(self):
        return BooleanField(translated(self.label))

    def schema(self) -> dict:
        return {"type": "boolean", "title": str(self.label)}

    def filled(self) -> dict:
        return {"const": True}

    def printed(self, value, common: dict):
        return bool(value)


@dataclass(frozen=True)
class Checkboxes(Field):
    options: dict[str, str] = field(default_factory=dict)
    blank = ()

    def unbound(self):
        return MultiCheckboxField(translated(self.label), choices=choices(self.options))

    def schema(self) -> dict:
        return {
            "type": "array",
            "items": {"enum": list(self.options)},
            "uniqueItems": True,
            "title": str(self.label),
        }

    def filled(self) -> dict:
        return {"minItems": 1}

    def printed(self, value, common: dict):
        return list(value or [])

    def example_value(self):
        return list(super().example_value())


@dataclass(frozen=True)
class Rows(Field):
    """A repeating group: rows of the same fields, at most `limit`."""

    fields: dict[str, Field] = field(default_factory=dict)
    limit: int = 10
    row_label: str = ""
    spare: int = 2
    blank = ()

    def unbound(self):
        row = type("Row", (PlainForm,), {n: f.unbound() for n, f in self.fields.items()})
        return base.Rows(
            FormField(row),
            translated(self.label),
            limit=self.limit,
            row_label=translated(self.row_label),
            spare=self.spare,
        )

    def schema(self) -> dict:
        return {
            "type": "array",
            "maxItems": self.limit,
            "items": object_schema(self.fields),
            "title": str(self.label),
        }

    def filled(self) -> dict:
        return {"minItems": 1}

    def printed(self, value, common: dict):
        return [
            {f.printed_as or n: f.printed(row.get(n), common) for n, f in self.fields.items()}
            for row in value or []
        ]

    def example_value(self):
        """Each row's values, a date from today taken now (`days_from_today`)."""
        return [
            {name: value() if callable(value) else value for name, value in row.items()}
            for row in super().example_value()
        ]


def object_schema(fields: dict[str, Field]) -> dict:
    """The fields' values; each required one filled (a required-if one when its condition
    holds), as `missing_elements` asks before the form goes out."""
    schema = {
        "type": "object",
        "properties": {name: f.schema() for name, f in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, f in fields.items() if f.required and f.when is None]
    if required:
        schema["required"] = required
        schema["allOf"] = [{"properties": {name: fields[name].filled() for name in required}}]
    for name, f in fields.items():
        if f.required and f.when is not None:
            other, value = f.when
            schema.setdefault("allOf", []).append(
                {
                    "if": {"properties": {other: {"const": value}}, "required": [other]},
                    "then": {"properties": {name: f.filled()}, "required": [name]},
                }
            )
    return schema
