"""A form type as one declarative spec: a class on `FormSpec` that lists its sections of typed
fields (`fields.py`), its signers, the legal statements its template must contain and its
cross-field rules; the base class derives the rest (the WTForms class, the missing elements,
the example, the template context, the JSON Schema of its data) and gives every hook a default,
as CTFd's challenge types do, so a simple form is short."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from flask_babel import gettext
from sqlalchemy import ColumnElement

from .base import BaseForm, Missing, Statement
from .fields import Field, object_schema
from .registry import People, SignerRole, SignerSpec, register


@dataclass(frozen=True)
class Section:
    """One part of the staff page: a legend, an optional hint, its fields in order. A section
    without a legend shows its fields without a frame (a repeating group has its own)."""

    legend: str
    fields: dict[str, Field]
    hint: str = ""


class FormSpec:
    name: str
    title: str  # N_-marked
    prefix: str  # document references start with it, e.g. "RV"
    sections: tuple[Section, ...] = ()
    signer_roles: tuple[SignerRole, ...] = ()
    required_statements: tuple[Statement, ...] = ()
    printed_as: str = ""  # the template context's key for the form's own values (its name)
    page_note: str = ""  # shown after the sections on the staff page
    # Started from its workflow step (a termination, a grievance), not as a free-standing form.
    workflow_step: bool = False
    # Owed to the client even once the case is closed; every other form needs an open case.
    continues_after_closing: bool = False
    # A vital document (language access, 72 FR 2732): read and signed in the client's
    # language, or in English with an interpreter who attests to it; never silently English.
    vital: bool = False
    # A release of information (45 CFR 164.508): what every share asks for (the sharing gate).
    release_of_information: bool = False
    # Free-text core elements of a vital document: staff are asked to check them before
    # sending when they read as another language than the document's.
    typed_core_fields: tuple[str, ...] = ()
    # Names the independent reviewer of a termination: the service checks the reviewer's
    # independence before it goes out (24 CFR 578.91(b)(3); workflows/independence.py).
    names_reviewer: bool = False
    # Delivered to its addressee after signing (a termination notice, a final decision, a
    # grievance response to the client; a revoked consent's letter to its recipient): staff
    # record how and when, in one of `delivery_methods`; What's due lists it until then.
    delivered: bool = False
    delivery_methods: tuple[str, ...] = ("in_hand", "mail", "email", "text")
    # Written by its workflow as a draft for staff to check and send (a revoked consent's
    # letter): What's due lists the draft until it is sent.
    due_as_draft: bool = False
    # The client's plan: a signed one is reviewed and updated as a new version.
    is_plan: bool = False
    # Its signing records the exit: a case closes only once it is signed and filed.
    closes_case: bool = False
    # The category of a release of information that lets a partner receive it ("" : none
    # does, it is never sent to a partner).
    release_category: str = ""

    # -- what is derived from the sections --------------------------------------------------

    @cached_property
    def fields(self) -> dict[str, Field]:
        return {name: f for section in self.sections for name, f in section.fields.items()}

    @property
    def page_template(self) -> str:
        """The plain-language page shown to the signer."""
        return f"forms/{self.name}.html"

    @property
    def agency_settings(self) -> tuple[tuple[str, str], ...]:
        """(field, Agency setting) pairs: printed from the agency's settings, copied into the
        data when a document is started or its draft saved, never typed per client."""
        return tuple((name, f.setting) for name, f in self.fields.items() if f.setting)

    @property
    def workflow_fields(self) -> tuple[str, ...]:
        """Filled by the workflow step from its records, shown on its page, never typed."""
        return tuple(name for name, f in self.fields.items() if f.workflow)

    def agency_values(self, agency) -> dict:
        return {name: getattr(agency, setting) for name, setting in self.agency_settings}

    @cached_property
    def form_class(self) -> type[BaseForm]:
        """The WTForms class: the fields' own validators, then the spec's `checks`."""
        spec = self

        def validate(form, extra_validators=None):
            valid = BaseForm.validate(form, extra_validators)
            values = {name: f.data for name, f in form._fields.items()}
            for name, message in spec.checks(values):
                form[name].errors.append(message)
                valid = False
            form._errors = None  # recomputed with the checks' messages
            return valid

        attributes = {name: f.unbound() for name, f in self.fields.items()}
        class_name = "".join(part.title() for part in self.name.split("_")) + "Form"
        return type(class_name, (BaseForm,), {**attributes, "validate": validate})

    def missing_elements(self, data: dict) -> Missing:
        """What must still be filled before the form goes out for signature: every required
        field that is blank (a required-if one when its condition holds), then `rules`."""
        missing = Missing()
        for name, f in self.fields.items():
            if f.required and self.asked(f, data) and f.is_blank(data.get(name)):
                missing.add(name, gettext(f.required))
        for name, message in self.rules(data):
            missing.add(name, message)
        return missing

    @staticmethod
    def asked(f: Field, data: dict) -> bool:
        """Whether a field applies to this data (a conditional one only when its condition
        holds)."""
        return f.when is None or data.get(f.when[0]) == f.when[1]

    def example(self) -> dict:
        """A complete, valid example (previews, tests, the demo)."""
        return {name: f.example_value() for name, f in self.fields.items()}

    def context(self, data: dict, common: dict) -> dict:
        """The form's own part of the template context: each field as the document prints it
        (allow-listed values only)."""
        printed = {
            f.printed_as or name: f.printed(data.get(name), common)
            for name, f in self.fields.items()
        }
        return {self.printed_as or self.name: printed}

    def json_schema(self) -> dict:
        """JSON Schema (draft 2020-12) of the form's data, as the API and the CLI take it."""
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title,
            **object_schema(self.fields),
        }

    # -- rules and hooks, with their defaults -------------------------------------------------

    def rules(self, data: dict) -> Iterable[tuple[str, str]]:
        """Cross-field legal rules checked before the form goes out for signature, as
        (field, message); named after the rule they apply."""
        return ()

    def checks(self, values: dict) -> Iterable[tuple[str, str]]:
        """Cross-field checks of typed values (dates as dates) that refuse them when saved,
        e.g. an answer due before the complaint was received."""
        return ()

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        """Who signs, in order: each role once, the client on the tablet and staff as the
        case manager."""
        return [
            SignerSpec(role, people.case_manager if role.staff else people.client, role.label)
            for role in self.signer_roles
        ]

    def requires_paper(self, data: dict) -> bool:
        """Given on paper only, never signed or delivered electronically (a notice that ends a
        lease: ESIGN does not apply, 15 U.S.C. 7003(b)(2)(B))."""
        return False

    def release_categories(self, data: dict) -> frozenset[str]:
        """The release categories a release must tick, all of them, before this document goes
        to a partner (minimum necessary): by default its `release_category`; none: never."""
        return frozenset({self.release_category} - {""})

    def signing_rules(self, document) -> dict[str, list[str]]:
        """Rules that need the document's client and agency besides its data, checked before
        it goes out (field -> messages)."""
        return {}

    def page_context(self, data: dict) -> dict:
        """What the signer's page needs besides the data."""
        return {}

    def on_filed(self, document) -> None:
        """What follows once a signed document of this type is filed in the archive (in the
        filing's transaction)."""

    def retention_minimum(self, record, closed_on: date) -> tuple[date, str] | None:
        """A minimum of the form type's own for keeping a filed record (its archive record,
        whose case closed on `closed_on`): the first day it may be disposed of, and the rule
        as the disposal report words it. None: only the agency's schedule and the closeout of
        the grants that served the case apply."""
        return None

    def ended_records(
        self, status: str, zone: str, before: datetime | None = None
    ) -> ColumnElement[bool] | None:
        """The status shown on its filed records besides active, superseded and disposed of:
        SQL over archive records of this type that `status` ("revoked" or "expired")
        describes before `before` (default: now), by the agency's calendar in `zone`. None:
        a record of this type is never revoked and never expires."""
        return None

    def summary(self, data: dict) -> str:
        """A few words that tell one document of this type from another in a list."""
        return ""


def registered(cls: type[FormSpec]) -> type[FormSpec]:
    """Class decorator: the registry holds the spec (one instance per form type)."""
    register(cls())
    return cls
