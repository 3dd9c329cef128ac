"""The client's copy ends with one summary page instead of the audit certificate: who signed,
when and how, the fingerprint of what was signed, and where to check a copy. It leaves out
what the agency keeps for itself (the event trail with staff e-mail addresses, IP addresses
and browser strings). Every value is written as literal text, on pages drawn straight to PDF
(`pages.py`), so the copy costs LibreOffice only the form."""

from collections.abc import Callable
from dataclasses import dataclass

from .certificate import LABEL_MM, N_
from .pages import LETTER_PT, Pages, Running


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


def summary_pdf(
    data: SummaryData,
    translate: Callable[[str], str] = str,
    right_to_left: bool = False,
    page_size_pt: tuple[float, float] = LETTER_PT,
    pages_before: int = 0,
) -> bytes:
    """The one-page summary as PDF pages of its own (fpdf2), in the document's language, to
    follow the `pages_before` pages of the converted form."""
    t = translate
    running = Running(data.agency, data.title, data.client_name, data.document_id, pages_before)
    intro = t(INTRO) % {"agency": data.agency}
    check = t(CHECK) % {"url": data.verify_url, "agency": data.agency}
    signers = [value for s in data.signers for value in vars(s).values()]
    texts = [*(v for v in vars(data).values() if isinstance(v, str)), *signers, intro, check]
    pages = Pages(running, t, right_to_left, page_size_pt, texts)
    pages.heading(t(N_("Summary of signatures")), 1)
    pages.paragraph(intro)
    pages.facts(
        [
            (t(N_("Document ID")), data.document_id, False),
            (t(N_("Form")), data.title, False),
            (t(N_("Client")), data.client_name, False),
            (t(N_("Agency")), data.agency, False),
        ],
        LABEL_MM,
    )
    for signer in data.signers:
        pages.heading(signer.name, 2)
        pages.facts(
            [
                (t(N_("Role")), signer.role, False),
                (t(N_("Method")), signer.method, False),
                (t(N_("Signed at")), signer.signed_at, False),
            ],
            LABEL_MM,
        )
    pages.heading(t(N_("Check this copy")), 2)
    pages.paragraph(check)
    pages.facts(
        [
            (t(N_("Content SHA-256")), data.content_sha256, True),
            (t(N_("SHA-256 of the signed original (PDF)")), data.filed_pdf_sha256, True),
        ],
        LABEL_MM,
    )
    pages.paragraph(t(N_("A fingerprint changes if anything in the file changes.")), 8)
    return pages.output_bytes()
