"""What a form's template can print: every variable of the context the renderer builds for the
form's example, with the example's value, for the variables page and the starter download."""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

from docx import Document as WordDocument
from docxtpl import InlineImage, Listing
from flask_babel import force_locale, gettext

from ..forms.spec import FormSpec
from ..i18n import N_
from ..rendering import preview
from ..rendering.service import build_context
from ..rendering.templates import TemplateVersion


@dataclass(frozen=True)
class Variable:
    tag: str  # what to type in Word, e.g. "{{ client.full_name }}"
    example: str  # what it prints for the form's example, or what kind of value it is


def example_context(form_type: FormSpec, version: TemplateVersion, language: str) -> dict:
    inp = preview.example_input(form_type, preview.example_payload(form_type), language)
    with force_locale(language):
        return build_context(None, inp, version)


# Pictures: blank in the example, so said in words.
PICTURES = {
    "agency.logo": N_("the agency's logo from Agency settings, a picture (blank if none)"),
    "row.image": N_("the signature, a picture (blank until signed)"),
}


def variables(context: dict) -> list[Variable]:
    return list(_walk(context, ""))


def _walk(value, name: str) -> Iterator[Variable]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _walk(value[key], f"{name}.{key}" if name else key)
    elif isinstance(value, list | tuple):
        yield Variable(
            f"{{%tr for row in {name} %}} … {{%tr endfor %}}",
            gettext("a list, one table row each: %(count)s in the example", count=len(value)),
        )
        if value:
            yield from _walk(value[0], "row")
    else:
        yield Variable(f"{{{{ {name} }}}}", _shown(name, value))


def _shown(name: str, value) -> str:
    if name in PICTURES or isinstance(value, InlineImage):
        return gettext(PICTURES.get(name, N_("a picture")))
    if isinstance(value, bool):
        return gettext("yes or no, for {%% if %%}: %(value)s", value=value)
    if isinstance(value, Listing):
        return unescape(value.xml)
    return str(value) if value not in (None, "") else gettext("(blank in the example)")


def starter(form_type: FormSpec, template: bytes, version: TemplateVersion, language: str) -> bytes:
    """A ZIP of the current template and a Word table of every variable the form offers."""
    table = WordDocument()
    table.add_heading(gettext("Variables of %(form)s", form=gettext(form_type.title)), 1)
    table.add_paragraph(
        gettext(
            "Type a variable in the template exactly as shown, in one go (Word must not split "
            "it). The right column is what it prints for the form's example."
        )
    )
    rows = table.add_table(rows=1, cols=2)
    rows.style = "Table Grid"
    rows.rows[0].cells[0].text = gettext("Variable")
    rows.rows[0].cells[1].text = gettext("What it holds (example)")
    for variable in variables(example_context(form_type, version, language)):
        cells = rows.add_row().cells
        cells[0].text, cells[1].text = variable.tag, variable.example
    out = io.BytesIO()
    table.save(out)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{form_type.name}-v{version.number}-{language}.docx", template)
        z.writestr(f"{form_type.name}-variables.docx", out.getvalue())
    return archive.getvalue()
