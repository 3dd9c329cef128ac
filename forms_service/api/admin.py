"""The admin's API tokens page: make one (its secret is shown on this answer only, never
stored or flashed), list them with their last use, revoke one."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from ..errors import InvalidInput
from ..forms.base import MultiCheckboxField
from ..web import current_actor, show_errors
from . import service

bp = Blueprint("api_admin", __name__)


class TokenForm(FlaskForm):
    """A new token; the rules are `api.service.create_token`'s."""

    name = StringField(_l("Name (the system that uses it)"))
    scopes = MultiCheckboxField(_l("It may"), validate_choice=False)


@bp.route("/agency/api-tokens", methods=["GET", "POST"])
@login_required
def tokens():
    actor = current_actor()
    tokens = service.list_tokens(actor)
    form = TokenForm(scopes=["read"])
    form.scopes.choices = [(k, gettext(v)) for k, v in service.SCOPES.items()]
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = service.create_token(
                actor, form.name.data or "", form.scopes.data or []
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            tokens = service.list_tokens(actor)
    return render_template(
        "api/tokens.html", tokens=tokens, form=form, secret=secret, scopes=service.SCOPES
    ), 400 if form.errors else 200


@bp.route("/agency/api-tokens/<token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    token = service.revoke_token(current_actor(), token_id)
    flash(gettext("The token %(name)s no longer works.", name=token.name))
    return redirect(url_for("api_admin.tokens"))
