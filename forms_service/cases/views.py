from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..documents.service import documents_for_case
from ..forms import form_types
from ..web import current_actor
from ..workflows import grievance, plans, termination
from ..workflows.forms import CloseForm, ConferenceForm
from . import service

bp = Blueprint("cases", __name__)
# Started from their workflow step on the case page, never as a free-standing form.
WORKFLOW_FORMS = {
    "termination_notice",
    "appeal",
    "final_decision",
    "grievance",
    "grievance_response",
}


@bp.route("/")
@login_required
def home():
    if current_user.role == Role.RECORDS:
        return redirect(url_for("archive.search"))
    return redirect(url_for("cases.index"))


@bp.route("/cases")
@login_required
def index():
    return render_template("cases/index.html", cases=service.list_cases(current_actor()))


@bp.route("/cases/<case_id>")
@login_required
def show(case_id):
    actor = current_actor()
    case = service.get_case(actor, case_id)
    return render_template(
        "cases/show.html",
        case=case,
        documents=documents_for_case(actor, case),
        form_types=[t for t in form_types() if not t.workflow_step],
        terminations=termination.for_case(actor, case),
        grievances=grievance.for_case(actor, case),
        close_form=CloseForm(),
        current_plan=plans.current_plan(case),
        conference_form=ConferenceForm(),
    )
