"""The language of a page. Client-facing pages speak the client's language (a vital-document
rule, 72 FR 2732): a view names it with `client_language`. Every other page (staff) follows
the browser's Accept-Language among the staff languages."""

from babel import Locale
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, refresh
from jinja2 import pass_context
from markupsafe import Markup

from .extensions import babel

# The languages a client can read the signing pages in; their names in their own language,
# as a client looks for them on the language switch.
LANGUAGES = {"en": "English", "es": "Español", "ar": "العربية"}
STAFF_LANGUAGES = ("en", "es")
# The languages a client may read, as staff record them (the most spoken by people served in
# the US, after English): pages and templates exist for LANGUAGES; in any other, a vital
# document needs an interpreter.
CLIENT_LANGUAGES = ("en", "es", "ar", "zh", "vi", "tl", "ko", "ru", "fr", "ht", "pt", "so")
CLIENT_LANGUAGES += ("am", "ti", "fa", "ps", "uk", "sw", "ne", "my")
RIGHT_TO_LEFT = {"ar"}


def language_name(code: str, in_language: str | None = None) -> str:
    """A language named for staff in the page's language (or `in_language`), e.g. "Spanish"
    on an English page, "español" on a Spanish one."""
    if not code:
        return ""
    return Locale.parse(code).get_display_name(in_language or str(get_locale() or "en"))


def client_language(language: str | None) -> str:
    """Show the rest of this request in the client's language (English if we have no
    catalog for it)."""
    g.client_language = language if language in LANGUAGES else "en"
    refresh()  # a message translated earlier in the request must not fix the locale
    return g.client_language


def select_locale() -> str:
    if "client_language" in g:
        return g.client_language
    if not has_request_context():  # a CLI command or a render worker: see force_locale
        return "en"
    return request.accept_languages.best_match(STAFF_LANGUAGES) or "en"


def page_language() -> dict:
    language = str(get_locale() or "en")
    return {
        "page_language": language,
        "page_dir": "rtl" if language in RIGHT_TO_LEFT else "ltr",
        "languages": LANGUAGES,
    }


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(page_language)


def N_(message: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a message defined at import time for the catalogs; it is translated where it is
    shown, in that page's or document's language (with gettext)."""
    return message


def bdi(value) -> Markup:
    """Typed text inside a translated sentence of a page, isolated so its own direction
    cannot reorder the sentence around it (an English name in an Arabic sentence, and the
    reverse); escaped like any value."""
    return Markup("<bdi>{}</bdi>").format(value) if value not in (None, "") else Markup("")


@pass_context
def typed(context, value) -> Markup:
    """A value of the document on the page, typed by staff in the document's language:
    isolated as `bdi` does, and where the page speaks another language marked with the
    document's, so a screen reader reads it with that language's voice (WCAG 3.1.2)."""
    language = getattr(context.get("document"), "language", None)
    if value in (None, "") or not language or language == str(get_locale() or "en"):
        return bdi(value)
    return Markup('<bdi lang="{}" dir="auto">{}</bdi>').format(language, value)
