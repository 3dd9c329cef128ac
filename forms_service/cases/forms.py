from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional


class IntakeForm(FlaskForm):
    """A new client and their first case; the rules are `cases.service.register_client`'s."""

    first_name = StringField(_l("First name"))
    last_name = StringField(_l("Last name"))
    date_of_birth = DateField(_l("Date of birth (if known)"), validators=[Optional()])
    language = SelectField(_l("Language the client reads"), validate_choice=False)
    program = StringField(_l("Program"))
