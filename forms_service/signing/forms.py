from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField


class SignForm(FlaskForm):
    ink = HiddenField("Signature")
    content_sha256 = HiddenField()
    esign_accepted = BooleanField("I agree to sign this form electronically.")
