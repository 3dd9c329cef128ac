"""The font that sets Arabic (complex-script) text in every rendered document.

A PDF maps each glyph to Unicode through its font's ToUnicode table. A font that draws
lam-alef (لا, لإ, لأ) as one ligature glyph (Noto Sans Arabic, DejaVu Sans) maps that glyph to
two letters, and text extractors disagree on their order in right-to-left text: pdftotext lays
them out left to right and then reverses the line, so "الإفصاح" extracts as "اإلفصاح", while
pypdf keeps them. Noto Naskh Arabic (the same Debian package, fonts-noto-core) draws lam-alef
as two joined glyphs, one per letter, so every extractor, screen reader and copy/paste gets the
letters as typed. Its one optional ligature (liga: لله, as in "عبد الله") is turned off with
LibreOffice's font-feature syntax for the same reason, and so is its mark positioning (mark,
mkmk): LibreOffice 7.4 writes a vowel mark it moves up or down (سُلِّم) as a text run of its own
on another baseline, which splits the word's letters apart in every extractor ("سل … م").
Without it each mark is drawn where the font draws it by default, a little less finely placed
over tall letters (أُ), and stays in its word. The font is set here, whatever the template
names, so an agency's own template gets the same text layer; Word, which does not read the
feature suffix, shows the filed DOCX in a substitute font."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

COMPLEX_SCRIPT_FONT = "Noto Naskh Arabic:-liga&-mark&-mkmk"  # LibreOffice: font, features off

_CS, _CS_THEME = qn("w:cs"), qn("w:cstheme")


def _default_fonts(styles):
    """The w:rFonts of the document defaults, made where the template has none."""
    parent = styles
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:rFonts"):
        child = parent.find(qn(tag))
        if child is None:
            child = OxmlElement(tag)
            parent.insert(0, child)  # each is the first child its parent's schema allows
        parent = child
    return parent


def set_complex_script_font(document) -> None:
    """Every complex-script font choice of the document (defaults, styles, runs, headers and
    footers) becomes `COMPLEX_SCRIPT_FONT`; a theme's choice (w:cstheme) would win over it, so
    it goes. Latin text keeps the template's fonts."""
    _default_fonts(document.styles.element).set(_CS, COMPLEX_SCRIPT_FONT)
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)  # the XML parts: document, styles, headers, …
        if element is None:
            continue
        for fonts in element.iter(qn("w:rFonts")):
            if fonts.get(_CS) is not None or fonts.get(_CS_THEME) is not None:
                fonts.set(_CS, COMPLEX_SCRIPT_FONT)
                fonts.attrib.pop(_CS_THEME, None)
