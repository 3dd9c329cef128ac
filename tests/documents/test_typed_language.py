"""The guess at the language of typed text: clear sentences are told apart, and anything
short or ambiguous is left alone rather than flagged."""

import pytest

from forms_service.documents.typed_language import guess_language, language_doubts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I move into permanent housing", "en"),
        ("To apply for permanent supportive housing and coordinate my move-in.", "en"),
        ("cuando me mude a una vivienda permanente", "es"),
        ("Para solicitar vivienda y coordinar la mudanza.", "es"),
        ("عندما أنتقل إلى سكن دائم", "ar"),
    ],
)
def test_a_clear_sentence_is_told_by_its_common_words_or_script(text, language):
    assert guess_language(text) == language


@pytest.mark.parametrize(
    "text", ["", "St. Patrick Center", "Housing", "vivienda permanente", "2027-01-01", "no"]
)
def test_a_name_a_word_or_a_date_is_not_judged(text):
    assert guess_language(text) is None


def test_only_text_in_another_language_than_the_documents_is_doubted():
    texts = {
        "purpose": "Para solicitar una vivienda.",
        "end_event": "I move into permanent housing",
    }
    assert language_doubts("es", texts) == {"end_event": "en"}
    assert language_doubts("en", texts) == {"purpose": "es"}
