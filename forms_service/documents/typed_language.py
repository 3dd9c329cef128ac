"""A guess at the language of a short text staff typed, so that a vital document in Spanish
or Arabic does not go out with its purpose or end event in English (HUD language-access
guidance, 72 FR 2732).

The guess is deliberately simple and says when it is unsure. Arabic is told by its script.
English and Spanish are told by their most common short words (articles, prepositions,
pronouns), the words any sentence of a few words contains; a word both languages use ("a",
"me", "no") counts for neither. A text is said to be in a language only when at least two of
its words are that language's and at least twice as many as the other's; otherwise, or for
a name or a date, the answer is None. The result is a question to the person who typed it,
never a refusal: a wrong guess costs one confirmation, never a document."""

import re
import unicodedata

# fmt: off
COMMON_WORDS = {
    "en": frozenset({
        "the", "and", "to", "of", "in", "for", "my", "i", "is", "with", "on", "when", "into",
        "from", "at", "by", "will", "be", "this", "that", "it", "you", "your", "or", "an",
        "as", "are", "until", "after", "before", "our", "their", "they", "we", "she", "his",
        "her", "have", "has", "get", "gets", "not", "can",
    }),
    "es": frozenset({
        "el", "la", "los", "las", "de", "del", "y", "que", "en", "un", "una", "unos", "unas",
        "para", "por", "con", "mi", "mis", "su", "sus", "se", "al", "lo", "cuando", "hasta",
        "es", "son", "como", "pero", "más", "le", "les", "nos", "este", "esta", "ese", "esa",
        "yo", "usted", "ella", "él", "cuándo", "donde", "dónde", "ya", "hay", "muy",
    }),
}
# fmt: on
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 2  # of the guessed language's common words


def _arabic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    arabic = sum("ARABIC" in unicodedata.name(c, "") for c in letters)
    return arabic / len(letters)


def guess_language(text: str) -> str | None:
    """ "en", "es" or "ar" when the text clearly reads as that language, else None."""
    if _arabic_share(text) >= 0.5:
        return "ar"
    words = [w.lower() for w in _WORD.findall(text)]
    hits = {lang: sum(w in common for w in words) for lang, common in COMMON_WORDS.items()}
    (best, most), (_, other) = sorted(hits.items(), key=lambda h: h[1], reverse=True)
    if most >= MIN_WORDS and most >= 2 * other:
        return best
    return None


def language_doubts(language: str, texts: dict[str, str]) -> dict[str, str]:
    """The texts (field -> text) that read as another language than `language`, with that
    language: field -> its guessed language code."""
    doubts = {}
    for field, text in texts.items():
        guessed = guess_language(text or "")
        if guessed and guessed != language:
            doubts[field] = guessed
    return doubts
