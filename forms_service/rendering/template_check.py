"""Is this Word file safe and fit to be a form's template? Every problem, with where it is.

A template is an agency's own DOCX edited in Word, so it is checked as hostile input first
(size, zip bombs, XML entities, macros, external links, embedded objects), then as a
template (split tags, Jinja syntax, names the form's context lacks, anything the sandbox would
refuse), and last it renders the form's example through the renderer and LibreOffice. It takes
bytes, never a path, so the command line and an upload page call the same check."""

import copy
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError
from docxtpl import DocxTemplate
from flask_babel import force_locale
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)
from lxml import etree

from ..forms.registry import FormType
from . import preview
from .convert import ConversionError
from .service import build_context, converter, render_docx, template_environment
from .templates import TemplateVersion

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
TEMPLATED_TYPES = {  # the parts docxtpl renders as Jinja, and what a report calls them
    DOCUMENT_TYPE: "body",
    WORD_TYPE + "header+xml": "header",
    WORD_TYPE + "footer+xml": "footer",
    WORD_TYPE + "footnotes+xml": "footnotes",
}
CORE_PROPERTIES = "docProps/core.xml"  # its title, subject, ... are rendered too

# Relationship types (the last part of the URI) that bring in content from outside the text.
EMBEDDED = {"oleObject", "package", "control", "activeXControl", "subDocument", "frame"}
# Field codes that fetch a file or talk to another program when the document is opened.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT"}
UNSAFE_ATTRIBUTES = (
    UNSAFE_FUNCTION_ATTRIBUTES
    | UNSAFE_METHOD_ATTRIBUTES
    | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES
    | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
    | {"mro"}
)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
TAG_START = re.compile(r"\{[{%#]")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
DOCTYPE = "<!DOCTYPE"


@dataclass(frozen=True)
class Problem:
    where: str  # "file", "body paragraph 3", "header (word/header1.xml) table 1 row 2 cell 1 …"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Checked:
    problems: list[Problem]
    pdf: bytes | None  # the form's example rendered in the template, when it has no problem


class _Refused(Exception):
    """The file cannot be looked into any further."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)


def check_template(
    form_type: FormType, template: bytes, language: str, version_number: int = 0
) -> Checked:
    """Every problem of `template` as `form_type`'s template in `language`; with none, the
    example rendered to PDF (as version `version_number`)."""
    if not (LANGUAGE_CODE.fullmatch(language) and _known_locale(language)):
        return Checked([Problem("language", f"{language!r} is not a language code")], None)
    try:
        parts = _unpack(template)
        _word_document(parts)
    except _Refused as refused:
        return Checked(refused.problems, None)
    problems = _unsafe_content(parts)
    version = TemplateVersion(form_type.name, version_number, date.today(), {language: ""})
    inp = preview.example_input(form_type, preview.example_payload(form_type), language)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
    # Whatever a malformed file makes docxtpl, python-docx or lxml raise is the file's problem.
    except Exception as exc:  # noqa: BLE001
        return Checked([*problems, Problem("file", f"Word cannot open it: {exc}")], None)
    with force_locale(language):
        context = build_context(tpl, inp, version)
    env = template_environment(language)
    for label, lines, hidden in _templated_parts(parts):
        problems += [Problem(label, _hidden_message(code)) for code in hidden]
        problems += _code_problems(env, context, label, lines)
    if problems:
        return Checked(problems, None)
    try:
        docx = render_docx(template, inp, version)
    except Exception as exc:  # noqa: BLE001
        return Checked([Problem("example", f"the form's example does not render: {exc}")], None)
    try:
        return Checked([], converter().convert(docx))
    except ConversionError as exc:
        return Checked([Problem("example", f"the example does not convert to PDF: {exc}")], None)


def _known_locale(language: str) -> bool:
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True


# The container: checked from the zip directory before anything is unpacked.


def _unpack(template: bytes) -> dict[str, etree._Element | bytes]:
    """Each entry: XML parts parsed (without DTDs or entities), others as bytes."""
    if len(template) > MAX_FILE_BYTES:
        raise _Refused(
            Problem(
                "file",
                f"it is {len(template) / 2**20:.1f} MB; a template may be at most "
                f"{MAX_FILE_BYTES // 2**20} MB (make pictures smaller)",
            )
        )
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise _Refused(
            Problem("file", "it is not a DOCX file (not a zip archive): save it as .docx")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
    except zipfile.BadZipFile as exc:
        raise _Refused(Problem("file", f"it is a damaged zip archive ({exc})")) from None
    entries = archive.infolist()
    names = [e.filename for e in entries]
    if len(entries) > MAX_ENTRIES or len(set(names)) != len(names):
        raise _Refused(Problem("file", "its zip directory is not a Word document's"))
    unpacked = sum(e.file_size for e in entries)
    bombs = [
        e.filename
        for e in entries
        if e.file_size > RATIO_FROM_BYTES and e.file_size > MAX_RATIO * max(e.compress_size, 1)
    ]
    if unpacked > MAX_UNPACKED_BYTES or bombs:
        raise _Refused(
            Problem(
                "file",
                f"a zip bomb: it would unpack to {unpacked / 2**20:.0f} MB"
                + (f", {', '.join(bombs)} over {MAX_RATIO} times its packed size" if bombs else ""),
            )
        )
    if any(e.flag_bits & 0x1 for e in entries):
        raise _Refused(Problem("file", "it is encrypted: save it without a password"))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    parts, problems = {}, []
    for name in names:
        try:
            data = archive.read(name)
        except (zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
            raise _Refused(Problem(name, f"cannot be unpacked ({exc})")) from None
        if not name.endswith((".xml", ".rels")):
            parts[name] = data
            continue
        dtd = Problem(name, "declares a DTD (<!DOCTYPE>): XML entity tricks are refused")
        if any(DOCTYPE.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be")):
            problems.append(dtd)  # found before parsing: an entity bomb is never expanded
            continue
        try:
            tree = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(name, f"is not well-formed XML ({exc})"))
            continue
        if tree.getroottree().docinfo.doctype:  # in an encoding the search above missed
            problems.append(dtd)
        parts[name] = tree
    if problems:
        raise _Refused(*problems)
    return parts


# The package: what it would run, fetch or embed.


def _content_type(parts: dict, name: str) -> str:
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
                _target_part("_rels/.rels", rel.get("Target", ""))
                for rel in package_rels.iter(f"{RELS}Relationship")
                if rel.get("Type", "").endswith("/officeDocument")
            ),
            None,
        )
    if main is None or not isinstance(parts.get(main), etree._Element):
        raise _Refused(Problem("file", "it is not a Word document (no main document part)"))
    main_type = _content_type(parts, main)
    macros = [n for n in parts if n.lower().endswith(("vbaproject.bin", "vbadata.xml"))]
    if macros or "macroEnabled" in main_type:
        raise _Refused(
            Problem(
                "file",
                "it has macros (a macro-enabled .docm renamed .docx"
                + (f": {', '.join(macros)}" if macros else "")
                + "); save it as a Word Document (.docx)",
            )
        )
    if main_type != DOCUMENT_TYPE:
        raise _Refused(Problem("file", f"it is not a Word document but {main_type or 'unknown'}"))


def _unsafe_content(parts: dict) -> list[Problem]:
    """What the document would fetch or embed."""
    problems = []
    reported = set()
    for name, rels in parts.items():
        if not name.endswith(".rels") or not isinstance(rels, etree._Element):
            continue
        where = _label(re.sub(r"_rels/(.*)\.rels$", r"\1", name))
        for rel in rels.iter(f"{RELS}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if kind == "aFChunk":
                problems.append(Problem(where, f"imports another file as is (altChunk {target})"))
            elif kind in EMBEDDED:
                problems.append(Problem(where, f"embeds an object ({kind} {target})"))
                reported.add(_target_part(name, target))
            elif rel.get("TargetMode") == "External" and kind != "hyperlink":
                thing = "a linked image" if kind == "image" else f"a {kind} link"
                problems.append(
                    Problem(
                        where,
                        f"loads {thing} from outside the document ({target}); "
                        "insert pictures, do not link them",
                    )
                )
    for name in parts:
        if name.startswith(("word/embeddings/", "word/activeX/")) and name not in reported:
            problems.append(Problem("file", f"holds an embedded object ({name})"))
    for name, part in parts.items():
        if isinstance(part, etree._Element):
            problems += _fetching_fields(name, part)
    return problems


def _target_part(rels_name: str, target: str) -> str:
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
        Problem(_label(name), f"its {field} field fetches content from outside the document")
        for field in sorted(words & FETCHING_FIELDS)
    ]


# The template: the text of each rendered part, one line per paragraph.


def _label(name: str) -> str:
    if name == "word/document.xml":
        return "body"
    if name == CORE_PROPERTIES:
        return "document properties"
    kind = re.sub(r"^word/([a-z]+?)\d*\.xml$", r"\1", name)
    return f"{kind} ({name})" if kind in ("header", "footer", "footnotes") else name


def _templated_parts(parts: dict) -> Iterator[tuple[str, list[tuple[str, str]], list[str]]]:
    """(label, [(where, text)] one per paragraph, template code outside the text) of each part
    docxtpl renders: by content type, and every header and footer a relationship names."""
    named = {
        _target_part(rels_name, rel.get("Target", ""))
        for rels_name, rels in parts.items()
        if rels_name.endswith(".rels") and isinstance(rels, etree._Element)
        for rel in rels.iter(f"{RELS}Relationship")
        if rel.get("Type", "").endswith(("/header", "/footer"))
    }
    for name, part in parts.items():
        if isinstance(part, etree._Element) and (
            name in named or _content_type(parts, name) in TEMPLATED_TYPES
        ):
            label = _label(name)
            yield label, list(_blocks(part, label)), _hidden_code(part)
    core = parts.get(CORE_PROPERTIES)
    if isinstance(core, etree._Element):
        lines = [
            (f"document properties ({etree.QName(e).localname})", e.text or "")
            for e in core
            if isinstance(e.tag, str)
        ]
        yield "document properties", lines, []


def _blocks(container: etree._Element, where: str) -> Iterator[tuple[str, str]]:
    """Paragraphs and tables in reading order, looking through content controls."""
    paragraphs = tables = 0
    for element in _block_elements(container):
        if element.tag == f"{W}p":
            paragraphs += 1
            yield from _paragraph(element, f"{where} paragraph {paragraphs}")
        else:
            tables += 1
            for r, row in enumerate(element.iter(f"{W}tr"), 1):
                if next(row.iterancestors(f"{W}tbl")) is not element:
                    continue  # a row of a nested table: read in its cell
                for c, cell in enumerate(row.iterchildren(f"{W}tc"), 1):
                    yield from _blocks(cell, f"{where} table {tables} row {r} cell {c}")


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
        yield from _paragraph(q, f"{where} text box paragraph {k}")


def _hidden_code(part: etree._Element) -> list[str]:
    """Template code docxtpl would run that is not in the text a reader sees: a field code,
    tracked deletion, comment or attribute."""
    bare = copy.deepcopy(part)
    for t in bare.iter(f"{W}t"):
        t.text = None
    xml = etree.tostring(bare, encoding="unicode")
    return [xml[m.start() : m.start() + 40] for m in TAG_START.finditer(xml)]


def _hidden_message(code: str) -> str:
    return (
        f"template code outside the visible text ({code!r}…): in a field code, a tracked "
        "change or a picture's alt text; accept all changes and type tags as plain text"
    )


def _normalised(text: str) -> str:
    """What docxtpl makes of a paragraph: its own tags ({%p, {%tr, {{r, colspan, ...) as
    Jinja, and Word's curly quotes inside tags straight."""
    text = re.sub(r"([{][{%#])(p|tr|tc|r)\s", r"\1 ", text)
    text = re.sub(r"\{%\s*(colspan|cellbg)\s+([^%]*)%\}", r"{{ \2 }}", text)
    text = re.sub(r"\{%\s*[vh]m\s*%\}", "", text)
    straight = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
    return TAG.sub(lambda m: m.group().translate(straight), text)


def _code_problems(
    env: SandboxedEnvironment, context: dict, label: str, lines: list[tuple[str, str]]
) -> list[Problem]:
    texts = [_normalised(text) for _, text in lines]
    source = "\n".join(texts)

    def where(lineno: int) -> str:
        return lines[lineno - 1][0] if 0 < lineno <= len(lines) else label

    blanked = TAG.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)
    unclosed = [
        Problem(
            where(blanked.count("\n", 0, m.start()) + 1),
            f"a tag that is never closed: {source[m.start() :].split(chr(10), 1)[0]!r}",
        )
        for m in TAG_START.finditer(blanked)
    ]
    problems = list(unclosed)
    for m in TAG.finditer(source):
        if "\n" in m.group():
            first = source.count("\n", 0, m.start()) + 1
            last = first + m.group().count("\n")
            problems.append(
                Problem(
                    where(first),
                    f"a tag split across paragraphs or cells (to {where(last)}): "
                    f"{m.group().replace(chr(10), ' / ')!r}; docxtpl would join them and drop "
                    "what lies between: type the whole tag in one paragraph",
                )
            )
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        if unclosed:  # Jinja's error would only repeat it
            return problems
        problems.append(Problem(where(exc.lineno), f"Jinja syntax error: {exc.message}"))
        for lineno, text in enumerate(texts, 1):  # the other tags, each alone, for more errors
            for m in re.finditer(r"\{\{.*?\}\}", text):
                try:
                    env.parse(m.group())
                except TemplateSyntaxError as alone:
                    if lineno != exc.lineno:
                        problems.append(
                            Problem(where(lineno), f"Jinja syntax error: {alone.message}")
                        )
        return problems
    return problems + _Names(env, context, where).problems(tree)


_UNKNOWN = object()  # a value the check cannot know (a loop's or a {% set %}'s)


class _Names:
    """Names, filters, attributes and calls of a parsed template against the context the
    renderer builds for the form's example, and what the sandbox would refuse."""

    def __init__(self, env: SandboxedEnvironment, context: dict, where):
        self.env, self.context, self.where = env, context, where
        self.found: list[Problem] = []

    def add(self, node: nodes.Node, message: str) -> None:
        problem = Problem(self.where(node.lineno), message)
        if problem not in self.found:
            self.found.append(problem)

    def problems(self, tree: nodes.Template) -> list[Problem]:
        reads_another = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
        for node in tree.find_all(reads_another):
            tag = type(node).__name__.lower().replace("fromimport", "from … import")
            self.add(node, f"{{% {tag} %}} reads another template: a template is one file")
        self.local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        self.local |= {m.name for m in tree.find_all(nodes.Macro)}
        self.local |= {"loop", "caller", "varargs", "kwargs"}
        offered = ", ".join(sorted(self.context))
        for node in tree.find_all(nodes.Name):
            known = node.name in self.context or node.name in self.env.globals
            if node.ctx == "load" and not known and node.name not in self.local:
                self.add(node, f"unknown variable {node.name!r} (this form offers: {offered})")
        for node in tree.find_all(nodes.Filter):
            if node.name not in self.env.filters:
                self.add(node, f"unknown filter {node.name!r}")
        for node in tree.find_all(nodes.Test):
            if node.name not in self.env.tests:
                self.add(node, f"unknown test {node.name!r}")
        self.walk(tree, {})
        return self.found

    def walk(self, node: nodes.Node, scope: dict) -> None:
        if isinstance(node, nodes.For):
            self.walk(node.iter, scope)
            inner = dict(scope)
            targets = [node.target, *node.target.find_all(nodes.Name)]
            inner.update((n.name, _UNKNOWN) for n in targets if isinstance(n, nodes.Name))
            items = self.value(node.iter, scope)
            if isinstance(node.target, nodes.Name) and isinstance(items, list | tuple) and items:
                inner[node.target.name] = items[0]
            for child in [*node.body, *node.else_, *([node.test] if node.test else [])]:
                self.walk(child, inner)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            self.attribute(node, scope)
        if isinstance(node, nodes.Call):
            function = self.value(node.node, scope)
            if callable(function) and not self.env.is_safe_callable(function):
                self.add(node, f"the sandbox refuses to call {_dotted(node.node)}")
        for child in node.iter_child_nodes():
            self.walk(child, scope)

    def attribute(self, node: nodes.Getattr | nodes.Getitem, scope: dict) -> None:
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            return
        if name.startswith("_") or name in UNSAFE_ATTRIBUTES:
            self.add(node, f"the sandbox refuses {_dotted(node)!r}: it reaches into Python")
            return
        base = self.value(node.node, scope)
        if base is _UNKNOWN or (isinstance(base, Mapping) and name in base):
            return
        if hasattr(base, name):
            if not self.env.is_safe_attribute(base, name, getattr(base, name)):
                self.add(node, f"the sandbox refuses {_dotted(node)!r}")
            return
        has = f" (it has: {', '.join(sorted(base))})" if isinstance(base, Mapping) else ""
        self.add(node, f"{_dotted(node.node)!r} has no {name!r}{has}")

    def value(self, node: nodes.Node, scope: dict):
        """The example's value of a name or a chain of attributes, when the check knows it."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.local:
                return _UNKNOWN
            return self.context.get(node.name, _UNKNOWN)
        if isinstance(node, nodes.Const):
            return node.value
        name = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        if name is None or not isinstance(node, nodes.Getattr | nodes.Getitem):
            return _UNKNOWN
        base = self.value(node.node, scope)
        if isinstance(base, Mapping) and name in base:
            return base[name]
        if isinstance(name, str) and not name.startswith("_") and hasattr(base, name):
            return getattr(base, name)
        return _UNKNOWN


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"
