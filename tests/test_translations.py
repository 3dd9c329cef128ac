"""The translator's check: every message of the pages is in the template (messages.pot), and
every catalog translates every message of the template, none fuzzy or empty, with the same
placeholders; the compiled catalogs the app loads match their .po files (`make setup`)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "forms_service" / "translations"
LANGUAGES = ("es", "ar")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _key(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_holds_every_message_of_the_code_and_pages():
    method_map = [
        ("forms_service/**.py", "python"),
        ("signatures/**.py", "python"),
        ("forms_service/templates/**.html", "jinja2"),
    ]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "N_": None,
        "_l": None,
        "lazy_gettext": None,
    }
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, keywords=keywords, comment_tags=()
        )
    }
    pot = _ids(_read(TRANSLATIONS / "messages.pot"))
    assert sorted(found - pot) == [], "run `make translations`"
    assert sorted(pot - found) == [], "run `make translations`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_catalog_translates_every_message(language):
    pot = _read(TRANSLATIONS / "messages.pot")
    po = _read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    problems = sorted(f"missing: {m}" for m in _ids(pot) - _ids(po))
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"fuzzy or empty: {ids[0]}")
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            problems.append(f"placeholders differ: {ids[0]}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_po_file(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    mo_path = folder / "messages.mo"
    assert mo_path.exists(), "run `make setup`: it compiles the catalogs"
    with mo_path.open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    written = {_key(m.id): _key(m.string) for m in _read(folder / "messages.po") if m.id}
    assert compiled == written, "the .mo is older than the .po: run `make setup`"
