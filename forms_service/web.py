"""What every page shares: the acting person, error pages, security headers, the login
manager's user loader."""

import time
import uuid

from flask import Flask, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from signatures.ink import parse_ink, render_svg

from .accounts import settings
from .accounts.service import Actor
from .errors import NotFound, PermissionDenied, RuleViolation
from .extensions import db, login_manager
from .i18n import N_, bdi, language_name, typed


def current_actor() -> Actor:
    """The signed-in person as a User row, not Flask-Login's proxy (services store it)."""
    return Actor(
        current_user._get_current_object() if current_user.is_authenticated else None,
        request.remote_addr,
        request.user_agent.string,
    )


SIGNED_IN_AT, ACTIVE_AT = "signed_in_at", "active_at"  # a staff session's clock, in the session


def start_session(user) -> None:
    """Sign `user` in to this browser; their session's idle and lifetime clocks start now."""
    login_user(user)
    session[SIGNED_IN_AT] = session[ACTIVE_AT] = time.time()


def show_errors(form, errors: dict[str, list[str]]) -> None:
    """A service's field errors (already in the page's language) on the form's fields; one
    the form has no field for goes at its top."""
    for name, messages in errors.items():
        if name in form:
            form[name].errors = list(messages)
        else:
            form.form_errors.extend(messages)


def agency_settings_shown(actor: Actor, form_type) -> dict:
    """A form's staff page shows the agency settings it prints (read-only) and, to an admin,
    where to change them."""
    return {
        "from_settings": form_type.agency_values(actor.user.agency),
        "settings_url": url_for("accounts.agency_settings") if settings.may_change(actor) else None,
    }


def signature_svg(signer) -> Markup:
    """A drawn signature as inline SVG (made by the server from validated numbers only), or
    the typed name marked as typed."""
    if signer.ink:
        return Markup(render_svg(parse_ink(signer.ink)))  # noqa: S704 (numbers we generated)
    if signer.typed_name:
        return Markup('<span class="typed-signature">{}</span>').format(
            _("%(name)s (typed)", name=signer.typed_name)
        )
    return Markup("")


def init_app(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("Please sign in to continue.")
    login_manager.localize_callback = _  # flashed in the page's language
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The session's user while its generation is the user's: signing out, a new
        password or role, access taken away end every session at its next request."""
        from .accounts.models import User

        user_id, _sep, generation = session_id.partition(":")
        try:
            user = db.session.get(User, uuid.UUID(user_id))
        except ValueError:
            return None
        if user is None or not user.active or str(user.session_generation) != generation:
            return None
        return user

    from .signing.views import client_error_page

    def error_page(status: int, title: str, message: str):
        """Titles and messages are lazy: a client's page is in their language, staff's in theirs."""
        client_page = client_error_page(status, title, message)
        if client_page is not None:
            return client_page
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(exc):
        return error_page(404, _l("Not found"), _l("There is nothing here, or you may not see it."))

    @app.errorhandler(403)
    @app.errorhandler(PermissionDenied)
    def forbidden(exc):
        message = (
            str(exc)
            if isinstance(exc, PermissionDenied) and str(exc)
            else _l("Your role does not allow this.")
        )
        return error_page(403, _l("Not allowed"), message)

    @app.errorhandler(RuleViolation)
    def rule_violation(exc):
        return error_page(409, _l("This cannot be done"), str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_page(
            400, _l("The page expired"), _l("Go back, reload the page and try again.")
        )

    @app.errorhandler(413)
    def too_large(exc):
        return error_page(413, _l("Too large"), _l("What you sent is too large."))

    @app.errorhandler(405)
    def not_allowed(exc):
        return error_page(405, _l("Not possible here"), _l("This page cannot be used that way."))

    @app.errorhandler(500)
    def server_error(exc):
        return error_page(
            500,
            _l("Something went wrong"),
            _l("Please try again. If it happens again, tell your administrator."),
        )

    @app.errorhandler(429)
    def too_many(exc):
        return error_page(429, _l("Too many attempts"), _l("Wait a minute, then try again."))

    # Pages link the SVG icon; a browser that cannot show it asks for /favicon.ico, a static
    # file like any other (so the kiosk serves it too).
    app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "favicon.ico"})

    from .formatting import date_time, long_date, page_time_zone
    from .forms import get_form_type

    app.add_template_filter(long_date)
    app.add_template_filter(signature_svg)
    app.add_template_filter(bdi)
    app.add_template_filter(typed)
    app.add_template_filter(date_time)
    app.add_template_global(page_time_zone)
    app.add_template_filter(language_name)
    app.add_template_filter(lambda name: _(get_form_type(name).title), "form_title")
    app.add_template_filter(lambda name, data: get_form_type(name).summary(data), "form_summary")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors, for old browsers
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        if request.is_secure:  # over HTTPS (behind a proxy: FORMS_PROXY_HOPS), stay on it
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
