from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from ..accounts.models import Role
from ..accounts.service import require_role
from ..errors import InvalidInput
from ..web import current_actor, show_errors
from . import service
from .forms import GrantForm, LinkGrantForm
from .models import FUNDER_LABELS

bp = Blueprint("programs", __name__)


def _save(form: GrantForm, grant=None):
    """Save the submitted grant; None when the form or the service refused it."""
    if not form.validate_on_submit():
        return None
    try:
        return service.save_grant(
            current_actor(),
            grant,
            form.program.data,
            form.number.data,
            form.funder.data,
            form.starts_on.data,
            form.closeout_on.data,
        )
    except InvalidInput as exc:
        show_errors(form, exc.errors)
        return None


@bp.route("/agency/grants", methods=["GET", "POST"])
@login_required
def grants():
    actor = current_actor()
    require_role(actor, (Role.ADMIN,))
    form = GrantForm()
    grant = _save(form)
    if grant is not None:
        flash(gettext("Grant %(number)s is recorded.", number=grant.number))
        return redirect(url_for("programs.grants"))
    return render_template(
        "programs/grants.html",
        grants=service.list_grants(actor),
        form=form,
        funders=FUNDER_LABELS,
    ), 400 if form.errors else 200


@bp.route("/agency/grants/<grant_id>", methods=["GET", "POST"])
@login_required
def grant(grant_id):
    actor = current_actor()
    grant = service.get_grant(actor, grant_id)
    form = GrantForm(obj=grant)
    if _save(form, grant) is not None:
        flash(gettext("The changes to grant %(number)s are saved.", number=grant.number))
        return redirect(url_for("programs.grants"))
    return render_template("programs/grant.html", grant=grant, form=form), (
        400 if form.errors else 200
    )


@bp.route("/cases/<case_id>/grants", methods=["POST"])
@login_required
def link(case_id):
    form = LinkGrantForm()  # its CSRF token is checked for every POST
    try:
        grant = service.link_grant(current_actor(), case_id, form.grant_id.data or "")
    except InvalidInput as exc:
        flash(" ".join(exc.errors["grant_id"]))
    else:
        flash(gettext("Grant %(number)s is linked to this case.", number=grant.number))
    return redirect(url_for("cases.show", case_id=case_id))
