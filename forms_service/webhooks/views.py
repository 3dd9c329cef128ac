"""The admin's Webhooks pages: endpoints, their secret (shown once), their delivery log."""

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import login_required

from ..errors import InvalidInput
from ..web import current_actor, show_errors
from . import service
from .forms import EditEndpointForm, EndpointForm, RedeliverForm

bp = Blueprint("webhooks", __name__)
# The new secret, in the session from the POST that made it to the page that shows it once.
NEW_SECRET = "webhook_secret"  # noqa: S105 (the session key's name, not a secret)


@bp.route("/agency/webhooks", methods=["GET", "POST"])
@login_required
def endpoints():
    actor = current_actor()
    listed = service.endpoints(actor)
    form = EndpointForm()
    if form.validate_on_submit():
        try:
            endpoint, secret = service.create_endpoint(actor, form.url.data, form.events.data)
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            session[NEW_SECRET] = [str(endpoint.id), secret]
            return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    return render_template(
        "webhooks/endpoints.html", endpoints=listed, form=form, events=service.EVENTS
    ), 400 if form.errors else 200


@bp.route("/agency/webhooks/<endpoint_id>", methods=["GET", "POST"])
@login_required
def endpoint(endpoint_id):
    actor = current_actor()
    endpoint = service.get_endpoint(actor, endpoint_id)
    form = EditEndpointForm(obj=endpoint)
    if form.validate_on_submit():
        try:
            service.update_endpoint(
                actor, endpoint, form.url.data, form.events.data, form.enabled.data
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The endpoint is saved."))
            return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
    shown = session.pop(NEW_SECRET, None)
    secret = shown[1] if shown and shown[0] == str(endpoint.id) else None
    return render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        form=form,
        secret=secret,
        log=service.delivery_log(actor, endpoint),
        redeliver_form=RedeliverForm(),
    ), 400 if form.errors else 200


@bp.route("/agency/webhooks/<endpoint_id>/deliveries/<delivery_id>", methods=["POST"])
@login_required
def redeliver(endpoint_id, delivery_id):
    actor = current_actor()
    endpoint = service.get_endpoint(actor, endpoint_id)
    if not RedeliverForm().validate_on_submit():
        abort(400)
    service.redeliver(actor, endpoint, delivery_id)
    flash(gettext("The event is queued to be sent again."))
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))
