"""Signed data + pinned template version -> DOCX (docxtpl, autoescaped, sandboxed) -> PDF,
with its audit certificate's pages, sealed. What a render draws on is in `resources.py`."""

import functools
import hashlib
import io
import re
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Mm
from docxtpl import DocxTemplate, InlineImage, Listing
from flask import current_app
from flask_babel import force_locale, gettext
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from PIL import Image
from pyhanko.pdf_utils.generic import DictionaryObject, NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import _ObjectImporter  # import_object, for several at once
from reportlab.pdfgen.canvas import Canvas

from signatures.bidi import LRM, latin_brackets_kept_whole
from signatures.certificate import CertificateData, append_certificate, set_metadata
from signatures.certificate_pdf import can_draw, certificate_pdf
from signatures.seal import SealKeyError, seal_pdf
from signatures.summary import SummaryData, append_summary

from ..formatting import long_date
from ..forms import get_form_type
from ..i18n import RIGHT_TO_LEFT
from .fonts import set_complex_script_font
from .resources import (
    Rendered,
    RenderInput,
    converter,
    load_template,
    seal_signer,
    template_store,
)
from .templates import TemplateVersion


def warm_seal() -> None:
    """Seal a blank page now (a process that files documents calls this as it starts): the
    first document signed then does not wait for the seal key's parsing, which took seconds.
    A seal key that cannot be used is logged, and fails with the first document as before."""
    out = io.BytesIO()
    blank = Canvas(out, pagesize=(612, 792))
    blank.showPage()
    blank.save()
    try:
        seal_pdf(out.getvalue(), seal_signer(), reason="Warm-up", location="")
    except SealKeyError as error:
        current_app.logger.error("The seal key cannot be used: %s", error)


SIGNATURE_BOX_MM = (45, 15)  # width, height of the space a signature gets in a template


def signature_image(tpl: DocxTemplate, png: bytes) -> InlineImage:
    """The signature scaled to fit its box whatever its shape."""
    width, height = Image.open(io.BytesIO(png)).size
    box_w, box_h = SIGNATURE_BOX_MM
    if width / height > box_w / box_h:
        return InlineImage(tpl, io.BytesIO(png), width=Mm(box_w))
    return InlineImage(tpl, io.BytesIO(png), height=Mm(box_h))


_FIRST_STRONG = re.compile(r"[^\W\d_]")


def isolated(value):
    """What a right-to-left template prints, kept in one piece when it is written left to
    right (a phone number, an English sentence a worker typed): its brackets and final full
    stop stay where they belong."""
    text = value.xml if isinstance(value, Listing) else value
    if not isinstance(text, str) or not text:
        return value
    first = _FIRST_STRONG.search(text)
    if first and unicodedata.bidirectional(first.group()) != "L":
        return value  # right to left already
    if isinstance(value, Listing):
        wrapped = Listing("")
        wrapped.xml = f"{LRM}{text}{LRM}".replace("\n", f"{LRM}\n{LRM}")
        return wrapped
    return f"{LRM}{text}{LRM}"


class Boxes(Protocol):
    """Reserved boxes in place of each signer's signature and signing time (`prepared.py`)."""

    def signer(self, tpl: DocxTemplate, position: int) -> dict: ...

    def fit(self, docx) -> None: ...


def build_context(
    tpl: DocxTemplate, inp: RenderInput, version: TemplateVersion, boxes: Boxes | None = None
) -> dict:
    """The template's values, in the current locale (`render_docx` forces the document's);
    with `boxes`, each signer's image and time are its reserved boxes."""
    form_type = get_form_type(inp.form_type)
    common = {
        "agency": {
            "name": inp.agency_name,
            "address": inp.agency_address,
            "phone": inp.agency_phone,
            "time_zone": inp.agency_time_zone,
            "logo": logo_image(tpl, inp.agency_logo) if inp.agency_logo else "",
        },
        "document": {
            "id": inp.reference,
            "title": gettext(form_type.title),
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
                "role_label": gettext(s.role_label),
                "name": s.name,
                "signed_at": s.signed_at,
                "image": signature_image(tpl, s.png) if s.png else "",
                **(boxes.signer(tpl, position) if boxes else {}),
            }
            for position, s in enumerate(inp.signers)
        ],
    }
    return {**common, **form_type.context(inp.data, common)}


# Template parts kept compiled per environment (a form has ~9; a shipped form's body is under
# 40 KB of XML), and the largest kept: a part past it (an upload may unpack to 50 MB) is
# compiled at each render, so a language's cache holds at most 16 MB of template text.
COMPILED, COMPILED_MOST_CHARS = 64, 256 * 1024


class CompilingOnce(SandboxedEnvironment):
    """docxtpl compiles each XML part of a template again at every render: a quarter of the
    Python time of a signed consent (40 ms of 170). A part's text compiles to the same
    template every time, so the last COMPILED are kept, keyed by their whole text (nothing
    is shared between two templates that differ by a character)."""

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled = functools.lru_cache(maxsize=COMPILED)(super().from_string)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's)
        if globals is None and template_class is None and _keepable(source):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


def _keepable(source) -> bool:
    return isinstance(source, str) and len(source) <= COMPILED_MOST_CHARS


@functools.cache
def template_environment(language: str) -> SandboxedEnvironment:
    """The Jinja environment every template renders in (and `templates check` checks with),
    one per language, shared by every render (Jinja renders from many threads at once).
    Autoescape makes every value text: `<b>` or `{{ x }}` typed by a user comes out literally.
    StrictUndefined: a template asking for a value the context lacks fails loudly instead of
    printing a blank into a legal document."""
    rtl = {"finalize": isolated} if language in RIGHT_TO_LEFT else {}
    return CompilingOnce(autoescape=True, undefined=StrictUndefined, **rtl)


class PatchingOnce(DocxTemplate):
    """docxtpl's clean-up of a part's XML before Jinja reads it (a run of regular
    expressions, 18 ms a render) depends on the text alone: kept like the compiled parts."""

    def patch_xml(self, src_xml):
        return _patched(src_xml) if _keepable(src_xml) else super().patch_xml(src_xml)


@functools.lru_cache(maxsize=COMPILED)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)


LOGO_HEIGHT, LOGO_MOST_WIDTH = Inches(0.6), Inches(3)


def _logo_size(logo: bytes) -> dict:
    """At most 0.6 in high and 3 in wide."""
    with Image.open(io.BytesIO(logo)) as image:
        width, height = image.size
    if LOGO_HEIGHT * width / height > LOGO_MOST_WIDTH:
        return {"width": LOGO_MOST_WIDTH}
    return {"height": LOGO_HEIGHT}


def logo_image(tpl: DocxTemplate, logo: bytes) -> InlineImage:
    """`{{ agency.logo }}`: the logo where an agency's own template puts it."""
    return InlineImage(tpl, io.BytesIO(logo), **_logo_size(logo))


def uses_logo(template: bytes) -> bool:
    """Whether the template places the logo itself (`agency.logo`); else it goes first."""
    with zipfile.ZipFile(io.BytesIO(template)) as parts:
        return any(
            b"agency.logo" in parts.read(name)
            for name in parts.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )


def add_logo(docx, logo: bytes, right_to_left: bool) -> None:
    """The agency's logo as the first line of the body, at its start side (right in a
    right-to-left document): where the shipped templates have it."""
    size = _logo_size(logo)
    line = docx.paragraphs[0].insert_paragraph_before()
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right_to_left else WD_ALIGN_PARAGRAPH.LEFT
    line.add_run().add_picture(io.BytesIO(logo), **size)


def render_docx(
    template: bytes,
    inp: RenderInput,
    version: TemplateVersion,
    summary: SummaryData | None = None,
    boxes: Boxes | None = None,
) -> bytes:
    """The filled DOCX with its metadata (and, for the client's copy, its summary page), built
    on the open document and saved once. A signed document's audit certificate is not in it:
    it follows the form's pages in the PDF (`with_certificate`). With `boxes`, the signers'
    signatures and times are boxes reserved for them, to fill once they sign."""
    tpl = PatchingOnce(io.BytesIO(template))
    with force_locale(inp.language):  # the form's own words, dates and labels: its language
        context = build_context(tpl, inp, version, boxes)
        tpl.render(context, jinja_env=template_environment(inp.language))
    if boxes:
        boxes.fit(tpl.docx)
    interpreter = inp.data.get("interpreted_by")
    if interpreter:  # an English form read to the client in their language (vital documents)
        with force_locale(inp.language):
            attestation = gettext(
                "Interpreter's attestation: I, %(interpreter)s, interpreted this form into "
                "%(language)s for %(client)s, completely and accurately, before it was signed.",
                interpreter=interpreter["name"],
                language=interpreter["language"],
                client=inp.client_name,
            )
        tpl.docx.add_paragraph(attestation)
    if inp.agency_logo and not uses_logo(template):
        add_logo(tpl.docx, inp.agency_logo, inp.language in RIGHT_TO_LEFT)
    if inp.copy_note:
        tpl.docx.paragraphs[0].insert_paragraph_before(inp.copy_note).runs[0].bold = True
    set_metadata(tpl.docx, **properties(inp, version), identifier=inp.reference)
    if summary is not None:  # the client's copy: a summary page instead of the certificate
        with force_locale(inp.language):
            append_summary(tpl.docx, summary, gettext, right_to_left=inp.language in RIGHT_TO_LEFT)
    return _saved(tpl.docx, inp.language)


def properties(inp: RenderInput, version: TemplateVersion) -> dict[str, str]:
    """What the document says it is (title, author, subject, keywords): the DOCX's core
    properties, which LibreOffice writes into the PDF's."""
    title = get_form_type(inp.form_type).title
    return {
        "title": f"{title} {inp.reference}" + (" (English copy)" if inp.copy_note else ""),
        "author": inp.agency_name,
        "subject": title,
        "keywords": f"{inp.reference}, {inp.form_type}, template v{version.number}",
    }


def _saved(docx, language: str) -> bytes:
    """The open document as bytes, its right-to-left and Arabic text set as LibreOffice and
    every extractor read it alike."""
    if language in RIGHT_TO_LEFT:
        latin_brackets_kept_whole(
            part.element for part in docx.part.package.iter_parts() if hasattr(part, "element")
        )
    set_complex_script_font(docx)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def render(
    inp: RenderInput,
    version: TemplateVersion | None = None,
    certificate: CertificateData | None = None,
) -> Rendered:
    """Render with `version` (a document's pinned one) or the current template. A signed
    document also gets its audit certificate pages and the agency's PAdES seal."""
    version = version or template_store().current(inp.form_type, language=inp.language)
    template = load_template(version, inp.language)
    docx = render_docx(template, inp, version)
    template_sha256 = hashlib.sha256(template).hexdigest()
    pool = converter()
    if certificate is None:
        return Rendered(docx, pool.convert(docx), version, template_sha256)
    # The certificate's pages are made while the form converts: drawn meanwhile, or converted
    # on the other converter (one after the other, a right-to-left form, whose certificate
    # LibreOffice converts too, took half as long again as in one conversion).
    with ThreadPoolExecutor(max_workers=1) as beside:
        form = beside.submit(pool.convert, docx)
        pages = certificate_pages(docx, inp, certificate)
        return signed(docx, form.result(), inp, version, template_sha256, pages)


def signed(
    docx: bytes,
    pdf: bytes | IncrementalPdfFileWriter,
    inp: RenderInput,
    version: TemplateVersion,
    template_sha256: str,
    pages: bytes,
) -> Rendered:
    """The signed form's DOCX and PDF as filed: the PDF with its certificate's `pages`,
    sealed."""
    what = "English copy of signed document" if inp.copy_note else "Signed document"
    pdf, stamped = _sealed(with_certificate(pdf, pages), what, inp)
    return Rendered(docx, pdf, version, template_sha256, stamped)


def drawn(inp: RenderInput, data: CertificateData) -> bool:
    """Whether the certificate's pages are drawn directly (else LibreOffice converts them)."""
    return inp.language not in RIGHT_TO_LEFT and can_draw(data)


def certificate_pages(docx: bytes, inp: RenderInput, data: CertificateData) -> bytes:
    """The audit certificate's pages for the form rendered as `docx`: drawn directly where
    its text allows (`drawn`), else converted by LibreOffice from the form's DOCX emptied of
    its body (its header and footer kept)."""
    if drawn(inp, data):
        with force_locale(inp.language):
            return certificate_pdf(data, gettext, _page_size(docx))
    return converter().convert(certificate_docx(docx, inp, data))


def with_certificate(
    pdf: bytes | IncrementalPdfFileWriter, pages: bytes, info: dict | None = None
) -> IncrementalPdfFileWriter:
    """The form's pages (`pdf`, or a paper form's scan with the `info` to say what it is)
    followed by the audit certificate's `pages`. Added as an update of the form's PDF,
    which is not written again (a third of the time from the last signature to the sealed
    PDF)."""
    writer = pdf if isinstance(pdf, IncrementalPdfFileWriter) else _updating(pdf)
    append_pages(writer, pages)
    if info:
        values = {NameObject(key): TextStringObject(value) for key, value in info.items()}
        writer.set_info(writer.add_object(DictionaryObject(values)))
    return writer


def _updating(pdf: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def append_pages(writer: IncrementalPdfFileWriter, pdf: bytes) -> None:
    """Every page of `pdf` after the writer's last, their fonts and images imported once."""
    source = PdfFileReader(io.BytesIO(pdf), strict=False)
    importer = _ObjectImporter(source=source, target=writer, reference_map={}, obj_stream=None)
    count = source.root["/Pages"]["/Count"]
    for index in range(count):
        page_ref, _ = source.find_page_for_modification(index)
        page = page_ref.get_object()
        own = DictionaryObject({key: value for key, value in page.items() if key != "/Parent"})
        parent = page.get_value_as_reference("/Parent").get_object()
        while parent is not None:  # what a page takes from its parents, it now holds itself
            for key in INHERITED:
                if key not in own and key in parent:
                    own[NameObject(key)] = parent.raw_get(key)
            # pyHanko's get() would give the reference, not the parent
            parent = parent["/Parent"] if "/Parent" in parent else None  # noqa: SIM401
        writer.insert_page(importer.import_object(own))


_PAGE_SIZE = re.compile(rb'<w:pgSz\b[^>]*?w:w="(\d+)"[^>]*?w:h="(\d+)"')


def _page_size(docx: bytes) -> tuple[float, float]:
    """The last section's page size in points (Word gives it in twentieths of a point)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        sizes = _PAGE_SIZE.findall(parts.read("word/document.xml"))
    width, height = sizes[-1] if sizes else (b"12240", b"15840")  # Letter, Word's default
    return int(width) / 20, int(height) / 20


def certificate_docx(docx: bytes, inp: RenderInput, data: CertificateData) -> bytes:
    """The certificate alone, on the form's pages: its body gone, its header and footer kept."""
    document = DocxDocument(io.BytesIO(docx))
    body = document.element.body
    for block in list(body)[:-1]:  # all but the closing section properties
        body.remove(block)
    with force_locale(inp.language):
        append_certificate(document, data, gettext, right_to_left=inp.language in RIGHT_TO_LEFT)
    return _saved(document, inp.language)


def render_client_copy(inp: RenderInput, version: TemplateVersion, summary: SummaryData) -> bytes:
    """The client's copy as a PDF: the signed form with its summary page, sealed (made on
    demand, so without a timestamp: the filed original carries the proof)."""
    template = template_store().load(version, inp.language)
    pdf = converter().convert(render_docx(template, inp, version, summary=summary))
    return _sealed(pdf, "Client's copy of signed document", replace(inp, timestamp=False))[0]


def _sealed(
    pdf: bytes | IncrementalPdfFileWriter, what: str, inp: RenderInput
) -> tuple[bytes, bool | None]:
    """The sealed PDF, and whether it carries a timestamp (None: no authority configured).
    An authority that does not answer raises `TimestampUnavailable` for the job to retry."""
    cfg = current_app.config
    stamper = None
    if cfg["TSA_URL"] and inp.timestamp:
        # requests is loaded by the services that ask an authority (5 MB in every other)
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        stamper = RequestsHTTPTimeStamper(cfg["TSA_URL"], timeout=cfg["TSA_TIMEOUT"])
    roots = [Path(p) for p in cfg["TSA_CERTIFICATE"].split(",") if p] if stamper else []
    sealed = seal_pdf(
        pdf,
        seal_signer(inp.agency_id, inp.agency_name),
        reason=f"{what} {inp.reference}, filed by {inp.agency_name}",
        location=inp.agency_address,
        timestamper=stamper,
        timestamp_roots=roots,
    )
    return sealed, (stamper is not None) if cfg["TSA_URL"] else None


def render_paper_signed(
    inp: RenderInput, version: TemplateVersion, certificate: CertificateData, scan: bytes
) -> Rendered:
    """A form signed on paper, for the archive: the scan as received, then the audit
    certificate pages, sealed like the others. Its DOCX is the form as printed for signing."""
    template = load_template(version, inp.language)
    docx = render_docx(template, inp, version)
    # what LibreOffice would have written from the DOCX's properties into the form's PDF
    info = {f"/{key.title()}": value for key, value in properties(inp, version).items()}
    # the scan as pypdf writes it again: a scanner's PDF may have errors an update keeps
    from pypdf import PdfReader, PdfWriter  # loaded by the workers that file paper, not all

    whole = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(scan))).write(whole)
    pages = certificate_pages(docx, inp, certificate)
    pdf = with_certificate(whole.getvalue(), pages, info)
    pdf, stamped = _sealed(pdf, "Document signed on paper", inp)
    return Rendered(docx, pdf, version, hashlib.sha256(template).hexdigest(), stamped)
