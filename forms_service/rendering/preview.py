"""Rendering from a JSON payload, outside the web and the archive (`forms-service render`)."""

from datetime import date
from pathlib import Path

from .. import clock
from ..forms.registry import People, Person
from ..forms.spec import FormSpec
from .resources import RenderInput, SignerInfo
from .service import render

EXAMPLE_AGENCY = {
    "name": "Gateway Housing Services",
    "address": "1200 Market St, St. Louis, MO 63103",
    "phone": "(314) 555-0100",
}
EXAMPLE_CLIENT = {"first_name": "Maria", "last_name": "Lopez", "date_of_birth": "1985-03-04"}


def preview_people(client_name: str) -> People:
    return People(
        client=Person(client_name),
        case_manager=Person("Case manager"),
        supervisor=Person("Supervisor"),
        reviewer=Person("Reviewer"),
    )


# Field -> (required, maximum length) for the parts of the payload around the form data.
_AROUND = {
    "agency.name": (True, 200),
    "agency.address": (True, 300),
    "agency.phone": (True, 40),
    "client.first_name": (True, 100),
    "client.last_name": (True, 100),
    "client.date_of_birth": (False, 10),
    "case_number": (True, 30),
}


def example_payload(form_type: FormSpec) -> dict:
    return {
        "agency": EXAMPLE_AGENCY,
        "client": EXAMPLE_CLIENT,
        "case_number": "C-2026-0001",
        "form": form_type.example(),
    }


def _lookup(payload: dict, dotted: str):
    value = payload
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def validate_payload(form_type: FormSpec, payload) -> list[tuple[str, str]]:
    """Every problem, one per field, named by its path in the payload."""
    if not isinstance(payload, dict):
        return [("(payload)", "must be a JSON object with agency, client, case_number and form")]
    errors = []
    for name, (required, max_length) in _AROUND.items():
        value = _lookup(payload, name)
        if value in (None, ""):
            if required:
                errors.append((name, "is required"))
        elif not isinstance(value, str):
            errors.append((name, "must be text"))
        elif len(value) > max_length:
            errors.append((name, f"is too long: at most {max_length} characters"))
    dob = _lookup(payload, "client.date_of_birth")
    if isinstance(dob, str) and dob:
        try:
            date.fromisoformat(dob)
        except ValueError:
            errors.append(("client.date_of_birth", "must be a date like 1985-03-04"))
    data = payload.get("form")
    if not isinstance(data, dict):
        return [*errors, ("form", "must be a JSON object with the form's fields")]
    form = form_type.form_class.from_payload(data)
    for name in sorted(set(data) - set(form._fields) - {"csrf_token"}):
        errors.append((f"form.{name}", "is not a field of this form"))
    for name, value in data.items():
        field = form._fields.get(name)
        lists = ("MultiCheckboxField", "Rows")  # checkboxes; repeated groups (list of objects)
        if field is not None and isinstance(value, list) and field.type not in lists:
            errors.append((f"form.{name}", "must be a single value, not a list"))
    form.validate()
    errors += [(f"form.{n}", m) for n, msgs in form.errors.items() for m in msgs]
    missing = form_type.missing_elements(form.to_data())
    errors += [
        (f"form.{n}", m) for n, msgs in missing.items() if n not in form.errors for m in msgs
    ]
    return errors


def example_input(form_type: FormSpec, payload: dict, language: str) -> RenderInput:
    """A valid payload (`validate_payload`) as the renderer's input, signed by no one yet."""
    data = form_type.form_class.from_payload(payload["form"])
    data.validate()
    client = payload["client"]
    client_name = f"{client['first_name']} {client['last_name']}"
    dob = client.get("date_of_birth")
    return RenderInput(
        form_type=form_type.name,
        language=language,
        reference=f"{form_type.prefix}-PREVIEW",
        created_on=clock.example_today(),
        agency_name=payload["agency"]["name"],
        agency_address=payload["agency"]["address"],
        agency_phone=payload["agency"]["phone"],
        client_name=client_name,
        client_date_of_birth=date.fromisoformat(dob) if dob else None,
        case_number=payload["case_number"],
        data=data.to_data(),
        signers=[
            SignerInfo(spec.label, spec.person.name)
            for spec in form_type.signers(data.to_data(), preview_people(client_name))
        ],
    )


def render_to(form_type: FormSpec, payload: dict, out_dir: Path, language: str) -> list[Path]:
    rendered = render(example_input(form_type, payload, language))
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{form_type.name}-{language}"
    paths = [stem.with_suffix(".docx"), stem.with_suffix(".pdf")]
    paths[0].write_bytes(rendered.docx)
    paths[1].write_bytes(rendered.pdf)
    return paths
