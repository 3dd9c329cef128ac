from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

from .columns import CSV_VERSIONS


class HmisExportForm(FlaskForm):
    """The period and the CSV version; the rules are `hmis.service`'s."""

    start = DateField(_l("Exits from"), [Optional()])
    end = DateField(_l("Exits to (included)"), [Optional()])
    version = SelectField(
        _l("HMIS CSV version"),
        choices=[SelectChoice(k, v) for k, v in reversed(CSV_VERSIONS.items())],
    )
