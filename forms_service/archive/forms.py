from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

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


class VerifyForm(FlaskForm):
    pdf = FileField(
        "The PDF to check",
        validators=[FileRequired("Choose a PDF file."), FileAllowed(["pdf"], "Choose a PDF file.")],
    )

    def validate_pdf(self, field):
        head = field.data.stream.read(5)
        field.data.stream.seek(0)
        if not head:
            raise ValidationError("The file is empty. Choose a PDF file.")
        if head != b"%PDF-":
            raise ValidationError("This is not a PDF file. Choose a PDF file.")
