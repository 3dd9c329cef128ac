"""The workflow pages: thin steps that bind a form, call the workflow service, and go back to
the case."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from .. import clock
from ..cases.service import close_case, get_case, require_open
from ..database import after_commit
from ..documents import paper_only
from ..documents.forms import LanguageForm
from ..documents.service import get_document
from ..errors import InvalidInput
from ..forms import get_form_type
from ..forms.appeal import Appeal
from ..forms.base import NOT_CHOSEN, adding_row
from ..forms.final_decision import FinalDecision
from ..forms.grievance import Grievance as GrievanceSpec
from ..forms.grievance_response import GrievanceResponse
from ..forms.termination_notice import TerminationNotice
from ..rendering.queue import enqueue
from ..templates_admin.service import templates_for
from ..web import agency_settings_shown, current_actor, show_errors
from . import consent, grievance, plans, revocation_letter, termination, vawa
from .due import waiting_for_signature, whats_due
from .forms import (
    CloseForm,
    ConferenceForm,
    PaperDeliveryForm,
    ReviewerForm,
    RevocationForm,
    VawaForm,
)

bp = Blueprint("workflows", __name__)


@bp.route("/due")
@login_required
def due():
    return render_template("workflows/due.html", items=whats_due(current_actor()))


@bp.route("/waiting")
@login_required
def waiting():
    """Waiting for my signature: the documents where this staff member signs next."""
    return render_template(
        "workflows/waiting.html", documents=waiting_for_signature(current_actor())
    )


def file_when_committed(delivery) -> None:
    """Hand the VAWA forms' render jobs to the queue once the request has committed."""
    for job in vawa.render_jobs(delivery):
        after_commit(lambda job_id=job.id: enqueue(job_id))


def _errors_onto(forms, exc: InvalidInput):
    """Each error on the form that has its field; one that none has, at the top of the first."""
    for name, messages in exc.errors.items():
        show_errors(next((f for f in forms if name in f), forms[0]), {name: messages})


def _step_page(title, case, extra, status=200, note="", **document_part):
    parts = (extra, document_part.get("form"), document_part.get("language_form"))
    return render_template(
        "workflows/step.html",
        title=title,
        case=case,
        forms=[f for f in parts if f is not None],
        extra=extra,
        note=note,
        **document_part,
    ), status


def _document_step(
    title, case, form_type_name, extra, run, note="", preferred=None, recorded=None, start=None
):
    """A step that writes a form type's document: its fields plus the step's own; the
    document is in `preferred` (default: the client's language) when its template offers it.
    What it takes from the workflow's records (`recorded`: field -> value) is shown, not typed;
    `start` (field -> value) is what the empty page offers, e.g. today as the date received."""
    actor = current_actor()
    form_type = get_form_type(form_type_name)
    data_form = form_type.form_class(agency=case.client.agency)
    if request.method == "GET":
        for name, value in (start or {}).items():
            data_form[name].data = value
    language = LanguageForm.offering(
        templates_for(case.client.agency).languages(form_type.name),
        preferred or case.client.preferred_language,
    )
    forms = [f for f in (extra, data_form, language) if f is not None]
    posted = request.method == "POST" and not adding_row(data_form)
    if posted and all(f.validate_on_submit() for f in forms):
        try:
            document = run(data_form.to_data(), **language.chosen())
        except InvalidInput as exc:
            _errors_onto(forms, exc)
        else:
            flash(
                gettext(
                    "%(title)s %(reference)s is ready for signatures.",
                    title=gettext(form_type.title),
                    reference=document.reference,
                )
            )
            return redirect(url_for("documents.show", document_id=document.id))
    return _step_page(
        title,
        case,
        extra,
        400 if posted else 200,
        note,
        form=data_form,
        form_type=form_type,
        language_form=language,
        recorded=recorded,
        **agency_settings_shown(actor, form_type),
    )


@bp.route("/cases/<case_id>/termination", methods=["GET", "POST"])
@login_required
def conference(case_id):
    actor = current_actor()
    case = get_case(actor, case_id)
    require_open(case)
    form = ConferenceForm()
    if form.validate_on_submit():
        try:
            termination.record_conference(
                actor, case, form.on.data, form.attendees.data or "", form.notes.data or ""
            )
        except InvalidInput as exc:
            _errors_onto([form], exc)
        else:
            flash(gettext("Case conference recorded."))
            return redirect(url_for("cases.show", case_id=case.id))
    return _step_page(
        gettext("Case conference before a termination"),
        case,
        form,
        status=400 if form.errors else 200,
    )


@bp.route("/terminations/<termination_id>/notice", methods=["GET", "POST"])
@login_required
def notice(termination_id):
    actor = current_actor()
    t = termination.get(actor, termination_id)
    require_open(t.case)
    extra = ReviewerForm()
    extra.reviewer.choices = [NOT_CHOSEN] + [
        (str(u.id), gettext("%(name)s (%(role)s)", name=u.name, role=gettext(u.role.label)))
        for u in termination.eligible_reviewers(actor, t)
    ]

    def run(data, **chosen):
        reviewer = next(
            u for u in termination.eligible_reviewers(actor, t) if str(u.id) == extra.reviewer.data
        )
        notice = termination.issue_notice(actor, t, data, reviewer, **chosen)
        for delivery in vawa.deliveries_for(actor, notice):
            file_when_committed(delivery)
        return notice

    return _document_step(
        gettext("Termination notice"),
        t.case,
        TerminationNotice.name,
        extra,
        run,
        note=gettext(
            "The reviewer list leaves out you, whoever approves the termination, and anyone who "
            "reports to either of you."
        ),
        recorded=termination.notice_facts(t, clock.today(t.case.client.agency)),
    )


@bp.route("/cases/<case_id>/vawa", methods=["GET", "POST"])
@login_required
def give_vawa(case_id):
    """Give the VAWA notice (HUD-5380) and certification form (HUD-5382) at admission or at a
    denial of assistance: they are generated in the client's language and filed, and their
    delivery recorded."""
    actor = current_actor()
    case = get_case(actor, case_id)
    form = VawaForm()
    if form.validate_on_submit():
        try:
            delivery = vawa.give(actor, case, form.occasion.data, form.how.data)
        except InvalidInput as exc:
            _errors_onto([form], exc)
        else:
            file_when_committed(delivery)
            flash(
                gettext(
                    "VAWA notice %(notice)s and certification form %(certification)s given; "
                    "they are filed in the archive.",
                    notice=delivery.notice.reference,
                    certification=delivery.certification.reference,
                )
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return _step_page(
        gettext("Give the VAWA notice and certification form"),
        case,
        form,
        status=400 if form.errors else 200,
        note=gettext(
            "Give them at admission and when assistance is denied (24 CFR 5.2005(a)). The "
            "certification form is the client's to fill in only if they choose: giving it is "
            "not a request for it."
        ),
    )


@bp.route("/terminations/<termination_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal(termination_id):
    actor = current_actor()
    t = termination.get(actor, termination_id)
    return _document_step(
        gettext("Appeal (filed by or for the client)"),
        t.case,
        Appeal.name,
        None,
        lambda data, **chosen: termination.file_appeal(actor, t, data, **chosen),
        recorded=termination.appeal_facts(t),
        start={"received_on": clock.today(t.case.client.agency)},
    )


@bp.route("/terminations/<termination_id>/decision", methods=["GET", "POST"])
@login_required
def decision(termination_id):
    actor = current_actor()
    t = termination.get(actor, termination_id)
    return _document_step(
        gettext("Final decision"),
        t.case,
        FinalDecision.name,
        None,
        lambda data, **chosen: termination.issue_decision(actor, t, data, **chosen),
        recorded=termination.decision_facts(t, actor.user),
    )


@bp.route("/cases/<case_id>/grievances/new", methods=["GET", "POST"])
@login_required
def file_grievance(case_id):
    actor = current_actor()
    case = get_case(actor, case_id)

    def run(data, **chosen):
        filed = grievance.file_grievance(actor, case, data, **chosen)
        return get_document(actor, filed.grievance_id, audit_view=False)

    return _document_step(
        gettext("Grievance"),
        case,
        GrievanceSpec.name,
        None,
        run,
        start={"filed_on": clock.today(case.client.agency)},
    )


@bp.route("/grievances/<grievance_id>/respond", methods=["GET", "POST"])
@login_required
def respond(grievance_id):
    actor = current_actor()
    g = grievance.get(actor, grievance_id)
    asked = grievance.answer_asked(g)
    if asked["interpreter"]:
        note = gettext(
            "The client asked for the answer in %(language)s, with an interpreter.",
            language=asked["language"],
        )
    else:
        note = gettext(
            "The client asked for the answer in %(language)s.", language=asked["language"]
        )
    return _document_step(
        gettext("Response to grievance %(number)s", number=g.number),
        g.case,
        GrievanceResponse.name,
        None,
        lambda data, **chosen: grievance.respond(actor, g, data, **chosen),
        note=note if asked["language"] else "",
        preferred=asked["code"],
        recorded={"grievance_number": g.number, "grievance_filed_on": g.filed_on.isoformat()},
    )


@bp.route("/documents/<document_id>/revoke", methods=["POST"])
@login_required
def revoke(document_id):
    actor = current_actor()
    release = get_document(actor, document_id, audit_view=False)
    form = RevocationForm()
    if form.validate_on_submit():
        try:
            consent.revoke(actor, release, form.received_at.data, note=form.note.data or "")
        except InvalidInput as exc:
            flash(" ".join(m for ms in exc.errors.values() for m in ms))
        else:
            flash(
                gettext(
                    "Revocation recorded. Check the letter to %(recipient)s, sign it and send it.",
                    recipient=release.data.get("recipient_name"),
                )
            )
            letter = revocation_letter.letters_about(release)[-1]
            return redirect(url_for("documents.edit", document_id=letter.id))
    else:
        flash(gettext("Give the date and time the revocation was received."))
    return redirect(url_for("documents.show", document_id=release.id))


@bp.route("/documents/<document_id>/revocation-letter", methods=["POST"])
@login_required
def write_letter_again(document_id):
    """A revoked consent's letter, written again after its draft was deleted or it was voided."""
    actor = current_actor()
    release = get_document(actor, document_id, audit_view=False)
    letter = revocation_letter.write_again(actor, release)
    flash(
        gettext(
            "The letter to %(recipient)s is written again: check it, sign it and send it.",
            recipient=release.data.get("recipient_name"),
        )
    )
    return redirect(url_for("documents.edit", document_id=letter.id))


@bp.route("/documents/<document_id>/paper-delivery", methods=["POST"])
@login_required
def record_delivery(document_id):
    """The notice's page records how a document given on paper only reached the client."""
    actor = current_actor()
    document = get_document(actor, document_id, audit_view=False)
    staff = paper_only.who_can_deliver(document)
    form = PaperDeliveryForm.offering(staff)
    if form.validate_on_submit():
        by = next(u for u in staff if str(u.id) == form.delivered_by.data)
        try:
            termination.record_notice_delivery(
                actor, document, form.method.data, form.delivered_on.data, by
            )
        except InvalidInput as exc:
            flash(" ".join(m for ms in exc.errors.values() for m in ms))
        else:
            flash(gettext("Delivery recorded."))
    else:
        flash(" ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect(url_for("documents.show", document_id=document.id))


@bp.route("/cases/<case_id>/close", methods=["POST"])
@login_required
def close(case_id):
    actor = current_actor()
    case = get_case(actor, case_id)
    form = CloseForm()
    if form.validate_on_submit():
        close_case(actor, case, form.closed_on.data)
        flash(gettext("Case closed. Its releases of information have ended."))
    else:
        flash(gettext("Give the closing date."))
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/cases/<case_id>/plan-update", methods=["POST"])
@login_required
def plan_update(case_id):
    """Start the next version of the case plan (its 30-day review)."""
    actor = current_actor()
    update = plans.start_update(actor, get_case(actor, case_id))
    flash(
        gettext(
            "Version %(version)s of the case plan: change what needs changing, then sign.",
            version=update.version,
        )
    )
    return redirect(url_for("documents.edit", document_id=update.id))
