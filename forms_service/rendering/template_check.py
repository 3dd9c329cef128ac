"""Is this Word file safe and fit to be a form's template? Every problem, with where it is.

A template is an agency's own DOCX edited in Word, so it is checked as hostile input first
(`docx_safety`), then as a template (split tags, Jinja syntax, names the form's context lacks,
anything the sandbox would refuse), and last it renders the form's example through the
renderer and LibreOffice. It takes bytes, never a path, so the command line and an upload
page call the same check."""

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from babel import Locale, UnknownLocaleError
from docxtpl import DocxTemplate
from flask_babel import force_locale, gettext
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)

from .. import clock
from ..forms.spec import FormSpec
from . import docx_safety, docx_text, preview
from .convert import ConversionError
from .docx_safety import Problem
from .resources import converter
from .service import build_context, render_docx, template_environment
from .templates import TemplateVersion

UNSAFE_ATTRIBUTES = (
    UNSAFE_FUNCTION_ATTRIBUTES
    | UNSAFE_METHOD_ATTRIBUTES
    | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES
    | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
    | {"mro"}
)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Checked:
    problems: list[Problem]
    pdf: bytes | None  # the form's example rendered in the template, when it has no problem


def check_template(
    form_type: FormSpec,
    template: bytes,
    language: str,
    version_number: int = 0,
    letterhead: dict | None = None,
) -> Checked:
    """Every problem of `template` as `form_type`'s template in `language`; with none, the
    example rendered to PDF (as version `version_number`, with the agency's `letterhead`:
    RenderInput's agency_name, agency_address, agency_phone and agency_logo, when given)."""
    if not (LANGUAGE_CODE.fullmatch(language) and _known_locale(language)):
        return Checked(
            [
                Problem(
                    gettext("language"),
                    gettext("%(language)s is not a language code", language=repr(language)),
                )
            ],
            None,
        )
    try:
        parts = docx_safety.unpack(template)
    except docx_safety.Refused as refused:
        return Checked(refused.problems, None)
    problems = docx_safety.unsafe_content(parts)
    version = TemplateVersion(form_type.name, version_number, clock.example_today(), {language: ""})
    inp = preview.example_input(form_type, preview.example_payload(form_type), language)
    inp = replace(inp, **(letterhead or {}))
    try:
        tpl = DocxTemplate(io.BytesIO(template))
    # Whatever a malformed file makes docxtpl, python-docx or lxml raise is the file's problem.
    except Exception as exc:  # noqa: BLE001
        cannot = Problem(gettext("file"), gettext("Word cannot open it: %(error)s", error=exc))
        return Checked([*problems, cannot], None)
    with force_locale(language):
        context = build_context(tpl, inp, version)
    env = template_environment(language)
    printed, properties = [], docx_safety.label(docx_safety.CORE_PROPERTIES)
    for label, lines, hidden in docx_text.templated_parts(parts):
        problems += [Problem(label, _hidden_message(code)) for code in hidden]
        problems += _code_problems(env, context, label, lines)
        printed += [text for _, text in lines] if label != properties else []
    problems += missing_statements(form_type, language, printed)
    if problems:
        return Checked(problems, None)
    try:
        docx = render_docx(template, inp, version)
        problems = unprinted_statements(form_type, template, inp, version)
    except Exception as exc:  # noqa: BLE001
        message = gettext("the form's example does not render: %(error)s", error=exc)
        return Checked([Problem(gettext("example"), message)], None)
    if problems:
        return Checked(problems, None)
    try:
        return Checked([], converter().convert(docx))
    except ConversionError as exc:
        message = gettext("the example does not convert to PDF: %(error)s", error=exc)
        return Checked([Problem(gettext("example"), message)], None)


def _words(text: str) -> str:
    """Text compared as a reader sees it: spaces collapsed, quotes straight, tags spaced."""
    text = _normalised(" ".join(text.split())).translate(STRAIGHT_QUOTES)
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"{{ \1 }}", text)


def missing_statements(form_type: FormSpec, language: str, lines: list[str]) -> list[Problem]:
    """Each legal statement the form requires that the template's text does not contain word
    for word; where the form knows no wording of them in `language`, that, since they cannot
    be looked for (RULES: an agency may add text to a form but not drop a required element)."""
    statements = form_type.required_statements
    unknown = [s.citation for s in statements if language not in s.text]
    if unknown:
        return [
            Problem(
                gettext("required statements"),
                gettext(
                    "the form must state %(citations)s, and no %(language)s wording of them is "
                    "known to check this template against; a programmer adds it to the form's "
                    "required_statements (%(module)s)",
                    citations=", ".join(unknown),
                    language=repr(language),
                    module=f"forms/{form_type.name}.py",
                ),
            )
        ]
    text = _words(" ".join(lines))
    return [
        Problem(
            gettext("required statements"),
            gettext(
                "%(citation)s is missing: the template must say, word for word, “%(words)s”",
                citation=s.citation,
                words=s.text[language],
            ),
        )
        for s in statements
        if _words(s.text[language]) not in text
    ]


def unprinted_statements(
    form_type: FormSpec, template: bytes, inp, version: TemplateVersion
) -> list[Problem]:
    """Each statement printed only where it applies that the template contains but does not
    print when it applies (its condition miswritten, or the words inside another branch): the
    example rendered with the values that make it apply, its words looked for between the
    values the statement prints."""
    problems = []
    for s in form_type.required_statements:
        if s.applies_with is None:
            continue
        applying = replace(inp, data={**inp.data, **s.applies_with})
        parts = docx_safety.unpack(render_docx(template, applying, version))
        printed = _words(
            " ".join(text for _, lines, _ in docx_text.templated_parts(parts) for _, text in lines)
        )
        if not all(_words(piece) in printed for piece in TAG.split(s.text[inp.language])):
            problems.append(
                Problem(
                    gettext("required statements"),
                    gettext(
                        "%(citation)s is in the template but not printed where it applies "
                        "(with %(values)s): the template must print, word for word, "
                        "“%(words)s”",
                        citation=s.citation,
                        values=s.applies_with,
                        words=s.text[inp.language],
                    ),
                )
            )
    return problems


def _known_locale(language: str) -> bool:
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _syntax_error(exc: TemplateSyntaxError) -> str:
    return gettext("Jinja syntax error: %(error)s", error=exc.message)


def _hidden_message(code: str) -> str:
    return gettext(
        "template code outside the visible text (%(code)s…): in a field code, a tracked change "
        "or a picture's alt text; accept all changes and type tags as plain text",
        code=repr(code),
    )


def _normalised(text: str) -> str:
    """What docxtpl makes of a paragraph: its own tags ({%p, {%tr, {{r, colspan, ...) as
    Jinja, and Word's curly quotes inside tags straight."""
    text = re.sub(r"([{][{%#])(p|tr|tc|r)\s", r"\1 ", text)
    text = re.sub(r"\{%\s*(colspan|cellbg)\s+([^%]*)%\}", r"{{ \2 }}", text)
    text = re.sub(r"\{%\s*[vh]m\s*%\}", "", text)
    return TAG.sub(lambda m: m.group().translate(STRAIGHT_QUOTES), text)


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
            gettext(
                "a tag that is never closed: %(tag)s",
                tag=repr(source[m.start() :].split("\n", 1)[0]),
            ),
        )
        for m in docx_text.TAG_START.finditer(blanked)
    ]
    problems = list(unclosed)
    for m in TAG.finditer(source):
        if "\n" in m.group():
            first = source.count("\n", 0, m.start()) + 1
            last = first + m.group().count("\n")
            problems.append(
                Problem(
                    where(first),
                    gettext(
                        "a tag split across paragraphs or cells (to %(end)s): %(tag)s; docxtpl "
                        "would join them and drop what lies between: type the whole tag in one "
                        "paragraph",
                        end=where(last),
                        tag=repr(m.group().replace("\n", " / ")),
                    ),
                )
            )
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        if unclosed:  # Jinja's error would only repeat it
            return problems
        problems.append(Problem(where(exc.lineno), _syntax_error(exc)))
        for lineno, text in enumerate(texts, 1):  # the other tags, each alone, for more errors
            for m in re.finditer(r"\{\{.*?\}\}", text):
                try:
                    env.parse(m.group())
                except TemplateSyntaxError as alone:
                    if lineno != exc.lineno:
                        problems.append(Problem(where(lineno), _syntax_error(alone)))
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
            self.add(
                node,
                gettext("{%% %(tag)s %%} reads another template: a template is one file", tag=tag),
            )
        self.local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        self.local |= {m.name for m in tree.find_all(nodes.Macro)}
        self.local |= {"loop", "caller", "varargs", "kwargs"}
        offered = ", ".join(sorted(self.context))
        for node in tree.find_all(nodes.Name):
            known = node.name in self.context or node.name in self.env.globals
            if node.ctx == "load" and not known and node.name not in self.local:
                self.add(
                    node,
                    gettext(
                        "unknown variable %(name)s (this form offers: %(offered)s)",
                        name=repr(node.name),
                        offered=offered,
                    ),
                )
        for node in tree.find_all(nodes.Filter):
            if node.name not in self.env.filters:
                self.add(node, gettext("unknown filter %(name)s", name=repr(node.name)))
        for node in tree.find_all(nodes.Test):
            if node.name not in self.env.tests:
                self.add(node, gettext("unknown test %(name)s", name=repr(node.name)))
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
                self.add(
                    node, gettext("the sandbox refuses to call %(name)s", name=_dotted(node.node))
                )
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
            self.add(
                node,
                gettext(
                    "the sandbox refuses %(name)s: it reaches into Python", name=repr(_dotted(node))
                ),
            )
            return
        base = self.value(node.node, scope)
        if base is _UNKNOWN or (isinstance(base, Mapping) and name in base):
            return
        if hasattr(base, name):
            if not self.env.is_safe_attribute(base, name, getattr(base, name)):
                self.add(node, gettext("the sandbox refuses %(name)s", name=repr(_dotted(node))))
            return
        names = {"name": repr(_dotted(node.node)), "attribute": repr(name)}
        if isinstance(base, Mapping):
            message = gettext(
                "%(name)s has no %(attribute)s (it has: %(has)s)",
                has=", ".join(sorted(base)),
                **names,
            )
        else:
            message = gettext("%(name)s has no %(attribute)s", **names)
        self.add(node, message)

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
