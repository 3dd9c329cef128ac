"""Every staff form page, walked as it renders: no two inputs of one form share a name
(checkbox and radio groups aside), so what a person types in one field is never sent as, or
overwritten by, another's. The pages come from the app's URL rules, and every rule that takes
a POST must be reached by a form on one of them, so a new form page cannot be left out."""

import uuid
from dataclasses import asdict
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from forms_service import clock
from forms_service.archive.models import ArchiveRecord
from forms_service.bulk.models import BulkRow
from forms_service.database import utcnow
from forms_service.documents.models import Document, DocumentStatus
from forms_service.documents.service import (
    choose_paper,
    delete_draft,
    send_for_signature,
    start_document,
)
from forms_service.extensions import db
from forms_service.forms import form_type_that, form_types, get_form_type
from forms_service.notifications.models import Channel, Invitation, Notice
from forms_service.rendering.models import RenderJob, RenderStatus
from forms_service.templates_admin.models import AgencyTemplateVersion, TemplateStatus
from forms_service.workflows import termination as terminations
from forms_service.workflows.consent import revoke
from forms_service.workflows.plans import PLAN
from forms_service.workflows.revocation_letter import letters_about
from tests.conftest import login
from tests.pages import duplicate_names, open_page
from tests.test_access import PUBLIC_ENDPOINTS, _holdings

# The client's own pages (the tablet in kiosk mode and the one-time link on their phone):
# tests/signing walks them, with the tablet handed over or the link opened.
CLIENT_PAGES = {
    "signing.sign",
    "signing.kiosk_sign",
    "signing.kiosk_decline",
    "signing.kiosk_language",
    "signing.kiosk_paper",
    "signing.kiosk_still_here",
    "signing.kiosk_unlock",
} | {e for e in PUBLIC_ENDPOINTS if e.startswith(("remote.", "copies."))}
# Posted to outside a page's form: the sign-in's code step and agency choice, before a session
# exists (tests/accounts/test_two_factor.py and test_signin.py submit them), and the idle
# warning's "Stay signed in".
# A template version posts to itself only while it is a draft (the walk opens one); an active
# one is read-only, and offers to retire it.
OWN_FORM_IN_SOME_STATES = {"templates_admin.version"}
NO_STAFF_FORM = {"accounts.second_factor", "accounts.choose_agency", "accounts.still_here"}
FREE_STANDING = [t.name for t in form_types() if not t.workflow_step]


def api(rule) -> bool:
    """The JSON API has no pages: tests/api walks it."""
    return rule.endpoint.startswith("api.")


def _signed(document: Document) -> None:
    """Filed, as far as the pages can tell (the state that shows a release's revocation and
    a plan's review)."""
    document.status = DocumentStatus.ARCHIVED
    document.completed_at = utcnow()


@pytest.fixture
def walk(world, client):
    """The URL of every page an admin (who may use them all) can open, with the objects that
    make each page show its forms: a draft of every free-standing form type, a filed release,
    a signed case plan, a signed consent whose render gave up and one to be signed on paper."""
    held = _holdings(world, world.case_manager, world.case)
    actor = world.actor(world.case_manager)
    drafts = [
        start_document(actor, world.case, name, get_form_type(name).example())
        for name in (*FREE_STANDING, PLAN)
    ]
    _signed(drafts.pop())
    letter = form_type_that("due_as_draft")  # written as a draft when a consent is revoked
    drafts.append(start_document(actor, world.case, letter.name, letter.example()))
    release = db.session.get(ArchiveRecord, uuid.UUID(held.record_id)).document
    _signed(release)
    consent = get_form_type("consent_release")
    gave_up = start_document(actor, world.case, consent.name, consent.example())
    gave_up.status = DocumentStatus.SIGNED
    db.session.add(RenderJob(document=gave_up, status=RenderStatus.FAILED, attempts=3))
    # An appeal follows a notice; a final decision is written by the reviewer the notice
    # named, once an appeal is filed.
    noticed, appealed = (
        terminations.record_conference(
            actor, world.case, clock.today(world.agency), "All", "Weighed."
        )
        for _ in range(2)
    )
    notice = get_form_type("termination_notice").example()
    for t in (noticed, appealed):
        terminations.issue_notice(actor, t, notice, world.admin)
    terminations.file_appeal(actor, appealed, get_form_type("appeal").example())
    # A filed notice to record the delivery of, and one that ends a lease, sent on paper only.
    delivered = db.session.get(Document, noticed.notice_id)
    _signed(delivered)
    lease = terminations.record_conference(
        actor, world.case, clock.today(world.agency), "All", "Weighed."
    )
    ends_lease = {**notice, "ends_lease": True, "lease_description": "Unit 4B"}
    terminations.issue_notice(actor, lease, ends_lease, world.admin)
    on_paper_only = db.session.get(Document, lease.notice_id)
    # A revoked consent whose letter's draft was deleted offers to write it again.
    unsent = send_for_signature(
        actor, start_document(actor, world.case, consent.name, consent.example())
    )
    _signed(unsent)
    unsent.completed_at -= timedelta(days=1)
    revoke(actor, unsent, utcnow() - timedelta(hours=1))
    delete_draft(actor, letters_about(unsent)[0])
    on_paper = send_for_signature(
        actor, start_document(actor, world.case, consent.name, consent.example())
    )
    choose_paper(actor, on_paper, on_paper.signers[0])
    # A notice for the admin (Mark all as read), the signing link sent by e-mail (Send it
    # again), and an agency's draft template version (activate, discard, another language).
    db.session.add(
        Notice(
            agency_id=world.agency.id,
            user_id=world.admin.id,
            event_key="walk",
            kind="filed",
            subject="CR-1",
            url="/",
        )
    )
    db.session.add(
        Invitation(
            agency_id=world.agency.id,
            link_id=uuid.UUID(held.link_id),
            channel=Channel.EMAIL,
            to_address="client@example.org",
            url_sealed="",
        )
    )
    draft = AgencyTemplateVersion(
        agency_id=world.agency.id, form_type=consent.name, number=99, added_by="walk"
    )
    active = AgencyTemplateVersion(  # its page offers to retire it
        agency_id=world.agency.id,
        form_type=consent.name,
        number=98,
        added_by="walk",
        status=TemplateStatus.ACTIVE,
        activated_at=utcnow(),
    )
    db.session.add_all([draft, active])
    db.session.add(  # a run with a row still to do offers to go on
        BulkRow(run_id=uuid.UUID(held.run_id), number=2, values={"client": "C-1"})
    )
    db.session.commit()
    # URL argument -> id (Holdings names them alike); the draft template version
    values = {**asdict(held), "number": draft.number, "language": "en"}
    adapter = client.application.url_map.bind("localhost")
    urls = []
    for rule in client.application.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in CLIENT_PAGES | {"static"} or api(rule):
            continue
        if rule.endpoint == "documents.new":
            urls += [
                adapter.build(rule.endpoint, {"case_id": held.case_id, "form_type": t})
                for t in FREE_STANDING
            ]
        elif rule.endpoint == "documents.show":  # being signed, filed, render gave up, a draft
            urls += [
                adapter.build(rule.endpoint, {"document_id": d})
                for d in (
                    *(held.document_id, release.id, gave_up.id, held.draft_id),
                    *(delivered.id, on_paper_only.id, unsent.id),
                )
            ]
        elif rule.endpoint == "documents.receive_paper":
            urls.append(adapter.build(rule.endpoint, {"document_id": on_paper.id}))
        elif rule.endpoint == "documents.edit":
            urls += [adapter.build(rule.endpoint, {"document_id": d.id}) for d in drafts]
        elif rule.endpoint == "templates_admin.version":
            urls += [
                adapter.build(rule.endpoint, {"form_type": consent.name, "number": v.number})
                for v in (draft, active)
            ]
        elif rule.endpoint == "workflows.appeal":
            urls.append(adapter.build(rule.endpoint, {"termination_id": noticed.id}))
        elif rule.endpoint == "workflows.decision":
            urls.append(adapter.build(rule.endpoint, {"termination_id": appealed.id}))
        else:
            urls.append(adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments}))
    return urls


def test_no_two_inputs_of_a_staff_form_share_a_name(client, world, walk):
    client.application.config["SMTP_URL"] = "smtp://127.0.0.1:25"  # sending offered, never used
    adapter = client.application.url_map.bind("localhost")
    shared, posted_to, without_form = [], set(), []
    pages = [open_page(client, "/login")]
    login(client, world.admin)
    for url in walk:
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # a redirect, or a file (the paper PDF)
        pages.append(open_page(client, url))
    for page in pages:
        shared += [(page.url, name) for _, name in duplicate_names(page.html)]
        own = False
        for form in page.forms:
            if (form["attrs"].get("method") or "get").lower() != "post":
                continue
            action = urlsplit(form["attrs"].get("action") or page.url).path
            endpoint, _ = adapter.match(action, method="POST")
            posted_to.add(endpoint)
            own = own or action == urlsplit(page.url).path
        try:
            endpoint, _ = adapter.match(urlsplit(page.url).path, method="POST")
        except (MethodNotAllowed, NotFound):
            continue
        if not own and endpoint not in OWN_FORM_IN_SOME_STATES:
            without_form.append(page.url)

    assert not shared, f"inputs that share a name: {shared}"
    assert not without_form, f"pages that take a POST but show no form for it: {without_form}"
    posts = {
        rule.endpoint
        for rule in client.application.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint not in CLIENT_PAGES | NO_STAFF_FORM
        and not api(rule)
    }
    assert not posts - posted_to, f"no walked page has a form for: {sorted(posts - posted_to)}"


def test_the_walk_opens_a_new_and_an_edit_page_of_every_free_standing_form(walk):
    """The control for the walk: each form type's pages are in it."""
    paths = [urlsplit(url).path for url in walk]
    drafts = db.session.execute(
        select(Document.id, Document.form_type).where(Document.status == DocumentStatus.DRAFT)
    ).all()
    for name in FREE_STANDING:
        assert any(p.endswith(f"/forms/{name}/new") for p in paths), name
        assert any(f"/documents/{i}/edit" in paths for i, t in drafts if t == name), name


def test_every_field_a_spec_lets_staff_type_is_on_a_walked_page(client, world, walk):
    """The generic edit page (forms/_spec_fields.html) offers each typed field of every form
    spec, its repeating groups' fields included, on the page that form is filled on."""
    login(client, world.admin)
    offered = set()
    for url in walk:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            for form in open_page(client, url).forms:
                offered |= {control.name for control in form["controls"]}
    for spec in form_types():
        for name, f in spec.fields.items():
            if f.never_typed():
                continue
            inner = getattr(f, "fields", None)
            wanted = [f"{name}-0-{sub}" for sub in inner] if inner else [name]
            assert set(wanted) <= offered, (spec.name, wanted)
