"""The registry of form types. Each form type module registers its spec (`spec.FormSpec`);
the rest of the code asks the registry, by name or by capability, and never lists form types
itself."""

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import NotFound

if TYPE_CHECKING:
    from .spec import FormSpec


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
    author: Person | None = None  # the staff member who wrote the document


@dataclass(frozen=True)
class SignerSpec:
    role: SignerRole
    person: Person
    label: str  # e.g. "Client" or "Legal representative of the client"


_REGISTRY: dict[str, "FormSpec"] = {}


def register(form_type: "FormSpec") -> "FormSpec":
    if form_type.name in _REGISTRY:
        raise ValueError(f"form type {form_type.name} registered twice")
    _REGISTRY[form_type.name] = form_type
    return form_type


def get_form_type(name: str) -> "FormSpec":
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFound(f"No form type named {name!r}") from None


def form_types() -> list["FormSpec"]:
    return sorted(_REGISTRY.values(), key=lambda t: t.name)


def form_type_that(capability: str) -> "FormSpec":
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
