from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class ConferenceForm(FlaskForm):
    on = DateField("Date of the case conference", [DataRequired("Give the date.")])
    attendees = StringField("Who took part (the client and those involved)", [Length(max=500)])
    notes = TextAreaField(
        "What was discussed, including extenuating circumstances", [Length(max=4000)]
    )


class ReviewerForm(FlaskForm):
    reviewer = SelectField("Who reviews an appeal (independent of you and your supervisor)")


class FiledOnForm(FlaskForm):
    filed_on = DateField("Received on", [DataRequired("Give the date it was received.")])


class RevocationForm(FlaskForm):
    received_at = DateTimeLocalField(
        "When the agency received the revocation",
        [DataRequired("Give the date and time it was received.")],
        format="%Y-%m-%dT%H:%M",
    )
    note = StringField("Note (how it was received)", [Length(max=500)])


class CloseForm(FlaskForm):
    closed_on = DateField("Case closed on", [DataRequired("Give the closing date.")])
