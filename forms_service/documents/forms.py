from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..clock import today
from ..i18n import language_name
from ..notifications.models import Channel
from .language_access import INTERPRETER, interpreter_given


class LanguageForm(FlaskForm):
    """The language a form is written and signed in: one its template offers, or English read
    by an interpreter (vital documents in a language without a template are refused).

    Its inputs are prefixed (`document-language`, ...) because it shares a page with the form
    it belongs to, and a form type may have fields of its own named `language` (the language
    of an appeal hearing, of the answer to a grievance). The page's own form carries the CSRF
    token."""

    language = SelectField(_l("Language of the form"))
    interpreter_name = StringField(
        _l("Interpreter's name (only for English read by an interpreter)"), [Length(max=200)]
    )
    interpreter_language = StringField(
        _l("Language the interpreter reads it in"), [Length(max=100)]
    )

    @classmethod
    def offering(
        cls, languages: list[str], preferred: str, document=None, **kwargs
    ) -> "LanguageForm":
        """The form for a new document (in `preferred` when offered), or pre-filled from a
        `document`'s language and interpreter."""
        if document is not None:
            interpreter = document.data.get(INTERPRETER) or {}
            kwargs.setdefault("interpreter_name", interpreter.get("name"))
            kwargs.setdefault("interpreter_language", interpreter.get("language"))
            preferred = document.language
        form = cls(prefix="document", meta={"csrf": False}, **kwargs)
        form.language.choices = [(code, language_name(code)) for code in languages]
        if not form.language.data or form.language.data not in languages:
            form.language.data = preferred if preferred in languages else "en"
        return form

    def chosen(self) -> dict:
        """start_document's (and update_draft's) language and interpreter arguments."""
        interpreter = interpreter_given(self.interpreter_name.data, self.interpreter_language.data)
        return {"language": self.language.data, "interpreter": interpreter}


class PaperReceivedForm(FlaskForm):
    """The scan of a form signed on paper, and the attestation of whoever received it. The
    service names what is missing or wrong, so the fields check nothing themselves."""

    scan = FileField(_l("The scan of the signed paper form (PDF, JPEG or PNG)"))
    received_on = DateField(_l("Received on"), [Optional()])
    attested = BooleanField()

    @classmethod
    def about(cls, document) -> "PaperReceivedForm":
        form = cls(received_on=today(document.agency))
        form.attested.label.text = gettext(
            "I received this signed paper form from %(client)s on the day given above.",
            client=document.client.full_name,
        )
        return form


class VoidForm(FlaskForm):
    reason = TextAreaField(_l("Why is it voided?"))


class DeliveryForm(FlaskForm):
    """How and when a signed notice, decision, response or letter reached its addressee, in
    one of the ways its form type offers."""

    method = RadioField(_l("How it was delivered"))
    delivered_on = DateField(_l("Day it was delivered"), [Optional()])
    note = StringField(_l("Note (optional), e.g. the address it was mailed to"), [Length(max=500)])

    @classmethod
    def offering(cls, methods: dict, **kwargs) -> "DeliveryForm":
        """The form with `methods` (`delivery.methods_for`) as its choices."""
        form = cls(**kwargs)
        form.method.choices = [SelectChoice(m.value, _l(label)) for m, label in methods.items()]
        return form


class CopySendForm(FlaskForm):
    """Where the one-time link to the client's copy goes: a text message or an e-mail, among
    the ways this server can send. The service checks the number or address and names the
    field it refuses."""

    send_by = RadioField(_l("Or send a download link that works once, for 7 days"))
    phone = TelField(_l("Mobile number"), [Length(max=40)], render_kw={"autocomplete": "off"})
    email = EmailField(_l("E-mail address"), [Length(max=254)], render_kw={"autocomplete": "off"})

    @classmethod
    def offering(cls, send: dict, **kwargs) -> "CopySendForm":
        """The form with only the ways `send` (`invitations.send_options`) says work, the
        first of them chosen."""
        form = cls(prefix="copy", **kwargs)
        ways = (
            (Channel.SMS, _l("by text message"), send["sms_ready"]),
            (Channel.EMAIL, _l("by e-mail"), send["email_ready"]),
        )
        form.send_by.choices = [SelectChoice(c.value, label) for c, label, ready in ways if ready]
        if form.send_by.data is None and form.send_by.choices:
            form.send_by.data = form.send_by.choices[0].value
        return form


class ResendForm(FlaskForm):
    """ "Send it again" carries how many times the link had been sent again when the page was
    drawn: a second press of the same button (a double click, a resubmitted page) names the
    same sending, which goes out once."""

    sent_again = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(0)])
