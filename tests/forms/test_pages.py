"""The plain-language page of every form (what a client reads before signing, on the kiosk or
their phone) speaks the page's language: no English sentence of the page is left in its
Spanish or Arabic rendering, and what the client typed comes out as typed."""

import html
import re
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_file
from flask import render_template
from flask_babel import force_locale

from forms_service.forms import form_types, get_form_type

TEMPLATES = "forms_service/templates/"
HOSTILE = "<b>Ana & {{ x }}</b>"


def english_sentences(page_template: str) -> list[str]:
    """The page's own messages that are whole English sentences (no placeholders or markup,
    long enough that no translation keeps them by chance)."""
    found = extract_from_file("jinja2", TEMPLATES + page_template)
    return [
        message
        for _, message, _, _ in found
        if isinstance(message, str)
        and len(message) > 30
        and "%(" not in message
        and "<" not in message
        and "&" not in message
    ]


def page(form_type, data: dict, language: str) -> str:
    document = SimpleNamespace(
        data=data,
        reference="CR-TEST0001",
        client=SimpleNamespace(full_name=HOSTILE),
        agency=SimpleNamespace(name="Gateway Housing Services", phone="(314) 555-0100"),
    )
    with force_locale(language):
        return render_template(
            form_type.page_template,
            document=document,
            form_type=form_type,
            **form_type.page_context(data),
        )


def visible_text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("name", [t.name for t in form_types()])
def test_every_plain_language_page_speaks_the_clients_language(bare_app, name, language):
    form_type = get_form_type(name)
    data = form_type.example()
    with bare_app.test_request_context():
        english = page(form_type, data, "en")
        translated = page(form_type, data, language)
    sentences = english_sentences(form_type.page_template)
    assert sentences, "the page has no messages to translate"
    shown = [s for s in sentences if s in visible_text(english)]
    assert shown, "none of the page's sentences were shown in English either"
    left = [s for s in shown if s in visible_text(translated)]
    assert left == []
    assert html.escape(HOSTILE, quote=False) in translated  # typed text stays text


def test_a_typed_end_event_is_isolated_and_escaped_inside_the_translated_sentence(bare_app):
    form_type = get_form_type("consent_release")
    data = {**form_type.example(), "end_date": "", "end_event": HOSTILE}
    with bare_app.test_request_context():
        arabic = page(form_type, data, "ar")
    assert f"<bdi>{html.escape(HOSTILE, quote=False)}</bdi>" in arabic.replace("&#39;", "'")
    assert "<b>Ana" not in arabic
