"""The signing pages. A client signs in the kiosk: the tablet the case manager hands over shows
only the document being signed, in large plain language, and no way to the rest of the app
until staff unlock it. Staff sign at their own desk."""

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
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from ..accounts.service import Actor
from ..audit import service as audit
from ..cases.service import get_case
from ..database import after_commit
from ..documents import service
from ..documents.models import DocumentStatus, SignerStatus
from ..documents.service import documents_for_case
from ..errors import InvalidInput
from ..extensions import limiter
from ..forms import get_form_type
from ..i18n import LANGUAGES, client_language
from ..rendering.queue import enqueue
from ..web import current_actor, show_errors, start_session
from . import kiosk as kiosks
from . import remote_views
from .forms import DeclineForm, PaperForm, SignForm, UnlockForm

bp = Blueprint("signing", __name__)
KIOSK_ENDPOINTS = {
    "signing.kiosk",
    "signing.kiosk_sign",
    "signing.kiosk_decline",
    "signing.kiosk_paper",
    "signing.kiosk_still_here",
    "signing.kiosk_language",
    "signing.kiosk_unlock",
    "static",
}


@bp.before_app_request
def keep_the_tablet_in_the_kiosk():
    """While a tablet is handed over, every other address (typed, bookmarked, the back button
    or a reload) leads back to the kiosk."""
    if "kiosk" in session and request.endpoint not in KIOSK_ENDPOINTS:
        return redirect(url_for("signing.kiosk"))
    return None


def client_error_page(status: int, title: str, message: str):
    """What went wrong, for the client at this browser (the tablet handed to them, or their
    phone on a one-time link): in their language, with a way back to what they sign and none
    into the app. None for staff."""
    if "kiosk" in session:
        language, back = session["kiosk"]["language"], url_for("signing.kiosk")
    elif (language := remote_views.signer_language()) is not None:
        back = remote_views.link_page()
    else:
        return None
    client_language(language)
    return render_template(
        "signing/remote_message.html", title=title, message=message, back=back
    ), status


def _fields(form: SignForm) -> dict:
    return {
        "ink_payload": form.ink.data or "",
        "typed_name": form.typed_name.data or "",
        "typed_attested": form.typed_attested.data,
        "shown_content_sha256": form.content_sha256.data or "",
        "esign_accepted": form.esign_accepted.data,
        "submission_key": form.submission_key.data or "",
    }


def _sign(actor, document, signer, form: SignForm) -> bool:
    """Sign from the posted form; False (errors on the form) when it needs correcting."""
    try:
        job = service.sign(actor, document, signer, **_fields(form))
    except InvalidInput as exc:
        show_errors(form, exc.errors)
        return False
    if job is not None:
        after_commit(lambda: enqueue(job.id))
    return True


def _sign_page(document, signer, form, status=200, **extra):
    form.content_sha256.data = document.content_sha256
    form_type = get_form_type(document.form_type)
    return render_template(
        "signing/sign.html",
        document=document,
        signer=signer,
        next_signer=service.next_signer(document),
        form=form,
        form_type=form_type,
        **form_type.page_context(document.data),
        **extra,
    ), status


@bp.route("/documents/<document_id>/sign/<signer_id>", methods=["GET", "POST"])
@login_required
def sign(document_id, signer_id):
    """A staff member signs as themselves (a countersignature, a reviewer's decision)."""
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    signer = service.get_signer(actor, document, signer_id)
    if signer.user_id is None:
        flash(gettext("Clients sign on the tablet: use “Hand the tablet to …”."))
        return redirect(url_for("documents.show", document_id=document.id))
    form = SignForm()
    if form.validate_on_submit():
        if _sign(actor, document, signer, form):
            flash(gettext("Signed."))
            return redirect(url_for("documents.show", document_id=document.id))
        return _sign_page(document, signer, form, 400, on_tablet=False)
    audit.record(actor, "document.view_for_signing", document, signer=signer.name)
    return _sign_page(document, signer, form, on_tablet=False)


@bp.route("/documents/<document_id>/kiosk/<signer_id>", methods=["POST"])
@login_required
def kiosk_start(document_id, signer_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    signer = service.get_signer(actor, document, signer_id)
    session["kiosk"] = kiosks.start(actor, document, signer).as_session()
    return redirect(url_for("signing.kiosk"))


@bp.route("/cases/<case_id>/kiosk-packet", methods=["POST"])
@login_required
def kiosk_packet(case_id):
    """An intake packet: the tablet is handed over once for the forms ticked on the case page."""
    actor = current_actor()
    case = get_case(actor, case_id)
    chosen = set(request.form.getlist("document_ids"))  # CSRF: CSRFProtect, as every POST
    waiting = kiosks.waiting_for_the_client(documents_for_case(actor, case))
    try:
        kiosk = kiosks.start_packet(actor, [d for d in waiting if str(d.id) in chosen])
    except InvalidInput as exc:
        flash(" ".join(exc.errors["document_ids"]))
        return redirect(url_for("cases.show", case_id=case.id) + "#intake-packet")
    session["kiosk"] = kiosk.as_session()
    return redirect(url_for("signing.kiosk"))


def _no_kiosk():
    """No tablet handed over in this browser: staff go to their start page, others sign in."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return redirect(url_for("cases.home"))


def _kiosk_state():
    """(kiosk, expired) for this browser, touching the kiosk when it is still alive."""
    data = session.get("kiosk")
    if not data:
        return None, False
    kiosk = kiosks.Kiosk(**data)
    client_language(kiosk.language)
    if kiosks.expired(kiosk, current_app.config["KIOSK_TIMEOUT"]):
        return kiosk, True
    session["kiosk"] = kiosks.touch(kiosk).as_session()
    return kiosk, False


def _kiosk_actor(kiosk) -> Actor:
    return Actor(kiosks.staff_of(kiosk), request.remote_addr, request.user_agent.string)


def _close_kiosk(status: int = 200):
    """The kiosk is over: this browser's session ends (the kiosk and the staff member's
    sign-in), the page shows nothing of the client and leads only to a fresh sign-in."""
    logout_user()
    session.clear()
    return render_template("signing/kiosk_locked.html", closed=True), status


def _kiosk_page(kiosk, form=None, decline=None, unlock=None, status=200, **extra):
    document, signer = kiosks.current(kiosk)
    if signer.status != SignerStatus.PENDING or document.status != DocumentStatus.SIGNING:
        return render_template(
            "signing/kiosk_locked.html",
            unlock=unlock or UnlockForm(),
            signer=signer,
            document=document,
        ), status
    return _sign_page(
        document,
        signer,
        form or SignForm(),
        status,
        on_tablet=True,
        decline=decline or DeclineForm(),
        unlock=unlock or UnlockForm(),
        paper=PaperForm(),
        timeout=current_app.config["KIOSK_TIMEOUT"],
        progress=(kiosks.position(kiosk), kiosk.total) if kiosk.total > 1 else None,
        **extra,
    )


@bp.route("/kiosk")
def kiosk():
    kiosk, expired = _kiosk_state()
    if kiosk is None:
        return _no_kiosk()
    if expired:
        kiosks.close(kiosk, _kiosk_actor(kiosk))
        return _close_kiosk()
    document, signer = kiosks.current(kiosk)
    done = signer.status != SignerStatus.PENDING or document.status != DocumentStatus.SIGNING
    if done and kiosks.advance(kiosk):  # an intake packet: the next form
        session["kiosk"] = kiosk.as_session()
        document, signer = kiosks.current(kiosk)
    audit.record(
        _kiosk_actor(kiosk),
        "document.view_for_signing",
        document,
        signer=signer.name,
        where="kiosk",
    )
    return _kiosk_page(kiosk)


def _live_kiosk(view):
    """A kiosk action: without a kiosk, staff go to their start page and others sign in; a
    closed kiosk shows its closed page; otherwise the view gets the kiosk's document."""

    @functools.wraps(view)
    def wrapper():
        kiosk, expired = _kiosk_state()
        if kiosk is None:
            return _no_kiosk()
        if expired:
            return redirect(url_for("signing.kiosk"))
        return view(kiosk, *kiosks.current(kiosk))

    return wrapper


@bp.route("/kiosk/sign", methods=["POST"])
@_live_kiosk
def kiosk_sign(kiosk, document, signer):
    form = SignForm()
    if form.validate_on_submit() and _sign(_kiosk_actor(kiosk), document, signer, form):
        return redirect(url_for("signing.kiosk"))
    return _kiosk_page(kiosk, form=form, status=400)


@bp.route("/kiosk/decline", methods=["POST"])
@_live_kiosk
def kiosk_decline(kiosk, document, signer):
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            service.decline(_kiosk_actor(kiosk), document, signer, form.reason.data or "")
            return redirect(url_for("signing.kiosk"))
        except InvalidInput as exc:
            show_errors(form, exc.errors)
    return _kiosk_page(kiosk, decline=form, status=400)


@bp.route("/kiosk/paper", methods=["POST"])
@_live_kiosk
def kiosk_paper(kiosk, document, signer):
    """Paper once the signer answered "Yes" to "Sign on paper instead?"; a tap that did not
    answer it (a browser without the dialog) shows the question."""
    form = PaperForm()
    if not form.validate_on_submit():  # the CSRF token
        return redirect(url_for("signing.kiosk"))
    if not form.confirm.data:
        return _kiosk_page(kiosk, ask_paper=True)
    service.choose_paper(_kiosk_actor(kiosk), document, signer)
    return redirect(url_for("signing.kiosk"))


@bp.route("/kiosk/still-here", methods=["POST"])
def kiosk_still_here():
    """The signer asked for more time (WCAG 2.2.1): the kiosk's clock starts again."""
    kiosk, expired = _kiosk_state()
    if kiosk is None:
        return _no_kiosk()
    return ("", 409) if expired else ("", 204)


@bp.route("/kiosk/language", methods=["POST"])
def kiosk_language():
    """The client picks the language of the kiosk's pages; the document keeps its own."""
    kiosk, expired = _kiosk_state()
    if kiosk is None:
        return _no_kiosk()
    language = request.form.get("language", "")
    if not expired and language in LANGUAGES and UnlockForm().validate_on_submit():
        kiosk.language = language
        session["kiosk"] = kiosk.as_session()
    return redirect(url_for("signing.kiosk"))


@bp.route("/kiosk/unlock", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def kiosk_unlock():
    data = session.get("kiosk")
    if not data:
        return _no_kiosk()
    kiosk = kiosks.Kiosk(**data)
    client_language(kiosk.language)
    timeout = current_app.config["KIOSK_TIMEOUT"]
    form = UnlockForm()
    if form.validate_on_submit():
        try:
            staff = kiosks.unlock(kiosk, form.secret.data or "", current_actor(), timeout)
        except kiosks.KioskClosed:
            return _close_kiosk(403)
        except InvalidInput as exc:
            form.secret.errors = exc.errors["secret"]
        else:
            session.pop("kiosk")
            start_session(staff)
            if kiosk.total > 1:  # an intake packet: back to the case, where all of it shows
                case_id = kiosks.current(kiosk)[0].case_id
                return redirect(url_for("cases.show", case_id=case_id))
            return redirect(url_for("documents.show", document_id=kiosk.document_id))
    if kiosks.expired(kiosk, timeout):
        return redirect(url_for("signing.kiosk"))
    return _kiosk_page(kiosk, unlock=form, status=400)
