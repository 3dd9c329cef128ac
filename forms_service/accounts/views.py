from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from ..audit import service as audit
from ..extensions import limiter
from ..web import current_actor
from . import service
from .forms import LoginForm

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            audit.record(current_actor(), "user.login", user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("The e-mail or password is not right.")
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record(current_actor(), "user.logout")
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("accounts.login"))
