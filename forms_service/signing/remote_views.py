"""One-time link pages. Public: the signer's own phone, with no sign-in, an identity question
that reveals nothing, then the document to sign and nothing else of the app. Staff: create a
link (shown with a QR code and, for the code method, the code to read out) and revoke it."""

import functools

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, Length, Regexp

from ..audit import service as audit
from ..database import after_commit
from ..documents import service as documents
from ..documents.forms import ResendForm
from ..errors import InvalidInput, RuleViolation
from ..extensions import db, limiter
from ..formatting import show_times_of
from ..forms import get_form_type
from ..i18n import LANGUAGES, client_language
from ..notifications import invitations, notices
from ..notifications.models import Channel
from ..notifications.runner import send_soon
from ..rendering.queue import enqueue
from ..web import current_actor, show_errors
from . import remote
from .forms import SignForm

bp = Blueprint("remote", __name__)
# No sign-in: the signer's phone.
PUBLIC = {"remote.identity", "remote.sign", "remote.thanks", "remote.choose_language"}
PHONE_PATHS = "/s/"  # where every public page lives: its error pages are the signer's too
CHOSEN_LANGUAGE = "remote_language"  # the language the signer picked for these pages
VERIFIED = "remote_verified_link"  # the link whose identity question this browser answered
SIGNED = "remote_signed_token"  # the token this browser signed with: a retry lands on "thanks"


class DobForm(FlaskForm):
    answer = DateField(_l("Your date of birth"), [InputRequired()])
    wrong_format = _l("Enter your date of birth: day, month and year.")


class CodeForm(FlaskForm):
    answer = StringField(_l("Your 6-digit code"), [InputRequired(), Regexp(r"^\s*(\d\s*){6}$")])
    wrong_format = _l("Enter the 6 digits of the code, for example 123456.")


def signer_language() -> str | None:
    """The language of a signer on a one-time link (the one they picked, else their phone's),
    None when this request is not theirs."""
    if not request.path.startswith(PHONE_PATHS):
        return None
    return session.get(CHOSEN_LANGUAGE) or request.accept_languages.best_match(LANGUAGES, "en")


def link_page() -> str | None:
    """The page of the link that this request's address names, even a mistyped address."""
    token = request.path.removeprefix(PHONE_PATHS).split("/")[0]
    return url_for("remote.identity", token=token) if token else None


@bp.before_request
def speak_to_the_signer():
    """The language the signer picked; else, before the link is known, the phone's."""
    if request.endpoint in PUBLIC:
        client_language(signer_language())


def _speak_to(link) -> None:
    """Once the link is known: the language the signer picked, else the client's; the times
    of the agency that sent it."""
    client_language(session.get(CHOSEN_LANGUAGE) or link.signer.document.client.preferred_language)
    show_times_of(link.signer.document.agency)


def _visitor() -> tuple[str | None, str]:
    return request.remote_addr, request.user_agent.string


def _message(title: str, message: str, status: int):
    return render_template("signing/remote_message.html", title=title, message=message), status


@bp.errorhandler(remote.LinkDoesNotWork)
def link_does_not_work(exc):
    db.session.commit()  # the audit of why (and a lock) is kept although the answer is 404
    return _message(
        _("This link does not work"),
        _("Ask the person who sent it to you for a new link, or to sign in person."),
        404,
    )


def _sign_page(link, form, status=200):
    document = link.signer.document
    form.content_sha256.data = document.content_sha256
    form_type = get_form_type(document.form_type)
    return render_template(
        "signing/remote_sign.html",
        document=document,
        signer=link.signer,
        form=form,
        form_type=form_type,
        token=request.view_args["token"],
        **form_type.page_context(document.data),
    ), status


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REMOTE_RATE_LIMIT"], methods=["POST"])
# Opening links is limited too: each unknown token is audited, a flood must not fill the log.
@limiter.limit(lambda: current_app.config["REMOTE_OPEN_RATE_LIMIT"], methods=["GET"])
def identity(token):
    """The identity question; once answered in this browser, the document to sign."""
    if session.get(SIGNED) == remote.digest(token):
        return redirect(url_for("remote.thanks"))
    ip, user_agent = _visitor()
    link = remote.open_link(token, ip, user_agent)
    _speak_to(link)
    if session.get(VERIFIED) == str(link.id):
        audit.record(
            remote.LinkVisitor(None, ip, user_agent, link.signer.name),
            "document.view_for_signing",
            link.signer.document,
            signer=link.signer.name,
        )
        return _sign_page(link, SignForm())
    form = DobForm() if link.identity_method == remote.DOB else CodeForm()
    if form.validate_on_submit():
        if remote.check_identity(link, form.answer.data, ip, user_agent):
            session[VERIFIED] = str(link.id)
            return redirect(url_for("remote.identity", token=token))
        db.session.commit()  # the wrong answer counts although the page answers 400
        left = remote.attempts_left(link)
        form.answer.errors = [
            ngettext(
                "That does not match. Check it and try again (%(num)d try left).",
                "That does not match. Check it and try again (%(num)d tries left).",
                left,
            )
        ]
    elif form.answer.errors:
        form.answer.errors = [form.wrong_format]
    return render_template(
        "signing/remote_identity.html", form=form, agency=link.signer.document.agency
    ), (400 if form.errors else 200)


def _back_to_the_link(view):
    """A POST-only address opened with GET (a reload after a refused submit, a phone restoring
    a discarded tab) leads to the link's own page, never to "method not allowed"."""

    @functools.wraps(view)
    def wrapper(token):
        if request.method != "POST":
            return redirect(url_for("remote.identity", token=token), 303)
        return view(token)

    return wrapper


@bp.route("/s/<token>/sign", methods=["GET", "POST"])
@_back_to_the_link
def sign(token):
    if session.get(SIGNED) == remote.digest(token):
        return redirect(url_for("remote.thanks"))  # a double tap or a retry after a dropout
    if remote.signed_by_this_submission(token, request.form.get("submission_key", "")):
        session[SIGNED] = remote.digest(token)  # its first answer, with this, was lost
        return redirect(url_for("remote.thanks"))
    ip, user_agent = _visitor()
    link = remote.open_link(token, ip, user_agent)
    _speak_to(link)
    verified = session.get(VERIFIED) == str(link.id)
    if not verified:
        return redirect(url_for("remote.identity", token=token))
    form = SignForm()
    if form.validate_on_submit():
        try:
            job = remote.sign_with_link(
                link,
                ip,
                user_agent,
                verified_in_session=verified,
                ink_payload=form.ink.data or "",
                typed_name=form.typed_name.data or "",
                typed_attested=form.typed_attested.data,
                shown_content_sha256=form.content_sha256.data or "",
                esign_accepted=form.esign_accepted.data,
                submission_key=form.submission_key.data or "",
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        except RuleViolation as exc:  # e.g. the document changed while it was on screen
            return _message(_("This cannot be signed now"), str(exc), 409)
        else:
            if job is not None:
                after_commit(lambda: enqueue(job.id))
            notices.signature_by_link(link.signer.document, link.signer)
            session.pop(VERIFIED, None)
            session[SIGNED] = remote.digest(token)
            return redirect(url_for("remote.thanks"))
    return _sign_page(link, form, 400)


@bp.route("/s/<token>/language", methods=["GET", "POST"])
@_back_to_the_link
def choose_language(token):
    """The signer picks the language of these pages; the document keeps its own. Reveals
    nothing: the token is only where to go back to."""
    language = request.form.get("language", "")
    if language in LANGUAGES and FlaskForm().validate_on_submit():
        session[CHOSEN_LANGUAGE] = language
    return redirect(url_for("remote.identity", token=token))


@bp.route("/s/thanks")
def thanks():
    if SIGNED not in session:
        return link_does_not_work(None)
    return _message(
        _("Thank you. Your signature is saved."),
        _("You can close this page now. Your case manager will give you a copy of the form."),
        200,
    )


def link_url(token: str) -> str:
    """The address sent to the signer: on FORMS_PUBLIC_URL when it is set, so no Host header
    of a request decides where a client is sent."""
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    if public:
        return public + url_for("remote.identity", token=token)
    return url_for("remote.identity", token=token, _external=True)


def qr_svg(url: str) -> Markup:
    """The link as a QR code, drawn here as inline SVG: no script, no outside service.
    qrcode is loaded here, by the pages that show one (a render worker never does)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, box_size=15, border=4)
    return Markup(image.to_string(encoding="unicode"))  # noqa: S704 (our own paths, no text)


class SendLinkForm(FlaskForm):
    """How the signer proves it is them, and how the link reaches them."""

    identity_method = RadioField(
        _l("They prove it is them with"),
        choices=[
            SelectChoice(remote.DOB, _l("their date of birth")),
            SelectChoice(remote.CODE, _l("a code I read out to them")),
        ],
    )
    send_by = RadioField(
        _l("Send the link"),
        choices=[
            SelectChoice(Channel.SMS.value, _l("by text message")),
            SelectChoice(Channel.EMAIL.value, _l("by e-mail")),
            SelectChoice(invitations.SHOW, _l("no message: I show the QR code or copy the link")),
        ],
        default=invitations.SHOW,
    )
    phone = StringField(_l("Mobile number"), [Length(max=40)])
    email = StringField(_l("E-mail address"), [Length(max=254)])


@bp.route("/documents/<document_id>/signers/<signer_id>/remote-link", methods=["GET", "POST"])
@login_required
def create(document_id, signer_id):
    """The send form (GET, or a refused POST); the link, shown once: the page that answers
    the POST is the only place the code appears."""
    actor = current_actor()
    document = documents.get_document(actor, document_id, audit_view=False)
    signer = documents.get_signer(actor, document, signer_id)
    form = SendLinkForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            to = invitations.recipient(form.send_by.data, form.phone.data, form.email.data)
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            link, token, code = remote.create_link(
                actor, document, signer, form.identity_method.data or ""
            )
            url = link_url(token)
            message = invitations.send_link(actor, link, url, *to) if to else None
            if message is not None:
                send_soon()
            return render_template(
                "signing/remote_link.html",
                document=document,
                signer=signer,
                link=link,
                url=url,
                qr=qr_svg(url),
                code=code,
                message=message,
                send=invitations.send_options(),
            )
    if form.identity_method.data is None:
        form.identity_method.data = remote.DOB if document.client.date_of_birth else remote.CODE
    return render_template(
        "signing/remote_send.html",
        document=document,
        signer=signer,
        form=form,
        send=invitations.send_options(),
    ), (400 if form.errors else 200)


@bp.route("/documents/<document_id>/remote-links/<link_id>/revoke", methods=["POST"])
@login_required
def revoke(document_id, link_id):
    actor = current_actor()
    document = documents.get_document(actor, document_id, audit_view=False)
    link = remote.revoke_link(actor, document, link_id)
    flash(_("The link for %(name)s no longer works.", name=link.signer.name))
    return redirect(url_for("documents.show", document_id=document.id))


@bp.route("/documents/<document_id>/remote-links/<link_id>/resend", methods=["POST"])
@login_required
def resend(document_id, link_id):
    actor = current_actor()
    document = documents.get_document(actor, document_id, audit_view=False)
    form = ResendForm()
    sent_again = form.sent_again.data if form.validate_on_submit() else None
    message = invitations.resend_link(actor, document, link_id, sent_again)
    send_soon()
    flash(_("The link is on its way again to %(to)s.", to=message.to_address))
    return redirect(url_for("documents.show", document_id=document.id))
