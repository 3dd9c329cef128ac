"""The answer to a grievance is in the language the client asked for on it (the CoC's grievance
process; language access, 72 FR 2732)."""

import pytest

from forms_service.errors import InvalidInput
from forms_service.forms import get_form_type
from forms_service.workflows import grievance as grievances

RESPONSE = get_form_type("grievance_response")


def _asked(world, language: str):
    example = get_form_type("grievance").example()
    actor = world.actor(world.case_manager)
    return actor, grievances.file_grievance(actor, world.case, {**example, "language": language})


def test_the_answer_is_written_in_the_language_the_client_asked_for(world):
    actor, filed = _asked(world, "español")
    with pytest.raises(InvalidInput) as refused:
        grievances.respond(actor, filed, RESPONSE.example(), language="en")
    assert refused.value.errors == {
        "language": ["The client asked for the answer in Spanish: write it in Spanish."]
    }
    assert filed.status == "open" and filed.response_id is None
    answer = grievances.respond(actor, filed, RESPONSE.example())  # by default in it
    assert answer.language == "es"


def test_a_language_without_a_template_is_answered_in_english_read_by_an_interpreter(world):
    actor, filed = _asked(world, "Vietnamese")
    refusals = [
        {"language": "es"},
        {"language": "en"},
        {"language": "en", "interpreter": {"name": "Minh Tran", "language": "French"}},
    ]
    for chosen in refusals:
        with pytest.raises(InvalidInput) as refused:
            grievances.respond(actor, filed, RESPONSE.example(), **chosen)
        assert "in Vietnamese, and this answer has no template" in " ".join(
            refused.value.errors["interpreter_language"]
        )
    interpreter = {"name": "Minh Tran", "language": "vietnamese"}
    answer = grievances.respond(actor, filed, RESPONSE.example(), interpreter=interpreter)
    assert answer.language == "en" and answer.data["interpreted_by"]["name"] == "Minh Tran"
