"""The admin's bulk page: upload a CSV, check it (dry run) or run it; a run's page shows its
progress row by row and continues a run cut short."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice

from ..errors import InvalidInput
from ..web import current_actor, show_errors
from . import service
from .models import RowStatus

bp = Blueprint("bulk", __name__)
CHECK, RUN = "check", "run"


class BulkForm(FlaskForm):
    """The rules are `bulk.service`'s (`parse`, and each row's document service)."""

    file = FileField(_l("CSV file (UTF-8, one row per client)"))
    mode = RadioField(
        _l("Make"),
        choices=[
            SelectChoice("draft", _l("Drafts, to check and send from each case")),
            SelectChoice("send", _l("Documents sent for signature")),
        ],
        default="draft",
    )


@bp.route("/agency/bulk", methods=["GET", "POST"])
@login_required
def index():
    actor = current_actor()
    runs = service.list_runs(actor)
    form = BulkForm()
    checked = None
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename if upload else ""
        content = upload.read() if upload else b""
        send = form.mode.data == "send"
        try:
            if request.form.get("action") == RUN:
                run = service.start(actor, filename, content, send)
                service.process(actor, run)
                return redirect(url_for("bulk.run", run_id=run.id))
            checked = service.dry_run(actor, filename, content, send)
        except InvalidInput as exc:
            show_errors(form, exc.errors)
    return render_template(
        "bulk/index.html",
        form=form,
        runs=runs,
        checked=checked,
        progress=service.progress,
        check=CHECK,
        run_action=RUN,
    ), 400 if form.errors else 200


@bp.route("/agency/bulk/<run_id>", methods=["GET", "POST"])
@login_required
def run(run_id):
    """A run's rows; POST makes the rows still pending (a run cut short goes on)."""
    actor = current_actor()
    found = service.get_run(actor, run_id)
    if request.method == "POST":
        service.process(actor, found)
        return redirect(url_for("bulk.run", run_id=found.id))
    return render_template(
        "bulk/run.html", run=found, progress=service.progress(found), pending=RowStatus.PENDING
    )
