"""The audit certificate as PDF pages of its own (fpdf2), appended to the converted form: the
same content and look as the certificate the filed DOCX carries (`certificate.py`), without a
pass through LibreOffice."""

import io
from collections.abc import Callable

from PIL import Image

from .certificate import (
    EVENT_COLUMNS_MM,
    HASH_NOTE,
    INTRO,
    LABEL_MM,
    N_,
    NO_EVENTS,
    NO_IMAGE,
    ON_PAPER,
    SIGNATURE_BOX_MM,
    CertificateData,
    SignatureEvidence,
    TrailEvent,
)
from .pages import LETTER_PT, LINE_MM, PADDING_MM, SMALL_PT, Cell, Pages, Running, printable


def certificate_pdf(
    data: CertificateData,
    translate: Callable[[str], str] = str,
    right_to_left: bool = False,
    page_size_pt: tuple[float, float] = LETTER_PT,
    pages_before: int = 0,
) -> bytes:
    """The certificate's pages, in the document's language (`translate`), right to left for
    such a language, numbered as pages of a document whose form has `pages_before` pages."""
    t = translate
    running = Running(data.agency, data.title, data.client_name, data.document_id, pages_before)
    texts = [*vars(data).values(), *(vars(s) for s in data.signers), *map(vars, data.events)]
    words = [v for item in texts for v in (item.values() if isinstance(item, dict) else [item])]
    texts = [w for w in words if isinstance(w, str)]
    pages = Pages(running, t, right_to_left, page_size_pt, [*texts, t(INTRO), t(HASH_NOTE)])
    pages.heading(t(N_("Audit certificate")), 1)
    pages.paragraph(t(INTRO))
    for note in (data.copy_note, data.paper_note):
        if note:
            pages.paragraph(note)
    pages.heading(t(N_("Document")), 2)
    form = f"{data.title} ({data.form_type})" if data.form_type else data.title
    pages.facts(
        [
            (t(N_("Document ID")), data.document_id, False),
            (t(N_("Form")), form, False),
            (t(N_("Template version")), data.template_version, False),
            (t(N_("Client")), data.client_name, False),
            (t(N_("Agency")), data.agency, False),
            (t(N_("Content SHA-256")), data.content_sha256, True),
            (t(N_("Template SHA-256")), data.template_sha256, True),
        ],
        LABEL_MM,
    )
    pages.paragraph(t(HASH_NOTE), SMALL_PT)
    for number, signer in enumerate(data.signers, start=1):
        _signer(pages, number, len(data.signers), signer, t)
    pages.heading(t(N_("Event trail")), 2)
    _events(pages, data.events, t)
    return pages.output_bytes()


def _signer(pages: Pages, number: int, count: int, s: SignatureEvidence, t) -> None:
    """One signer's facts and signature, kept on one page."""
    image = s.signature_png
    box_w, box_h = _fit(image) if image else (0, LINE_MM)
    facts = [
        (t(N_("Role")), s.role, False),
        (t(N_("Method")), s.method, False),
        (t(N_("Signed at")), s.signed_at, False),
        (t(N_("IP address")), s.ip, False),
        (t(N_("Device (user agent)")), s.user_agent, False),
        (t(N_("Identity check")), s.identity_check, False),
        (t(N_("Ink SHA-256")), s.ink_sha256, True),
    ]
    rows = [[Cell(label, True), Cell(value, mono=mono)] for label, value, mono in facts]
    rows.append(
        [
            Cell(t(N_("Signature")), True),
            Cell(None if image else t(ON_PAPER if s.on_paper else NO_IMAGE)),
        ]
    )
    least = box_h + 2 * PADDING_MM
    pages.keep_together(12 + pages.table_height([LABEL_MM], rows) + least)
    title = t(N_("Signer %(number)s of %(count)s: %(name)s"))
    pages.heading(title % {"number": number, "count": count, "name": printable(s.name)}, 2)
    top = pages.table([LABEL_MM], rows, last_height=least)
    if image:  # in the last row's value cell, at its start side
        x = pages.l_margin + LABEL_MM + PADDING_MM
        if pages.rtl:
            x = pages.l_margin + pages.last_width(LABEL_MM) - PADDING_MM - box_w
        pages.image(io.BytesIO(image), x=x, y=top + PADDING_MM, w=box_w, h=box_h)


def _fit(png: bytes) -> tuple[float, float]:
    """The drawing's size in mm, as large as fits the certificate's box, keeping its shape."""
    width, height = Image.open(io.BytesIO(png)).size
    box_w, box_h = SIGNATURE_BOX_MM
    if width / height > box_w / box_h:
        return box_w, box_w * height / width
    return box_h * width / height, box_h


def _events(pages: Pages, events: list[TrailEvent], t) -> None:
    heading = [Cell(t(label), True) for label in (N_("Time"), N_("Who"), N_("What"), N_("Detail"))]
    rows = [[Cell(e.at), Cell(e.actor), Cell(e.action), Cell(e.detail)] for e in events]
    pages.table(list(EVENT_COLUMNS_MM), rows or [[Cell(t(NO_EVENTS)), *[Cell(None)] * 3]], heading)
