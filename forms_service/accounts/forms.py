from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..clock import time_zones
from .settings import LABELS
from .two_factor import POLICIES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=200)])


class AgencyChoiceForm(FlaskForm):
    """After a password that is right for accounts in several agencies: which one now."""

    account = RadioField(_l("Sign in to"), [InputRequired(_l("Choose an agency."))])


class PinForm(FlaskForm):
    pin = PasswordField(_l("New kiosk PIN (4 to 8 digits)"), [DataRequired(), Length(max=8)])


class AgencySettingsForm(FlaskForm):
    """The settings' limits are rules of `accounts.settings`; the form only reads them in."""

    name = StringField(LABELS["name"], [DataRequired()])
    address = StringField(LABELS["address"], [DataRequired()])
    phone = StringField(LABELS["phone"], [DataRequired()])
    program_rules = TextAreaField(LABELS["program_rules"], [DataRequired()])
    coc_contact = TextAreaField(LABELS["coc_contact"], [DataRequired()])
    appeal_contact = StringField(LABELS["appeal_contact"], [DataRequired()])
    appeal_days = IntegerField(LABELS["appeal_days"], [InputRequired()])
    decision_days = IntegerField(LABELS["decision_days"], [InputRequired()])
    grievance_response_days = IntegerField(LABELS["grievance_response_days"], [InputRequired()])
    plan_review_days = IntegerField(LABELS["plan_review_days"], [InputRequired()])
    file_english_copy = BooleanField(LABELS["file_english_copy"])
    minors_consent_to_sud_alone = BooleanField(LABELS["minors_consent_to_sud_alone"])
    logo = FileField(LABELS["logo"])
    remove_logo = BooleanField(LABELS["remove_logo"])
    time_zone = SelectField(
        LABELS["time_zone"],
        choices=[SelectChoice(z, z) for z in time_zones()],
        validate_choice=False,
    )
    two_factor = SelectField(
        LABELS["two_factor"],
        choices=[SelectChoice(key, _l(label)) for key, label in POLICIES.items()],
        validate_choice=False,
    )


class StaffForm(FlaskForm):
    """A new staff member; the rules are `accounts.staff.add_staff`'s."""

    name = StringField(_l("Name"))
    email = EmailField(_l("E-mail"))
    role = SelectField(_l("Role"), validate_choice=False)
    supervisor_id = SelectField(_l("Supervisor"), validate_choice=False)
    password = PasswordField(_l("First password (at least 12 characters; tell them in person)"))


class StaffUpdateForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False)
    supervisor_id = SelectField(_l("Supervisor"), validate_choice=False)
    active = BooleanField(_l("May sign in"))
    new_password = PasswordField(_l("New password (leave empty to keep theirs)"))
    reset_two_factor = BooleanField(
        _l("Turn off their two-factor sign-in (a lost phone): they set it up again")
    )


class CodeForm(FlaskForm):
    code = StringField(_l("The 6-digit code from your authenticator app, or a recovery code"))
