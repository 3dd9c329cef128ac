from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from ..documents.paper_only import METHODS
from ..forms.base import choices
from ..forms.vawa_notice import OCCASIONS
from .vawa import HOW


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


class PaperDeliveryForm(FlaskForm):
    """How a document given on paper only reached the client (15 U.S.C. 7003(b)(2)(B))."""

    method = RadioField(
        _l("How it was given"),
        [DataRequired(_l("Say whether it was handed to the client or mailed."))],
        choices=choices(METHODS),
    )
    delivered_on = DateField(
        _l("Day it was handed over or mailed"), [DataRequired(_l("Give the date."))]
    )
    delivered_by = SelectField(
        _l("Who handed it over or mailed it"),
        [DataRequired(_l("Choose the staff member who delivered it."))],
    )

    @classmethod
    def offering(cls, staff, chosen=None, **kwargs) -> "PaperDeliveryForm":
        form = cls(**kwargs)
        form.delivered_by.choices = [(str(u.id), u.name) for u in staff]
        if form.delivered_by.data is None and chosen is not None:
            form.delivered_by.data = str(chosen.id)
        return form


class VawaForm(FlaskForm):
    """Giving the VAWA notice and certification form outside a termination (whose notice
    carries them itself)."""

    occasion = RadioField(
        _l("When"),
        [DataRequired(_l("Say when the VAWA forms are given."))],
        choices=choices({k: OCCASIONS[k] for k in ("admission", "denial")}),
    )
    how = RadioField(
        _l("How they are given"),
        [DataRequired(_l("Say how the VAWA forms are given."))],
        choices=choices({k: HOW[k] for k in ("in_hand", "mail")}),
    )
