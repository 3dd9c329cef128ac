"""The signing pages. A client signs on the tablet the case manager hands over: the page shows
only the document being signed, in large plain language, and no way to the rest of the app."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..audit import service as audit
from ..database import after_commit
from ..documents import service
from ..errors import InvalidInput
from ..forms import get_form_type
from ..rendering.queue import enqueue
from ..web import current_actor
from .forms import SignForm
from .models import RemoteLink  # noqa: F401 (registers the table until the service uses it)

bp = Blueprint("signing", __name__)


@bp.route("/documents/<document_id>/sign/<signer_id>", methods=["GET", "POST"])
@login_required
def sign(document_id, signer_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    signer = service.get_signer(actor, document, signer_id)
    form = SignForm()
    status = 200
    if form.validate_on_submit():
        try:
            job = service.sign(
                actor,
                document,
                signer,
                ink_payload=form.ink.data or "",
                shown_content_sha256=form.content_sha256.data or "",
                esign_accepted=form.esign_accepted.data,
            )
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                form[name].errors = messages
            status = 400
        else:
            if job is not None:
                after_commit(lambda: enqueue(job.id))
            if signer.user_id is None:
                return redirect(url_for("signing.hand_back", document_id=document.id))
            flash("Signed.")
            return redirect(url_for("documents.show", document_id=document.id))
    if request.method == "GET":
        audit.record(actor, "document.view_for_signing", document, signer=signer.name)
    form.content_sha256.data = document.content_sha256
    form_type = get_form_type(document.form_type)
    return render_template(
        "signing/sign.html",
        document=document,
        signer=signer,
        next_signer=service.next_signer(document),
        form=form,
        form_type=form_type,
        on_tablet=signer.user_id is None,
        **form_type.page_context(document.data),
    ), status


@bp.route("/documents/<document_id>/hand-back")
@login_required
def hand_back(document_id):
    document = service.get_document(current_actor(), document_id, audit_view=False)
    return render_template("signing/hand_back.html", document=document)
