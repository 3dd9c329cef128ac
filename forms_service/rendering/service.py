"""Signed data + pinned template version -> DOCX (docxtpl, autoescaped, sandboxed) -> PDF."""

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from flask import current_app
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from PIL import Image

from ..formatting import long_date
from ..forms import get_form_type
from .convert import SofficeConverter
from .templates import TemplateStore, TemplateVersion


@dataclass(frozen=True)
class SignerInfo:
    role_label: str
    name: str
    signed_at: str = ""
    png: bytes | None = None


@dataclass(frozen=True)
class RenderInput:
    """Everything a template may see, as plain values: never an ORM object."""

    form_type: str
    language: str
    reference: str
    created_on: date
    agency_name: str
    agency_address: str
    agency_phone: str
    client_name: str
    client_date_of_birth: date | None
    case_number: str
    data: dict
    signers: list[SignerInfo] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    pdf: bytes
    version: TemplateVersion
    template_sha256: str


def template_store() -> TemplateStore:
    return TemplateStore(current_app.config["TEMPLATES_DIR"])


def converter() -> SofficeConverter:
    """One converter per app, created on first use."""
    ext = current_app.extensions
    if "forms_converter" not in ext:
        cfg = current_app.config
        ext["forms_converter"] = SofficeConverter(
            cfg["SOFFICE"], cfg["CONVERTER_PROFILE_DIR"], cfg["CONVERT_TIMEOUT"]
        )
    return ext["forms_converter"]


SIGNATURE_BOX_MM = (45, 15)  # width, height of the space a signature gets in a template


def signature_image(tpl: DocxTemplate, png: bytes) -> InlineImage:
    """The signature scaled to fit its box whatever its shape."""
    width, height = Image.open(io.BytesIO(png)).size
    box_w, box_h = SIGNATURE_BOX_MM
    if width / height > box_w / box_h:
        return InlineImage(tpl, io.BytesIO(png), width=Mm(box_w))
    return InlineImage(tpl, io.BytesIO(png), height=Mm(box_h))


def build_context(tpl: DocxTemplate, inp: RenderInput, version: TemplateVersion) -> dict:
    form_type = get_form_type(inp.form_type)
    common = {
        "agency": {
            "name": inp.agency_name,
            "address": inp.agency_address,
            "phone": inp.agency_phone,
        },
        "document": {
            "id": inp.reference,
            "title": form_type.title,
            "template_version": str(version.number),
            "created_on": long_date(inp.created_on),
        },
        "client": {
            "full_name": inp.client_name,
            "date_of_birth": long_date(inp.client_date_of_birth),
        },
        "case": {"number": inp.case_number},
        "signers": [
            {
                "role_label": s.role_label,
                "name": s.name,
                "signed_at": s.signed_at,
                "image": signature_image(tpl, s.png) if s.png else "",
            }
            for s in inp.signers
        ],
    }
    return {**common, **form_type.context(inp.data, common)}


def render_docx(template: bytes, inp: RenderInput, version: TemplateVersion) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    # Autoescape makes every value text: `<b>` or `{{ x }}` typed by a user comes out literally.
    # StrictUndefined: a template asking for a value the context lacks fails loudly instead of
    # printing a blank into a legal document.
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    tpl.render(build_context(tpl, inp, version), jinja_env=env)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def render(inp: RenderInput, version: TemplateVersion | None = None) -> Rendered:
    """Render with `version` (a document's pinned one) or the current template."""
    store = template_store()
    version = version or store.current(inp.form_type)
    template = store.load(version, inp.language)
    docx = render_docx(template, inp, version)
    pdf = converter().convert(docx)
    return Rendered(docx, pdf, version, hashlib.sha256(template).hexdigest())
