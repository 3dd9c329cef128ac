"""Shared building blocks for the default Word templates (one ``<form_type>_v<N>.py`` script
per template version).

A builder script describes only its body; this module gives every template the same look,
page furniture (agency, title, client name and document id in the header of every page; page
X of Y in the footer), styles, tables and a deterministic build: fixed core properties, no
thumbnail, and a zip rewritten with fixed member timestamps, so running a script twice gives
the same bytes (and the same sha256 in the manifest).

Rules for anyone writing a template body (docxtpl pitfalls):
* every Jinja tag is written as ONE run (``para`` / ``cell_text`` parts: one part, one run);
* ``{%p ... %}`` tags sit alone in their own paragraph (``tag``), ``{%tr ... %}`` tags alone
  in the first cell of their own table row (``tr_tag``);
* values are plain ``{{ var }}``: the app renders with autoescape on, so a value is always
  text. Never ``|safe`` and never ``{{r ...}}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor

from forms_service.rendering.templates import TemplateStore, TemplateVersion, manifest_text
from signatures import bidi

ROOT = Path(__file__).resolve().parents[2]

# Look
BODY_FONT = "Liberation Sans"  # metric-compatible with Arial; shipped by Debian's fonts-liberation
CS_FONT = "Noto Sans Arabic"  # complex scripts (Arabic names); fonts-noto-core
NAVY = "1F3A5F"
INK = "222222"
GREY = "555555"
RULE = "8EA3BA"  # table borders
LABEL_FILL = "EAF0F6"  # label cells, header rows
NOTE_FILL = "F4F7FA"  # boxes

PAGE_W, PAGE_H = Inches(8.5), Inches(11)  # US Letter
MARGIN_LR = Inches(0.85)
TEXT_W_IN = 8.5 - 2 * 0.85  # 6.8 in of text width
TWIPS_PER_INCH = 1440
FIXED_TIME = dt.datetime(2026, 11, 25, 0, 0, 0)
ZIP_TIME = (2026, 11, 25, 0, 0, 0)

SIGNATURE_ROW_HEIGHT_TWIPS = 1134  # 2 cm

# --------------------------------------------------------------------------- styles


def _rfonts_xml(ascii_font: str = BODY_FONT, cs_font: str = CS_FONT) -> str:
    return (
        f'<w:rFonts {nsdecls("w")} w:ascii="{ascii_font}" w:hAnsi="{ascii_font}" '
        f'w:eastAsia="{ascii_font}" w:cs="{cs_font}"/>'
    )


def _replace_child(parent, tag: str, new_el) -> None:
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.append(new_el)


def _set_run_props(
    rpr,
    *,
    size_pt: float | None = None,
    bold: bool | None = None,
    color: str | None = None,
    italic: bool | None = None,
) -> None:
    """Rewrite an rPr: explicit fonts (no theme fonts), then size/bold/colour in schema order."""
    for child in list(rpr):
        if child.tag in (
            qn("w:rFonts"),
            qn("w:b"),
            qn("w:bCs"),
            qn("w:i"),
            qn("w:iCs"),
            qn("w:color"),
            qn("w:sz"),
            qn("w:szCs"),
            qn("w:spacing"),
            qn("w:kern"),
        ):
            rpr.remove(child)
    els = [parse_xml(_rfonts_xml())]
    if bold is not None:
        v = "1" if bold else "0"
        els += [
            parse_xml(f'<w:b {nsdecls("w")} w:val="{v}"/>'),
            parse_xml(f'<w:bCs {nsdecls("w")} w:val="{v}"/>'),
        ]
    if italic is not None:
        v = "1" if italic else "0"
        els += [
            parse_xml(f'<w:i {nsdecls("w")} w:val="{v}"/>'),
            parse_xml(f'<w:iCs {nsdecls("w")} w:val="{v}"/>'),
        ]
    if color is not None:
        els.append(parse_xml(f'<w:color {nsdecls("w")} w:val="{color}"/>'))
    if size_pt is not None:
        hp = int(round(size_pt * 2))
        els += [
            parse_xml(f'<w:sz {nsdecls("w")} w:val="{hp}"/>'),
            parse_xml(f'<w:szCs {nsdecls("w")} w:val="{hp}"/>'),
        ]
    # rFonts is first in CT_RPr; b, i, color, sz follow in that order; put ours first.
    for i, el in enumerate(els):
        rpr.insert(i, el)


def _style_ppr(style, xml_children: str) -> None:
    """Replace a style's pPr with the given children (already in schema order)."""
    el = style.element
    for old in el.findall(qn("w:pPr")):
        el.remove(old)
    ppr = parse_xml(f"<w:pPr {nsdecls('w')}>{xml_children}</w:pPr>")
    rpr = el.find(qn("w:rPr"))
    if rpr is not None:
        rpr.addprevious(ppr)
    else:
        el.append(ppr)


def _style_rpr(style, **kw) -> None:
    rpr = style.element.get_or_add_rPr()
    _set_run_props(rpr, **kw)


def setup_styles(doc, notice_style: str = "Notice") -> dict[str, int]:
    styles_el = doc.styles.element
    # document defaults: fonts, 11 pt, US English, comfortable spacing
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_run_props(rpr_default, size_pt=11, color=INK)
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:bidi"), "ar-SA")
    ppr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _replace_child(
        ppr_default,
        "w:spacing",
        parse_xml(
            f'<w:spacing {nsdecls("w")} w:before="0" w:after="100" w:line="264" w:lineRule="auto"/>'
        ),
    )

    numbering = add_numbering(doc)

    title = doc.styles["Title"]
    _style_ppr(
        title, '<w:keepNext/><w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/>'
    )
    _style_rpr(title, size_pt=21, bold=True, color=NAVY)

    h1 = doc.styles["Heading 1"]
    _style_ppr(
        h1,
        "<w:keepNext/><w:keepLines/>"
        f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbering["heading"]}"/></w:numPr>'
        f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="{NAVY}"/></w:pBdr>'
        '<w:spacing w:before="280" w:after="100" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="504" w:hanging="504"/>'
        '<w:outlineLvl w:val="0"/>',
    )
    _style_rpr(h1, size_pt=13.5, bold=True, color=NAVY)

    h2 = doc.styles["Heading 2"]
    _style_ppr(
        h2,
        "<w:keepNext/><w:keepLines/>"
        '<w:spacing w:before="160" w:after="40" w:line="240" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="1"/>',
    )
    _style_rpr(h2, size_pt=11.5, bold=True, color=NAVY)

    bullet = doc.styles["List Bullet"]
    _style_ppr(
        bullet,
        f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbering["bullet"]}"/></w:numPr>'
        '<w:spacing w:before="0" w:after="60"/>'
        '<w:ind w:left="360" w:hanging="270"/>',
    )

    for name in ("Header", "Footer"):
        st = doc.styles[name]
        _style_ppr(st, '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>')
        _style_rpr(
            st, size_pt=9 if name == "Header" else 8.5, color=GREY if name == "Footer" else INK
        )

    cell = doc.styles.add_style("Form Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = doc.styles["Normal"]
    _style_ppr(cell, '<w:spacing w:before="50" w:after="50" w:line="252" w:lineRule="auto"/>')

    label = doc.styles.add_style("Form Label", WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = cell
    _style_rpr(label, bold=True, color=NAVY, size_pt=10.5)

    small = doc.styles.add_style("Form Small", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = doc.styles["Normal"]
    _style_ppr(small, '<w:spacing w:before="0" w:after="60"/>')
    _style_rpr(small, size_pt=9.5, color=GREY)

    notice = doc.styles.add_style(notice_style, WD_STYLE_TYPE.PARAGRAPH)
    notice.base_style = doc.styles["Normal"]
    _style_ppr(notice, '<w:spacing w:before="30" w:after="60" w:line="240" w:lineRule="auto"/>')
    _style_rpr(notice, size_pt=9.5)

    quote = doc.styles.add_style("Client Words", WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = doc.styles["Normal"]
    _style_ppr(
        quote,
        f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{RULE}"/></w:pBdr>'
        '<w:spacing w:before="40" w:after="120"/>'
        '<w:ind w:left="200"/>',
    )
    return numbering


def add_numbering(doc) -> dict[str, int]:
    """Automatic section numbers on Heading 1 (conditional sections renumber by themselves)
    and a plain bullet list."""
    numbering_el = doc.part.numbering_part.element
    heading_abs, bullet_abs = 90, 91
    heading_num, bullet_num = 90, 91
    abstract_heading = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{heading_abs}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:pStyle w:val="Heading1"/><w:suff w:val="tab"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="504"/></w:tabs>'
        '<w:ind w:left="504" w:hanging="504"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    abstract_bullet = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{bullet_abs}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="360" w:hanging="270"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}"/>'
        f'<w:color w:val="{NAVY}"/></w:rPr>'
        "</w:lvl></w:abstractNum>"
    )
    # schema: all abstractNum elements come before the num elements
    last_abstract = numbering_el.findall(qn("w:abstractNum"))[-1]
    last_abstract.addnext(abstract_heading)
    abstract_heading.addnext(abstract_bullet)
    for num_id, abs_id in ((heading_num, heading_abs), (bullet_num, bullet_abs)):
        numbering_el.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abs_id}"/></w:num>'
            )
        )
    return {"heading": heading_num, "bullet": bullet_num}


# --------------------------------------------------------------------------- languages

# The words of the template being built, for a language other than English: English text ->
# its translation. A body is written once, in English; each part of a paragraph (one run) is
# looked up here, so a translation keeps the Jinja tags, which are never translated.
_TEXTS: ContextVar[dict[str, str] | None] = ContextVar("texts", default=None)
RIGHT_TO_LEFT = {"ar"}
DOC_LANGUAGE = {"en": "en-US", "es": "es-US", "ar": "ar-SA"}


def tr(text: str) -> str:
    texts = _TEXTS.get()
    if texts is None or not text.strip() or text.lstrip().startswith(("{{", "{%")):
        return text
    if text not in texts:
        raise KeyError(f"no translation for {text!r}")
    return texts[text]


def _mirror_side_bars(styles_el) -> None:
    """A paragraph style's side bar (left border) goes to the start side, the right, in a
    right-to-left document; w:ind w:left is already the start indent of a bidi paragraph."""
    for pbdr in styles_el.iter(qn("w:pBdr")):
        left = pbdr.find(qn("w:left"))
        if left is not None and pbdr.find(qn("w:right")) is None:
            left.tag = qn("w:right")
            # CT_PBdr order: top, left, bottom, right, between, bar
            following = [pbdr.find(qn(n)) for n in ("w:between", "w:bar")]
            following = [el for el in following if el is not None]
            if following:
                following[0].addprevious(left)
            else:
                pbdr.append(left)


def right_to_left(parts, styles_el=None) -> None:
    """Make every paragraph, run and table of these parts right to left (`signatures.bidi`),
    and move the styles' side bars to the right."""
    if styles_el is not None:
        _mirror_side_bars(styles_el)
    bidi.right_to_left([part.element for part in parts])


# --------------------------------------------------------------------------- helpers


def para(
    container,
    parts=(),
    style: str | None = None,
    align=None,
    keep_next: bool = False,
    space_after: int | None = None,
):
    """Add a paragraph built from parts: str, or (text, {"bold": True, ...}).

    Each part becomes ONE run, so a Jinja tag given as one part stays whole."""
    p = container.add_paragraph(style=style)
    if isinstance(parts, str):
        parts = (parts,)
    for part in parts:
        text, fmt = (part, {}) if isinstance(part, str) else part
        run = p.add_run(tr(text))
        if fmt.get("bold"):
            run.bold = True
        if fmt.get("italic"):
            run.italic = True
        if fmt.get("color"):
            run.font.color.rgb = RGBColor.from_string(fmt["color"])
        if fmt.get("size"):
            run.font.size = Pt(fmt["size"])
    if align is not None:
        p.alignment = align
    if keep_next:
        p.paragraph_format.keep_with_next = True
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def tag(container, text: str):
    """A paragraph holding exactly one Jinja block tag ({%p ... %}) as one run."""
    assert text.startswith("{%p ") and text.endswith(" %}"), text
    return para(container, (text,))


def cell_text(cell, parts, style: str = "Form Table Text", align=None, keep_next=False):
    """Put parts into a table cell's first (empty) paragraph."""
    p = cell.paragraphs[0]
    p.style = style
    if isinstance(parts, str):
        parts = (parts,)
    for part in parts:
        text, fmt = (part, {}) if isinstance(part, str) else part
        run = p.add_run(tr(text))
        if fmt.get("bold"):
            run.bold = True
        if fmt.get("color"):
            run.font.color.rgb = RGBColor.from_string(fmt["color"])
        if fmt.get("size"):
            run.font.size = Pt(fmt["size"])
    if align is not None:
        p.alignment = align
    if keep_next:
        p.paragraph_format.keep_with_next = True
    return p


def _borders_xml(color: str | None, size: int = 4, inside: bool = True) -> str:
    if color is None:
        edges = "".join(
            f'<w:{e} w:val="nil"/>'
            for e in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
    else:
        names = ("top", "left", "bottom", "right") + (("insideH", "insideV") if inside else ())
        edges = "".join(
            f'<w:{e} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>' for e in names
        )
        if not inside:
            edges += '<w:insideH w:val="nil"/><w:insideV w:val="nil"/>'
    return f"<w:tblBorders>{edges}</w:tblBorders>"


def make_table(
    container,
    rows: int,
    widths_in: list[float],
    *,
    borders: str | None = RULE,
    cell_margin_twips: int = 100,
    outer_only: bool = False,
):
    """A fixed-layout table of the given column widths (inches) with explicit borders."""
    if isinstance(container, DocumentObject):
        table = container.add_table(rows=rows, cols=len(widths_in))
    else:
        table = container.add_table(rows=rows, cols=len(widths_in), width=Inches(sum(widths_in)))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    total = int(round(sum(widths_in) * TWIPS_PER_INCH))
    for old_tag in ("w:tblW", "w:tblBorders", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        for old in tbl_pr.findall(qn(old_tag)):
            tbl_pr.remove(old)
    # CT_TblPr order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
    # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout,
    # tblCellMar, tblLook
    new = [
        parse_xml(f'<w:tblW {nsdecls("w")} w:w="{total}" w:type="dxa"/>'),
        # Word 2010 layout (compatibilityMode 14) puts the left border at margin + tblInd -
        # left cell margin; indenting by the cell margin lines the borders up with the text.
        parse_xml(f'<w:tblInd {nsdecls("w")} w:w="{cell_margin_twips}" w:type="dxa"/>'),
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + _borders_xml(borders, inside=not outer_only)[len("<w:tblBorders>") :]
        ),
        parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'),
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:top w:w="0" w:type="dxa"/>'
            f'<w:left w:w="{cell_margin_twips}" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/>'
            f'<w:right w:w="{cell_margin_twips}" w:type="dxa"/></w:tblCellMar>'
        ),
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="0000" w:firstRow="0" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        ),
    ]
    for old in tbl_pr.findall(qn("w:tblInd")) + tbl_pr.findall(qn("w:jc")):
        tbl_pr.remove(old)
    style_el = tbl_pr.find(qn("w:tblStyle"))
    anchor = style_el
    jc = parse_xml(f'<w:jc {nsdecls("w")} w:val="left"/>')
    ordered = [new[0], jc, new[1], new[2], new[3], new[4], new[5]]
    for el in ordered:
        if anchor is None:
            tbl_pr.insert(0, el)
        else:
            anchor.addnext(el)
        anchor = el
    grid = table._tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_in, strict=True):
        gc.set(qn("w:w"), str(int(round(w * TWIPS_PER_INCH))))
    for row in table.rows:
        for c, w in zip(row.cells, widths_in, strict=True):
            c.width = Inches(w)
        no_split(row)
    return table


def no_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


def header_row(row) -> None:
    """Repeat this row at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def row_height(row, twips_value: int) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:trHeight {nsdecls("w")} w:val="{twips_value}" w:hRule="atLeast"/>'))


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    # CT_TcPr order: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, ..., vAlign
    after = None
    for name in ("w:tcBorders", "w:vMerge", "w:gridSpan", "w:tcW"):
        after = tc_pr.find(qn(name))
        if after is not None:
            break
    if after is None:
        tc_pr.insert(0, shd)
    else:
        after.addnext(shd)


def tr_tag(table, text: str) -> None:
    """Fill a row with a single {%tr ... %} tag in its first cell."""
    assert text.startswith("{%tr ") and text.endswith(" %}"), text
    row = table.add_row()
    no_split(row)
    cell_text(row.cells[0], (text,))


def key_value_table(container, rows: list[tuple[str, str]], label_w: float = 1.9):
    """Two columns: a shaded label and a value (a single {{ tag }})."""
    table = make_table(container, 0, [label_w, TEXT_W_IN - label_w])
    for label, value in rows:
        if label.startswith("{%tr "):
            tr_tag(table, label)
            continue
        row = table.add_row()
        no_split(row)
        shade(row.cells[0], LABEL_FILL)
        cell_text(row.cells[0], label, style="Form Label")
        cell_text(row.cells[1], value if isinstance(value, tuple) else (value,))
    fix_widths(table)
    return table


def fix_widths(table) -> None:
    widths = [int(gc.get(qn("w:w"))) for gc in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    for row in table.rows:
        for c, w in zip(row.cells, widths, strict=True):
            c.width = w * 635


def box(container, paragraphs_builder, fill: str = NOTE_FILL, border: str = RULE):
    """A one-cell shaded, bordered box; paragraphs_builder(cell) fills it."""
    table = make_table(container, 1, [TEXT_W_IN], borders=border, cell_margin_twips=160)
    c = table.rows[0].cells[0]
    shade(c, fill)
    paragraphs_builder(c)
    # remove the initial empty paragraph if the builder added its own
    if len(c.paragraphs) > 1 and not c.paragraphs[0].text:
        c._tc.remove(c.paragraphs[0]._p)
    return table


def spacer(container, pt: float = 4):
    p = container.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = Pt(pt)
    return p


def add_field(paragraph, instr: str, placeholder: str) -> None:
    """A complex field (fldChar begin / instrText / separate / result / end) as runs."""

    def r(inner: str):
        return parse_xml(f"<w:r {nsdecls('w')}>{inner}</w:r>")

    p = paragraph._p
    p.append(r('<w:fldChar w:fldCharType="begin"/>'))
    p.append(r(f'<w:instrText xml:space="preserve"> {instr} </w:instrText>'))
    p.append(r('<w:fldChar w:fldCharType="separate"/>'))
    p.append(r(f"<w:t>{placeholder}</w:t>"))
    p.append(r('<w:fldChar w:fldCharType="end"/>'))


# --------------------------------------------------------------------------- page furniture


def build_header_footer(section) -> None:
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    # python-docx gives the header one empty paragraph; our table goes before it
    ht = make_table(header, 1, [4.1, TEXT_W_IN - 4.1], borders=None, cell_margin_twips=0)
    tbl_borders = ht._tbl.tblPr.find(qn("w:tblBorders"))
    bottom = tbl_borders.find(qn("w:bottom"))
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:color"), NAVY)
    left, right = ht.rows[0].cells
    # Header/footer values are shortened (Jinja's truncate, still autoescaped) so a very long
    # value cannot push the page body off the page; the full values are in the body.
    cell_text(
        left, (("{{ agency.name|truncate(90) }}", {"bold": True, "color": NAVY}),), style="Header"
    )
    para(left, ("{{ document.title|truncate(90) }}",), style="Header", space_after=3)
    cell_text(
        right,
        ("Client: ", ("{{ client.full_name|truncate(60) }}", {"bold": True})),
        style="Header",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    para(
        right,
        ("Document ", "{{ document.id|truncate(40) }}"),
        style="Header",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        space_after=3,
    )
    # move the trailing empty paragraph after the table and keep it tiny
    last = header.paragraphs[0]
    header._element.remove(last._p)
    header._element.append(last._p)
    last.paragraph_format.line_spacing = Pt(6)

    footer = section.footer
    footer.is_linked_to_previous = False
    widths = [2.9, 1.9, TEXT_W_IN - 4.8]
    ft = make_table(footer, 1, widths, borders=None, cell_margin_twips=0)
    top = ft._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top"))
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "4")
    top.set(qn("w:color"), RULE)
    c1, c2, c3 = ft.rows[0].cells
    cell_text(c1, ("Questions? Call ", "{{ agency.phone|truncate(40) }}"), style="Footer")
    cell_text(
        c2,
        ("Template version ", "{{ document.template_version }}"),
        style="Footer",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    p = cell_text(c3, ("Page ",), style="Footer", align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_field(p, "PAGE", "1")
    p.add_run(tr(" of "))
    add_field(p, "NUMPAGES", "1")
    for cell in (c1, c2, c3):
        cell.paragraphs[0].paragraph_format.space_before = Pt(4)
    first = footer.paragraphs[0]
    footer._element.remove(first._p)
    footer._element.append(first._p)
    first.paragraph_format.line_spacing = Pt(2)


# --------------------------------------------------------------------------- common blocks


def title_block(doc, subtitle_parts) -> None:
    """The document title and a small line under it (what the form is also called, its date)."""
    para(doc, ("{{ document.title }}",), style="Title")
    para(doc, subtitle_parts, style="Form Small", space_after=8)


def intro_box(doc, heading: str, parts) -> None:
    """The shaded box at the top that says in two sentences what the form does."""

    def fill(cell):
        para(cell, ((heading, {"bold": True, "color": NAVY}),), style="Form Table Text")
        para(cell, parts, style="Form Table Text")

    box(doc, fill)


def bullets(container, items) -> None:
    for parts in items:
        para(container, parts, style="List Bullet")


def loop_table(container, headers, widths, loop: str, cells):
    """A table with a shaded header row (repeated on every page it runs onto) and one row
    that docxtpl repeats ``{%tr for ... %}``; ``cells`` holds the parts of each column.
    Returns the table and the repeated row, for the caller to adjust."""
    table = make_table(container, 1, widths)
    head = table.rows[0]
    header_row(head)
    for c, text in zip(head.cells, headers, strict=True):
        shade(c, LABEL_FILL)
        cell_text(c, text, style="Form Label", keep_next=True)
    tr_tag(table, "{%tr " + loop + " %}")
    row = table.add_row()
    no_split(row)
    for c, parts in zip(row.cells, cells, strict=True):
        cell_text(c, parts)
    tr_tag(table, "{%tr endfor %}")
    fix_widths(table)
    return table, row


def signature_table(container, keep_together: bool = True) -> None:
    """One row per signer: role, name, the ink image and when they signed; kept on one page
    with what follows unless `keep_together` is off."""
    _, row = loop_table(
        container,
        ("Who signs", "Name", "Signature", "Date and time signed"),
        [1.35, 1.75, 2.3, TEXT_W_IN - 5.4],
        "for s in signers",
        [
            (("{{ s.role_label }}", {"bold": True}),),
            ("{{ s.name }}",),
            ("{{ s.image }}",),
            ("{{ s.signed_at }}",),
        ],
    )
    row_height(row, SIGNATURE_ROW_HEIGHT_TWIPS)
    row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for c in row.cells:
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if keep_together:
            c.paragraphs[0].paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------- build


@dataclass(frozen=True)
class Template:
    """One template file: which form type, version and language it is."""

    form_type: str
    title: str
    version: int = 1
    effective: str = "2026-11-25"
    language: str = "en"
    texts: dict[str, str] | None = None  # English -> this language (see `tr`); None: English
    # The style for legal text quoted word for word; consent_release v1 named it after its
    # only notice, and that name is part of its pinned bytes.
    notice_style: str = "Notice"

    @property
    def out_dir(self) -> Path:
        return ROOT / "form_templates" / self.form_type

    @property
    def docx_path(self) -> Path:
        return self.out_dir / str(self.version) / f"{self.language}.docx"


def build(spec: Template, build_body: Callable) -> bytes:
    doc = Document()
    # drop python-docx's stock thumbnail (a picture of an unrelated blank page), its
    # Word 2010 stylesWithEffects copy (it would keep the stock heading styles beside ours)
    # and its sample bibliography customXml
    pkg = doc.part.package
    for r_id, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg.rels.pop(r_id)
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects") or rel.reltype == RT.CUSTOM_XML:
            doc.part.rels.pop(r_id)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN_LR
    section.top_margin = Inches(0.95)
    section.bottom_margin = Inches(0.85)
    section.header_distance = Inches(0.4)
    section.footer_distance = Inches(0.4)

    setup_styles(doc, spec.notice_style)
    token = _TEXTS.set(spec.texts)
    try:
        build_header_footer(section)
        # the stock body has no paragraphs; python-docx appends before sectPr
        build_body(doc)
    finally:
        _TEXTS.reset(token)
    if spec.language != "en":
        lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        lang.find(qn("w:rPr")).find(qn("w:lang")).set(qn("w:val"), DOC_LANGUAGE[spec.language])
    if spec.language in RIGHT_TO_LEFT:
        right_to_left([doc.part, section.header.part, section.footer.part], doc.styles.element)

    cp = doc.core_properties
    cp.title = spec.title
    cp.subject = f"{spec.form_type} template version {spec.version} ({spec.language})"
    cp.author = "forms-service"
    cp.last_modified_by = "forms-service"
    cp.comments = f"docxtpl template built by scripts/templates/{spec.form_type}_v{spec.version}.py"
    cp.keywords = f"{spec.form_type}; version {spec.version}; {spec.language}"
    cp.category = "form template"
    cp.language = DOC_LANGUAGE[spec.language]
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME

    raw = io.BytesIO()
    doc.save(raw)
    return normalize_zip(raw.getvalue())


def normalize_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member timestamps/attributes (zipfile stamps 'now')."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            zout.writestr(zi, zin.read(info.filename), compresslevel=9)
    return out.getvalue()


def write_manifest(spec: Template, sha256: str) -> None:
    """Write/refresh manifest.toml; other versions already listed are kept as they are."""
    store = TemplateStore(spec.out_dir.parent)
    versions = store.versions(spec.form_type) if (spec.out_dir / "manifest.toml").exists() else []
    built = next(
        (v for v in versions if v.number == spec.version),
        TemplateVersion(spec.form_type, spec.version, dt.date.fromisoformat(spec.effective), {}),
    )
    versions = [v for v in versions if v.number != spec.version]
    versions.append(replace(built, files={**built.files, spec.language: sha256}))
    manifest = spec.out_dir / "manifest.toml"
    manifest.write_text(manifest_text(spec.form_type, spec.title, versions), encoding="utf-8")


def main(
    spec: Template, build_body: Callable, translations: dict[str, dict[str, str]] | None = None
) -> int:
    """Build the English file and one per language of `translations` (language -> texts)."""
    specs = [spec] + [
        replace(spec, language=language, texts=texts)
        for language, texts in (translations or {}).items()
    ]
    for one in specs:
        data = build(one, build_body)
        one.docx_path.parent.mkdir(parents=True, exist_ok=True)
        one.docx_path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        write_manifest(one, digest)
        print(f"{one.docx_path.relative_to(ROOT)}  sha256 {digest}")
    return 0
