"""The HMIS export page of records staff and admins: a period, its exits, and the zip."""

import io
import zipfile

from flask import Blueprint, render_template, request, send_file
from flask_login import login_required

from ..errors import InvalidInput
from ..web import current_actor, show_errors
from . import service
from .forms import HmisExportForm

bp = Blueprint("hmis", __name__)


@bp.route("/archive/hmis-export", methods=["GET", "POST"])
@login_required
def export():
    """GET with a period shows what Exit.csv will hold and what is left out; POST downloads
    the zip (Export.csv, Exit.csv)."""
    actor = current_actor()
    service.may_export(actor)
    # the period is checked by a GET (no CSRF token: it changes nothing), downloaded by a POST
    checking = request.method == "GET" and bool(request.args)
    form = HmisExportForm(request.args, meta={"csrf": False}) if checking else HmisExportForm()
    summary = None
    try:
        if request.method == "POST" and form.validate_on_submit():
            made = service.export(actor, form.start.data, form.end.data, form.version.data)
            return send_file(
                io.BytesIO(_zip(made.files)),
                mimetype="application/zip",
                as_attachment=True,
                download_name=f"hmis-{form.version.data}-{form.start.data}-{form.end.data}.zip",
            )
        if checking:
            form.validate()
            summary = service.preview(actor, form.start.data, form.end.data)
    except InvalidInput as exc:
        show_errors(form, exc.errors)
    return render_template("hmis/export.html", form=form, summary=summary), (
        400 if form.errors else 200
    )


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
