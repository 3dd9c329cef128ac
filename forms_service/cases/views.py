from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import clock
from ..accounts.models import Role
from ..documents.service import documents_for_case
from ..errors import InvalidInput
from ..forms import form_types, vawa_notice
from ..i18n import CLIENT_LANGUAGES, language_name
from ..programs import service as programs
from ..programs.forms import LinkGrantForm
from ..signing import kiosk
from ..web import current_actor, show_errors
from ..workflows import grievance, plans, termination, vawa
from ..workflows.forms import CloseForm, ConferenceForm
from . import search, service
from .forms import AnotherCaseForm, CaseSearchForm, HmisIdsForm, IntakeForm

bp = Blueprint("cases", __name__)


@bp.route("/")
@login_required
def home():
    if current_user.role == Role.RECORDS:
        return redirect(url_for("archive.search"))
    return redirect(url_for("cases.index"))


@bp.route("/cases")
@login_required
def index():
    """Every case of the agency, or those found by the search box and filters."""
    form = CaseSearchForm(request.args)
    try:
        cases = search.find_cases(
            current_actor(), form.q.data or "", form.mine.data, form.status.data or ""
        )
    except InvalidInput as exc:
        show_errors(form, exc.errors)
        cases = []
    searched = bool((form.q.data or "").strip() or form.mine.data or form.status.data)
    return render_template(
        "cases/index.html", cases=cases, form=form, searched=searched
    ), 400 if form.errors else 200


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    """Intake: register a client and open their first case."""
    form = IntakeForm(language="en")
    form.language.choices = [(code, language_name(code)) for code in CLIENT_LANGUAGES]
    form.grant_id.choices = [SelectChoice("", gettext("Not known yet"))] + [
        SelectChoice(str(g.id), g.label)
        for g in programs.list_grants(current_actor())
        if g.closeout_on is None
    ]
    if form.validate_on_submit():
        try:
            case = service.register_client(
                current_actor(),
                form.first_name.data or "",
                form.last_name.data or "",
                form.date_of_birth.data,
                form.language.data,
                form.program.data or "",
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            if form.grant_id.data:
                programs.link_grant(current_actor(), str(case.id), form.grant_id.data)
            flash(
                gettext(
                    "%(name)s is registered: case %(case)s.",
                    name=case.client.full_name,
                    case=case.number,
                )
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form), 400 if form.errors else 200


@bp.route("/clients/<client_id>/cases/new", methods=["GET", "POST"])
@login_required
def another(client_id):
    """Another case for a registered client (back after leaving, or a second program)."""
    actor = current_actor()
    found, its_cases = service.get_client(actor, client_id)
    form = AnotherCaseForm(opened_on=clock.today(found.agency), case_manager_email=actor.user.email)
    form.case_manager_email.choices = [(u.email, u.name) for u in service.case_managers(actor)]
    if form.validate_on_submit():
        try:
            case = service.open_another_case(
                actor,
                client_id,
                form.program.data or "",
                form.opened_on.data,
                form.case_manager_email.data or "",
                form.hmis_enrollment_id.data or "",
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(
                gettext(
                    "Case %(case)s is open for %(name)s.", case=case.number, name=found.full_name
                )
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/another.html", client=found, cases=its_cases, form=form
    ), 400 if form.errors else 200


@bp.route("/cases/<case_id>")
@login_required
def show(case_id, hmis_form=None):
    actor = current_actor()
    case = service.get_case(actor, case_id)
    terminations = termination.for_case(actor, case)
    grants = programs.grants_of_case(case)
    grant_form = LinkGrantForm()
    grant_form.grant_id.choices = [
        SelectChoice(str(g.id), g.label) for g in programs.list_grants(actor) if g not in grants
    ]
    documents = documents_for_case(actor, case)
    return render_template(
        "cases/show.html",
        case=case,
        client_cases=service.cases_of(case.client),
        documents=documents,
        packet=kiosk.waiting_for_the_client(documents),
        form_types=[t for t in form_types() if not t.workflow_step],
        terminations=terminations,
        termination_steps={t.id: termination.next_step(t, current_user) for t in terminations},
        exit_words=service.exit_in_words(case),
        grievances=grievance.for_case(actor, case),
        vawa_deliveries=vawa.for_case(actor, case),
        vawa_how=vawa.HOW,
        vawa_occasions=vawa_notice.OCCASIONS,
        close_form=CloseForm(),
        current_plan=plans.current_plan(case),
        conference_form=ConferenceForm(),
        grants=grants,
        grant_form=grant_form,
        client_languages={code: language_name(code) for code in CLIENT_LANGUAGES},
        hmis_form=hmis_form
        or HmisIdsForm(
            hmis_personal_id=case.client.hmis_personal_id,
            hmis_enrollment_id=case.hmis_enrollment_id,
        ),
    ), 400 if hmis_form and hmis_form.errors else 200


@bp.route("/cases/<case_id>/hmis", methods=["POST"])
@login_required
def hmis_ids(case_id):
    """The HMIS PersonalID and EnrollmentID; refused ones are shown on the case page."""
    form = HmisIdsForm()
    if form.validate_on_submit():
        try:
            service.set_hmis_ids(
                current_actor(),
                case_id,
                form.hmis_personal_id.data or "",
                form.hmis_enrollment_id.data or "",
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The HMIS ids are saved."))
            return redirect(url_for("cases.show", case_id=case_id))
    return show(case_id, hmis_form=form)


@bp.route("/cases/<case_id>/language", methods=["POST"])
@login_required
def language(case_id):
    """The language the client reads (CSRF is checked for every POST by the app)."""
    try:
        client = service.set_preferred_language(
            current_actor(), case_id, request.form.get("language", "")
        )
    except InvalidInput as exc:
        flash(gettext("The client's language: %(error)s", error=exc.errors["language"][0]))
    else:
        flash(
            gettext(
                "%(name)s reads %(language)s.",
                name=client.full_name,
                language=language_name(client.preferred_language),
            )
        )
    return redirect(url_for("cases.show", case_id=case_id))
