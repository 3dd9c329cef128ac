"""The base form every form type uses, and the validators they share."""

import re
from datetime import date

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectChoice, SelectMultipleField
from wtforms.validators import ValidationError

# C0/C1 control characters cannot be stored in a Word document (XML 1.0) and have no business
# in a form; tabs and line breaks are allowed in multi-line fields only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class Text:
    """Bounded plain text: any printable character is welcome and is kept literally."""

    def __init__(self, max_length: int, multiline: bool = False):
        self.max_length = max_length
        self.pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) > self.max_length:
            raise ValidationError(
                f"{field.label.text} is too long: {len(value):,} characters, "
                f"at most {self.max_length:,} allowed."
            )
        if self.pattern.search(value):
            raise ValidationError(
                f"{field.label.text} contains a control character that cannot be printed."
            )


class BaseForm(FlaskForm):
    """Form data in and out as JSON-ready dicts, so the web, the CLI and the API share one
    validation path."""

    def to_data(self) -> dict:
        out = {}
        for name, field in self._fields.items():
            if name in ("csrf_token", "submit") or field.type == "SubmitField":
                continue
            out[name] = field.data.isoformat() if isinstance(field.data, date) else field.data
        return out

    @classmethod
    def from_payload(cls, payload: dict) -> "BaseForm":
        """Bind a JSON payload as if it had been posted, without CSRF (CLI and API callers
        authenticate differently)."""
        formdata = MultiDict()
        for key, value in payload.items():
            for item in value if isinstance(value, list) else [value]:
                if item is None or item is False:
                    continue
                formdata.add(key, "y" if item is True else str(item))
        return cls(formdata=formdata, meta={"csrf": False})

    @classmethod
    def from_data(cls, data: dict, **kwargs) -> "BaseForm":
        """A form pre-filled from stored data (for editing a draft); dates are stored as text."""
        form = cls(data=data, **kwargs)
        for field in form:
            if isinstance(field, DateField) and isinstance(field.data, str):
                field.data = date.fromisoformat(field.data) if field.data else None
        return form


def choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; rendered by the `checkboxes` macro."""
