"""The client's copy ends with one summary page instead of the audit certificate: who signed,
when and how, the fingerprint of what was signed, and where to check a copy. It leaves out
what the agency keeps for itself (the event trail with staff e-mail addresses, IP addresses
and browser strings). Every value is written as literal text."""

from collections.abc import Callable
from dataclasses import dataclass

from docx.document import Document as DocxDocument

from . import bidi
from .certificate import N_, _facts_table, _heading, _small, _unnumbered, _xml_text


@dataclass(frozen=True)
class SignedBy:
    name: str
    role: str
    method: str
    signed_at: str  # formatted in the agency's time zone, the zone named


@dataclass(frozen=True)
class SummaryData:
    document_id: str
    title: str
    agency: str
    client_name: str
    signers: list[SignedBy]
    content_sha256: str
    filed_pdf_sha256: str
    verify_url: str


INTRO = N_(
    "This is your copy of the document you signed. This page says who signed it, when and how. "
    "%(agency)s keeps the signed original in its records."
)
CHECK = N_(
    "To check that this copy is a true one, open %(url)s and upload this file: the page says "
    "whether it carries the seal of %(agency)s. You can also ask %(agency)s for the signed "
    "original; its SHA-256 fingerprint is below."
)


def append_summary(
    doc: DocxDocument,
    data: SummaryData,
    translate: Callable[[str], str] = str,
    right_to_left: bool = False,
) -> None:
    """Append the one-page summary, on a new page, in the document's language."""
    t = translate
    body = doc.element.body
    first = len(body) - 1
    heading = _heading(doc, t(N_("Summary of signatures")), 1)
    heading.paragraph_format.page_break_before = True
    _unnumbered(heading)
    doc.add_paragraph(t(INTRO) % {"agency": _xml_text(data.agency)})
    _facts_table(
        doc,
        [
            (t(N_("Document ID")), data.document_id, False),
            (t(N_("Form")), data.title, False),
            (t(N_("Client")), data.client_name, False),
            (t(N_("Agency")), data.agency, False),
        ],
    )
    for signer in data.signers:
        _heading(doc, _xml_text(signer.name), 2)
        _facts_table(
            doc,
            [
                (t(N_("Role")), signer.role, False),
                (t(N_("Method")), signer.method, False),
                (t(N_("Signed at")), signer.signed_at, False),
            ],
        )
    _heading(doc, t(N_("Check this copy")), 2)
    doc.add_paragraph(
        t(CHECK) % {"url": _xml_text(data.verify_url), "agency": _xml_text(data.agency)}
    )
    _facts_table(
        doc,
        [
            (t(N_("Content SHA-256")), data.content_sha256, True),
            (t(N_("SHA-256 of the signed original (PDF)")), data.filed_pdf_sha256, True),
        ],
    )
    _small(doc, t(N_("A fingerprint changes if anything in the file changes.")))
    if right_to_left:
        bidi.right_to_left(list(body)[first:-1], mark_runs=False)
