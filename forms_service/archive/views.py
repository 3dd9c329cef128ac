import base64
import uuid

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required

from .. import clock
from ..errors import InvalidInput
from ..extensions import limiter
from ..formatting import show_times_of
from ..forms import get_form_type, vawa_notice
from ..web import current_actor, show_errors
from ..workflows import vawa
from . import copies, retention, service, versions
from . import export as exports
from . import search as searching
from . import status as record_status
from .forms import (
    ExportForm,
    HoldForm,
    LiftHoldForm,
    OpenFileForm,
    PurposeForm,
    SearchForm,
    VerifyForm,
)
from .sharing import CLIENT

bp = Blueprint("archive", __name__, url_prefix="/archive")


@bp.route("/")
@login_required
def search():
    form = SearchForm(request.args)
    criteria = searching.Criteria()
    if request.args and form.validate():
        data = {k: v for k, v in form.data.items() if k != "q" and v is not None}
        criteria = searching.Criteria(name=form.q.data or "", **data)
    try:
        page = searching.search(current_actor(), criteria)
    except InvalidInput as exc:
        show_errors(form, exc.errors)
        page = None
    status = 400 if form.errors or form.form_errors else 200

    def page_url(number):
        return url_for("archive.search", **{**request.args.to_dict(), "page": number})

    return render_template(
        "archive/search.html",
        form=form,
        page=page,
        asked=bool(criteria.given()),
        statuses=record_status.STATUSES,
        prev_url=page_url(page.number - 1) if page and page.number > 1 else None,
        next_url=page_url(page.number + 1) if page and page.number < page.pages else None,
    ), status


def _record_page(record, status=200, **forms):
    actor = current_actor()
    archive_staff = actor.user.role in ("records", "admin")
    return render_template(
        "archive/record.html",
        record=record,
        form=forms.get("form") or OpenFileForm(),
        preview_form=forms.get("preview_form") or PurposeForm(prefix="preview"),
        export_form=forms.get("export_form") or ExportForm(prefix="export"),
        hold_form=forms.get("hold_form") or HoldForm(prefix="hold"),
        form_type=get_form_type(record.form_type),
        status=record_status.statuses([record.id])[record.id],
        statuses=record_status.STATUSES,  # its label: _(statuses[status])
        english_copy=copies.copy_of(record),
        vawa_given=vawa.given_with_record(actor, record),
        vawa_how=vawa.HOW,
        vawa_occasions=vawa_notice.OCCASIONS,
        accesses=service.access_history(actor, record),
        holds=retention.holds(actor, record.client_id) if archive_staff else [],
        archive_staff=archive_staff,
    ), status


def _refused(record_id: str, messages: list[str], back: str | None = None):
    """A refused request about a record (no purpose, a bad version to compare) says what to
    correct and shows nothing of the record, so it is not a view to log."""
    service.find_record(current_actor(), record_id)  # another agency's: not found
    return render_template(
        "archive/refused.html",
        messages=messages,
        back=back or url_for("archive.record", record_id=record_id),
    ), 400


def _errors(form) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


@bp.route("/<record_id>")
@login_required
def record(record_id):
    return _record_page(service.get_record(current_actor(), record_id))


@bp.route("/<record_id>/open", methods=["POST"])
@login_required
def open_file(record_id):
    actor = current_actor()
    form = OpenFileForm()
    if form.validate_on_submit():
        # "pdf"/"docx": the signed original; "copy_pdf"/"copy_docx": its English copy
        english, kind = form.kind.data.startswith("copy_"), form.kind.data.removeprefix("copy_")
        opener = copies.open_copy if english else service.open_file
        try:
            record, *_, blob = opener(
                actor, record_id, kind, form.purpose.data, form.explanation.data
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            filename = f"{record.reference}{'-en' if english else ''}.{kind}"
            disposition = "inline" if kind == "pdf" else "attachment"
            return Response(
                blob,
                mimetype=service.FILE_KINDS[kind],
                headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
            )
    return _refused(record_id, _errors(form))


@bp.route("/<record_id>/preview", methods=["POST"])
@login_required
def preview(record_id):
    actor = current_actor()
    form = PurposeForm(prefix="preview")
    if form.validate_on_submit():
        try:
            record, pages, count = service.preview_pages(
                actor, record_id, form.purpose.data, form.explanation.data
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            images = [base64.b64encode(png).decode() for png in pages]
            return render_template(
                "archive/preview.html", record=record, images=images, count=count
            )
    return _refused(record_id, _errors(form))


@bp.route("/<record_id>/versions")
@login_required
def record_versions(record_id):
    actor = current_actor()
    compare_id, changes = request.args.get("compare", ""), None
    if compare_id:
        try:
            changes = versions.compare(actor, record_id, compare_id)
        except InvalidInput as exc:
            back = url_for("archive.record_versions", record_id=record_id)
            return _refused(record_id, exc.errors["compare"], back)
    history = versions.history(actor, record_id)
    record = next(v.record for v in history if v.record.id == uuid.UUID(record_id))
    return render_template(
        "archive/versions.html",
        record=record,
        history=history,
        compare_id=compare_id,
        changes=changes,
        statuses=record_status.STATUSES,  # a version's label: _(statuses[v.status])
    )


@bp.route("/<record_id>/export", methods=["POST"])
@login_required
def export(record_id):
    actor = current_actor()
    form = ExportForm(prefix="export")
    if form.validate_on_submit():
        record = service.get_record(actor, record_id)
        recipient = CLIENT if form.recipient.data == "client" else form.partner.data
        try:
            result = exports.export_client(
                actor,
                str(record.client_id),
                recipient,
                clock.today(record.document.agency),
                form.purpose.data,
                form.explanation.data,
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            return Response(
                result.data,
                mimetype="application/zip",
                headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
            )
    return _refused(record_id, _errors(form))


@bp.route("/<record_id>/hold", methods=["POST"])
@login_required
def place_hold(record_id):
    actor = current_actor()
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        try:
            retention.place_hold(actor, record_id, form.scope.data, form.reason.data)
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(
                gettext(
                    "Legal hold placed: nothing it covers will be disposed of until it is lifted."
                )
            )
            return redirect(url_for("archive.record", record_id=record_id))
    return _refused(record_id, _errors(form))


@bp.route("/holds")
@login_required
def holds():
    return render_template(
        "archive/holds.html", holds=retention.holds(current_actor()), form=LiftHoldForm()
    )


@bp.route("/holds/<hold_id>/lift", methods=["POST"])
@login_required
def lift_hold(hold_id):
    actor = current_actor()
    form = LiftHoldForm()
    if form.validate_on_submit():
        retention.lift_hold(actor, hold_id, form.reason.data)
        flash(gettext("Legal hold lifted."))
        return redirect(url_for("archive.holds"))
    active = retention.holds(actor)
    retention.get_hold(actor, hold_id)  # another agency's hold is not found, form errors or not
    return render_template("archive/holds.html", holds=active, form=form, failed=hold_id), 400


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    """Public: anyone holding a PDF can learn whether it is an unaltered document of ours."""
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        try:
            result = service.identify_pdf(current_actor(), form.pdf.data.read())
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            if result.record is not None:
                show_times_of(result.record.document.agency)
    return render_template("archive/verify.html", form=form, result=result), (
        400 if form.errors else 200
    )
