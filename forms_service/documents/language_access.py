"""Language access when a form goes out (HUD Title VI guidance, 72 FR 2732): the document in
a language its template has, and the pages the client signs on in a language they read, or an
interpreter who reads it to them and attests to it."""

from flask_babel import gettext

from ..errors import InvalidInput, RuleViolation
from ..i18n import LANGUAGES, language_name
from .models import Document

INTERPRETER = "interpreted_by"  # in a document's data: who read the form to the client


def interpreter_given(name: str | None, language: str | None) -> dict | None:
    """The interpreter as the language form or an API call gives it: a name and a language,
    None when both are blank (a half given is refused by `checked_interpreter`)."""
    name, language = (name or "").strip(), (language or "").strip()
    return {"name": name, "language": language} if name or language else None


def checked_interpreter(given: dict) -> dict:
    """An interpreter has a name and a language; the error names the part that is missing
    (`interpreter_name`, `interpreter_language`), as the language form and the API call them."""
    name = " ".join(str(given.get("name") or "").split())
    language = " ".join(str(given.get("language") or "").split())
    message = [gettext("Give the interpreter's name and the language they interpret into.")]
    errors = {}
    if not name or len(name) > 200:
        errors["interpreter_name"] = message
    if not language or len(language) > 100:
        errors["interpreter_language"] = message
    if errors:
        raise InvalidInput(errors)
    return {"name": name, "language": language}


def check_language(document: Document, form_type, languages: list[str]) -> None:
    """Language access for vital documents: the client's language (or another they chose), or
    English with an interpreter's attestation; a missing translation is refused, never
    printed in English instead. Other forms fall back to English."""
    preferred = document.client.preferred_language
    english_without_help = (
        document.language == "en" and preferred != "en" and INTERPRETER not in document.data
    )
    if document.language in languages and not (form_type.vital and english_without_help):
        return
    if not form_type.vital:
        document.language = "en"
        return
    offered = ", ".join(language_name(code) for code in languages)
    raise RuleViolation(
        gettext(
            "%(title)s is a vital document: the client reads %(language)s, and this form is not "
            "sent in English without help. Its template is offered in: %(languages)s. Choose "
            "one of those the client reads, or English with an interpreter: give the "
            "interpreter's name and the language they interpret into, and the form will carry "
            "their attestation.",
            title=gettext(form_type.title),
            language=language_name(preferred),
            languages=offered,
        )
    )


def check_signing_pages(document: Document, form_type) -> None:
    """The kiosk and the signing link speak the document's language when the pages have
    catalogs for it (`i18n.LANGUAGES`); in a language only a template has (an agency adds one
    by uploading a template in it) they are in English, so a client signs only with an
    interpreter, who attests to it in the document."""
    client_signs = any(not role.staff for role in form_type.signer_roles)
    if not client_signs or document.language in LANGUAGES or INTERPRETER in document.data:
        return
    language = language_name(document.language)
    raise RuleViolation(
        gettext(
            "The signing pages are not available in %(language)s, so the client reads them in "
            "English with an interpreter. Give the interpreter's name and the language they "
            "interpret into (%(language)s), and the form will carry their attestation.",
            language=language,
        )
    )
