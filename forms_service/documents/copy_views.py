"""The client's copy: staff print it or send a one-time link; the client opens the link on
their phone and downloads it once."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import InvalidInput
from ..extensions import db
from ..i18n import client_language
from ..notifications import invitations
from ..notifications.runner import send_soon
from ..web import current_actor, show_errors
from . import client_copy
from . import service as documents
from .forms import CopySendForm
from .views import show_page

bp = Blueprint("copies", __name__)


def _pdf(pdf: bytes, name: str, disposition: str = "inline") -> Response:
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )


@bp.route("/documents/<document_id>/client-copy.pdf")
@login_required
def print_copy(document_id):
    actor = current_actor()
    document = documents.get_document(actor, document_id, audit_view=False)
    pdf = client_copy.print_copy(actor, document)
    return _pdf(pdf, f"{document.reference}-copy.pdf")


@bp.route("/documents/<document_id>/client-copy/send", methods=["POST"])
@login_required
def send(document_id):
    actor = current_actor()
    document = documents.get_document(actor, document_id, audit_view=False)
    form = CopySendForm.offering(invitations.send_options())
    if form.validate_on_submit():
        try:
            to = invitations.recipient(form.send_by.data, form.phone.data, form.email.data)
            message = client_copy.send_copy(actor, document, *to)
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            send_soon()
            flash(_("A link to the client's copy is on its way to %(to)s.", to=message.to_address))
            return redirect(url_for("documents.show", document_id=document.id))
    return show_page(actor, document, copy_form=form, status=400)


@bp.route("/c/<token>", methods=["GET", "POST"])
def download(token):
    """GET names the agency and offers the download (a link preview fetching the address
    must not use it up); POST downloads, once."""
    try:
        link = client_copy.open_copy_link(token)
    except client_copy.CopyLinkDoesNotWork:
        return render_template(
            "signing/remote_message.html",
            title=_("This link does not work"),
            message=_("Ask the agency that sent it to you for your copy."),
        ), 404
    document = link.document
    client_language(document.client.preferred_language)
    if request.method == "POST":  # with the page's CSRF token (CSRFProtect)
        pdf = client_copy.download_copy(link, request.remote_addr, request.user_agent.string)
        db.session.commit()
        return _pdf(pdf, f"{document.reference}.pdf", "attachment")
    return render_template("documents/copy_download.html", agency=document.agency)
