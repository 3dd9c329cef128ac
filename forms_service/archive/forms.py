from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
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

    q = StringField(_l("Client name"), [Length(max=200)])
    reference = StringField(_l("Document number"), [Length(max=20)])
    text = StringField(_l("Words in the document"), [Length(max=200)])
    client_id = StringField(_l("Client id"), [Length(max=40)])
    case_number = StringField(_l("Case number"), [Length(max=30)])
    form_type = SelectField(_l("Form"), default="")
    signer = StringField(_l("Signed by"), [Length(max=200)])
    signed_from = DateField(_l("Signed from"), validators=[Optional()])
    signed_to = DateField(_l("Signed until"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=choices({"": _l("Any status"), **{k: _l(v) for k, v in STATUSES.items()}}),
        default="",
    )
    in_force_on = DateField(_l("In force on"), validators=[Optional()])
    on_hold = BooleanField(_l("On legal hold only"))
    sort = SelectField(
        _l("Order"),
        choices=choices({k: _l(label) for k, (label, _) in SORTS.items()}),
        default="newest",
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_type.choices = choices(
            {"": gettext("Any form"), **{t.name: gettext(t.title) for t in form_types()}}
        )


class PurposeForm(FlaskForm):
    purpose = RadioField(
        _l("Why are you opening this record?"),
        choices=choices({k: _l(v) for k, v in PURPOSES.items()}),
        validators=[DataRequired(_l("Choose why you are opening this record."))],
    )
    explanation = StringField(_l("Details (needed for “Other”)"), [Length(max=400)])


class OpenFileForm(PurposeForm):
    kind = HiddenField(validators=[DataRequired()])


class ExportForm(PurposeForm):
    recipient = RadioField(
        _l("Who receives the export?"),
        choices=choices(
            {"client": _l("The client (their own request)"), "partner": _l("A partner agency")}
        ),
        validators=[DataRequired(_l("Choose who receives the export."))],
    )
    partner = StringField(
        _l("Partner agency (as named on the client's release)"), [Length(max=200)]
    )

    def validate_partner(self, field):
        if self.recipient.data == "partner" and not (field.data or "").strip():
            raise ValidationError(gettext("Name the partner agency."))


class HoldForm(FlaskForm):
    scope = RadioField(
        _l("Hold"),
        choices=choices(
            {"client": _l("Every record of this client"), "case": _l("This case only")}
        ),
        validators=[DataRequired(_l("Choose what the hold covers."))],
    )
    reason = StringField(
        _l("Why (litigation, audit, request)"),
        [DataRequired(_l("Give the reason for the hold.")), Length(max=500)],
    )


class LiftHoldForm(FlaskForm):
    reason = StringField(
        _l("Why it is lifted"),
        [DataRequired(_l("Give the reason for lifting it.")), Length(max=500)],
    )


class VerifyForm(FlaskForm):
    pdf = FileField(
        _l("The PDF to check"),
        validators=[
            FileRequired(_l("Choose a PDF file.")),
            FileAllowed(["pdf"], _l("Choose a PDF file.")),
        ],
    )

    def validate_pdf(self, field):
        head = field.data.stream.read(5)
        field.data.stream.seek(0)
        if not head:
            raise ValidationError(gettext("The file is empty. Choose a PDF file."))
        if head != b"%PDF-":
            raise ValidationError(gettext("This is not a PDF file. Choose a PDF file."))
