from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from ..forms.base import choices
from .service import PURPOSES


class OpenFileForm(FlaskForm):
    kind = HiddenField(validators=[DataRequired()])
    purpose = RadioField(
        "Why are you opening this record?",
        choices=choices(PURPOSES),
        validators=[DataRequired("Choose why you are opening this record.")],
    )
    explanation = StringField("Details (needed for “Other”)", [Length(max=400)])
