from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ConferenceForm(FlaskForm):
    on = DateField(_l("Date of the case conference"), [DataRequired(_l("Give the date."))])
    attendees = StringField(_l("Who took part (the client and those involved)"), [Length(max=500)])
    notes = TextAreaField(
        _l("What was discussed, including extenuating circumstances"), [Length(max=4000)]
    )


class ReviewerForm(FlaskForm):
    # Nothing preselected: the reviewer is a choice someone makes, once (578.91(b)).
    reviewer = SelectField(
        _l("Who reviews an appeal (independent of you and your supervisor)"),
        [DataRequired(_l("Choose who reviews an appeal."))],
    )


class RevocationForm(FlaskForm):
    received_at = DateTimeLocalField(
        _l("When the agency received the revocation"),
        [DataRequired(_l("Give the date and time it was received."))],
        format="%Y-%m-%dT%H:%M",
    )
    note = StringField(_l("Note (how it was received)"), [Length(max=500)])


class CloseForm(FlaskForm):
    closed_on = DateField(_l("Case closed on"), [DataRequired(_l("Give the closing date."))])
