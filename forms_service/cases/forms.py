from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Optional

from ..forms.base import choices
from .search import CASE_FILTERS


class IntakeForm(FlaskForm):
    """A new client and their first case; the rules are `cases.service.register_client`'s."""

    first_name = StringField(_l("First name"))
    last_name = StringField(_l("Last name"))
    date_of_birth = DateField(_l("Date of birth (if known)"), validators=[Optional()])
    language = SelectField(_l("Language the client reads"), validate_choice=False)
    program = StringField(_l("Program"))
    # The page offers the agency's open grants; a value it did not offer is refused here.
    grant_id = SelectField(_l("Grant that serves this case (if known)"), default="")


class AnotherCaseForm(FlaskForm):
    """Another case for a registered client; the rules are `cases.service.open_another_case`'s
    (a case manager the page did not offer is refused there, on its field)."""

    program = StringField(_l("Program"))
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    case_manager_email = SelectField(_l("Case manager"), validate_choice=False)
    hmis_enrollment_id = StringField(_l("HMIS EnrollmentID of this case (if known)"))


class HmisIdsForm(FlaskForm):
    """The HMIS's ids for this client and case; the rules are `cases.service.set_hmis_ids`'s."""

    hmis_personal_id = StringField(_l("HMIS PersonalID"))
    hmis_enrollment_id = StringField(_l("HMIS EnrollmentID of this case"))


class CaseSearchForm(FlaskForm):
    """Finding a case: a GET form (bookmarkable, no CSRF: it changes nothing); the rules are
    `cases.search.find_cases`'s."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, date of birth or case number"))
    mine = BooleanField(_l("My cases only"))
    status = SelectField(
        _l("Cases"),
        choices=choices(CASE_FILTERS),
        default="",
        validate_choice=False,
    )
