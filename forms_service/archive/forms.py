from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import form_types
from ..forms.base import choices
from .search import SORTS
from .service import PURPOSES
from .status import STATUSES


class SearchForm(FlaskForm):
    """The archive search: a GET form (bookmarkable, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Client name", [Length(max=200)])
    client_id = StringField("Client id", [Length(max=40)])
    case_number = StringField("Case number", [Length(max=30)])
    form_type = SelectField("Form", default="")
    signer = StringField("Signed by", [Length(max=200)])
    signed_from = DateField("Signed from", validators=[Optional()])
    signed_to = DateField("Signed until", validators=[Optional()])
    status = SelectField("Status", choices=choices({"": "Any status", **STATUSES}), default="")
    in_force_on = DateField("In force on", validators=[Optional()])
    sort = SelectField(
        "Order", choices=choices({k: label for k, (label, _) in SORTS.items()}), default="newest"
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_type.choices = choices(
            {"": "Any form", **{t.name: t.title for t in form_types()}}
        )


class PurposeForm(FlaskForm):
    purpose = RadioField(
        "Why are you opening this record?",
        choices=choices(PURPOSES),
        validators=[DataRequired("Choose why you are opening this record.")],
    )
    explanation = StringField("Details (needed for “Other”)", [Length(max=400)])


class OpenFileForm(PurposeForm):
    kind = HiddenField(validators=[DataRequired()])


class ExportForm(PurposeForm):
    recipient = RadioField(
        "Who receives the export?",
        choices=choices(
            {"client": "The client (their own request)", "partner": "A partner agency"}
        ),
        validators=[DataRequired("Choose who receives the export.")],
    )
    partner = StringField("Partner agency (as named on the client's release)", [Length(max=200)])

    def validate_partner(self, field):
        if self.recipient.data == "partner" and not (field.data or "").strip():
            raise ValidationError("Name the partner agency.")


class HoldForm(FlaskForm):
    scope = RadioField(
        "Hold",
        choices=choices({"client": "Every record of this client", "case": "This case only"}),
        validators=[DataRequired("Choose what the hold covers.")],
    )
    reason = StringField(
        "Why (litigation, audit, request)",
        [DataRequired("Give the reason for the hold."), Length(max=500)],
    )


class LiftHoldForm(FlaskForm):
    reason = StringField(
        "Why it is lifted", [DataRequired("Give the reason for lifting it."), Length(max=500)]
    )


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
