"""The legal statements a form's template must contain: `templates check` names the citation of
each one a template drops, and says so when it knows no wording of them in the language."""

from forms_service.forms import get_form_type
from forms_service.rendering.template_check import check_template
from tests.rendering.test_template_check import CONSENT_EN, rebuilt

CONSENT = get_form_type("consent_release")
RIGHT_TO_REVOKE = b"You must cancel it in writing."


def consent_with(old: bytes, new: bytes) -> bytes:
    def change(entries):
        assert old in entries["word/document.xml"]
        entries["word/document.xml"] = entries["word/document.xml"].replace(old, new)

    return rebuilt(change)


def test_a_consent_that_drops_the_right_to_revoke_is_refused_naming_164_508_c_2_i(bare_app):
    problems = check_template(CONSENT, consent_with(RIGHT_TO_REVOKE, b""), "en").problems
    assert [str(p) for p in problems] == [
        "required statements: 45 CFR 164.508(c)(2)(i) is missing: the template must say, word "
        "for word, \u201cYou can cancel (revoke) this consent at any time. You must cancel it "
        "in writing.\u201d"
    ]


def test_a_statement_split_across_runs_and_spaces_as_word_saves_it_is_found(bare_app):
    split = b"You must cancel</w:t></w:r><w:r><w:t xml:space='preserve'>  it in writing."
    assert check_template(CONSENT, consent_with(RIGHT_TO_REVOKE, split), "en").problems == []


def test_a_language_with_no_known_wording_of_the_statements_is_reported_not_passed(bare_app):
    problems = check_template(CONSENT, CONSENT_EN, "fr").problems
    assert [str(p) for p in problems] == [
        "required statements: the form must state 45 CFR 164.508(c)(2)(i), 45 CFR "
        "164.508(c)(2)(ii), 45 CFR 164.508(c)(2)(iii), 42 CFR 2.31(a)(4)(iii), 42 CFR 2.32, and "
        "no 'fr' wording of them "
        "is known to check this template against; a programmer adds it to the form's "
        "required_statements (forms/consent_release.py)"
    ]


HIPAA_RECIPIENT = b"{%p if consent.recipient_hipaa_entity %}"


def test_a_consent_that_drops_the_2_31_a_4_iii_statement_is_refused_naming_it(bare_app):
    sentence = b"Your record (or information contained in your record) may be redisclosed"
    problems = check_template(CONSENT, consent_with(sentence, b"It may be shared"), "en")
    assert [str(p).split(":")[:2] for p in problems.problems] == [
        ["required statements", " 42 CFR 2.31(a)(4)(iii) is missing"]
    ]


def test_a_2_31_a_4_iii_statement_kept_but_never_printed_is_refused(bare_app):
    """The words are in the template, under a condition that is never true for a HIPAA
    covered recipient of substance use records: checked by rendering the example with them."""
    never = b"{%p if consent.recipient_hipaa_entity and not consent.includes_sud %}"
    problems = check_template(CONSENT, consent_with(HIPAA_RECIPIENT, never), "en").problems
    assert [str(p).split(" (with")[0] for p in problems] == [
        "required statements: 42 CFR 2.31(a)(4)(iii) is in the template but not printed where "
        "it applies"
    ]
