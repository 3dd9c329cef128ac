"""Case plan updates: each review is a new signed version that supersedes the one before and
shows what changed; the old version stays, marked superseded."""

import pytest
from sqlalchemy import select

from forms_service.archive.models import ArchiveRecord, ArchiveSupersession
from forms_service.documents import service as documents
from forms_service.errors import RuleViolation
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.jobs import run_job
from forms_service.workflows import plans
from tests.conftest import login
from tests.pages import open_page

pytestmark = pytest.mark.soffice


def sign_all(world, document):
    actor = world.actor(world.case_manager)
    documents.send_for_signature(actor, document)
    for signer in document.signers:
        job = documents.sign(
            actor,
            document,
            signer,
            typed_name=signer.name,
            typed_attested=True,
            shown_content_sha256=document.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    assert run_job(job.id)


def test_an_update_is_a_new_version_that_supersedes_the_signed_plan(client, world):
    actor = world.actor(world.case_manager)
    with pytest.raises(RuleViolation, match="no signed case plan"):
        plans.start_update(actor, world.case)
    first = documents.start_document(
        actor, world.case, "case_plan", get_form_type("case_plan").example()
    )
    sign_all(world, first)

    update = plans.start_update(actor, world.case)
    assert (update.version, update.supersedes_id) == (2, first.id)
    assert plans.start_update(actor, world.case) is update  # one update at a time
    update.data = {**update.data, "contact_schedule": "Every Monday at 10 a.m."}
    db.session.commit()
    changed = {c.field: c.new for c in plans.changes(update)}
    assert changed["contact_schedule"] == "Every Monday at 10 a.m."
    login(client, world.case_manager)
    page = client.get(f"/documents/{update.id}").get_data(as_text=True)
    assert "What changed since version 1" in page and "Every Monday at 10 a.m." in page
    sign_all(world, update)

    old, new = (
        db.session.execute(
            select(ArchiveRecord).where(ArchiveRecord.document_id == d.id)
        ).scalar_one()
        for d in (first, update)
    )
    supersession = db.session.execute(select(ArchiveSupersession)).scalar_one()
    assert (supersession.record_id, supersession.by_record_id) == (old.id, new.id)
    # Once filed, its content is read in the archive, with a purpose (content_shown).
    page = client.get(f"/documents/{update.id}").get_data(as_text=True)
    assert "Every Monday at 10 a.m." not in page
    case_page = open_page(client, f"/cases/{world.case.id}")
    assert case_page.form(action="/plan-update").submit().status_code == 302
