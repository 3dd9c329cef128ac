"""The text of each part of a Word document that docxtpl renders as a template, one line per
paragraph, with where each line is (paragraph, table cell, text box, header or footer), and
any template code hidden outside the text a reader sees."""

import copy
import re
from collections.abc import Iterator

from flask_babel import gettext
from lxml import etree

from .docx_safety import (
    CORE_PROPERTIES,
    DOCUMENT_TYPE,
    RELS,
    WORD_TYPE,
    W,
    content_type,
    label,
    target_part,
)

TAG_START = re.compile(r"\{[{%#]")
TEMPLATED_TYPES = {  # the parts docxtpl renders as Jinja, and what a report calls them
    DOCUMENT_TYPE: "body",
    WORD_TYPE + "header+xml": "header",
    WORD_TYPE + "footer+xml": "footer",
    WORD_TYPE + "footnotes+xml": "footnotes",
}


def templated_parts(parts: dict) -> Iterator[tuple[str, list[tuple[str, str]], list[str]]]:
    """(label, [(where, text)] one per paragraph, template code outside the text) of each part
    docxtpl renders: by content type, and every header and footer a relationship names."""
    named = {
        target_part(rels_name, rel.get("Target", ""))
        for rels_name, rels in parts.items()
        if rels_name.endswith(".rels") and isinstance(rels, etree._Element)
        for rel in rels.iter(f"{RELS}Relationship")
        if rel.get("Type", "").endswith(("/header", "/footer"))
    }
    for name, part in parts.items():
        if isinstance(part, etree._Element) and (
            name in named or content_type(parts, name) in TEMPLATED_TYPES
        ):
            where = label(name)
            yield where, list(_blocks(part, where)), hidden_code(part)
    core = parts.get(CORE_PROPERTIES)
    if isinstance(core, etree._Element):
        lines = [
            (
                gettext("document properties (%(property)s)", property=etree.QName(e).localname),
                e.text or "",
            )
            for e in core
            if isinstance(e.tag, str)
        ]
        yield label(CORE_PROPERTIES), lines, []


def _blocks(container: etree._Element, where: str) -> Iterator[tuple[str, str]]:
    """Paragraphs and tables in reading order, looking through content controls."""
    paragraphs = tables = 0
    for element in _block_elements(container):
        if element.tag == f"{W}p":
            paragraphs += 1
            yield from _paragraph(
                element, gettext("%(where)s paragraph %(number)s", where=where, number=paragraphs)
            )
        else:
            tables += 1
            for r, row in enumerate(element.iter(f"{W}tr"), 1):
                if next(row.iterancestors(f"{W}tbl")) is not element:
                    continue  # a row of a nested table: read in its cell
                for c, cell in enumerate(row.iterchildren(f"{W}tc"), 1):
                    at = gettext(
                        "%(where)s table %(table)s row %(row)s cell %(cell)s",
                        where=where,
                        table=tables,
                        row=r,
                        cell=c,
                    )
                    yield from _blocks(cell, at)


def _block_elements(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif isinstance(child.tag, str):
            yield from _block_elements(child)


def _paragraph(p: etree._Element, where: str) -> Iterator[tuple[str, str]]:
    own = [t.text or "" for t in p.iter(f"{W}t") if next(t.iterancestors(f"{W}p")) is p]
    yield where, "".join(own).replace("\n", " ")
    inner = [q for q in p.iter(f"{W}p") if q is not p and next(q.iterancestors(f"{W}p")) is p]
    for k, q in enumerate(inner, 1):
        box = gettext("%(where)s text box paragraph %(number)s", where=where, number=k)
        yield from _paragraph(q, box)


def hidden_code(part: etree._Element) -> list[str]:
    """Template code docxtpl would run that is not in the text a reader sees: a field code,
    tracked deletion, comment or attribute."""
    bare = copy.deepcopy(part)
    for t in bare.iter(f"{W}t"):
        t.text = None
    xml = etree.tostring(bare, encoding="unicode")
    return [xml[m.start() : m.start() + 40] for m in TAG_START.finditer(xml)]
