"""`forms-service templates check|add|list`: every shipped template passes the check; a
hostile or broken DOCX is refused with its reason and where it is, and nothing is stored; a
new version never overwrites one, and a document keeps the version it was sent with."""

import io
import os
import zipfile
from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import select

from forms_service import REPO_ROOT
from forms_service.archive.models import ArchiveRecord
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.docx_safety import W
from forms_service.rendering.jobs import run_job
from forms_service.rendering.resources import template_store
from forms_service.rendering.template_check import check_template
from forms_service.rendering.templates import TemplateStore
from forms_service.templates_admin.service import shipped_effective
from tests.conftest import archive_consent, blob_path, shipped_templates_copy, sign_consent
from tests.rendering.test_service import pdf_text
from tests.test_cli import cli_environment, run  # noqa: F401 (the CLI tests' fixture)

SHIPPED = TemplateStore(REPO_ROOT / "form_templates")
CONSENT_EN = SHIPPED.load(SHIPPED.versions("consent_release")[-1], "en")  # the current one
# Shipped versions made before a statement was required: kept for the documents pinned to
# them, and checked for everything else.
PREDATING = {
    ("consent_release", 1): ["42 CFR 2.31(a)(4)(iii)"],
    ("consent_release", 2): ["42 CFR 2.31(a)(4)(iii)"],
}
NEW_WORDING = "Gateway Housing Services wording of December"


@pytest.mark.soffice
@pytest.mark.parametrize(
    ("form_type", "number", "language"),
    [
        (name, v.number, lang)
        for name in SHIPPED.form_types()
        for v in SHIPPED.versions(name)
        for lang in v.languages
    ],
)
def test_every_shipped_template_passes_the_check(bare_app, form_type, number, language):
    template = SHIPPED.load(SHIPPED.version(form_type, number), language)
    checked = check_template(get_form_type(form_type), template, language)
    predating = PREDATING.get((form_type, number), [])
    assert [str(p).split(": ")[1].split(" is ")[0] for p in checked.problems] == predating
    assert predating or checked.pdf.startswith(b"%PDF")


def rebuilt(change, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The shipped English consent with `change` applied to its {name: bytes} entries."""
    with zipfile.ZipFile(io.BytesIO(CONSENT_EN)) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    change(entries)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def with_paragraphs(*texts: str) -> bytes:
    """The consent with paragraphs added at the end of its body, one run each."""

    def change(entries):
        xml = entries["word/document.xml"].decode()
        at = xml.rindex("<w:sectPr")
        runs = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)
        entries["word/document.xml"] = (xml[:at] + runs + xml[at:]).encode()

    return rebuilt(change)


def body_paragraphs() -> int:
    with zipfile.ZipFile(io.BytesIO(CONSENT_EN)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    return len(body.findall(f"{W}p"))


def macro_enabled(entries):
    entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really VBA"
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )


def external_image(entries):
    rel = (
        b'<Relationship Id="rIdEvil" TargetMode="External" Target="http://tracker.example/x.png"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
    )
    rels = entries["word/_rels/document.xml.rels"]
    entries["word/_rels/document.xml.rels"] = rels.replace(
        b"</Relationships>", rel + b"</Relationships>"
    )


def billion_laughs(entries):
    lols = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = entries["word/document.xml"].decode()
    end_of_declaration = xml.index("?>") + 2
    doctype = f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{lols}]>'
    entries["word/document.xml"] = (
        (xml[:end_of_declaration] + doctype + xml[end_of_declaration:])
        .replace("</w:body>", "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>")
        .encode()
    )


def zip_bomb() -> bytes:
    return rebuilt(lambda entries: entries.update({"word/media/zeros.bin": bytes(40 * 2**20)}))


ADDED = f"body paragraph {body_paragraphs() + 1}"  # where `with_paragraphs` puts its first
HOSTILE = {
    "split tag": (
        lambda: with_paragraphs("{{ client.", "full_name }}"),
        f"{ADDED}: a tag split across paragraphs or cells "
        f"(to body paragraph {body_paragraphs() + 2}): '{{{{ client. / full_name }}}}'",
    ),
    "unknown variable": (
        lambda: with_paragraphs("Dear {{ client.full_name }}, {{ favourite_colour }}"),
        f"{ADDED}: unknown variable 'favourite_colour'",
    ),
    "unknown field": (
        lambda: with_paragraphs("{{ client.ful_name }}"),
        f"{ADDED}: 'client' has no 'ful_name' (it has: date_of_birth, full_name)",
    ),
    "unknown filter": (
        lambda: with_paragraphs("{{ client.full_name|shout }}"),
        f"{ADDED}: unknown filter 'shout'",
    ),
    "jinja syntax": (
        lambda: with_paragraphs("{% if client.full_name %}no end"),
        f"{ADDED}: Jinja syntax error: Unexpected end of template",
    ),
    "include": (
        lambda: with_paragraphs("{% include 'letterhead.docx' %}"),
        f"{ADDED}: {{% include %}} reads another template",
    ),
    "dunder": (
        lambda: with_paragraphs("{{ ''.__class__ }}"),
        f"{ADDED}: the sandbox refuses \"''.__class__\"",
    ),
    "hidden code": (
        lambda: rebuilt(
            lambda e: e.update(
                {
                    "word/document.xml": e["word/document.xml"].replace(
                        b"</w:body>",
                        b"<w:p><w:r><w:instrText>{{ client.full_name }}</w:instrText></w:r>"
                        b"</w:p></w:body>",
                    )
                }
            )
        ),
        "body: template code outside the visible text",
    ),
    "macro-enabled renamed .docx": (
        lambda: rebuilt(macro_enabled),
        "file: it has macros (a macro-enabled .docm renamed .docx: word/vbaProject.bin)",
    ),
    "external image": (
        lambda: rebuilt(external_image),
        "body: loads a linked image from outside the document (http://tracker.example/x.png)",
    ),
    "6 MB": (
        lambda: rebuilt(
            lambda e: e.update({"word/media/photo.png": os.urandom(6 * 2**20)}),
            zipfile.ZIP_STORED,
        ),
        "MB; a template may be at most 5 MB",
    ),
    "zip bomb": (zip_bomb, "file: a zip bomb: it would unpack to 40 MB, word/media/zeros.bin"),
    "billion laughs": (
        lambda: rebuilt(billion_laughs),
        "word/document.xml: declares a DTD (<!DOCTYPE>): XML entity tricks are refused",
    ),
    "not a zip": (lambda: b"%PDF-1.7 a PDF renamed .docx", "file: it is not a DOCX file"),
}


@pytest.fixture
def store(bare_app, tmp_path):
    return shipped_templates_copy(bare_app, tmp_path)


def snapshot(root) -> dict:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_or_broken_docx_is_refused_with_its_reason_and_nothing_is_stored(
    bare_app, store, tmp_path, case
):
    build, reason = HOSTILE[case]
    path = tmp_path / "upload.docx"
    path.write_bytes(build())
    before = snapshot(store.root)
    checked = run(bare_app, "templates", "check", "consent_release", str(path))
    added = run(bare_app, "templates", "add", "consent_release", str(path), "--lang", "en")
    for result in (checked, added):
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert reason in result.stderr, result.stderr
        assert all(line.startswith(f"{path}: ") for line in result.stderr.splitlines())
    assert snapshot(store.root) == before


def test_a_language_that_is_not_a_code_is_refused_before_anything_is_written(
    bare_app, store, tmp_path
):
    path = tmp_path / "en.docx"
    path.write_bytes(CONSENT_EN)
    before = snapshot(store.root)
    result = run(bare_app, "templates", "add", "consent_release", str(path), "--lang", "../x")
    assert result.exit_code == 2
    assert "language: '../x' is not a language code" in result.stderr
    assert snapshot(store.root) == before


@pytest.mark.soffice
def test_add_stores_a_draft_version_and_list_shows_it_beside_the_unchanged_first(
    bare_app, store, tmp_path
):
    path = tmp_path / "consent-december.docx"
    path.write_bytes(with_paragraphs(NEW_WORDING))
    shipped_lines = run(bare_app, "templates", "list", "consent_release").stdout.splitlines()
    shipped = SHIPPED.versions("consent_release")
    number = shipped[-1].number + 1
    note = 'Our letterhead; "plain" words\nsecond line'
    result = run(
        bare_app,
        "templates",
        "add",
        "consent_release",
        str(path),
        "--lang",
        "en",
        "--note",
        note,
        "--by",
        "alex.moreno",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{number}\n"
    added = store.version("consent_release", number)
    assert (added.status, added.added_by, added.note, added.languages) == (
        "draft",
        "alex.moreno",
        note,
        ["en"],
    )
    assert store.load(added, "en") == path.read_bytes()
    assert store.versions("consent_release")[:-1] == shipped
    # a draft is not used
    assert store.current("consent_release") == SHIPPED.current("consent_release")

    lines = run(bare_app, "templates", "list", "consent_release").stdout.splitlines()
    assert lines[:-1] == shipped_lines
    assert lines[0].split()[:4] == ["consent_release", "v1", "ar", "active"]
    assert lines[-1].startswith(
        f"consent_release  v{number}  en  draft  {added.files['en']}  alex.moreno "
    )
    assert lines[-1].endswith('Our letterhead; "plain" words second line')


@pytest.mark.soffice
def test_an_activated_version_is_the_current_one_in_its_language_only(bare_app, store, tmp_path):
    path = tmp_path / "consent-december.docx"
    path.write_bytes(with_paragraphs(NEW_WORDING))
    number = SHIPPED.versions("consent_release")[-1].number + 1
    args = ("templates", "add", "consent_release", str(path), "--lang", "en", "--activate")
    assert run(bare_app, *args).stdout == f"{number}\n"
    assert store.current("consent_release", language="en").number == number
    spanish = SHIPPED.current("consent_release", language="es")
    assert store.current("consent_release", language="es") == spanish
    assert store.languages("consent_release") == ["ar", "en", "es"]
    # the same file again: a new version, the one before kept
    assert run(bare_app, *args).stdout == f"{number + 1}\n"
    again = store.version("consent_release", number + 1)
    assert store.version("consent_release", number).files == again.files
    folders = sorted(p.name for p in (store.root / "consent_release").iterdir())
    assert folders == sorted([*(str(n) for n in range(1, number + 2)), "manifest.toml"])


@pytest.mark.soffice
def test_a_document_sent_before_a_new_version_is_activated_keeps_its_pinned_version(
    app, world, consent_document, tmp_path
):
    shipped_templates_copy(app, tmp_path)
    sent_before = consent_document()
    pinned = sent_before.template_version
    assert pinned == SHIPPED.current("consent_release", language="en").number
    now = datetime.now(UTC)
    template_store().add(
        "consent_release",
        "en",
        with_paragraphs(NEW_WORDING),
        added_by="alex.moreno",
        added_at=now,
        effective=shipped_effective(now),
        activate=True,
    )
    document, job = sign_consent(world, lambda: sent_before)
    assert run_job(job.id)
    old = db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()
    assert old.template_version == pinned
    assert NEW_WORDING not in pdf_text(blob_path(old.pdf_sha256).read_bytes())
    new = archive_consent(world, consent_document)
    assert new.template_version == SHIPPED.versions("consent_release")[-1].number + 1
    assert NEW_WORDING in " ".join(pdf_text(blob_path(new.pdf_sha256).read_bytes()).split())
