from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", [DataRequired(), Length(max=254)])
    password = PasswordField("Password", [DataRequired(), Length(max=200)])


class PinForm(FlaskForm):
    pin = PasswordField("New kiosk PIN (4 to 8 digits)", [DataRequired(), Length(max=8)])
