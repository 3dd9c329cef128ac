"""The audit certificate: a last page that says who signed, how and when, with the hashes
that bind the signatures to the document.

It is added to the signed DOCX before conversion, so the PDF is one PDF/A-2b document with
the form's own header and footer on the certificate page too, rather than two files stitched
together afterwards. Every value is written as literal text: nothing a signer typed or a
browser sent can become markup or template code.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from PIL import Image

from . import bidi


def N_(message: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a message for the app's catalogs; this package knows no Flask: `append_certificate`
    takes the translation function (English when none is given)."""
    return message


INTRO = N_(
    "This page records how and when this document was signed. The hashes let anyone check "
    "that the document was not changed."
)
HASH_NOTE = N_(
    "A hash is a fingerprint of a file: SHA-256 of the signed content, of the template it was "
    "made from, and of each signature as drawn. Any change to them gives a different hash."
)
NO_IMAGE = N_("No drawn signature (signed without drawing)")
ON_PAPER = N_("On the paper form: see its scan before this certificate")
NO_EVENTS = N_("No events were recorded.")
MISSING = "—"

SIGNATURE_BOX_MM = (40, 14)  # at most this wide and high, keeping the drawing's shape
LABEL_MM = 44  # width of the label column in the facts and signer tables
EVENT_COLUMNS_MM = (42, 34, 34)  # time, who, what; the detail column takes the rest
TEXT_PT, HASH_PT = 9, 8  # a 64-digit hash fits one line of the value column at 8 pt
MONOSPACE = "Liberation Mono"
BORDER_COLOR = "8EA3BA"
HEADER_FILL = "E8EEF4"
CELL_MARGIN_TWIPS = 108
KEEP_WHOLE_MAX_CHARS = 500  # fills well under a page even in the narrowest column

# XML 1.0 allows tab, newline and carriage return below 0x20, and no surrogates or U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# WordprocessingML fixes the order of properties; Word refuses a file that breaks it.
_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
CORE_PROPERTY_MAX = 255  # characters: a limit of python-docx for core properties


@dataclass(frozen=True)
class SignatureEvidence:
    """What attributes one signature to its signer (ESIGN/UETA): who, how, when, from where."""

    name: str
    role: str
    method: str  # e.g. "In person on a tablet", "One-time link", "Staff sign-in"
    signed_at: str  # formatted in the agency's time zone, the zone named
    ip: str
    user_agent: str
    identity_check: str
    ink_sha256: str
    signature_png: bytes | None
    on_paper: bool = False  # signed on the paper form whose scan the PDF holds


@dataclass(frozen=True)
class TrailEvent:
    at: str
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class CertificateData:
    document_id: str
    title: str
    agency: str
    form_type: str
    template_version: str
    content_sha256: str
    template_sha256: str
    client_name: str
    signers: list[SignatureEvidence]
    events: list[TrailEvent]
    # Set on a rendering in another language than the signed original: says which it renders.
    copy_note: str = ""
    # Set on a form signed on paper: says that the pages before are its scan, and who received it.
    paper_note: str = ""


def _xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold (python-docx refuses them)."""
    return _NOT_XML.sub("", value)


def append_certificate(
    doc: DocxDocument,
    data: CertificateData,
    translate: Callable[[str], str] = str,
    right_to_left: bool = False,
) -> None:
    """Append an "Audit certificate" section to `doc`, starting on a new page, its words in
    the document's language (`translate`: the app's gettext in that language), laid out right
    to left for such a language. Works on the open document, so rendering opens and saves
    the DOCX once."""
    t = translate
    body = doc.element.body
    first = len(body) - 1  # new blocks go before the body's closing w:sectPr
    heading = _heading(doc, t(N_("Audit certificate")), 1)
    heading.paragraph_format.page_break_before = True
    _unnumbered(heading)  # the form's numbered sections end before the certificate
    doc.add_paragraph(t(INTRO))
    for note in (data.copy_note, data.paper_note):
        if note:
            doc.add_paragraph(_xml_text(note))

    _heading(doc, t(N_("Document")), 2)
    _facts_table(doc, document_facts(data, t))
    _small(doc, t(HASH_NOTE))

    for number, signer in enumerate(data.signers, start=1):
        _signer_block(doc, number, len(data.signers), signer, t)

    _heading(doc, t(N_("Event trail")), 2)
    _event_table(doc, data.events, t)
    if right_to_left:
        bidi.right_to_left(list(body)[first:-1], mark_runs=False)


def set_metadata(
    doc: DocxDocument, *, title: str, author: str, subject: str, keywords: str, identifier: str
) -> None:
    """The DOCX with its core properties set: LibreOffice carries title, author, subject and
    keywords into the PDF's Info dictionary and XMP, so archives and readers can index it.

    LibreOffice splits keywords at commas, semicolons and spaces. The identifier stays in the
    DOCX only (LibreOffice has no PDF field for it), so give the document id as a keyword too.
    Values over python-docx's 255-character limit are cut: the full text is in the document.
    """
    props = doc.core_properties
    props.title = _property(title)
    props.author = _property(author)
    props.subject = _property(subject)
    props.keywords = _property(keywords)
    props.identifier = _property(identifier)


# --- what it says, in either form (this DOCX, or drawn as PDF: `certificate_pdf.py`) ---------


def document_facts(data: CertificateData, t) -> list[tuple[str, str, bool]]:
    """(label, value, is a hash) rows of the document's facts."""
    form = f"{data.title} ({data.form_type})" if data.form_type else data.title
    return [
        (t(N_("Document ID")), data.document_id, False),
        (t(N_("Form")), form, False),
        (t(N_("Template version")), data.template_version, False),
        (t(N_("Client")), data.client_name, False),
        (t(N_("Agency")), data.agency, False),
        (t(N_("Content SHA-256")), data.content_sha256, True),
        (t(N_("Template SHA-256")), data.template_sha256, True),
    ]


def signer_heading(number: int, count: int, s: SignatureEvidence, t) -> str:
    title = t(N_("Signer %(number)s of %(count)s: %(name)s"))
    return title % {"number": number, "count": count, "name": _xml_text(s.name) or MISSING}


def signer_facts(s: SignatureEvidence, t) -> list[tuple[str, str, bool]]:
    """(label, value, is a hash) rows of one signature's evidence, its image aside."""
    return [
        (t(N_("Role")), s.role, False),
        (t(N_("Method")), s.method, False),
        (t(N_("Signed at")), s.signed_at, False),
        (t(N_("IP address")), s.ip, False),
        (t(N_("Device (user agent)")), s.user_agent, False),
        (t(N_("Identity check")), s.identity_check, False),
        (t(N_("Ink SHA-256")), s.ink_sha256, True),
    ]


# --- blocks --------------------------------------------------------------------------------


def _signer_block(doc: DocxDocument, number: int, count: int, s: SignatureEvidence, t) -> None:
    _heading(doc, signer_heading(number, count, s, t), 2)
    table = _facts_table(doc, signer_facts(s, t))
    for row in table.rows:  # one signer's facts stay on one page with the signature
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    row = table.add_row()
    _keep_whole(row, "")
    label, value = row.cells
    _shade(label)
    _write(label.paragraphs[0], t(N_("Signature")), bold=True)
    if s.signature_png:
        value.paragraphs[0].add_run().add_picture(io.BytesIO(s.signature_png), **_fit(s))
    else:
        _write(value.paragraphs[0], t(ON_PAPER if s.on_paper else NO_IMAGE))


def _fit(s: SignatureEvidence) -> dict:
    width, height = Image.open(io.BytesIO(s.signature_png)).size
    box_w, box_h = SIGNATURE_BOX_MM
    return {"width": Mm(box_w)} if width / height > box_w / box_h else {"height": Mm(box_h)}


def _facts_table(doc: DocxDocument, rows: list[tuple[str, str, bool]]) -> Table:
    """Label | value rows; the flag marks a hash, set small and monospaced so it fits."""
    table = _table(doc, len(rows), [LABEL_MM])
    for row, (label, value, is_hash) in zip(table.rows, rows, strict=True):
        _keep_whole(row, value)
        label_cell, value_cell = row.cells
        _shade(label_cell)
        _write(label_cell.paragraphs[0], label, bold=True)
        _write(value_cell.paragraphs[0], value, monospace=is_hash)
    return table


def _event_table(doc: DocxDocument, events: list[TrailEvent], t) -> None:
    table = _table(doc, 1 + max(len(events), 1), list(EVENT_COLUMNS_MM))
    header = table.rows[0]
    _keep_whole(header, "")
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats on a new page
    labels = (N_("Time"), N_("Who"), N_("What"), N_("Detail"))
    for cell, label in zip(header.cells, map(t, labels), strict=True):
        _shade(cell)
        _write(cell.paragraphs[0], label, bold=True)
    if not events:
        merged = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
        _write(merged.paragraphs[0], t(NO_EVENTS))
        return
    for row, event in zip(table.rows[1:], events, strict=True):
        values = (event.at, event.actor, event.action, event.detail)
        _keep_whole(row, *values)
        for cell, value in zip(row.cells, values, strict=True):
            _write(cell.paragraphs[0], value)


# --- building blocks -----------------------------------------------------------------------


def _style(doc: DocxDocument, name: str) -> BaseStyle | None:
    """The document's style of that name, or None where the template lacks it."""
    try:
        return doc.styles[name]
    except KeyError:
        return None


def _heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    style = _style(doc, f"Heading {level}")
    if style is not None:
        return doc.add_paragraph(text, style)
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(10)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(14 if level == 1 else 12)
    return paragraph


def _unnumbered(paragraph: Paragraph) -> None:
    """Switch off list numbering a heading style may carry (numId 0 means "no list")."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = 0
    paragraph.paragraph_format.left_indent = 0
    paragraph.paragraph_format.first_line_indent = 0


def _small(doc: DocxDocument, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    run = paragraph.add_run(text)
    run.font.size = Pt(HASH_PT)
    run.italic = True


def _table(doc: DocxDocument, rows: int, widths_mm: list[int]) -> Table:
    """A bordered table across the text width; the last column takes what `widths_mm` leave."""
    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [Mm(w) for w in widths_mm]
    widths.append(text_width - sum(widths))
    table = doc.add_table(rows=rows, cols=len(widths))
    if _style(doc, "Table Grid") is not None:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    _borders(table)
    # Word's default cell margin: indented by it, the border lines up with the text margin
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.insert_element_before(indent, "w:tblBorders", *_AFTER_TBL_BORDERS)
    return table


def _keep_whole(row: _Row, *values: str) -> None:
    """A row is read as one fact, so a short one is never split across pages. A long one may
    split: LibreOffice cuts off the text of an unsplittable row taller than a page."""
    if max(map(len, values)) <= KEEP_WHOLE_MAX_CHARS:
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _borders(table: Table) -> None:
    """Thin lines of our own, so the table is framed whatever styles the template has."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0")):
            line.set(qn(f"w:{key}"), value)
        line.set(qn("w:color"), BORDER_COLOR)
        borders.append(line)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBL_BORDERS)


def _shade(cell: _Cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), HEADER_FILL)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *_AFTER_SHD)


def _write(
    paragraph: Paragraph, value: str, *, bold: bool = False, monospace: bool = False
) -> None:
    """`value` as literal text at table size; an empty value shows as a dash, not a blank."""
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(_xml_text(value) or MISSING)
    run.bold = bold
    run.font.size = Pt(HASH_PT if monospace else TEXT_PT)
    if monospace:
        run.font.name = MONOSPACE


def _property(value: str) -> str:
    return _xml_text(value)[:CORE_PROPERTY_MAX]
