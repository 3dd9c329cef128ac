"""The Templates page of agency admins: versions, downloads, the starter, the variables,
upload with the check's report, preview, activate and discard."""

import base64
import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import login_required

from ..errors import InvalidInput
from ..web import current_actor, show_errors
from . import service
from .forms import ActionForm, FileForm, UploadForm

bp = Blueprint("templates_admin", __name__, url_prefix="/agency/templates")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/")
@login_required
def index():
    return render_template(
        "templates_admin/index.html",
        forms=service.overview(current_actor()),
        labels=service.STATUS_LABELS,
    )


def _uploaded(form, form_type: str, into: int | None = None):
    """The posted file checked and stored (the version's page to go to), or None with the
    problems on the form's fields."""
    upload = form.template.data
    blob = b""
    if upload:  # a large upload is spooled to a temporary file: read it and close it
        with upload.stream:
            blob = upload.read()
    try:
        if not blob:
            raise InvalidInput({"template": [gettext("Choose a Word file (.docx).")]})
        note = (form.note.data or "") if "note" in form else ""
        done = service.upload_template(
            current_actor(), form_type, form.language.data, blob, note, into=into
        )
    except InvalidInput as exc:
        show_errors(form, exc.errors)
        return None
    flash(gettext("The file passed the check. Look at the preview, then activate it."))
    return redirect(url_for(".version", form_type=form_type, number=done.version.number))


@bp.route("/<form_type>", methods=["GET", "POST"])
@login_required
def form_type(form_type):
    (templates,) = service.overview(current_actor(), form_type)
    form = UploadForm()
    if form.validate_on_submit() and (done := _uploaded(form, templates.form_type.name)):
        return done
    return render_template(
        "templates_admin/form_type.html",
        templates=templates,
        form=form,
        labels=service.STATUS_LABELS,
    ), 400 if form.errors else 200


@bp.route("/<form_type>/variables")
@login_required
def variables(form_type):
    (templates,) = service.overview(current_actor(), form_type)
    return render_template(
        "templates_admin/variables.html",
        templates=templates,
        variables=service.variables_page(current_actor(), form_type),
    )


@bp.route("/<form_type>/starter-<language>.zip")
@login_required
def starter(form_type, language):
    name, zipped = service.starter_download(current_actor(), form_type, language)
    return send_file(
        io.BytesIO(zipped),
        mimetype="application/zip",
        as_attachment=True,
        download_name=name,
    )


@bp.route("/<form_type>/<int:number>", methods=["GET", "POST"])
@login_required
def version(form_type, number):
    """A version, its preview, and for a draft: another language's file, activate, discard."""
    form = FileForm()
    if form.validate_on_submit() and (done := _uploaded(form, form_type, number)):
        return done
    page = service.version_page(current_actor(), form_type, number)
    images = {
        lang: [base64.b64encode(png).decode() for png in pngs]
        for lang, pngs in page.previews.items()
    }
    return render_template(
        "templates_admin/version.html",
        page=page,
        images=images,
        form=form,
        action_form=ActionForm(),
        labels=service.STATUS_LABELS,
    ), 400 if form.errors else 200


@bp.route("/<form_type>/<int:number>/activate", methods=["POST"])
@login_required
def activate(form_type, number):
    if ActionForm().validate_on_submit():
        service.activate(current_actor(), form_type, number)
        flash(gettext("Version %(number)s is active: new forms use it.", number=number))
    return redirect(url_for(".version", form_type=form_type, number=number))


@bp.route("/<form_type>/<int:number>/discard", methods=["POST"])
@login_required
def discard(form_type, number):
    if ActionForm().validate_on_submit():
        service.discard(current_actor(), form_type, number)
        flash(gettext("Version %(number)s is discarded: no form will use it.", number=number))
    return redirect(url_for(".form_type", form_type=form_type))


@bp.route("/<form_type>/<int:number>/retire", methods=["POST"])
@login_required
def retire(form_type, number):
    if ActionForm().validate_on_submit():
        now_used = service.retire(current_actor(), form_type, number)
        flash(
            gettext(
                "Version %(number)s is retired: new forms use %(versions)s. Forms already sent "
                "keep the version they were sent with.",
                number=number,
                versions=service.versions_used(now_used),
            )
        )
    return redirect(url_for(".form_type", form_type=form_type))


@bp.route("/<form_type>/<int:number>/<language>.docx")
@login_required
def download(form_type, number, language):
    blob = service.template_file(current_actor(), form_type, number, language)
    return send_file(
        io.BytesIO(blob),
        mimetype=DOCX,
        as_attachment=True,
        download_name=f"{form_type}-v{number}-{language}.docx",
    )
