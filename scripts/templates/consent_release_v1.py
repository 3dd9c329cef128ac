"""Build the default Word template for ``consent_release`` version 1 (English).

Writes ``form_templates/consent_release/1/en.docx`` (a docxtpl / Jinja template) and
records its sha256 in ``form_templates/consent_release/manifest.toml``.

    .venv/bin/python scripts/templates/consent_release_v1.py

The build is deterministic: fixed core properties, no thumbnail, and the zip is rewritten
with fixed member timestamps, so running it twice gives the same bytes (and the same sha256).

Rules for anyone editing this file (docxtpl pitfalls):
* every Jinja tag is written as ONE run (``add_run`` with the whole tag text);
* ``{%p ... %}`` tags sit alone in their own paragraph, ``{%tr ... %}`` tags alone in the
  first cell of their own table row;
* values are plain ``{{ var }}``: the app renders with autoescape on, so a value is always
  text. Never ``|safe`` and never ``{{r ...}}``.

The content follows HIPAA 45 CFR 164.508(c) (core elements and required statements) and,
when substance-use-disorder treatment records are included, 42 CFR 2.31 / 2.32 (the 2024
final rule's re-disclosure notice, Statement 1). See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import sys
import tomllib
import zipfile
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

ROOT = Path(__file__).resolve().parents[2]
FORM_TYPE = "consent_release"
TITLE = "Consent to Release Information"
VERSION = 1
EFFECTIVE = "2026-11-25"
LANGUAGE = "en"
OUT_DIR = ROOT / "form_templates" / FORM_TYPE
OUT_DOCX = OUT_DIR / str(VERSION) / f"{LANGUAGE}.docx"
MANIFEST = OUT_DIR / "manifest.toml"

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


def twips(length) -> int:
    return int(round(length / 635))  # EMU -> twentieths of a point


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


def setup_styles(doc) -> dict[str, int]:
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

    notice = doc.styles.add_style("Part 2 Notice", WD_STYLE_TYPE.PARAGRAPH)
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
        run = p.add_run(text)
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
        run = p.add_run(text)
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
    _fix_widths(table)
    return table


def _fix_widths(table) -> None:
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
    p.add_run(" of ")
    add_field(p, "NUMPAGES", "1")
    for cell in (c1, c2, c3):
        cell.paragraphs[0].paragraph_format.space_before = Pt(4)
    first = footer.paragraphs[0]
    footer._element.remove(first._p)
    footer._element.append(first._p)
    first.paragraph_format.line_spacing = Pt(2)


# --------------------------------------------------------------------------- body


PART2_NOTICE_INTRO = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies:"
)
PART2_NOTICE_ITEMS = (
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise permitted "
    "by 42 CFR part 2.",
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or",
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E.",
)
PART2_NOTICE_END = (
    "A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)


def build_body(doc) -> None:
    B = {"bold": True}

    # ---- title block
    para(doc, ("{{ document.title }}",), style="Title")
    para(
        doc,
        (
            "Also called a release of information (ROI). Form date: ",
            "{{ document.created_on }}",
            ".",
        ),
        style="Form Small",
        space_after=8,
    )

    def intro(cell):
        para(
            cell, (("What this form does", {"bold": True, "color": NAVY}),), style="Form Table Text"
        )
        para(
            cell,
            (
                "This form lets ",
                "{{ agency.name }}",
                " share some of your information with ",
                ("{{ consent.recipient_name }}", B),
                ". It says what will be shared, why, and for how long. "
                "You can ask us to read it to you, and you can ask about anything "
                "that is not clear. Please read it before you sign.",
            ),
            style="Form Table Text",
        )

    box(doc, intro)

    # ---- 1. About you
    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Date of birth", "{{ client.date_of_birth }}"),
            ("Case number", "{{ case.number }}"),
        ],
    )

    # ---- 2. Who shares
    para(doc, "Who shares your information", style="Heading 1")
    para(doc, "This agency will share your information:", keep_next=True)
    key_value_table(
        doc,
        [
            ("Agency", "{{ agency.name }}"),
            ("Address", "{{ agency.address }}"),
            ("Phone", "{{ agency.phone }}"),
        ],
    )

    # ---- 3. Who receives
    para(doc, "Who gets your information", style="Heading 1")
    para(doc, "Your information will be shared only with:", keep_next=True)
    key_value_table(
        doc,
        [
            ("Name", "{{ consent.recipient_name }}"),
            ("Agency or person", "{{ consent.recipient_type_label }}"),
            ("{%tr if consent.recipient_contact %}", ""),
            ("Contact", "{{ consent.recipient_contact }}"),
            ("{%tr endif %}", ""),
        ],
    )
    spacer(doc, 3)
    para(
        doc,
        "This form is only for this one receiver. Sharing with anyone else needs a separate form.",
    )

    # ---- 4. What information
    para(doc, "What information will be shared", style="Heading 1")
    para(doc, "Only the kinds of information listed here will be shared:", keep_next=True)
    widths = [2.2, TEXT_W_IN - 2.2]
    cats = make_table(doc, 1, widths)
    head = cats.rows[0]
    header_row(head)
    for c, text in zip(head.cells, ("Information", "What this includes"), strict=True):
        shade(c, LABEL_FILL)
        cell_text(c, text, style="Form Label", keep_next=True)
    tr_tag(cats, "{%tr for c in consent.categories %}")
    row = cats.add_row()
    no_split(row)
    cell_text(row.cells[0], (("{{ c.label }}", B),))
    cell_text(row.cells[1], ("{{ c.description }}",))
    tr_tag(cats, "{%tr endfor %}")
    _fix_widths(cats)
    spacer(doc, 3)
    tag(doc, "{%p if consent.other_information %}")
    para(doc, (("Other information: ", B), "{{ consent.other_information }}"))
    tag(doc, "{%p endif %}")
    para(
        doc,
        (
            "Nothing else about you will be shared. We share only what ",
            "{{ consent.recipient_name }}",
            " needs for the reason in section 5.",
        ),
    )

    # ---- 5. Why
    para(doc, "Why it will be shared", style="Heading 1")
    para(doc, "The reason for sharing your information:", keep_next=True)
    para(doc, ("{{ consent.purpose }}",), style="Client Words")

    # ---- 6. When it ends
    para(doc, "When this consent ends", style="Heading 1")
    para(doc, (("This consent ends ", B), ("{{ consent.end_text }}", B), (".", B)))
    para(
        doc,
        (
            "It ends sooner if you cancel it (see section 7), or when your case with ",
            "{{ agency.name }}",
            " is closed.",
        ),
    )

    # ---- 7. Your rights
    para(doc, "Your rights", style="Heading 1")
    para(doc, "You can cancel this consent at any time", style="Heading 2")
    para(doc, "You can cancel (revoke) this consent at any time. You must cancel it in writing.")
    para(doc, (("How to cancel: ", B), "{{ consent.revocation_how }}"))
    para(
        doc,
        "Sharing stops when we get your request to cancel. Canceling does not undo "
        "information that was already shared while this consent was in effect.",
    )

    tag(doc, "{%p if not consent.conditioned %}")
    para(doc, "Signing is your choice", style="Heading 2")
    para(
        doc,
        (
            "You do not have to sign this form to get services. If you do not sign, you can "
            "still get shelter, housing help, case management and all other services from ",
            "{{ agency.name }}",
            ". Saying no will not be held against you.",
        ),
    )
    tag(doc, "{%p else %}")
    para(doc, "What depends on signing", style="Heading 2")
    para(
        doc,
        "One thing depends on whether you sign this form. Here is what it is, and what "
        "happens if you do not sign:",
        keep_next=True,
    )
    para(doc, ("{{ consent.conditioning_explanation }}",), style="Client Words")
    para(doc, "If you have questions about this, ask your case manager before you sign.")
    tag(doc, "{%p endif %}")

    para(doc, "Your information may be shared again", style="Heading 2")
    para(
        doc,
        (
            "After ",
            "{{ consent.recipient_name }}",
            " gets your information, they might "
            "share it with someone else. If that happens, federal privacy law may no longer "
            "protect it.",
        ),
    )

    para(doc, "You get a copy", style="Heading 2")
    para(doc, "You will get a copy of this form after you sign it. Keep it in a safe place.")

    # ---- 8. Part 2 (only when SUD treatment records are included)
    tag(doc, "{%p if consent.includes_sud %}")
    para(doc, "Substance use treatment records (42 CFR Part 2)", style="Heading 1")
    para(
        doc,
        "You chose to share records about treatment for drug or alcohol use "
        "(substance use disorder). A federal rule, 42 CFR Part 2, protects these "
        "records more than other information:",
        keep_next=True,
    )
    para(
        doc,
        "These records will be shared only with the receiver in section 3, only for "
        "the reason in section 5, and only until this consent ends.",
        style="List Bullet",
    )
    para(
        doc,
        "These records cannot be used against you in a court case or in any other civil, "
        "criminal, administrative or legislative proceeding, unless you sign a separate "
        "consent for that or a court orders it under 42 CFR Part 2. This form is not "
        "that consent.",
        style="List Bullet",
    )
    para(
        doc,
        "This form does not allow sharing of substance use counseling notes. Sharing "
        "them needs a separate consent.",
        style="List Bullet",
    )
    para(
        doc,
        "You can cancel this consent in writing at any time (see section 7). Canceling "
        "does not undo sharing that already happened because of this consent.",
        style="List Bullet",
    )
    para(
        doc,
        "When these records are shared, this notice must go with them (42 CFR 2.32):",
        keep_next=True,
    )

    def notice(cell):
        para(
            cell,
            (("Notice to the receiver", {"bold": True, "color": NAVY}),),
            style="Part 2 Notice",
        )
        para(cell, PART2_NOTICE_INTRO, style="Part 2 Notice")
        for item in PART2_NOTICE_ITEMS:
            p = para(cell, item, style="Part 2 Notice")
            p.paragraph_format.left_indent = Inches(0.25)
        para(cell, PART2_NOTICE_END, style="Part 2 Notice")

    t = box(doc, notice, fill="FFFFFF", border=NAVY)
    for p in t.rows[0].cells[0].paragraphs[:-1]:
        p.paragraph_format.keep_with_next = True
    spacer(doc, 3)
    tag(doc, "{%p endif %}")

    # ---- 9. Representative (only when a legal representative signs)
    tag(doc, "{%p if consent.representative_signs %}")
    para(doc, "Signed by a legal representative", style="Heading 1")
    para(
        doc,
        (
            "This form is signed for ",
            "{{ client.full_name }}",
            " by a person with legal authority to act for them.",
        ),
        keep_next=True,
    )
    key_value_table(
        doc,
        [
            ("Representative", "{{ consent.representative_name }}"),
            ("Their authority to act for the client", "{{ consent.representative_authority }}"),
        ],
        label_w=2.2,
    )
    spacer(doc, 3)
    tag(doc, "{%p endif %}")

    # ---- 10. Signatures
    para(doc, "Signatures", style="Heading 1")
    para(
        doc,
        (
            "By signing, I agree that ",
            "{{ agency.name }}",
            " may share the information in section 4 with ",
            "{{ consent.recipient_name }}",
            " for the reason in section 5, until this consent ends. I have read this form "
            "or had it read to me, and my questions were answered.",
        ),
        keep_next=True,
    )
    sig_widths = [1.35, 1.75, 2.3, TEXT_W_IN - 5.4]
    sigs = make_table(doc, 1, sig_widths)
    head = sigs.rows[0]
    header_row(head)
    for c, text in zip(
        head.cells, ("Who signs", "Name", "Signature", "Date and time signed"), strict=True
    ):
        shade(c, LABEL_FILL)
        cell_text(c, text, style="Form Label", keep_next=True)
    tr_tag(sigs, "{%tr for s in signers %}")
    row = sigs.add_row()
    no_split(row)
    row_height(row, SIGNATURE_ROW_HEIGHT_TWIPS)
    cell_text(row.cells[0], (("{{ s.role_label }}", B),))
    cell_text(row.cells[1], ("{{ s.name }}",))
    cell_text(row.cells[2], ("{{ s.image }}",), align=WD_ALIGN_PARAGRAPH.CENTER)
    cell_text(row.cells[3], ("{{ s.signed_at }}",))
    for c in row.cells:
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tr_tag(sigs, "{%tr endfor %}")
    _fix_widths(sigs)
    spacer(doc, 4)
    para(
        doc,
        ("The client gets a copy of this signed form. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


# --------------------------------------------------------------------------- build


def build() -> bytes:
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

    setup_styles(doc)
    build_header_footer(section)
    # the stock body has no paragraphs; python-docx appends before sectPr
    build_body(doc)

    cp = doc.core_properties
    cp.title = TITLE
    cp.subject = f"{FORM_TYPE} template version {VERSION} ({LANGUAGE})"
    cp.author = "forms-service"
    cp.last_modified_by = "forms-service"
    cp.comments = "docxtpl template built by scripts/templates/consent_release_v1.py"
    cp.keywords = f"{FORM_TYPE}; version {VERSION}; {LANGUAGE}"
    cp.category = "form template"
    cp.language = "en-US"
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


def write_manifest(sha256: str) -> None:
    """Write/refresh manifest.toml; other versions already listed are kept as they are."""
    versions: list[dict] = []
    if MANIFEST.exists():
        versions = tomllib.loads(MANIFEST.read_text(encoding="utf-8")).get("versions", [])
    versions = [v for v in versions if v.get("number") != VERSION]
    versions.append({"number": VERSION, "effective": EFFECTIVE, "files": {LANGUAGE: sha256}})
    versions.sort(key=lambda v: v["number"])
    lines = [f'form_type = "{FORM_TYPE}"', f'title = "{TITLE}"']
    for v in versions:
        lines += [
            "",
            "[[versions]]",
            f"number = {int(v['number'])}",
            f'effective = "{v["effective"]}"',
            "[versions.files]",
        ]
        lines += [f'{lang} = "{digest}"' for lang, digest in sorted(v["files"].items())]
    MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    data = build()
    OUT_DOCX.parent.mkdir(parents=True, exist_ok=True)
    OUT_DOCX.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    write_manifest(digest)
    print(f"{OUT_DOCX.relative_to(ROOT)}  sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
