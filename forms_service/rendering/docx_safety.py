"""Is this Word file safe to open? A template is an agency's own DOCX, so it is checked as
hostile input before anything reads its text: size, zip bombs, XML entities, macros, external
links, embedded objects. Every problem says where it is."""

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext
from lxml import etree

from ..i18n import N_

MAX_FILE_BYTES = 5 * 2**20
MAX_UNPACKED_BYTES = 50 * 2**20  # all entries together, as the zip directory declares them
MAX_RATIO = 100  # unpacked / packed, for an entry over RATIO_FROM_BYTES (XML packs 5-20 times)
RATIO_FROM_BYTES = 2**20
MAX_ENTRIES = 1000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOCUMENT_TYPE = WORD_TYPE + "document.main+xml"
CORE_PROPERTIES = "docProps/core.xml"  # its title, subject, ... are rendered too

# Relationship types (the last part of the URI) that bring in content from outside the text.
EMBEDDED = {"oleObject", "package", "control", "activeXControl", "subDocument", "frame"}
# Field codes that fetch a file or talk to another program when the document is opened.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT"}
DOCTYPE = "<!DOCTYPE"


@dataclass(frozen=True)
class Problem:
    where: str  # "file", "body paragraph 3", "header (word/header1.xml) table 1 row 2 cell 1 …"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Refused(Exception):
    """The file cannot be looked into any further."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)


def unpack(template: bytes) -> dict[str, etree._Element | bytes]:
    """A Word document's parts (XML parsed without DTDs or entities, others as bytes), or
    `Refused` naming why it cannot be opened safely."""
    parts = _unpack(template)
    _word_document(parts)
    return parts


# The container: checked from the zip directory before anything is unpacked.


def _unpack(template: bytes) -> dict[str, etree._Element | bytes]:
    """Each entry: XML parts parsed (without DTDs or entities), others as bytes."""
    if len(template) > MAX_FILE_BYTES:
        raise Refused(
            Problem(
                gettext("file"),
                gettext(
                    "it is %(size)s MB; a template may be at most %(limit)s MB (make pictures "
                    "smaller)",
                    size=f"{len(template) / 2**20:.1f}",
                    limit=MAX_FILE_BYTES // 2**20,
                ),
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise Refused(
            Problem(
                gettext("file"),
                gettext("it is not a DOCX file (not a zip archive): save it as .docx"),
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
    except zipfile.BadZipFile as exc:
        raise Refused(
            Problem(gettext("file"), gettext("it is a damaged zip archive (%(error)s)", error=exc))
        ) from None
    entries = archive.infolist()
    names = [e.filename for e in entries]
    if len(entries) > MAX_ENTRIES or len(set(names)) != len(names):
        raise Refused(
            Problem(gettext("file"), gettext("its zip directory is not a Word document's"))
        )
    unpacked = sum(e.file_size for e in entries)
    bombs = [
        e.filename
        for e in entries
        if e.file_size > RATIO_FROM_BYTES and e.file_size > MAX_RATIO * max(e.compress_size, 1)
    ]
    if unpacked > MAX_UNPACKED_BYTES or bombs:
        size = f"{unpacked / 2**20:.0f}"
        raise Refused(
            Problem(
                gettext("file"),
                gettext(
                    "a zip bomb: it would unpack to %(size)s MB, %(parts)s over %(ratio)s times "
                    "its packed size",
                    size=size,
                    parts=", ".join(bombs),
                    ratio=MAX_RATIO,
                )
                if bombs
                else gettext("a zip bomb: it would unpack to %(size)s MB", size=size),
            )
        )
    if any(e.flag_bits & 0x1 for e in entries):
        raise Refused(
            Problem(gettext("file"), gettext("it is encrypted: save it without a password"))
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    parts, problems = {}, []
    for name in names:
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
            raise Refused(
                Problem(name, gettext("cannot be unpacked (%(error)s)", error=exc))
            ) from None
        if not name.endswith((".xml", ".rels")):
            parts[name] = data
            continue
        dtd = Problem(name, gettext("declares a DTD (<!DOCTYPE>): XML entity tricks are refused"))
        if any(DOCTYPE.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be")):
            problems.append(dtd)  # found before parsing: an entity bomb is never expanded
            continue
        try:
            tree = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(name, gettext("is not well-formed XML (%(error)s)", error=exc)))
            continue
        if tree.getroottree().docinfo.doctype:  # in an encoding the search above missed
            problems.append(dtd)
        parts[name] = tree
    if problems:
        raise Refused(*problems)
    return parts


# The package: what it would run, fetch or embed.


def content_type(parts: dict, name: str) -> str:
    """A part's content type as python-docx reads it: its Override, else its extension's."""
    types = parts["[Content_Types].xml"]
    for override in types.iter(f"{TYPES}Override"):
        if override.get("PartName", "").lstrip("/") == name:
            return override.get("ContentType", "")
    extension = name.rsplit(".", 1)[-1].lower()
    for default in types.iter(f"{TYPES}Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType", "")
    return ""


def _word_document(parts: dict) -> None:
    """Refuses a file that is not a Word document, macros included, as python-docx would."""
    package_rels = parts.get("_rels/.rels")
    main = None
    if isinstance(parts.get("[Content_Types].xml"), etree._Element) and isinstance(
        package_rels, etree._Element
    ):
        main = next(
            (
                target_part("_rels/.rels", rel.get("Target", ""))
                for rel in package_rels.iter(f"{RELS}Relationship")
                if rel.get("Type", "").endswith("/officeDocument")
            ),
            None,
        )
    if main is None or not isinstance(parts.get(main), etree._Element):
        raise Refused(
            Problem(gettext("file"), gettext("it is not a Word document (no main document part)"))
        )
    main_type = content_type(parts, main)
    macros = [n for n in parts if n.lower().endswith(("vbaproject.bin", "vbadata.xml"))]
    if macros or "macroEnabled" in main_type:
        raise Refused(
            Problem(
                gettext("file"),
                gettext(
                    "it has macros (a macro-enabled .docm renamed .docx: %(parts)s); save it as "
                    "a Word Document (.docx)",
                    parts=", ".join(macros),
                )
                if macros
                else gettext(
                    "it has macros (a macro-enabled .docm renamed .docx); save it as a Word "
                    "Document (.docx)"
                ),
            )
        )
    if main_type != DOCUMENT_TYPE:
        raise Refused(
            Problem(
                gettext("file"),
                gettext("it is not a Word document but %(type)s", type=main_type or "?"),
            )
        )


def unsafe_content(parts: dict) -> list[Problem]:
    """What the document would fetch or embed."""
    problems = []
    reported = set()
    for name, rels in parts.items():
        if not name.endswith(".rels") or not isinstance(rels, etree._Element):
            continue
        where = label(re.sub(r"_rels/(.*)\.rels$", r"\1", name))
        for rel in rels.iter(f"{RELS}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if kind == "aFChunk":
                problems.append(
                    Problem(
                        where,
                        gettext("imports another file as is (altChunk %(target)s)", target=target),
                    )
                )
            elif kind in EMBEDDED:
                problems.append(
                    Problem(
                        where,
                        gettext("embeds an object (%(kind)s %(target)s)", kind=kind, target=target),
                    )
                )
                reported.add(target_part(name, target))
            elif rel.get("TargetMode") == "External" and kind != "hyperlink":
                message = (
                    gettext(
                        "loads a linked image from outside the document (%(target)s); insert "
                        "pictures, do not link them",
                        target=target,
                    )
                    if kind == "image"
                    else gettext(
                        "loads a %(kind)s link from outside the document (%(target)s); insert "
                        "pictures, do not link them",
                        kind=kind,
                        target=target,
                    )
                )
                problems.append(Problem(where, message))
    for name in parts:
        if name.startswith(("word/embeddings/", "word/activeX/")) and name not in reported:
            problems.append(
                Problem(gettext("file"), gettext("holds an embedded object (%(part)s)", part=name))
            )
    for name, part in parts.items():
        if isinstance(part, etree._Element):
            problems += _fetching_fields(name, part)
    return problems


def target_part(rels_name: str, target: str) -> str:
    """The part a relationship in `rels_name` points to (targets are relative to its source)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(
        posixpath.join(posixpath.dirname(posixpath.dirname(rels_name)), target)
    )


def _fetching_fields(name: str, part: etree._Element) -> list[Problem]:
    codes = [t.text or "" for t in part.iter(f"{W}instrText")]
    codes += [f.get(f"{W}instr", "") for f in part.iter(f"{W}fldSimple")]
    words = {code.split()[0].upper() for code in codes if code.split()}
    return [
        Problem(
            label(name),
            gettext("its %(field)s field fetches content from outside the document", field=field),
        )
        for field in sorted(words & FETCHING_FIELDS)
    ]


PART_KINDS = {"header": N_("header"), "footer": N_("footer"), "footnotes": N_("footnotes")}


def label(name: str) -> str:
    """Where a part is, as a report names it, in the page's language."""
    if name == "word/document.xml":
        return gettext("body")
    if name == CORE_PROPERTIES:
        return gettext("document properties")
    kind = re.sub(r"^word/([a-z]+?)\d*\.xml$", r"\1", name)
    if kind not in PART_KINDS:
        return name
    return gettext("%(kind)s (%(part)s)", kind=gettext(PART_KINDS[kind]), part=name)
