from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from .. import clock
from ..archive.service import record_for_document
from ..audit import service as audit
from ..cases.service import get_case, require_open
from ..database import after_commit
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms import get_form_type
from ..forms.base import adding_row
from ..notifications import invitations
from ..notifications.service import messages_about
from ..rendering.models import RenderStatus
from ..rendering.queue import enqueue
from ..signing.remote import active_links
from ..templates_admin.service import templates_for
from ..web import agency_settings_shown, current_actor, show_errors
from ..workflows import consent, plans, revocation_letter
from ..workflows.forms import PaperDeliveryForm, RevocationForm
from . import delivery, paper_only, service
from . import paper as paper_service
from .forms import CopySendForm, DeliveryForm, LanguageForm, PaperReceivedForm, VoidForm
from .models import DocumentStatus

bp = Blueprint("documents", __name__)


SEND_ANYWAY = "send-anyway"  # the button of the language check: staff checked what they typed


def _save_and_maybe_send(form, document):
    """After saving: send for signature when asked. A draft that cannot go yet (blank required
    elements, a language the client does not read, typed text to check) is kept and goes back
    to its edit page with the reason; the attempt is undone to a savepoint, never the draft."""
    action = request.form.get("action")
    if action not in ("send", SEND_ANYWAY):
        flash(gettext("Draft saved."))
        return redirect(url_for("documents.edit", document_id=document.id))
    try:
        with db.session.begin_nested():
            service.send_for_signature(
                current_actor(), document, ask_about_typed_language=action == "send"
            )
    except InvalidInput:
        flash(
            gettext("Draft saved. Fill in the items marked below before sending it for signature.")
        )
        return redirect(url_for("documents.edit", document_id=document.id, check=1))
    except service.TypedLanguageDoubt:
        flash(gettext("Draft saved, not sent yet: check the language of what you typed."))
        return redirect(url_for("documents.edit", document_id=document.id, check="language"))
    except RuleViolation as exc:
        flash(gettext("Draft saved, not sent: %(reason)s", reason=str(exc)))
        return redirect(url_for("documents.edit", document_id=document.id))
    flash(gettext("Ready to sign. Hand the tablet to the signer."))
    return redirect(url_for("documents.show", document_id=document.id))


def _language_form(form_type, case, document=None) -> LanguageForm:
    return LanguageForm.offering(
        templates_for(case.client.agency).languages(form_type.name),
        case.client.preferred_language,
        document,
    )


def _form_page(form, form_type, case, document, language, language_doubts=None):
    refused = request.method == "POST" and not adding_row(form)  # a POST that comes back
    return render_template(
        "documents/edit.html",
        form=form,
        form_type=form_type,
        case=case,
        document=document,
        language_form=language,
        language_doubts=language_doubts or {},
        send_anyway=SEND_ANYWAY,
        recorded={name: document.data.get(name) for name in form_type.workflow_fields}
        if document is not None
        else None,
        **agency_settings_shown(current_actor(), form_type),
    ), (400 if refused else 200)


@bp.route("/cases/<case_id>/forms/<form_type>/new", methods=["GET", "POST"])
@login_required
def new(case_id, form_type):
    actor = current_actor()
    case = get_case(actor, case_id)
    ft = get_form_type(form_type)
    if ft.workflow_step:  # written from its step on the case page, with the workflow's data
        return redirect(url_for("cases.show", case_id=case.id))
    require_open(case)
    form = ft.form_class(agency=case.client.agency)
    language = _language_form(ft, case)
    if not adding_row(form) and form.validate_on_submit() and language.validate_on_submit():
        try:
            document = service.start_document(
                actor, case, ft.name, form.to_data(), **language.chosen()
            )
        except InvalidInput as exc:
            show_errors(language, exc.errors)
        else:
            return _save_and_maybe_send(form, document)
    return _form_page(form, ft, case, None, language)


@bp.route("/documents/<document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(document_id):
    actor = current_actor()
    document = service.get_document(actor, document_id)
    ft = get_form_type(document.form_type)
    if document.status != DocumentStatus.DRAFT:
        flash(gettext("This form was sent for signature; it can no longer be changed."))
        return redirect(url_for("documents.show", document_id=document.id))
    language = _language_form(ft, document.case, document)
    if request.method == "POST":
        form = ft.form_class(agency=document.agency)
        if not adding_row(form) and form.validate_on_submit() and language.validate_on_submit():
            try:
                service.update_draft(actor, document, form.to_data(), **language.chosen())
            except InvalidInput as exc:
                show_errors(language, exc.errors)
            else:
                return _save_and_maybe_send(form, document)
    else:
        form = ft.form_class.from_data(document.data, agency=document.agency)
        if request.args.get("check") == "language":
            doubts = service.typed_language_doubts(document)
            return _form_page(form, ft, document.case, document, language, doubts)
        if request.args.get("check"):
            for name, messages in ft.missing_elements(document.data).items():
                form[name].errors = messages
    return _form_page(form, ft, document.case, document, language)


@bp.route("/documents/<document_id>")
@login_required
def show(document_id):
    actor = current_actor()
    return show_page(actor, service.get_document(actor, document_id))


def _links_and_messages(actor, document, copy_form=None) -> dict:
    """The signing links that work (those sent by a message can be sent again, once per
    press of the page's button), the ways this server can send one, the client's copy's send
    form, and the messages sent about the document with what became of them."""
    links = active_links(actor, document)
    send = invitations.send_options()
    return {
        "remote_links": links,
        "invitations": invitations.invitations_for(links),
        "send": send,
        "copy_form": copy_form or CopySendForm.offering(send, formdata=None),
        "messages": messages_about(actor, document),
    }


def _delivery_part(document, form=None) -> dict:
    """A notice, decision or response owed to the client: how and when it was delivered."""
    if not get_form_type(document.form_type).delivered:
        return {}
    form = form or DeliveryForm.offering(delivery.methods_for(document))
    if form.delivered_on.data is None and not form.errors:
        form.delivered_on.data = clock.today(document.agency)
    return {
        "deliveries": delivery.deliveries_of(document),
        "delivery_form": form if delivery.needs_delivery(document) else None,
        "delivery_methods": delivery.METHOD_LABELS,
    }


@bp.route("/documents/<document_id>/delivery", methods=["POST"])
@login_required
def record_delivery(document_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    delivery.require_deliverable(document)
    form = DeliveryForm.offering(delivery.methods_for(document))
    if form.validate_on_submit():
        try:
            delivery.record_delivery(
                actor, document, form.method.data or "", form.delivered_on.data, form.note.data
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("The delivery is recorded."))
            return redirect(url_for("documents.show", document_id=document.id))
    return show_page(actor, document, delivery_form=form, status=400)


def show_page(actor, document, void_form=None, status=200, delivery_form=None, copy_form=None):
    form_type = get_form_type(document.form_type)
    return render_template(
        "documents/show.html",
        document=document,
        form_type=form_type,
        # a voided document offers nobody a way to sign it
        next_signer=None
        if document.status == DocumentStatus.VOIDED
        else service.next_signer(document),
        statuses=DocumentStatus,
        voidable=document.status in service.VOIDABLE,
        void_form=void_form or VoidForm(),
        **_rendering(actor, document),
        release=consent.release_status(document) if document.form_type == consent.RELEASE else None,
        revocation_form=RevocationForm(),
        revocation_letters=revocation_letter.letters_about(document)
        if document.form_type == consent.RELEASE
        else [],
        letter_owed=document.form_type == consent.RELEASE
        and revocation_letter.untold_end(document) is not None,
        paper_delivery=paper_only.delivery_of(document),
        awaiting_paper_delivery=paper_only.awaiting_delivery(document),
        paper_delivery_form=PaperDeliveryForm.offering(
            paper_only.who_can_deliver(document),
            actor.user,
            formdata=None,
            data={"delivered_on": clock.today(document.agency)},
        ),
        paper_delivery_methods=paper_only.METHODS,
        content_shown=service.content_shown(document),
        changes=plans.changes(document) if service.content_shown(document) else None,
        **_links_and_messages(actor, document, copy_form),
        **_delivery_part(document, delivery_form),
        **form_type.page_context(document.data),
    ), status


@bp.route("/documents/<document_id>/void", methods=["POST"])
@login_required
def void(document_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            service.void(actor, document, form.reason.data or "")
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            flash(gettext("Voided. Its tablet handover and signing links no longer work."))
            return redirect(url_for("documents.show", document_id=document.id))
    return show_page(actor, document, void_form=form, status=400)


@bp.route("/documents/<document_id>/delete", methods=["POST"])
@login_required
def delete(document_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    service.delete_draft(actor, document)
    flash(gettext("Draft %(reference)s deleted.", reference=document.reference))
    return redirect(url_for("cases.show", case_id=document.case_id))


@bp.route("/documents/<document_id>/paper-received", methods=["GET", "POST"])
@login_required
def receive_paper(document_id):
    """The scan of a form signed on paper, uploaded by the staff member who received it."""
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=request.method == "GET")
    if request.method == "GET" and document.status != DocumentStatus.PAPER:
        return redirect(url_for("documents.show", document_id=document.id))
    form = PaperReceivedForm.about(document)
    if form.validate_on_submit():
        scan = form.scan.data.read() if form.scan.data else b""
        try:
            job = paper_service.receive_paper(
                actor, document, scan, form.received_on.data, form.attested.data
            )
        except InvalidInput as exc:
            show_errors(form, exc.errors)
        else:
            after_commit(lambda: enqueue(job.id))
            flash(gettext("The signed paper form is received; this page shows when it is filed."))
            return redirect(url_for("documents.show", document_id=document.id))
    return render_template("documents/paper_received.html", form=form, document=document), (
        400 if request.method == "POST" else 200
    )


@bp.route("/documents/<document_id>/render-status")
@login_required
def render_status(document_id):
    """The document page's rendering part, which that page asks for while it waits."""
    actor = current_actor()
    document = service.get_document(actor, document_id)
    return render_template(
        "documents/_render_status.html",
        document=document,
        statuses=DocumentStatus,
        **_rendering(actor, document),
    )


def _rendering(actor, document) -> dict:
    return {
        "job": service.render_job(actor, document),
        "render_statuses": RenderStatus,
        "record": record_for_document(actor, document),
    }


@bp.route("/documents/<document_id>/render", methods=["POST"])
@login_required
def retry_render(document_id):
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    job = service.retry_render(actor, document)
    after_commit(lambda: enqueue(job.id))
    flash(gettext("Rendering again. This page shows when it is done."))
    return redirect(url_for("documents.show", document_id=document.id))


@bp.route("/documents/<document_id>/paper.pdf")
@login_required
def paper(document_id):
    """The paper form for a signer who asked for paper (ESIGN: the right to a paper copy)."""
    actor = current_actor()
    document = service.get_document(actor, document_id, audit_view=False)
    if document.status != DocumentStatus.PAPER:
        raise RuleViolation(gettext("Nobody asked to sign this document on paper."))
    from ..rendering.jobs import render_for_paper  # the renderer's libraries, loaded here

    pdf = render_for_paper(document)
    audit.record(actor, "document.print_paper", document)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{document.reference}-paper.pdf"'},
    )
