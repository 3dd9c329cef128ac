from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from ..forms.base import MultiCheckboxField, choices
from .service import EVENTS


class EndpointForm(FlaskForm):
    """An endpoint; the rules are `webhooks.service`'s."""

    url = StringField(_l("Address (https://…)"))
    events = MultiCheckboxField(_l("Events to send"), choices=choices(EVENTS))


class EditEndpointForm(EndpointForm):
    enabled = BooleanField(_l("On: deliver events to this address"))


class RedeliverForm(FlaskForm):
    """Send one delivery's event again (the delivery is named in the URL)."""
