"""A document made from another system's data (the API, a bulk CSV): the data is checked by
the form's own page form, so a field the page would refuse is refused here with the same
message; then it is a draft, or sent for signature at once, through the same service verbs."""

from flask_babel import gettext

from ..accounts.service import Actor
from ..cases.models import Case
from ..errors import InvalidInput
from ..forms import form_types, get_form_type
from ..templates_admin.service import templates_for
from . import language_access, service
from .models import Document


def creatable_form_type(name: str):
    """A form staff start from the case page (not a step of a workflow, which its workflow
    writes); refused by name otherwise."""
    names = {t.name for t in form_types() if not t.workflow_step}
    if name not in names:
        raise InvalidInput(
            {"form_type": [gettext("Choose one of: %(names)s.", names=", ".join(sorted(names)))]}
        )
    return get_form_type(name)


def field_errors(errors: dict, prefix: str = "") -> dict[str, list[str]]:
    """WTForms' errors (nested for rows) as flat field paths: "objectives-0-goal"."""
    flat: dict[str, list[str]] = {}
    for name, messages in errors.items():
        path = f"{prefix}{name}" if name is not None else prefix.rstrip("-") or "data"
        if isinstance(messages, dict):
            flat.update(field_errors(messages, f"{path}-"))
        elif messages and isinstance(messages[0], dict):
            for i, row in enumerate(messages):
                flat.update(field_errors(row, f"{path}-{i}-"))
        else:
            flat[path] = [str(m) for m in messages]
    return flat


def checked_data(
    case: Case,
    form_type_name: str,
    data: dict,
    language: str | None = None,
    interpreter: dict | None = None,
):
    """The form type and `data` as the page's form stores it, or InvalidInput naming each
    field (the page's own messages), an unknown field, a language the form is not in and
    the part of an interpreter left out (the language form's rule)."""
    form_type = creatable_form_type(form_type_name)
    if not isinstance(data, dict):
        raise InvalidInput({"data": [gettext("Give the form's data as an object.")]})
    form = form_type.form_class.from_payload(data, agency=case.client.agency)
    errors = {} if form.validate() else field_errors(form.errors)
    for name in sorted(set(data) - set(form_type.fields)):
        errors[name] = [gettext("This form has no such field.")]
    offered = templates_for(case.client.agency).languages(form_type.name)
    if language is not None and language not in offered:
        errors["language"] = [
            gettext("Choose one of the form's languages: %(codes)s.", codes=", ".join(offered))
        ]
    if interpreter is not None:
        try:
            language_access.checked_interpreter(interpreter)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return form_type, form.to_data()


def create_prefilled(
    actor: Actor,
    case: Case,
    form_type_name: str,
    data: dict,
    send: bool = False,
    language: str | None = None,
    interpreter: dict | None = None,
) -> Document:
    """A draft of `form_type_name` for `case` from `data` (as the form's JSON Schema
    describes it), in `language` (default: the client's) and read to the client by
    `interpreter` ({"name", "language"}, as on the page), sent for signature when `send`.
    Every refusal names its field; a refused send leaves nothing behind (the caller's
    transaction, or a row of a bulk run, is rolled back)."""
    form_type, cleaned = checked_data(case, form_type_name, data, language, interpreter)
    document = service.start_document(actor, case, form_type.name, cleaned, language, interpreter)
    if send:
        service.send_for_signature(actor, document)
    return document
