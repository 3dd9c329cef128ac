"""Pages drawn straight to PDF with fpdf2, to be appended to a form's PDF/A: LibreOffice
converts only the form, so the certificate and summary add no conversion time.

They look like the form's own pages: its page size and margins, a running header (agency and
form; client and document), a footer numbering them as pages of the whole document, the
templates' fonts embedded (Liberation Sans and Mono, Noto Naskh Arabic), Arabic shaped by
HarfBuzz and laid out right to left. Every value is written as literal text.
"""

import copy
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import YPos
from fpdf.fonts import SubsetMap, TTFFont

from .certificate import N_

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {  # family, style -> file, from the Debian font packages the templates are made for
    ("sans", ""): "liberation2/LiberationSans-Regular.ttf",
    ("sans", "B"): "liberation2/LiberationSans-Bold.ttf",
    ("mono", ""): "liberation2/LiberationMono-Regular.ttf",
    ("arabic", ""): "noto/NotoNaskhArabic-Regular.ttf",
    ("arabic", "B"): "noto/NotoNaskhArabic-Bold.ttf",
}
INSTALL_HINT = "install fonts-liberation2 and fonts-noto-core"

PT = 25.4 / 72  # mm per point
LETTER_PT = (612.0, 792.0)
MARGINS_MM = (21.6, 24.1, 21.6, 21.6)  # left, top, right, bottom: the templates' 0.85/0.95 in
HEADER_Y_MM, FOOTER_Y_MM = 10.2, 12.5  # from the top and from the bottom edge
TITLE_COLOR = (0x1F, 0x3A, 0x5F)
GREY = (0x55, 0x55, 0x55)
BORDER_COLOR = (0x8E, 0xA3, 0xBA)
HEADER_FILL = (0xE8, 0xEE, 0xF4)
TEXT_PT, HASH_PT, SMALL_PT = 9, 8, 8
LINE_MM = 4.0  # one line of table text at 9 pt
PADDING_MM = 0.9
ROW_LINES = 40  # a longer value is cut into rows of this many lines, so none outgrows a page
MISSING = "—"
# Letters that need shaping (joining, ligatures, marks): Hebrew, Arabic and its presentation
# forms. Other text is laid out without HarfBuzz, which costs far more per line.
_NEEDS_SHAPING = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True)
class Running:
    """What the running header and footer of the appended pages say."""

    agency: str
    title: str
    client: str
    document_id: str
    pages_before: int = 0  # the form's: the first appended page is the next, and counted


def printable(value: str) -> str:
    """`value` without characters no font draws (controls), an empty one as a dash."""
    return "".join(c for c in value if c >= " " or c in "\t\n").strip() or MISSING


class Pages(FPDF):
    """An fpdf2 document laid out like the form: page size, margins, fonts, direction."""

    def __init__(
        self,
        running: Running,
        translate: Callable[[str], str],
        right_to_left: bool,
        page_size_pt: tuple[float, float],
        texts: list[str],
    ):
        """`texts`: every text the pages will show, which decides the fonts they need."""
        super().__init__(unit="mm", format=(page_size_pt[0] * PT, page_size_pt[1] * PT))
        self.running, self.t, self.rtl = running, translate, right_to_left
        self.set_margins(MARGINS_MM[0], MARGINS_MM[1], MARGINS_MM[2])
        self.set_auto_page_break(True, MARGINS_MM[3])
        self.c_margin = PADDING_MM
        shaped = right_to_left or needs_shaping(*texts)
        common = not shaped and common_only(*texts)  # shaping may reach any glyph
        for (family, style), path in FONTS.items():
            if family != "arabic" or shaped:  # each font embedded costs its subsetting
                font = _font(self, family, style, FONT_DIR / path, common)
                self.fonts[f"{family}{style}"] = font
        if shaped:
            self.set_fallback_fonts(["arabic"], exact_match=False)
            # as in the rendered forms (rendering/fonts.py): Noto Naskh Arabic draws lam-alef
            # as two glyphs and, without its one optional ligature, every glyph is one letter,
            # so every text extractor reads the letters back in order
            direction = "rtl" if right_to_left else "ltr"
            self.set_text_shaping(True, features={"liga": False}, direction=direction)
        self.set_draw_color(*BORDER_COLOR)
        self.set_line_width(0.2)
        self.align = "R" if right_to_left else "L"
        self.add_page()

    def header(self) -> None:
        r, t = self.running, self.t
        left = [(r.agency, True), (r.title, False)]
        right = [
            (t(N_("Client: %(name)s")) % {"name": r.client}, True),
            (t(N_("Document %(reference)s")) % {"reference": r.document_id}, False),
        ]
        if self.rtl:  # the start side is the right
            left, right = right, left
        width = (self.epw - 4) / 2
        for column, (lines, align) in enumerate(((left, "L"), (right, "R"))):
            self.set_xy(self.l_margin + column * (width + 4), HEADER_Y_MM)
            for text, strong in lines:
                self.set_font("sans", "B" if strong else "", 8)
                self.set_text_color(*(TITLE_COLOR if strong else GREY))
                self.set_x(self.l_margin + column * (width + 4))
                self.cell(width, 3.6, _short(printable(text)), align=align, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_xy(self.l_margin, self.t_margin)

    def number_pages(self) -> None:
        """Write "Page n of m" on every page, counting the pages of the form before them."""
        before, count = self.running.pages_before, self.page
        total = before + count
        self.set_auto_page_break(False)  # the footer is below the bottom margin
        for index in range(1, count + 1):
            self.page = index
            y = self.h - FOOTER_Y_MM
            self.line(self.l_margin, y - 1.5, self.w - self.r_margin, y - 1.5)
            self.set_font("sans", "", 8)
            self.set_text_color(*GREY)
            self.set_xy(self.l_margin, y)
            label = self.t(N_("Page %(page)s of %(pages)s"))
            text = label % {"page": before + index, "pages": total}
            self.cell(self.epw, 4, text, align="L" if self.rtl else "R")
        self.page = count

    # --- blocks --------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        size = 13.5 if level == 1 else 11
        if self.will_page_break(size * PT * 1.5 + 4 * LINE_MM):  # never alone at a page end
            self.add_page()
        self.ln(4 if level == 1 else 3)
        self.set_font("sans", "B", size)
        self.set_text_color(*TITLE_COLOR)
        self.multi_cell(0, size * PT * 1.3, printable(text), align=self.align, padding=0)
        if level == 1:
            y = self.get_y() + 0.8
            self.set_draw_color(*TITLE_COLOR)
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_draw_color(*BORDER_COLOR)
            self.set_y(y + 2)
        self.set_text_color(0)
        self.ln(1)

    def paragraph(self, text: str, size: float = 10.5, style: str = "") -> None:
        self.set_font("sans", style, size)
        self.multi_cell(0, size * PT * 1.35, printable(text), align=self.align, padding=0)
        self.ln(1.5)

    def facts(self, rows: list[tuple[str, str, bool]], label_mm: float) -> None:
        """Label | value rows, labels shaded; the flag marks a hash, set small in monospace."""
        self.table(
            [label_mm], [[Cell(label, True), Cell(value, mono=mono)] for label, value, mono in rows]
        )

    def table(
        self,
        widths_mm: list[float],
        rows: list[list["Cell"]],
        heading: list["Cell"] | None = None,
        last_height: float = 0,
    ) -> float:
        """Bordered rows across the text width, the last column taking what the others leave,
        each row given start side first (drawn from the right in a right-to-left document);
        `heading` repeats on every page; the last row is at least `last_height` high.
        Returns the top of the last row. (fpdf2's own tables lay every cell out twice, and
        break lines a letter at a time: this is several times faster.)"""
        widths = [*widths_mm, self.last_width(*widths_mm)]
        if heading:
            self._row(widths, heading, None)
        top = self.y
        for number, row in enumerate(rows):
            least = last_height if number == len(rows) - 1 else 0
            top = self._row(widths, row, heading, least)
        self.set_y(self.y + 2)
        return top

    def table_height(self, widths_mm: list[float], rows: list[list["Cell"]]) -> float:
        widths = [*widths_mm, self.last_width(*widths_mm)]
        return sum(self._height(self._wrapped(widths, row)) for row in rows)

    def _wrapped(self, widths: list[float], row: list["Cell"]) -> list[list[str]]:
        return [
            self.wrap(cell, width - 2 * PADDING_MM) for cell, width in zip(row, widths, strict=True)
        ]

    @staticmethod
    def _height(wrapped: list[list[str]]) -> float:
        return max(1, *map(len, wrapped)) * LINE_MM + 2 * PADDING_MM

    def _row(self, widths, row, heading, least: float = 0) -> float:
        """One row, in pieces of ROW_LINES lines: a row never splits across pages, and a
        value taller than a page must not be cut off."""
        wrapped = self._wrapped(widths, row)
        count = max(1, *map(len, wrapped))
        top = self.y
        for first in range(0, count, ROW_LINES):
            piece = [lines[first : first + ROW_LINES] for lines in wrapped]
            height = self._height(piece)
            if first + ROW_LINES >= count:
                height = max(height, least)
            if self.y + height > self.page_break_trigger:
                self.add_page()
                if heading:
                    self._row(widths, heading, None)
            top = self.y
            x = self.w - self.r_margin if self.rtl else self.l_margin
            for cell, lines, width in zip(row, piece, widths, strict=True):
                left = x - width if self.rtl else x
                self.set_fill_color(*HEADER_FILL)
                self.rect(left, top, width, height, "DF" if cell.strong else "D")
                self._font_of(cell)
                for number, line in enumerate(lines):
                    self.set_xy(left + PADDING_MM, top + PADDING_MM + number * LINE_MM)
                    self.cell(width - 2 * PADDING_MM, LINE_MM, line, align=self.align)
                x = left if self.rtl else left + width
            self.set_xy(self.l_margin, top + height)
        return top

    def _font_of(self, cell: "Cell") -> None:
        if cell.mono:
            self.set_font("mono", "", HASH_PT)
        else:
            self.set_font("sans", "B" if cell.strong else "", TEXT_PT)

    def wrap(self, cell: "Cell", width: float) -> list[str]:
        """The cell's text as the lines it takes in a column this wide, broken between
        words (inside a word only when it is wider than the column)."""
        if cell.text is None:
            return []
        self._font_of(cell)
        lines = []
        for paragraph in printable(cell.text).split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.get_string_width(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                while self.get_string_width(word) > width:  # a word wider than the column
                    cut = max(1, int(len(word) * width / self.get_string_width(word)))
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines

    def last_width(self, *widths_mm: float) -> float:
        """What the text width leaves for the last column after these."""
        return self.epw - sum(widths_mm)

    def keep_together(self, height_mm: float) -> None:
        """Start a new page unless a block this high fits on this one."""
        if self.will_page_break(height_mm):
            self.add_page()

    def output_bytes(self) -> bytes:
        self.number_pages()
        return bytes(self.output())


@dataclass(frozen=True)
class Cell:
    """A table cell's text as literal text (an empty one shows a dash; None: left blank)."""

    text: str | None
    strong: bool = False  # a label: bold, on a shaded ground
    mono: bool = False  # a hash: small and monospaced, so 64 digits fit a line


def _short(text: str, most: int = 90) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def needs_shaping(*texts: str) -> bool:
    """Whether any of these texts has letters that only HarfBuzz lays out right."""
    return any(_NEEDS_SHAPING.search(text) for text in texts if text)


_loaded: dict[tuple[str, str], tuple[TTFFont, bytes, bytes]] = {}
# The letters most documents stay within: Latin (through Extended-B) and general punctuation.
# A document with none other, and no shaping (which may reach any glyph), embeds from a copy of
# the font holding only their outlines (by glyph name, which fpdf2 embeds them by), which it
# subsets several times faster.
COMMON = [*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC]
_COMMON_SET = frozenset(COMMON)
_loading = threading.Lock()


def _saved(font: ttLib.TTFont) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _prepared(family: str, style: str, path: Path) -> tuple[TTFFont, bytes, bytes]:
    """fpdf2's parsed font, the file's bytes, and its COMMON copy's."""
    if not path.exists():
        raise FileNotFoundError(f"The font {path} is missing: {INSTALL_HINT}.")
    probe = FPDF()
    probe.add_font(family, style, str(path))
    common = ttLib.TTFont(str(path), recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, glyph_names=True)
    options.name_IDs, options.name_languages = ["*"], ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=COMMON)
    subsetter.subset(common)
    return probe.fonts[f"{family}{style}"], path.read_bytes(), _saved(common)


def prepare_fonts() -> None:
    """Parse every font now (the service and a worker call this as they start), so the first
    document does not wait for it."""
    for (family, style), path in FONTS.items():
        with _loading:
            if (family, style) not in _loaded:
                _loaded[family, style] = _prepared(family, style, FONT_DIR / path)


def common_only(*texts: str) -> bool:
    """Whether these texts use only the COMMON letters."""
    return all(ord(c) in _COMMON_SET or c in "\t\n" for text in texts for c in text)


def _font(pdf: FPDF, family: str, style: str, path: Path, common_only: bool) -> TTFFont:
    """The font for this document: fpdf2 parses a font file for every document (a tenth of a
    second each) and subsets it in place when it writes the PDF, so each font is parsed once
    per process (`prepare_fonts`) and each document gets a copy with its own subset and its
    own fontTools object, lazily read from the file's bytes kept in memory."""
    with _loading:
        if (family, style) not in _loaded:
            _loaded[family, style] = _prepared(family, style, path)
    model, full, common = _loaded[family, style]
    data = common if common_only else full
    font = copy.copy(model)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(model.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font


def page_size(pdf_page) -> tuple[float, float]:
    """A pypdf page's width and height in points."""
    box = pdf_page.mediabox
    return float(box.width), float(box.height)
