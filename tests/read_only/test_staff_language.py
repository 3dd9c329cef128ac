"""Staff pages in Spanish: every staff page, asked for by a browser that prefers Spanish,
shows none of the English sentences of the staff templates (the pages a client reads are
checked in tests/forms/test_pages.py). Asking for a page changes nothing another page shows, so
the pages of a database are asked of one agency pair (tests/read_only/conftest.py)."""

import functools
import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from forms_service.accounts.models import Role
from tests.conftest import login
from tests.test_access import ROUTES

TEMPLATES = Path(__file__).resolve().parents[2] / "forms_service" / "templates"
STAFF_TEMPLATES = [
    *TEMPLATES.glob("*.html"),
    *(TEMPLATES / "forms").glob("*_fields.html"),
    TEMPLATES / "forms" / "_rows.html",
    *(
        path
        for area in ("accounts", "cases", "documents", "workflows", "archive")
        for path in (TEMPLATES / area).glob("*.html")
    ),
]
FRAGMENTS = {"documents.render_status"}  # a part of a page, fetched by the page itself
SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
PAGES = [
    *(route for route in ROUTES if route.method == "GET" and route.ok == 200),
    "/cases",
    "/cases/new",
    "/due",
    "/archive/",
    "/archive/holds",
    "/archive/verify",
    "/account/pin",
    "/agency/settings",
    "/agency/staff",
]


@functools.cache
def english_sentences() -> set[str]:
    """Whole sentences of the staff templates: long, without placeholders or markup, so no
    translation keeps one by chance."""
    return {
        message
        for path in STAFF_TEMPLATES
        for _, message, _, _ in extract_from_file("jinja2", str(path))
        if isinstance(message, str) and len(message) > 30 and not re.search(r"%\(|<|&", message)
    }


def visible_text(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_staff_pages_speak_spanish_to_a_spanish_browser(client, world, holdings, page):  # noqa: F811
    own = holdings[world.agency.id]
    if isinstance(page, str):  # pages of no object: the admin may open them all
        login(client, world.admin)
        response = client.get(page, headers=SPANISH)
    else:
        login(client, world.case_manager if Role.CASE_MANAGER in page.roles else world.admin)
        response = client.get(page.url(client.application, own), headers=SPANISH)
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    text = visible_text(markup)
    if getattr(page, "endpoint", None) not in FRAGMENTS:
        assert '<html lang="es"' in markup
    assert sorted(s for s in english_sentences() if s in text) == []
