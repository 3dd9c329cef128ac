"""Right-to-left WordprocessingML, which python-docx has no API for: the audit certificate and
the client's summary page of an Arabic document use it."""

import re
import unicodedata

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# WordprocessingML fixes the order of properties; each new element goes before these.
_PPR_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_RPR_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_TBLPR_AFTER_BIDI = (
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
    "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
# A run's bold, italic and size reach right-to-left (complex-script) letters only through
# their twins; python-docx writes w:b, w:i and w:sz alone.
_CS_TWINS = (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs"))


def _element(name: str):
    return parse_xml(f"<{name} {nsdecls('w')}/>")


def _insert_in_order(parent, child, successors: tuple[str, ...]) -> None:
    if parent.find(child.tag) is None:
        parent.insert_element_before(child, *successors)


def _complex_script_twins(rpr) -> None:
    for name, twin in _CS_TWINS:
        el = rpr.find(qn(name))
        if el is not None and rpr.find(qn(twin)) is None:
            copy = _element(twin)
            for key, value in el.attrib.items():
                copy.set(key, value)
            el.addnext(copy)  # CT_RPr: each twin comes right after its element


def right_to_left(blocks, mark_runs: bool = True) -> None:
    """Every paragraph of these XML blocks reads right to left (w:bidi), every table starts on
    the right (w:bidiVisual), and a run's bold, italic and size apply to right-to-left letters
    too; with `mark_runs`, every run is also marked right to left (w:rtl), as a template's
    runs are, rather than left to each run's letters."""
    for block in blocks:
        for p in block.iter(qn("w:p")):
            _insert_in_order(p.get_or_add_pPr(), _element("w:bidi"), _PPR_AFTER_BIDI)
        for r in block.iter(qn("w:r")):
            rpr = r.get_or_add_rPr() if mark_runs else r.rPr
            if rpr is None:
                continue
            _complex_script_twins(rpr)
            if mark_runs:
                _insert_in_order(rpr, _element("w:rtl"), _RPR_AFTER_RTL)
        for tbl in block.iter(qn("w:tbl")):
            _insert_in_order(tbl.tblPr, _element("w:bidiVisual"), _TBLPR_AFTER_BIDI)


LRM = "\u200e"  # left-to-right mark: zero width, in every font (isolates are not)
# A bracketed stretch, with at most one level of brackets inside it: "(24 CFR 5.2005(a)(2))".
_BRACKETED = re.compile(r"\((?:[^()]|\([^()]*\))*\)")


def _latin_kept_whole(match: re.Match) -> str:
    inside = {unicodedata.bidirectional(c) for c in match.group()}
    if "L" in inside and not inside & {"R", "AL"}:
        return f"{LRM}{match.group()}{LRM}"
    return match.group()


def keep_latin_brackets_whole(text: str) -> str:
    """Each bracketed stretch written left to right in right-to-left text ("المرأة (HUD-5380)")
    between left-to-right marks: its brackets then belong to it, so it is never split from
    them at the end of a line or drawn with them mirrored, and the PDF's text layer reads it
    as typed."""
    return _BRACKETED.sub(_latin_kept_whole, text) if "(" in text else text


def latin_brackets_kept_whole(parts) -> None:
    """`keep_latin_brackets_whole` on every text of these XML parts (the body, headers,
    footers): what a template says as much as the values it prints."""
    for part in parts:
        for t in part.iter(qn("w:t")):
            if t.text:
                t.text = keep_latin_brackets_whole(t.text)
