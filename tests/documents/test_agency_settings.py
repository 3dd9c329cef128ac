"""What a form prints from the agency's settings (appeal days, program rules, the CoC
committee and appeal contacts) comes from the settings, never retyped per client; a document
keeps what it was sent with (24 CFR 578.91(b)(1))."""

import hashlib
import io

from docx import Document as DocxDocument
from markupsafe import escape
from PIL import Image
from sqlalchemy import select

from forms_service.accounts.settings import update_agency_settings
from forms_service.documents import service as documents
from forms_service.documents.models import Document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.jobs import render_input
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx
from tests.conftest import login
from tests.pages import open_page, typed_part

RIGHTS = get_form_type("client_rights")
SETTINGS = {name for name, _ in RIGHTS.agency_settings}


def new_rights_page(client, world):
    return open_page(client, f"/cases/{world.case.id}/forms/client_rights/new")


def settings_of(agency, **changes) -> dict:
    names = ("name", "address", "phone", "program_rules", "coc_contact", "appeal_contact")
    days = ("appeal_days", "decision_days", "grievance_response_days", "plan_review_days")
    others = ("file_english_copy", "time_zone")
    values = {name: getattr(agency, name) for name in (*names, *days, *others)}
    return {**values, **changes}


def test_client_rights_prints_the_agency_appeal_days_and_texts_not_retyped_ones(client, world):
    login(client, world.case_manager)
    page = new_rights_page(client, world)
    form = page.form()
    assert not SETTINGS & form.names()
    assert str(escape(world.agency.coc_contact)) in page.html
    assert "/agency/settings" not in page.html.split('id="from-settings"')[1]  # not an admin
    response = form.fill(typed_part(RIGHTS)).submit("send")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    document = db.session.execute(select(Document)).scalar_one()
    assert document.data["appeal_days"] == world.agency.appeal_days == 14
    assert document.data["grievance_days"] == world.agency.grievance_response_days
    assert document.data["program_rules"] == world.agency.program_rules
    assert document.data["coc_contact"] == world.agency.coc_contact


def test_an_admin_sees_where_to_change_the_settings_a_form_prints(client, world):
    login(client, world.admin)
    page = new_rights_page(client, world)
    assert 'href="/agency/settings"' in page.html.split('id="from-settings"')[1]


def test_a_settings_change_reaches_new_forms_and_drafts_not_documents_sent(world):
    actor = world.actor(world.case_manager)
    sent = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    documents.send_for_signature(actor, sent)
    draft = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    before, rules = world.agency.program_rules, "No smoking indoors.\nQuiet hours from 10 pm."
    update_agency_settings(
        world.actor(world.admin), settings_of(world.agency, appeal_days=21, program_rules=rules)
    )
    documents.update_draft(actor, draft, typed_part(RIGHTS))
    new = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    assert (sent.data["appeal_days"], sent.data["program_rules"]) == (14, before)
    assert (draft.data["appeal_days"], draft.data["program_rules"]) == (21, rules)
    assert (new.data["appeal_days"], new.data["program_rules"]) == (21, rules)


def test_a_form_sent_before_the_agency_wrote_its_rules_says_who_adds_them(world):
    world.agency.program_rules = ""
    actor = world.actor(world.case_manager)
    draft = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    assert "an admin adds them under Agency settings" in " ".join(
        RIGHTS.missing_elements(draft.data)["program_rules"]
    )


def test_the_logo_prints_at_the_top_of_documents_sent_after_it_only(world):
    actor = world.actor(world.case_manager)
    before = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    documents.send_for_signature(actor, before)
    logo = io.BytesIO()
    Image.new("RGB", (300, 100), "navy").save(logo, "PNG")
    update_agency_settings(
        world.actor(world.admin),
        {**settings_of(world.agency), "logo": ("logo.png", logo.getvalue())},
    )
    after = documents.start_document(actor, world.case, "client_rights", typed_part(RIGHTS))
    documents.send_for_signature(actor, after)
    assert before.logo_sha256 is None
    assert after.logo_sha256 == hashlib.sha256(logo.getvalue()).hexdigest()
    store = template_store()
    version = store.current("client_rights")
    for document, pictures in ((before, 0), (after, 1)):
        docx = render_docx(store.load(version, "en"), render_input(document), version)
        body = DocxDocument(io.BytesIO(docx))
        first = body.paragraphs[0]._p.xml
        assert first.count("<pic:pic") == pictures, document.reference
