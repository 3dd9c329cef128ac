from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from ..i18n import language_name


class LanguageForm(FlaskForm):
    """The language a form is written and signed in: one its template offers, or English read
    by an interpreter (vital documents in a language without a template are refused)."""

    language = SelectField(_l("Language of the form"))
    interpreter_name = StringField(
        _l("Interpreter's name (only for English read by an interpreter)"), [Length(max=200)]
    )
    interpreter_language = StringField(
        _l("Language the interpreter reads it in"), [Length(max=100)]
    )

    @classmethod
    def offering(cls, languages: list[str], preferred: str, **kwargs) -> "LanguageForm":
        form = cls(**kwargs)
        form.language.choices = [(code, language_name(code)) for code in languages]
        if not form.language.data or form.language.data not in languages:
            form.language.data = preferred if preferred in languages else "en"
        return form

    def chosen(self) -> dict:
        """start_document's language and interpreter arguments."""
        name = (self.interpreter_name.data or "").strip()
        interpreter = (
            {"name": name, "language": (self.interpreter_language.data or "").strip()}
            if name
            else None
        )
        return {"language": self.language.data, "interpreter": interpreter}
