from flask import Blueprint, Response, current_app, render_template, request
from flask_login import login_required

from ..errors import InvalidInput
from ..extensions import limiter
from ..forms import get_form_type
from ..web import current_actor
from . import service
from .forms import OpenFileForm, VerifyForm

bp = Blueprint("archive", __name__, url_prefix="/archive")


@bp.route("/")
@login_required
def search():
    query = request.args.get("q", "").strip()[:200]
    records = service.search(current_actor(), query)
    return render_template("archive/search.html", query=query, records=records)


def _record_page(record, form, status=200):
    return render_template(
        "archive/record.html",
        record=record,
        form=form,
        form_type=get_form_type(record.form_type),
        accesses=service.access_history(current_actor(), record),
    ), status


@bp.route("/<record_id>")
@login_required
def record(record_id):
    record = service.get_record(current_actor(), record_id)
    return _record_page(record, OpenFileForm())


@bp.route("/<record_id>/open", methods=["POST"])
@login_required
def open_file(record_id):
    actor = current_actor()
    form = OpenFileForm()
    if form.validate_on_submit():
        try:
            record, blob = service.open_file(
                actor, record_id, form.kind.data, form.purpose.data, form.explanation.data
            )
        except InvalidInput as exc:
            for name, messages in exc.errors.items():
                form[name].errors = messages
        else:
            filename = f"{record.reference}.{form.kind.data}"
            disposition = "inline" if form.kind.data == "pdf" else "attachment"
            return Response(
                blob,
                mimetype=service.FILE_KINDS[form.kind.data],
                headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
            )
    record = service.get_record(actor, record_id)
    return _record_page(record, form, 400)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    """Public: anyone holding a PDF can learn whether it is an unaltered document of ours."""
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        result = service.identify_pdf(current_actor(), form.pdf.data.read())
    return render_template("archive/verify.html", form=form, result=result), (
        400 if form.errors else 200
    )
