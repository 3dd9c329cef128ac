"""What every form spec derives rather than writes: a JSON Schema (draft 2020-12) of its data
that takes its example and names the field a wrong value is in, and missing elements that ask
for a conditional field only when its condition holds."""

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from wtforms.validators import NumberRange, Optional

import forms_service
from forms_service.forms import base, form_types
from forms_service.forms.base import NotInFuture

SPECS = form_types()
pytestmark = pytest.mark.usefixtures("bare_app")


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_json_schema_takes_the_example_as_the_form_keeps_it(spec):
    Draft202012Validator.check_schema(spec.json_schema())
    validator = Draft202012Validator(spec.json_schema())
    assert list(validator.iter_errors(spec.example())) == []
    kept = spec.form_class.from_payload(spec.example()).to_data()
    assert list(validator.iter_errors(kept)) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_json_schema_refuses_a_wrong_type_and_names_the_field(spec):
    name = next(n for n, f in spec.fields.items() if f.schema().get("type") == "string")
    validator = Draft202012Validator(spec.json_schema())
    errors = list(validator.iter_errors({**spec.example(), name: 12}))
    assert {tuple(e.path) for e in errors} == {(name,)}
    unknown = list(validator.iter_errors({**spec.example(), "no_such_field": ""}))
    assert "no_such_field" in unknown[0].message


# Limits WTForms enforces that a JSON Schema cannot state: relative to the agency's today.
RELATIVE_TO_TODAY = {NotInFuture, "_within_ten_years_from_tomorrow"}


def _schema_limits(schema: dict) -> dict:
    """The limits a field's JSON Schema states, by name."""
    enum = {v for v in schema.get("enum", schema.get("items", {}).get("enum", [])) if v}
    bounds = ("minimum", "maximum", "maxLength", "maxItems")
    return {**{k: schema[k] for k in bounds if k in schema}, **({"enum": enum} if enum else {})}


def _enforced_limits(field) -> dict:
    """The limits a bound WTForms field enforces, by their JSON Schema name; a validator this
    does not know fails the test, so a new kind of limit cannot be left out of the schema."""
    limits = {}
    for validator in field.validators:
        kind = type(validator)
        if isinstance(validator, NumberRange):
            bounds = {"minimum": validator.min, "maximum": validator.max}
            limits.update({k: v for k, v in bounds.items() if v is not None})
        elif isinstance(validator, base.Text):
            limits["maxLength"] = validator.max_length
        elif kind in RELATIVE_TO_TODAY or getattr(validator, "__name__", "") in RELATIVE_TO_TODAY:
            continue
        else:
            assert isinstance(validator, Optional), f"{field.name}: unknown limit {validator!r}"
    if isinstance(field, base.Rows):
        limits["maxItems"] = field.limit
    elif getattr(field, "choices", None) is not None:
        limits["enum"] = {value for value, *_ in field.iter_choices() if value} | {
            c.value for c in field.choices if c.value not in ("", None)
        }
    return limits


def _every_field(form, schema: dict):
    """(name, bound field, its schema) for each field, inside a repeated group's row too."""
    for name, field in form._fields.items():
        if name == "csrf_token":
            continue
        yield name, field, schema["properties"][name]
        if isinstance(field, base.Rows):
            row = field.unbound_field.args[0]
            yield from _every_field(row(meta={"csrf": False}), schema["properties"][name]["items"])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_json_schema_carries_every_limit_the_form_enforces(spec):
    """Bounds, lengths, choices and the number of rows, as WTForms checks them; and every
    required element (a required-if one when its condition holds), as `missing_elements`."""
    schema = spec.json_schema()
    form = spec.form_class(meta={"csrf": False})
    for name, field, field_schema in _every_field(form, schema):
        assert _schema_limits(field_schema) == _enforced_limits(field), name
    validator = Draft202012Validator(schema)
    for name, f in spec.fields.items():
        if not f.required:
            continue
        data = {**spec.example(), name: [] if f.blank == () else f.blank}  # as JSON has it
        if f.when:
            data[f.when[0]] = f.when[1]
        assert name in spec.missing_elements(data), name
        assert not validator.is_valid(data), f"the schema takes {name} blank"
        assert not validator.is_valid({k: v for k, v in data.items() if k != name}), name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_a_conditional_field_is_required_only_when_its_condition_holds(spec):
    for name, f in spec.fields.items():
        if f.when and f.required:
            other, value = f.when
            holds = {**spec.example(), other: value, name: f.blank}
            assert name in spec.missing_elements(holds), name
            options = getattr(spec.fields[other], "options", {True: "", False: ""})
            fails = {**holds, other: next(v for v in options if v != value)}
            assert name not in spec.missing_elements(fails), name


# The same words used for something else: a table, a kind of due item, a workflow step.
NOT_FORM_TYPES = {
    ("workflows/models.py", '__tablename__ = "grievance"'),
    ("workflows/due.py", '"grievance",'),
    ("workflows/termination.py", 'return "appeal"'),
    ("templates/cases/show.html", '"appeal": _("Record an appeal")'),
}


def test_no_module_outside_forms_names_a_form_type():
    """Code asks a form type's spec (its name attribute, a capability such as
    `release_of_information`, a hook such as `on_filed`), never a string of its name."""
    root = Path(forms_service.__file__).parent
    names = "|".join(t.name for t in form_types())
    quoted = re.compile(rf"[\"']({names})[\"']")
    found = []
    for path in [*root.rglob("*.py"), *root.rglob("*.html")]:
        where = path.relative_to(root).as_posix()
        if where.startswith(("forms/", "migrations/")):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if quoted.search(line) and not any(
                where == f and text in line for f, text in NOT_FORM_TYPES
            ):
                found.append(f"{where}: {line.strip()}")
    assert found == []
