"""Convert before the signature. A document's content is frozen when it is sent for signature,
so its form can be rendered and converted while the client reads it, with a box reserved
where each signer's signature and signing time go. Once the last signature is in, the boxes
are filled, in the DOCX and in the PDF, without LibreOffice: the signature's image takes its
placeholder's place, the time is written in its box, and the drawn audit certificate and the
seal follow. A document whose inputs changed since (the agency renamed, a new logo), or whose
boxes cannot be filled as written, is rendered the whole way as before.

A box is a transparent image whose size in pixels names it: its height, what it holds; its
width, the signer's position. The sizes are small enough for the box that LibreOffice, which
resamples images above 300 dpi, writes them as they are.
"""

import dataclasses
import functools
import hashlib
import io
import json
import re
import struct
import zipfile
from xml.sax.saxutils import escape

from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from PIL import Image
from pyhanko.pdf_utils.generic import (
    ArrayObject,
    ContentOpReading,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    read_object,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import (
    PdfReadError,
    read_until_delimiter,
    skip_over_comments,
    skip_over_whitespace,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import _ObjectImporter  # import_object, for several at once
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from signatures.certificate_pdf import register_fonts

from .resources import RenderInput, converter
from .service import SIGNATURE_BOX_MM, render_docx
from .templates import TemplateVersion

INK, TIME = "ink", "time"
HEIGHT_PX = {60: INK, 20: TIME}  # a box's height in pixels says what it holds
WIDTH_PX = {INK: 200, TIME: 100}  # plus the signer's position
TIME_BOX_MM, TIME_LINES, LEADING = 30, 3, 1.2  # a time box outside a table; three lines
DEFAULT_PT, DEFAULT_COLOR = 11.0, "000000"
EXTENT = re.compile(rb'(<(?:wp|a):ext(?:ent)?\s+)cx="\d+"\s+cy="\d+"')
RUN_OF = re.compile(rb"<w:r>(?:(?!</w:r>).)*?r:embed=\"(rId\d+)\"(?:(?!</w:r>).)*?</w:r>", re.S)


@functools.cache
def _placeholder(box: str) -> bytes:
    """The wholly transparent PNG that stands for `box` ("ink:0", "time:1", …)."""
    kind, position = box.split(":")
    height = next(h for h, k in HEIGHT_PX.items() if k == kind)
    image = Image.new("RGBA", (WIDTH_PX[kind] + int(position), height), (255, 255, 255, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _box_of(width: int, height: int) -> str | None:
    """The box ("ink:0", "time:1", …) an image of this size would be, or None."""
    kind = HEIGHT_PX.get(int(height))
    position = int(width) - WIDTH_PX[kind] if kind else -1
    return f"{kind}:{position}" if 0 <= position < 100 else None


def _pdf_box(xobject) -> str | None:
    """The box a PDF image is: of a box's size and wholly transparent (a template's own
    image of that size is neither replaced nor taken for one)."""
    box = _box_of(xobject.get("/Width", 0), xobject.get("/Height", 0))
    mask = xobject.get("/SMask") if box else None
    if mask is None:
        return None
    mask = mask.get_object()
    alpha = mask.data
    # LibreOffice writes the mask inverted (/Decode [1 0]): 255 is then transparent
    inverted = [float(v) for v in mask.get("/Decode", (0, 1))] == [1.0, 0.0]
    clear = 255 if inverted else 0
    return box if alpha and alpha.count(clear) == len(alpha) else None


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])  # the IHDR chunk, first in every PNG


class ReservedBoxes:
    """`render_docx`'s boxes: each signer's image and time are placeholders; `fit` sizes each
    time box to its cell and notes, per box, its relationship in the DOCX and its text's size."""

    def __init__(self):
        self.boxes: dict[str, dict] = {}

    def signer(self, tpl: DocxTemplate, position: int) -> dict:
        width, height = SIGNATURE_BOX_MM
        ink, time = _placeholder(f"{INK}:{position}"), _placeholder(f"{TIME}:{position}")
        return {
            "image": InlineImage(tpl, io.BytesIO(ink), width=Mm(width), height=Mm(height)),
            "signed_at": InlineImage(tpl, io.BytesIO(time), width=Mm(TIME_BOX_MM), height=Mm(12)),
        }

    def fit(self, docx) -> None:
        styles = docx.styles.element
        for inline in docx.element.body.iter(qn("wp:inline")):
            blip = inline.find(f".//{qn('a:blip')}")
            rid = blip.get(qn("r:embed")) if blip is not None else None
            part = docx.part.related_parts.get(rid)
            box = _box_of(*_png_size(part.blob)) if part is not None else None
            if box is None or part.blob != _placeholder(box):
                continue
            entry = self.boxes.setdefault(box, {"rids": [], "media": str(part.partname)[1:]})
            entry["rids"].append(rid)
            if box.startswith(TIME):
                paragraph = next(inline.iterancestors(qn("w:p")))
                entry["pt"], entry["color"] = _text_look(paragraph, styles)
                _size_time_box(inline, entry["pt"])


def _text_look(paragraph, styles) -> tuple[float, str]:
    """The font size and colour the paragraph's text has (its runs, its style and the styles
    it is based on, the document's defaults)."""
    chain = [paragraph.find(f"{qn('w:r')}/{qn('w:rPr')}")]
    style_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style_id.get(qn("w:val")) if style_id is not None else None
    while style_id:
        style = styles.get_by_id(style_id)
        if style is None:
            break
        chain.append(style.find(qn("w:rPr")))
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        chain.append(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
    size = color = None
    for rpr in (r for r in chain if r is not None):
        sz, fill = rpr.find(qn("w:sz")), rpr.find(qn("w:color"))
        size = size or (float(sz.get(qn("w:val"))) / 2 if sz is not None else None)
        color = color or (fill.get(qn("w:val")) if fill is not None else None)
    if not color or not re.fullmatch("[0-9A-Fa-f]{6}", color):
        color = DEFAULT_COLOR
    return size or DEFAULT_PT, color


def _size_time_box(inline, pt: float) -> None:
    """As wide as its cell's text (TIME_BOX_MM outside a table), as tall as TIME_LINES lines:
    the time then starts where the cell's text starts."""
    width = Mm(TIME_BOX_MM)
    cell = next(inline.iterancestors(qn("w:tc")), None)
    cell_width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") if cell is not None else None
    if cell_width is not None and cell_width.get(qn("w:type")) == "dxa":
        width = (int(cell_width.get(qn("w:w"))) - 2 * 108) * 635  # less Word's cell margins
    height = Pt(pt * LEADING * TIME_LINES)
    for side in ("distT", "distB", "distL", "distR"):  # unset, LibreOffice keeps 8 pt clear
        inline.set(side, "0")
    for extent in (inline.find(qn("wp:extent")), inline.find(f".//{qn('a:ext')}")):
        extent.set("cx", str(int(width)))
        extent.set("cy", str(int(height)))


def inputs_sha256(inp: RenderInput, version: TemplateVersion) -> str:
    """What the form was rendered from but the signatures: a change, and the boxes wait in
    vain for a form that is no longer the one to file."""
    unsigned = dataclasses.replace(
        inp,
        signers=[dataclasses.replace(s, signed_at="", png=None) for s in inp.signers],
        agency_logo=None,
        timestamp=True,
    )
    logo = hashlib.sha256(inp.agency_logo or b"").hexdigest()
    text = json.dumps(dataclasses.asdict(unsigned), sort_keys=True, default=str)
    files = json.dumps(version.files, sort_keys=True, default=str)
    return hashlib.sha256(f"{text}|{logo}|{version.number}|{files}".encode()).hexdigest()


def prepare(template: bytes, inp: RenderInput, version: TemplateVersion):
    """The form with reserved boxes, as DOCX and PDF, and where each box is; None when the
    PDF does not show each box the DOCX holds exactly where it can be filled."""
    boxes = ReservedBoxes()
    docx = render_docx(template, inp, version, boxes=boxes)
    pdf = converter().convert(docx)
    placed = _placements(pdf)
    if not boxes.boxes or set(placed) != set(boxes.boxes):
        return None
    for box, entry in boxes.boxes.items():
        entry["placed"] = placed[box]
    return docx, pdf, boxes.boxes


def _placements(pdf: bytes) -> dict[str, list]:
    """Each box image drawn on the pages: its page and rectangle (x, y, width, height). Read
    with pyHanko, which seals the PDF anyway (pypdf would be 7 MB more in a render worker); a
    page it cannot read places no box, and the document is rendered the whole way."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    found: dict[str, list] = {}
    try:
        for index in range(int(reader.root["/Pages"]["/Count"])):
            page, resources = reader.find_page_for_modification(index)
            contents = page.get_object().get("/Contents")
            contents = [] if contents is None else contents.get_object()
            parts = [contents] if isinstance(contents, StreamObject) else contents
            _walk([p.get_object() for p in parts], resources, (1, 0, 0, 1, 0, 0), index, found)
    except (PdfReadError, ValueError):
        return {}
    return found


def _operations(parts: list):
    """(operator, operands) of content streams, each operand read by pyHanko. Its own
    `parse_content_stream` reads the fill operator `f` as the start of `false`."""
    for part in parts:
        stream, operands = io.BytesIO(part.data), []
        while True:
            skip_over_whitespace(stream, error_on_end_of_stream=False)
            if skip_over_comments(stream, error_on_end_of_stream=False):
                continue
            first = stream.read(1)
            if not first:
                break
            stream.seek(-1, io.SEEK_CUR)
            if not (first.isalpha() or first in b"'\""):
                operands.append(
                    read_object(stream, part.container_ref, ContentOpReading.GRAPHIC_OPS)
                )
                continue
            word = read_until_delimiter(stream).decode("latin-1")
            if word in ("true", "false", "null"):
                operands.append(word)
            elif word == "BI":  # an inline image's bytes are no tokens: not read here
                raise PdfReadError("An inline image")
            else:
                yield word, operands
                operands = []


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _walk(parts: list, resources, ctm, page: int, found: dict) -> None:
    """The boxes a page's or a form's content streams draw, `ctm` placing them on the page."""
    stack = []
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources else None
    xobjects = xobjects.get_object() if xobjects is not None else {}
    for operator, operands in _operations(parts):
        if operator == "q":
            stack.append(ctm)
        elif operator == "Q" and stack:
            ctm = stack.pop()
        elif operator == "cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif operator == "Do" and operands[0] in xobjects:
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                box = _pdf_box(xobject)
                if box:
                    rect = [round(v, 3) for v in (ctm[4], ctm[5], ctm[0], ctm[3])]
                    found.setdefault(box, []).append({"page": page, "rect": rect})
            elif xobject.get("/Subtype") == "/Form":
                matrix = [float(x) for x in xobject.get("/Matrix", (1, 0, 0, 1, 0, 0))]
                own = xobject.get("/Resources", resources)
                _walk([xobject], own, _multiply(matrix, ctm), page, found)


def fill(
    docx: bytes, pdf: bytes, boxes: dict, inp: RenderInput
) -> tuple[bytes, IncrementalPdfFileWriter] | None:
    """The prepared DOCX and PDF with each signer's signature and time in their boxes; None
    when a time cannot be written in the PDF's fonts (the whole way then)."""
    register_fonts()
    times, inks = {}, {}
    for position, signer in enumerate(inp.signers):
        if f"{TIME}:{position}" in boxes:
            if not _drawable(signer.signed_at):
                return None
            times[f"{TIME}:{position}"] = signer.signed_at
        if signer.png and f"{INK}:{position}" in boxes:
            inks[f"{INK}:{position}"] = signer.png
    return _filled_docx(docx, boxes, times, inks), _filled_pdf(pdf, boxes, times, inks)


def _drawable(text: str) -> bool:
    glyphs = pdfmetrics.getFont("cert-sans").face.charToGlyph
    return all(ord(c) in glyphs or c.isspace() for c in text)


def _fitted(png: bytes) -> tuple[float, float]:
    """The ink's share of its box's width and height: all of one, keeping its shape, as the
    template's image is (45 mm wide, or 15 mm high)."""
    width, height = _png_size(png)
    box_w, box_h = SIGNATURE_BOX_MM
    if width / height > box_w / box_h:
        return 1.0, (height / width) * (box_w / box_h)
    return (width / height) * (box_h / box_w), 1.0


def _filled_docx(docx: bytes, boxes: dict, times: dict, inks: dict) -> bytes:
    """Each time's box becomes its text, in a run of its own; each ink's box its image, the
    box's size fitted to the ink's shape."""
    text_of = {rid.encode(): times[box] for box in times for rid in boxes[box]["rids"]}
    ink_of = {rid.encode(): png for box, png in inks.items() for rid in boxes[box]["rids"]}
    ink_media = {boxes[box]["media"]: png for box, png in inks.items()}

    def filled(match: re.Match) -> bytes:
        rid = match.group(1)
        if rid in text_of:
            text = escape(text_of[rid]).encode()
            return b'<w:r><w:t xml:space="preserve">' + text + b"</w:t></w:r>"
        if rid in ink_of:
            share_w, share_h = _fitted(ink_of[rid])
            width, height = Mm(SIGNATURE_BOX_MM[0] * share_w), Mm(SIGNATURE_BOX_MM[1] * share_h)
            size = f'cx="{int(width)}" cy="{int(height)}"'.encode()
            return EXTENT.sub(lambda m: m.group(1) + size, match.group(0))
        return match.group(0)

    # the times' placeholders, now text, leave the package with their relationships
    unused = {boxes[box]["media"] for box in times}
    ids = b"|".join(map(re.escape, text_of)) or b"-"
    relationships = re.compile(rb'<Relationship Id="(?:%s)"[^>]*/>' % ids)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename in unused:
                continue
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = RUN_OF.sub(filled, data)
            elif item.filename == "word/_rels/document.xml.rels":
                data = relationships.sub(b"", data)
            target.writestr(item, ink_media.get(item.filename, data))
    return out.getvalue()


def _filled_pdf(pdf: bytes, boxes: dict, times: dict, inks: dict) -> IncrementalPdfFileWriter:
    """The prepared PDF with its boxes filled, as an update of it: each box's placeholder
    gives way to its signature, or to its time's text, drawn where it was drawn (so the text
    reads in its place); only the new objects and the resources naming them are written."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    filled = {box: _ink_xobject(writer, png) for box, png in inks.items()}
    filled |= _text_xobjects(writer, {box: (text, boxes[box]) for box, text in times.items()})
    pages = {placed["page"] for box in filled for placed in boxes[box]["placed"]}
    for index in sorted(pages):
        _, resources = writer.find_page_for_modification(index)
        _swap_images(writer, resources, filled)
    return writer


def _swap_images(writer: IncrementalPdfFileWriter, resources, images: dict) -> None:
    """Each box image among these resources (and their forms') gives way to its filling."""
    resources = resources.get_object() if resources is not None else None
    if not resources or "/XObject" not in resources:
        return
    xobjects = resources["/XObject"]
    for name in list(xobjects):
        xobject = xobjects[name]
        if xobject.get("/Subtype") == "/Form":
            _swap_images(writer, xobject.get("/Resources"), images)
            continue
        box = _pdf_box(xobject)
        if box in images:
            xobjects[NameObject(name)] = images[box]
            writer.update_container(xobjects)


def _ink_xobject(writer: IncrementalPdfFileWriter, png: bytes):
    """The ink as a form drawn in its box's unit square, from its bottom left corner (on the
    line, at its start), keeping its shape."""
    share_w, share_h = _fitted(png)
    form = StreamObject(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(NumberObject(v) for v in (0, 0, 1, 1)),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/XObject"): DictionaryObject(
                        {NameObject("/Ink"): _image_xobject(writer, png)}
                    )
                }
            ),
        },
        stream_data=f"q {share_w:.6f} 0 0 {share_h:.6f} 0 0 cm /Ink Do Q".encode(),
    )
    return writer.add_object(form)


def _image_xobject(writer: IncrementalPdfFileWriter, png: bytes):
    """The PNG as a PDF image with its transparency as a soft mask (allowed in PDF/A-2)."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    width, height = rgba.size

    def stream(data: bytes, colour_space: str, **extra):
        image = StreamObject(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(width),
                NameObject("/Height"): NumberObject(height),
                NameObject("/ColorSpace"): NameObject(colour_space),
                NameObject("/BitsPerComponent"): NumberObject(8),
                **extra,
            },
            stream_data=data,
        )
        image.compress()
        return writer.add_object(image)

    mask = stream(rgba.getchannel("A").tobytes(), "/DeviceGray")
    return stream(rgba.convert("RGB").tobytes(), "/DeviceRGB", **{NameObject("/SMask"): mask})


def _text_xobjects(writer: IncrementalPdfFileWriter, times: dict) -> dict:
    """Each time (`box: (text, box)`) written in its box, from the top, in the font size and
    colour of its paragraph (smaller, if TIME_LINES lines are not enough), as a form drawn in
    the unit square the placeholder image was drawn in: drawn on one canvas, a page each (a
    canvas each took 10 ms)."""
    if not times:
        return {}
    out = io.BytesIO()
    canvas = Canvas(out, invariant=True, initialFontName="cert-sans")
    for text, box in times.values():
        _, _, width, height = box["placed"][0]["rect"]
        canvas.setPageSize((width, height))
        pt = box["pt"]
        lines = simpleSplit(text, "cert-sans", pt, width)
        while len(lines) > TIME_LINES and pt > 5:
            pt -= 0.5
            lines = simpleSplit(text, "cert-sans", pt, width)
        canvas.setFont("cert-sans", pt)
        canvas.setFillColor(f"#{box['color']}")
        for number, line in enumerate(lines):
            canvas.drawString(0, height - pt * (0.9 + LEADING * number), line)
        canvas.showPage()
    canvas.save()
    drawn = PdfFileReader(io.BytesIO(out.getvalue()), strict=False)
    # one importer for every page, as `append_pages`: the font they share is written once
    importer = _ObjectImporter(source=drawn, target=writer, reference_map={}, obj_stream=None)
    forms = {}
    for index, (key, (_, box)) in enumerate(times.items()):
        _, _, width, height = box["placed"][0]["rect"]
        page_ref, resources = drawn.find_page_for_modification(index)
        contents = page_ref.get_object()["/Contents"]  # one stream, kept as it is encoded
        entries = {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, width, height)),
            NameObject("/Matrix"): ArrayObject(
                FloatObject(v) for v in (1 / width, 0, 0, 1 / height, 0, 0)
            ),
            NameObject("/Resources"): importer.import_object(resources),
        }
        if "/Filter" in contents:
            entries[NameObject("/Filter")] = importer.import_object(contents["/Filter"])
        forms[key] = writer.add_object(StreamObject(entries, encoded_data=contents.encoded_data))
    return forms
