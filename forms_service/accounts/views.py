import time
import uuid
from urllib.parse import urlsplit

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

from ..audit import service as audit
from ..errors import InvalidInput
from ..extensions import db, limiter
from ..signing import kiosk
from ..web import ACTIVE_AT, SIGNED_IN_AT, current_actor, show_errors, start_session
from . import service, settings, signin, staff, two_factor
from .forms import (
    AgencyChoiceForm,
    AgencySettingsForm,
    CodeForm,
    LoginForm,
    PinForm,
    StaffForm,
    StaffUpdateForm,
)
from .models import Role, User
from .service import Actor

bp = Blueprint("accounts", __name__)


# Asked for by a page on its own (a poll), not by the person: not activity.
NOT_ACTIVITY = {"documents.render_status", "static"}


@bp.before_app_request
def end_idle_staff_sessions():
    """A staff session ends after STAFF_IDLE_MINUTES without activity and, whatever the
    activity, STAFF_SESSION_HOURS after signing in. A tablet handed over keeps its own
    clock (the kiosk's timeout), which ends the session too."""
    if not current_user.is_authenticated or "kiosk" in session:
        return None
    now, config = time.time(), current_app.config
    reason = signin.session_over(
        session.get(SIGNED_IN_AT, 0),
        session.get(ACTIVE_AT, 0),
        now,
        idle=config["STAFF_IDLE_MINUTES"] * 60,
        lifetime=config["STAFF_SESSION_HOURS"] * 3600,
    )
    if reason is None:
        if request.endpoint not in NOT_ACTIVITY:
            session[ACTIVE_AT] = now
        return None
    signin.session_timed_out(current_actor(), reason)
    logout_user()
    session.clear()
    flash(gettext("You were signed out to protect the information on this screen."))
    return redirect(url_for("accounts.login"))


@bp.route("/account/still-here", methods=["POST"])
@login_required
def still_here():
    """The page's "Stay signed in" (or typing on it): activity, so the session goes on."""
    return "", 204


def _safe_next(target: str | None) -> str:
    r"""Only a path on this site: never send someone to another site after login (browsers
    drop tabs and newlines, so "/\t/evil.example" would become "//evil.example")."""
    home = url_for("cases.home")
    if not target or any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return home
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return home
    return target


def _account_tried() -> str:
    """The per-account limit's key: the e-mail typed, whatever address it comes from."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=_account_tried,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # only refused sign-ins count
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        users = service.authenticate(form.email.data, form.password.data)
        if len(users) > 1:  # the same person on the staff of several agencies
            session[CHOOSING] = [[str(u.id), u.session_generation] for u in users] + [time.time()]
            return redirect(url_for("accounts.choose_agency", next=request.args.get("next")))
        if users:
            return _password_right(users[0])
        signin.failed_login(current_actor(), form.email.data or "")
        form.password.errors.append(gettext("The e-mail or password is not right."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


def _password_right(user: User):
    """The password was right: the second factor next, or signed in."""
    if two_factor.enrolled(user) or two_factor.required(user):
        session[PENDING] = [str(user.id), user.session_generation, time.time()]
        return redirect(url_for("accounts.second_factor", next=request.args.get("next")))
    return _signed_in(user)


CHOOSING = "choose_agency"  # [[user id, session generation], ..., when the password was right]


def _accounts_choosing() -> list[User]:
    """The accounts whose shared password was right in this browser a moment ago."""
    choosing = session.get(CHOOSING)
    if not choosing or time.time() - choosing[-1] > PENDING_SECONDS:
        return []
    users = [(db.session.get(User, uuid.UUID(i)), generation) for i, generation in choosing[:-1]]
    return [u for u, g in users if u is not None and u.active and u.session_generation == g]


@bp.route("/login/agency", methods=["GET", "POST"])
def choose_agency():
    """The same e-mail and password open accounts in several agencies: which one now. Only
    someone who knew the password sees the agencies' names."""
    users = {str(u.id): u for u in _accounts_choosing()}
    if not users:
        return redirect(url_for("accounts.login"))
    form = AgencyChoiceForm()
    form.account.choices = [(i, u.agency.name) for i, u in users.items()]
    if form.validate_on_submit():
        session.pop(CHOOSING, None)
        return _password_right(users[form.account.data])
    return render_template("accounts/choose_agency.html", form=form), 400 if form.errors else 200


def _signed_in(user: User, **details):
    session.pop(PENDING, None)
    start_session(user)
    audit.record(current_actor(), "user.login", user, **details)
    return redirect(_safe_next(request.args.get("next")))


PENDING = "two_factor_pending"  # [user id, session generation, when the password was right]
PENDING_SECONDS = 300


def _pending_user() -> User | None:
    """Whose password was right in this browser a moment ago, awaiting the second factor."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending[2] > PENDING_SECONDS:
        return None
    user = db.session.get(User, uuid.UUID(pending[0]))
    if user is None or not user.active or user.session_generation != pending[1]:
        return None
    return user


def _pending_key() -> str:
    return "second-factor:" + str((session.get(PENDING) or ["-"])[0])


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def second_factor():
    """After the password: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if not two_factor.enrolled(user):
        return redirect(url_for("accounts.two_factor_setup", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.check(Actor(user, request.remote_addr), user, form.code.data or "")
        except InvalidInput as exc:
            signin.failed_login(current_actor(), user.email, step="second factor", user=user)
            form.code.errors = exc.errors["code"]
        else:
            return _signed_in(user, second_factor=True)
    return render_template("accounts/login_code.html", form=form), 400 if form.errors else 200


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor_setup():
    """Set up the authenticator app: at sign-in where the agency requires it, or by a signed-in
    staff member who turns it on. The QR code holds a new secret until a code confirms it."""
    signed_in = current_user.is_authenticated
    user = current_user._get_current_object() if signed_in else _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(Actor(user, request.remote_addr), user, form.code.data)
        except InvalidInput as exc:
            form.code.errors = exc.errors["code"]
        else:
            if not signed_in:
                _signed_in(user, second_factor=True)
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                next=_safe_next(request.args.get("next")),
            )
    from ..signing.remote_views import qr_svg

    secret = two_factor.pending_secret(user)
    return render_template(
        "accounts/two_factor.html",
        form=form,
        secret=secret,
        qr=qr_svg(two_factor.provisioning_uri(user, secret)),
        enrolled=two_factor.enrolled(user),
    ), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    signin.sign_out(current_actor())
    logout_user()
    flash(gettext("You are signed out."))
    return redirect(url_for("accounts.login"))


@bp.route("/account/pin", methods=["GET", "POST"])
@login_required
def pin():
    """A short PIN to unlock a kiosk tablet quickly, instead of the full password."""
    form = PinForm()
    if form.validate_on_submit():
        try:
            kiosk.set_pin(current_actor(), form.pin.data)
        except InvalidInput as exc:
            form.pin.errors = exc.errors["pin"]
        else:
            flash(gettext("Your kiosk PIN is set."))
            return redirect(url_for("cases.home"))
    return render_template("accounts/pin.html", form=form), 400 if form.errors else 200


@bp.route("/agency/settings", methods=["GET", "POST"])
@login_required
def agency_settings():
    actor = current_actor()
    service.require_role(actor, (Role.ADMIN,))
    form = AgencySettingsForm(obj=actor.user.agency)
    if form.validate_on_submit():
        try:
            upload = form.logo.data
            logo = None
            if upload:  # a large upload is spooled to a temporary file: read it and close it
                with upload.stream:
                    logo = (upload.filename or "", upload.read())
            settings.update_agency_settings(actor, {**form.data, "logo": logo})
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The agency's settings are saved."))
            return redirect(url_for("accounts.agency_settings"))
    return render_template(
        "accounts/agency.html",
        form=form,
        agency=actor.user.agency,
        logo_most_kb=settings.LOGO_MOST_KB,
        logo_most_pixels=settings.LOGO_MOST_PIXELS,
    ), 400 if form.errors else 200


def _staff_choices(actor, form) -> None:
    form.role.choices = staff.role_choices()
    form.supervisor_id.choices = [("", gettext("No supervisor"))] + [
        (str(u.id), u.name) for u in staff.supervisors(actor)
    ]


@bp.route("/agency/staff", methods=["GET", "POST"])
@login_required
def staff_list():
    actor = current_actor()
    members = staff.list_staff(actor)
    form = StaffForm()
    _staff_choices(actor, form)
    if form.validate_on_submit():
        try:
            user = staff.add_staff(
                actor,
                form.email.data or "",
                form.name.data or "",
                form.role.data or "",
                form.password.data or "",
                form.supervisor_id.data or "",
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("%(name)s can sign in now.", name=user.name))
            return redirect(url_for("accounts.staff_list"))
    return render_template("accounts/staff.html", members=members, form=form), (
        400 if form.errors else 200
    )


@bp.route("/agency/staff/<user_id>", methods=["GET", "POST"])
@login_required
def staff_member(user_id):
    actor = current_actor()
    service.require_role(actor, (Role.ADMIN,))
    member = service.get_in_agency(actor, User, user_id)
    form = StaffUpdateForm(
        data={
            "role": member.role.value,
            "supervisor_id": str(member.supervisor_id or ""),
            "active": member.active,
        }
        if request.method == "GET"
        else None
    )
    _staff_choices(actor, form)
    if form.validate_on_submit():
        try:
            staff.update_staff(
                actor,
                user_id,
                form.role.data or "",
                form.supervisor_id.data or "",
                form.active.data,
                form.new_password.data or "",
                form.reset_two_factor.data,
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The changes to %(name)s are saved.", name=member.name))
            return redirect(url_for("accounts.staff_list"))
    return render_template("accounts/staff_member.html", member=member, form=form), (
        400 if form.errors else 200
    )
