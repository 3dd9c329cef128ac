from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from ..forms.base import NOT_CHOSEN, choices
from .models import FUNDER_LABELS


class GrantForm(FlaskForm):
    """A grant; the rules are `programs.service.save_grant`'s."""

    program = StringField(_l("Program"))
    number = StringField(_l("Grant name or number"))
    funder = SelectField(_l("Funder"), choices=[NOT_CHOSEN, *choices(FUNDER_LABELS)])
    starts_on = DateField(_l("Grant start"), [Optional()])
    closeout_on = DateField(_l("Closeout (all funds spent)"), [Optional()])


class LinkGrantForm(FlaskForm):
    grant_id = SelectField(_l("Grant that served this case"), validate_choice=False)
