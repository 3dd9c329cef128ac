from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required, login_user, logout_user

from ..audit import service as audit
from ..errors import InvalidInput
from ..extensions import limiter
from ..signing import kiosk
from ..web import current_actor, show_errors
from . import service, settings, signin, staff
from .forms import AgencySettingsForm, LoginForm, PinForm, StaffForm, StaffUpdateForm
from .models import Role, User

bp = Blueprint("accounts", __name__)


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
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            audit.record(current_actor(), "user.login", user)
            return redirect(_safe_next(request.args.get("next")))
        signin.failed_login(current_actor(), form.email.data or "")
        form.password.errors.append(gettext("The e-mail or password is not right."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


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
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The changes to %(name)s are saved.", name=member.name))
            return redirect(url_for("accounts.staff_list"))
    return render_template("accounts/staff_member.html", member=member, form=form), (
        400 if form.errors else 200
    )
