"""What every form spec derives rather than writes: a JSON Schema (draft 2020-12) of its data
that takes its example and names the field a wrong value is in, and missing elements that ask
for a conditional field only when its condition holds."""

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import forms_service
from forms_service.forms import form_types

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
    errors = list(Draft202012Validator(spec.json_schema()).iter_errors({name: 12}))
    assert [list(e.path) for e in errors] == [[name]]
    unknown = list(Draft202012Validator(spec.json_schema()).iter_errors({"no_such_field": ""}))
    assert "no_such_field" in unknown[0].message


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
