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
from wtforms import FormField, StringField, TextAreaField

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


def page(form_type, data: dict, language: str, typed_in: str | None = None) -> str:
    """The page in `language`, of a document typed in `typed_in` (unknown by default)."""
    document = SimpleNamespace(
        data=data,
        language=typed_in,
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


def _marked(form, data: dict, marks: list) -> dict:
    """The data with every value a person types (text fields, in repeated rows too) replaced
    by a mark of its own; choices, dates and numbers are left as they are."""
    marked = dict(data)
    for name, field in form._fields.items():
        if name not in data or not data[name]:
            continue
        if isinstance(field, StringField | TextAreaField):
            marks.append(f"TYPED{len(marks)}X")
            marked[name] = marks[-1]
        elif (
            hasattr(field, "entries") and field.entries and isinstance(field.entries[0], FormField)
        ):
            marked[name] = [
                _marked(entry.form, row, marks)
                for entry, row in zip(field.entries, data[name], strict=False)
            ]
    return marked


@pytest.mark.parametrize("name", [t.name for t in form_types()])
def test_text_typed_in_the_documents_language_is_marked_with_it_on_a_page_in_another(
    bare_app, name
):
    """A screen reader reads an English purpose on a Spanish page with an English voice."""
    form_type = get_form_type(name)
    data, marks = form_type.example(), []
    with bare_app.test_request_context():
        data = _marked(form_type.form_class.from_data(data), data, marks)
        spanish = page(form_type, data, "es", typed_in="en")
        english = page(form_type, data, "en", typed_in="en")
    shown = [mark for mark in marks if mark in spanish]
    assert len(shown) >= 3, f"only {shown} of {marks} shown: choose other example values"
    for mark in shown:
        assert spanish.count(mark) == spanish.count(f'<bdi lang="en" dir="auto">{mark}</bdi>')
    assert "lang=" not in english  # the page speaks the document's language: nothing to mark
