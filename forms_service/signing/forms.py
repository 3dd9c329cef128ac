import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length


class SignForm(FlaskForm):
    ink = HiddenField(_l("Signature"))
    typed_name = StringField(_l("Type your full name"), [Length(max=200)])
    typed_attested = BooleanField(_l("I mean this typed name as my signature."))
    content_sha256 = HiddenField()
    # One key per page view: a double tap or a retried submission signs once.
    submission_key = HiddenField(default=lambda: secrets.token_hex(16))
    esign_accepted = BooleanField(_l("I agree to sign this form electronically."))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why not? (optional: you do not have to say)"), [Length(max=1000)])


class PaperForm(FlaskForm):
    # Sent by the "Yes" of "Sign on paper instead?": one tap on "I want paper instead" only asks.
    confirm = SubmitField()


class UnlockForm(FlaskForm):
    secret = StringField(_l("Staff: password or PIN"))
