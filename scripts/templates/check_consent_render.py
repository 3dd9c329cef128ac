"""Manual checker for form_templates/consent_release/1/en.docx (not a test).

Renders the template the way the app does (docxtpl + a sandboxed Jinja environment with
autoescape on) with hostile sample values, converts each result to PDF with LibreOffice,
and checks with pdftotext that every value appears literally, that conditional sections
come and go, and that each page carries the header and a working "Page X of Y" footer.
PNG previews of every page are written next to the PDFs for a human to look at.

    .venv/bin/python scripts/templates/check_consent_render.py [--out /tmp/consent_check]

Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2.sandbox
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "form_templates" / "consent_release" / "1" / "en.docx"

NASTY = "<b>bold</b> & {{ x }} {% if %} \"quotes\" 'single'"


def signature_png(seed: int = 0) -> bytes:
    """A squiggle on a transparent background, like the tablet's ink PNGs."""
    img = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    pts = [
        (30 + i * 9, 110 + int(45 * ((-1) ** (i // 3 + seed)) * ((i % 3) / 2))) for i in range(60)
    ]
    d.line(pts, fill=(20, 30, 90, 255), width=6, joint="curve")
    d.line([(60, 160), (540, 150)], fill=(20, 30, 90, 255), width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def long_purpose() -> str:
    para = (
        "To find me housing & keep it: share what is needed so the housing navigator can "
        "match me with a unit, check that I am eligible, and plan my move-in. " + NASTY + " "
    )
    lines = []
    text = ""
    i = 0
    while len(text) < 1990:
        i += 1
        lines.append(f"Line {i}: {para}")
        text = "\n".join(lines)
    return text[:2000]


def context(
    tpl: DocxTemplate,
    *,
    sud: bool,
    rep: bool,
    conditioned: bool,
    contact: bool,
    other: bool,
    signed: bool,
    long: bool = False,
) -> dict:
    signers = [
        {
            "role_label": "Client",
            "name": "مريم العلي " + NASTY,
            "signed_at": "November 25, 2026 at 10:42 AM" if signed else "",
            "image": InlineImage(tpl, io.BytesIO(signature_png(0)), width=Mm(45)) if signed else "",
        },
        {
            "role_label": "Case manager <i>",
            "name": "Sam O'Neil & Co {{ y }}",
            "signed_at": "November 25, 2026 at 10:45 AM" if signed else "",
            "image": InlineImage(tpl, io.BytesIO(signature_png(1)), width=Mm(45)) if signed else "",
        },
    ]
    if rep:
        signers.insert(
            1,
            {
                "role_label": "Legal representative",
                "name": "Rep Person {% endif %}",
                "signed_at": "November 25, 2026 at 10:43 AM" if signed else "",
                "image": InlineImage(tpl, io.BytesIO(signature_png(2)), width=Mm(45))
                if signed
                else "",
            },
        )
    ctx = {
        "agency": {
            "name": "Gateway Housing <Services> & Co",
            "address": "1200 Market St, Suite 4 {{ x }}, St. Louis, MO 63103",
            "phone": '(314) 555-0100 ext. "7"',
        },
        "document": {
            "id": "CR-7F3A9C2B1D",
            "title": "Consent to Release Information",
            "template_version": "1",
            "created_on": "November 25, 2026",
        },
        "client": {"full_name": "مريم العلي 🏠 " + NASTY, "date_of_birth": "March 4, 1985"},
        "case": {"number": "C-2026-0042 {% if %}"},
        "consent": {
            "recipient_name": "Recipient " + NASTY,
            "recipient_type_label": "Agency",
            "recipient_contact": ("Contact " + NASTY + " 📞 314-555-0199") if contact else "",
            "categories": [
                {
                    "label": "Housing status <b>",
                    "description": "Where I stay now & my housing history {{ x }}",
                },
                {
                    "label": "Income & benefits",
                    "description": 'Income sources, amounts, SNAP/SSI "benefits"',
                },
                {
                    "label": "Substance use treatment",
                    "description": "Dates of treatment, provider, "
                    "diagnosis and discharge summary {% if %} 'x'",
                },
            ]
            + [
                {"label": f"Category {i} & <x>", "description": f"Description {i} " + NASTY}
                for i in range(4, 6)
            ],
            "other_information": ("Other: the letter from Dr. Smith dated June 1 " + NASTY)
            if other
            else "",
            "purpose": Listing(long_purpose()),
            "end_text": "when I move into permanent housing {{ x }} & <b>",
            "includes_sud": sud,
            "conditioned": conditioned,
            "conditioning_explanation": (
                "Conditioning: enrollment in the research study needs this form " + NASTY
            )
            if conditioned
            else "",
            "representative_signs": rep,
            "representative_name": ("Representative " + NASTY) if rep else "",
            "representative_authority": ("Authority: court-appointed guardian " + NASTY)
            if rep
            else "",
            "revocation_how": "Write to Gateway Housing Services, 1200 Market St, or tell your "
            "case manager, who will help you put it in writing. " + NASTY,
        },
        "signers": signers,
    }
    return lengthen(ctx) if long else ctx


def lengthen(ctx: dict) -> dict:
    """Every free-text value at the 2,000-character limit (names, addresses, everything)."""

    def grow(v: str) -> str:
        return (v + " | ") * (2000 // (len(v) + 3)) if v else v

    skip = {
        "document",
        "recipient_type_label",
        "signed_at",
        "image",
        "date_of_birth",
        "includes_sud",
        "conditioned",
        "representative_signs",
        "purpose",
    }

    def walk(d):
        for k, v in list(d.items()):
            if k in skip:
                continue
            if isinstance(v, dict):
                walk(v)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str):
                d[k] = grow(v)

    walk(ctx)
    return ctx


VARIANTS = {
    "full": dict(sud=True, rep=True, conditioned=False, contact=True, other=True, signed=True),
    "minimal": dict(
        sud=False, rep=False, conditioned=True, contact=False, other=False, signed=False
    ),
    "sud_only": dict(
        sud=True, rep=False, conditioned=False, contact=False, other=True, signed=True
    ),
    "long": dict(
        sud=True, rep=True, conditioned=True, contact=True, other=True, signed=True, long=True
    ),
}


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def norm(text: str) -> str:
    """Drop whitespace (pdftotext wraps lines in table cells) and bidi controls."""
    return re.sub(r"\s+", "", BIDI_CONTROLS.sub("", text))


def flatten_values(ctx: dict) -> list[tuple[str, str]]:
    out = []

    def walk(prefix, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else k, x)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(f"{prefix}[{i}]", x)
        elif isinstance(v, Listing):
            out.append(
                (
                    prefix,
                    v.xml.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", '"')
                    .replace("&#x27;", "'"),
                )
            )
        elif isinstance(v, str) and v:
            out.append((prefix, v))

    walk("", ctx)
    return out


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    # fixed argv lists of our own (soffice, pdftotext, ...), no shell
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)  # noqa: S603


def check_variant(name: str, flags: dict, out: Path, profile: Path) -> list[str]:
    problems: list[str] = []
    tpl = DocxTemplate(TEMPLATE)
    ctx = context(tpl, **flags)
    # the app's environment, plus StrictUndefined so a misspelt variable fails loudly here
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    tpl.render(ctx, jinja_env=env)
    docx_path = out / f"{name}.docx"
    tpl.save(docx_path)

    # the rendered package must be well-formed and free of template tags of our own
    with zipfile.ZipFile(docx_path) as z:
        for member in z.namelist():
            if member.endswith(".xml"):
                from lxml import etree

                etree.fromstring(z.read(member))  # raises on malformed XML

    run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx_path),
        ],
        timeout=180,
    )
    pdf = out / f"{name}.pdf"
    text = run(["pdftotext", str(pdf), "-"]).stdout
    (out / f"{name}.txt").write_text(text, encoding="utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    n = len(pages)
    # the page body only: drop each page's header (ends with the document id) and footer
    # (starts with "Questions? Call"), so a value running across a page break reads whole
    bodies = []
    for page in pages:
        start = page.find("CR-7F3A9C2B1D")
        start = page.find("\n", start) if start >= 0 else 0
        end = page.rfind("Questions? Call")
        bodies.append(page[start : end if end >= 0 else len(page)])
    flat = norm("".join(bodies))

    for key, value in flatten_values(ctx):
        if key.startswith("signers") and key.endswith(".image"):
            continue
        if key.endswith("conditioning_explanation") and not flags["conditioned"]:
            continue
        if flags.get("long") and " | " in value:
            # A table row taller than a page is split by the layout, and pdftotext then
            # reads the page's columns in turn; count the repeated pieces instead.
            # (pdftotext also drops the hyphen where a line breaks after one, and reorders
            # neutral characters next to Arabic, so compare without hyphens / word by word)
            piece = value.split(" | ")[0]
            if re.search("[\u0600-\u06ff]", piece):
                if not all(norm(w) in flat for w in piece.split()):
                    problems.append(f"{name}: value {key!r}: a word is missing")
                continue
            piece = norm(piece).replace("-", "")
            want = value.count(" | ")
            got = flat.replace("-", "").count(piece)
            # a piece that straddles a page break inside a multi-column row is read with the
            # neighbouring column's text in the middle: allow a few of those
            if got < want - 3:
                problems.append(f"{name}: value {key!r}: {got} of {want} pieces")
            continue
        for line in value.split("\n"):
            needle = norm(line)
            if (
                needle
                and needle not in flat
                and needle.replace("-", "") not in flat.replace("-", "")
            ):
                # Mixed Arabic/Latin runs come out of pdftotext in bidi display order,
                # so neutral characters next to the Arabic may move: check word by word.
                arabic = re.search("[\u0600-\u06ff]", line)
                if (arabic or flags.get("long")) and all(
                    norm(w) in norm(text) for w in line.split()
                ):
                    continue
                problems.append(f"{name}: value {key!r} not found literally: {line[:80]!r}")

    def has(s: str) -> bool:
        return norm(s) in flat

    expect = {
        "42 CFR Part 2 section": (
            has("Substance use treatment records (42 CFR Part 2)"),
            flags["sud"],
        ),
        "2.32 notice": (has("unless at least one of the following applies"), flags["sud"]),
        "representative section": (has("Signed by a legal representative"), flags["rep"]),
        "not-conditioned text": (
            has("You do not have to sign this form to get services"),
            not flags["conditioned"],
        ),
        "conditioned text": (
            has("One thing depends on whether you sign this form"),
            flags["conditioned"],
        ),
        "contact row": (has("Contact" + "Contact<b>"), flags["contact"]),
        "other information": (has("Other information:"), flags["other"]),
    }
    for label, (present, wanted) in expect.items():
        if present != wanted:
            problems.append(f"{name}: {label} present={present}, expected {wanted}")
    for fixed in (
        "This consent ends",
        "You can cancel (revoke) this consent at any time",
        "does not undo",
        "federal privacy law may no longer protect it",
        "You will get a copy of this form",
        "Nothing else about you will be shared",
    ):
        if not has(fixed):
            problems.append(f"{name}: missing fixed text {fixed!r}")

    # numbered headings renumber when conditional sections drop out
    last_section = 7 + flags["sud"] + flags["rep"] + 1
    if not re.search(rf"^\s*{last_section}\.\s+Signatures", text, re.M):
        problems.append(f"{name}: expected 'Signatures' to be section {last_section}")

    # header and footer on every page, with real page numbers
    for i, page in enumerate(pages, start=1):
        p = norm(page)
        if norm(f"Page {i} of {n}") not in p:
            problems.append(f"{name}: page {i} lacks 'Page {i} of {n}'")
        if norm("Client: مريم") not in p and norm("Client:") not in p:
            problems.append(f"{name}: page {i} lacks the client header")
        if norm("Document CR-7F3A9C2B1D") not in p:
            problems.append(f"{name}: page {i} lacks the document id header")
        if norm("Template version 1") not in p:
            problems.append(f"{name}: page {i} lacks the template version footer")

    # leftover template syntax from the template itself (values carry their own braces)
    stray = text
    for _, value in flatten_values(ctx):
        for line in value.split("\n"):
            stray = stray.replace(line, "")
    for marker in ("{%p", "{%tr", "{{ c.", "{{ s.", "{{ consent", "{{ client", "{{ agency"):
        if marker in stray:
            problems.append(f"{name}: template syntax left in output: {marker}")

    images = [
        ln
        for ln in run(["pdfimages", "-list", str(pdf)]).stdout.splitlines()[2:]
        if ln.split()[2] == "image"
    ]
    want_images = sum(1 for sgn in ctx["signers"] if sgn["image"])
    if len(images) != want_images:
        problems.append(
            f"{name}: {len(images)} signature images in the PDF, expected {want_images}"
        )

    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / name)])
    print(f"{name}: {n} pages, {len(problems)} problems -> {pdf}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    scratch = "/tmp/consent_check"  # noqa: S108 - a manual checker's scratch output
    ap.add_argument("--out", default=scratch, type=Path)
    args = ap.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    if not shutil.which("soffice"):
        print("soffice not found", file=sys.stderr)
        return 2
    problems: list[str] = []
    for name, flags in VARIANTS.items():
        problems += check_variant(name, flags, out, profile)
    for p in problems:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
