"""The audit certificate as PDF pages of its own, made without LibreOffice.

A signed document's certificate can only be written once the last signature is in, so a
conversion of it would stand between that signature and the sealed PDF (a fifth of
LibreOffice's work on a signed consent). These pages say the same as the DOCX certificate
(`certificate.py`, which a right-to-left document still uses), laid out with ReportLab: fonts
embedded as subsets (the PDF/A rules the form's own pages follow), every value literal text,
in the templates' Liberation fonts (a certificate holding letters they lack, or written right
to left, still goes through LibreOffice: `can_draw`). They are numbered on their own ("Audit
certificate, page 1 of 2"): the form's pages keep the numbers the filed DOCX gives them.
"""

import functools
import io
import subprocess
import threading
import unicodedata
from collections.abc import Callable
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from .certificate import (
    BORDER_COLOR,
    EVENT_COLUMNS_MM,
    HASH_NOTE,
    HASH_PT,
    HEADER_FILL,
    INTRO,
    LABEL_MM,
    MISSING,
    N_,
    NO_EVENTS,
    NO_IMAGE,
    ON_PAPER,
    SIGNATURE_BOX_MM,
    TEXT_PT,
    CertificateData,
    SignatureEvidence,
    TrailEvent,
    _xml_text,
    document_facts,
    signer_facts,
    signer_heading,
)

HEADING_COLOR = colors.HexColor("#1F3B5B")  # the shipped templates' headings
RULE_COLOR = colors.HexColor("#" + BORDER_COLOR)
MARGIN_MM, TOP_MM, BOTTOM_MM = 20, 28, 20
CELL_PADDING = 6  # points, each side of a table cell's text (ReportLab's own)
PAGE_LABEL = N_("Audit certificate, page %(page)s of %(pages)s")
CLIENT_LABEL = N_("Client: %(name)s")
DOCUMENT_LABEL = N_("Document %(id)s")

# The templates' fonts; their glyphs cover Latin, Greek and Cyrillic. No text is bold and
# italic at once: that face is not parsed (1.4 MB in every process that files documents).
FONTS = {
    "cert-sans": "Liberation Sans:style=Regular",
    "cert-sans-bold": "Liberation Sans:style=Bold",
    "cert-sans-italic": "Liberation Sans:style=Italic",
    "cert-mono": "Liberation Mono:style=Regular",
}
# ReportLab keeps a font's subsets per document in the font object: one document at a time.
_BUILDING = threading.Lock()


def font_file(pattern: str) -> str:
    """The file fontconfig picks for `pattern` (the fonts the converters use, from apt)."""
    command = ["fc-match", "--format=%{file}", pattern]
    # fontconfig's tool, with fixed arguments: it finds fonts as LibreOffice does
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


@functools.cache
def register_fonts() -> None:
    """Parse each font once per process; a missing one fails loudly, naming it."""
    for name, pattern in FONTS.items():
        path = font_file(pattern)
        if "Liberation" not in path:
            raise RuntimeError(f"Font {pattern!r} is not installed (fontconfig gave {path!r})")
        pdfmetrics.registerFont(TTFont(name, path))
    pdfmetrics.registerFontFamily(
        "cert-sans",
        normal="cert-sans",
        bold="cert-sans-bold",
        italic="cert-sans-italic",
        boldItalic="cert-sans-bold",
    )


def _strings(data: CertificateData):
    yield from (v for v in vars(data).values() if isinstance(v, str))
    for signer in data.signers:
        yield from (v for v in vars(signer).values() if isinstance(v, str))
    for event in data.events:
        yield from vars(event).values()


def can_draw(data: CertificateData) -> bool:
    """Whether these pages can say everything in `data` as written: every letter in the
    fonts, none read right to left (HarfBuzz shapes Arabic, but ReportLab then writes a
    word's letters in the order they are drawn, and text extractors read them backwards).
    Otherwise the certificate goes through LibreOffice, as a right-to-left document's does."""
    register_fonts()
    glyphs = pdfmetrics.getFont("cert-sans").face.charToGlyph
    for value in _strings(data):
        for char in value:
            if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
                return False
            if ord(char) not in glyphs and not char.isspace() and _xml_text(char):
                return False
    return True


def markup(value: str) -> str:
    """`value` as ReportLab paragraph markup that prints it literally: escaped, characters
    XML cannot hold dropped, a line break kept."""
    return escape(_xml_text(value) or MISSING).replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("text", fontName="cert-sans", fontSize=TEXT_PT + 1, leading=13)
    cell = ParagraphStyle("cell", base, fontSize=TEXT_PT, leading=TEXT_PT + 2.5)
    return {
        "text": base,
        "h1": ParagraphStyle(
            "h1", base, fontName="cert-sans-bold", fontSize=16, leading=20, spaceAfter=6,
            textColor=HEADING_COLOR,
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName="cert-sans-bold", fontSize=12, leading=15, spaceBefore=10,
            spaceAfter=4, textColor=HEADING_COLOR, keepWithNext=1,
        ),
        "small": ParagraphStyle(
            "small", base, fontName="cert-sans-italic", fontSize=HASH_PT, leading=10,
            spaceBefore=3,
        ),
        "cell": cell,
        "label": ParagraphStyle("label", cell, fontName="cert-sans-bold"),
        "hash": ParagraphStyle("hash", cell, fontName="cert-mono", fontSize=HASH_PT),
        "header": ParagraphStyle("header", base, fontSize=8, leading=10),
        "header-right": ParagraphStyle("header-right", base, fontSize=8, leading=10, alignment=2),
    }  # fmt: skip


def _grid(table: Table, shaded: list[tuple], commands: list) -> Table:
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE_COLOR),
                ("FONTNAME", (0, 0), (-1, -1), "cert-sans"),  # not the unembedded Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                *[("BACKGROUND", *cells, colors.HexColor("#" + HEADER_FILL)) for cells in shaded],
                *commands,
            ]
        )
    )
    return table


def _cells(rows: list[list[tuple[object, ParagraphStyle]]], widths: list[float]):
    """Each (value, style) as plain text where it fits on one line (ReportLab draws that as
    it is, without parsing or wrapping it: half the certificate's time), else as a
    paragraph; and the commands that give the plain ones their style's font."""
    data, commands = [], []
    for r, row in enumerate(rows):
        cells = []
        for c, (value, style) in enumerate(row):
            text = (_xml_text(value) or MISSING) if isinstance(value, str) else None
            room = widths[c] - 2 * CELL_PADDING
            if text is None:
                cells.append(value)
            elif "\n" in text or stringWidth(text, style.fontName, style.fontSize) > room:
                cells.append(Paragraph(markup(value), style))
            else:
                cells.append(text)
                commands += [
                    (command, (c, r), (c, r), value)
                    for command, value in (
                        ("FONTNAME", style.fontName),
                        ("FONTSIZE", style.fontSize),
                        ("LEADING", style.leading),
                    )
                ]
        data.append(cells)
    return data, commands


def _facts(rows: list[tuple[str, object, bool]], width: float, s) -> Table:
    """Label | value rows; a hash set small and monospaced so it fits one line."""
    widths = [LABEL_MM * mm, width - LABEL_MM * mm]
    cells = [
        [(label, s["label"]), (value, s["hash"] if is_hash else s["cell"])]
        for label, value, is_hash in rows
    ]
    data, commands = _cells(cells, widths)
    return _grid(Table(data, colWidths=widths, splitInRow=1), [((0, 0), (0, -1))], commands)


def _signature(s: SignatureEvidence, t, style) -> object:
    if not s.signature_png:
        return Paragraph(markup(t(ON_PAPER if s.on_paper else NO_IMAGE)), style)
    with PILImage.open(io.BytesIO(s.signature_png)) as image:
        width, height = image.size
    box_w, box_h = SIGNATURE_BOX_MM[0] * mm, SIGNATURE_BOX_MM[1] * mm
    scale = min(box_w / width, box_h / height)
    return Image(io.BytesIO(s.signature_png), width * scale, height * scale, hAlign="LEFT")


def _signer(number: int, count: int, s: SignatureEvidence, t, width: float, st) -> KeepTogether:
    facts = [*signer_facts(s, t), (t(N_("Signature")), _signature(s, t, st["cell"]), False)]
    heading = Paragraph(markup(signer_heading(number, count, s, t)), st["h2"])
    return KeepTogether([heading, _facts(facts, width, st)])


def _events(events: list[TrailEvent], t, width: float, st) -> Table:
    widths = [w * mm for w in EVENT_COLUMNS_MM]
    widths.append(width - sum(widths))
    labels = (N_("Time"), N_("Who"), N_("What"), N_("Detail"))
    rows = [[(t(label), st["label"]) for label in labels]]
    rows += [[(value, st["cell"]) for value in (e.at, e.actor, e.action, e.detail)] for e in events]
    data, commands = _cells(rows, widths)
    if not events:
        data.append([Paragraph(markup(t(NO_EVENTS)), st["cell"]), "", "", ""])
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    return _grid(table, [((0, 0), (-1, 0))], commands)


def certificate_pdf(
    data: CertificateData,
    translate: Callable[[str], str] = str,
    page_size: tuple[float, float] = (612, 792),
) -> bytes:
    """The certificate's pages, to follow the form's pages in its PDF: `translate` gives its
    words in the document's language, `page_size` (points) is the form's."""
    register_fonts()
    t = translate
    st = _styles()
    width = page_size[0] - 2 * MARGIN_MM * mm
    story = [Paragraph(markup(t(N_("Audit certificate"))), st["h1"])]
    story.append(Paragraph(markup(t(INTRO)), st["text"]))
    story += [
        Paragraph(markup(note), st["text"]) for note in (data.copy_note, data.paper_note) if note
    ]
    story.append(Paragraph(markup(t(N_("Document"))), st["h2"]))
    story.append(_facts(document_facts(data, t), width, st))
    story.append(Paragraph(markup(t(HASH_NOTE)), st["small"]))
    for number, signer in enumerate(data.signers, start=1):
        story.append(_signer(number, len(data.signers), signer, t, width, st))
    story += [Paragraph(markup(t(N_("Event trail"))), st["h2"]), _events(data.events, t, width, st)]

    def header(canvas: Canvas, doc) -> None:
        canvas.saveState()
        top = page_size[1] - 12 * mm
        half = width / 2
        agency = f'<font color="#{HEADING_COLOR.hexval()[2:]}"><b>{markup(data.agency)}</b></font>'
        left = Paragraph(f"{agency}<br/>{markup(data.title)}", st["header"])
        client = escape(t(CLIENT_LABEL)) % {"name": f"<b>{markup(data.client_name)}</b>"}
        document = markup(t(DOCUMENT_LABEL) % {"id": data.document_id})
        right = Paragraph(f"{client}<br/>{document}", st["header-right"])
        for paragraph, x in ((left, MARGIN_MM * mm), (right, MARGIN_MM * mm + half)):
            _, height = paragraph.wrap(half, 20 * mm)
            paragraph.drawOn(canvas, x, top - height)
        canvas.setStrokeColor(RULE_COLOR)
        canvas.setLineWidth(0.75)
        canvas.line(MARGIN_MM * mm, top - 9 * mm, page_size[0] - MARGIN_MM * mm, top - 9 * mm)
        canvas.restoreState()

    class Numbered(Canvas):
        """Holds the pages back until the last, so each can say "page 2 of 3"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                label = t(PAGE_LABEL) % {"page": number, "pages": len(self._held)}
                self.setFont("cert-sans", 8)
                self.drawRightString(page_size[0] - MARGIN_MM * mm, 10 * mm, label)
                super().showPage()
            super().save()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page_size,
        leftMargin=MARGIN_MM * mm,
        rightMargin=MARGIN_MM * mm,
        topMargin=TOP_MM * mm,
        bottomMargin=BOTTOM_MM * mm,
        title=f"{data.title} {data.document_id}",
        author=data.agency,
        invariant=True,  # no creation time or random ids: the same data gives the same bytes
        initialFontName="cert-sans",  # ReportLab's default, Helvetica, would not be embedded
    )
    with _BUILDING:
        doc.build(story, onFirstPage=header, onLaterPages=header, canvasmaker=Numbered)
    return out.getvalue()
