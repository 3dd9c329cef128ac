"""The registry of form types. Each form type module registers itself; the rest of the code
asks the registry and never lists form types itself."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import NotFound
from .base import BaseForm, Statement


@dataclass(frozen=True)
class SignerRole:
    key: str
    label: str
    staff: bool  # staff sign as themselves at their desk; others sign on the tablet


@dataclass(frozen=True)
class Person:
    name: str
    user_id: uuid.UUID | None = None  # staff sign as themselves; None signs on the tablet


@dataclass(frozen=True)
class People:
    """Who a form's signers can be, resolved from the case and its workflow."""

    client: Person
    case_manager: Person
    supervisor: Person | None = None
    reviewer: Person | None = None  # the independent reviewer of a termination or appeal


@dataclass(frozen=True)
class SignerSpec:
    role: SignerRole
    person: Person
    label: str  # e.g. "Client" or "Legal representative of the client"


@dataclass(frozen=True)
class FormType:
    name: str
    title: str
    prefix: str  # document references start with it, e.g. "CR-"
    form_class: type[BaseForm]
    signer_roles: tuple[SignerRole, ...]
    # The elements that must all be filled before the form may go out for signature.
    missing_elements: Callable[[dict], dict[str, list[str]]]
    # Validated data and the common context (agency, client, document) -> the form-specific
    # part of the template context (allow-listed values).
    context: Callable[[dict, dict], dict]
    # Who signs, in order, given the data and the people of the case.
    signers: Callable[[dict, People], list[SignerSpec]]
    example: Callable[[], dict]
    page_template: str  # the plain-language page shown to the signer
    page_context: Callable[[dict], dict]  # what that page needs besides the data
    summary: Callable[[dict], str] = field(default=lambda data: "")
    # Started from its workflow step (a termination, a grievance), not as a free-standing form.
    workflow_step: bool = False
    # Owed to the client even once the case is closed (an appeal, its decision, a grievance's
    # answer); every other form needs an open case.
    continues_after_closing: bool = False
    # A vital document (language access, 72 FR 2732): the client reads and signs it in their
    # language, or in English with an interpreter who attests to it; never silently English.
    vital: bool = False
    # (data field, Agency setting) pairs: printed from the agency's settings, never typed per
    # client. The service copies them when a document is started or its draft saved, so a
    # document keeps what it was sent with.
    agency_settings: tuple[tuple[str, str], ...] = ()
    # Filled by its workflow step from the workflow's records (the case conference, the
    # supervisor chain, the reviewer chosen), shown on the step's page, never typed there.
    workflow_fields: tuple[str, ...] = ()
    # A release of information (45 CFR 164.508): kept 6 years from its creation or from when it
    # was last in effect, whichever is later (164.530(j)).
    release_of_information: bool = False
    # The free-text core elements of a vital document, printed as typed: staff are asked to
    # check them before sending when they read as another language than the document's.
    typed_core_fields: tuple[str, ...] = ()
    # The legal statements its template must contain, in every language it is offered in.
    required_statements: tuple[Statement, ...] = ()
    # Names the independent reviewer of a termination (`reviewer_name`, with `terminated_by`
    # and `approved_by`): the service checks the reviewer is independent of them and of the
    # case's case manager before it goes out, however it was written (24 CFR 578.91(b)(3)).
    names_reviewer: bool = False

    # Hooks a spec (forms/spec.py) has too; see FormSpec for what each means.
    is_plan: bool = False
    closes_case: bool = False
    release_category: str = ""
    on_filed: Callable[[object], None] = field(default=lambda document: None)

    def agency_values(self, agency) -> dict:
        return {name: getattr(agency, setting) for name, setting in self.agency_settings}


_REGISTRY: dict[str, FormType] = {}


def register(form_type: FormType) -> FormType:
    if form_type.name in _REGISTRY:
        raise ValueError(f"form type {form_type.name} registered twice")
    _REGISTRY[form_type.name] = form_type
    return form_type


def get_form_type(name: str) -> FormType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFound(f"No form type named {name!r}") from None


def form_types() -> list[FormType]:
    return sorted(_REGISTRY.values(), key=lambda t: t.name)


def form_type_that(capability: str):
    """The one form type with `capability` (e.g. `release_of_information`, `is_plan`), for
    code that needs "the release" or "the plan" without naming a form type."""
    [found] = [t for t in form_types() if getattr(t, capability)]
    return found


def example_agency_settings() -> dict:
    """The agency settings the examples print (Agency column -> value), for a demo agency."""
    return {
        setting: form_type.example()[name]
        for form_type in form_types()
        for name, setting in form_type.agency_settings
    }
