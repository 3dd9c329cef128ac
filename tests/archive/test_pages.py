"""The records pages: search with criteria, empty state and errors in words; a quick look at
the pages (logged like any opening); versions and their diff; export; legal holds."""

import io
import re
import zipfile

from sqlalchemy import select

from forms_service.archive.models import AccessLog, LegalHold
from forms_service.archive.versions import supersede
from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from tests.conftest import CONSENT, login
from tests.pages import open_page, submit


def test_search_lists_matches_with_status_and_pages_through_them(client, world, make_record):
    record = make_record()
    login(client, world.records)
    html = client.get("/archive/?q=nunez&status=active").get_data(as_text=True)
    assert f"/archive/{record.id}" in html and "Active" in html and "1 document found" in html


def test_search_without_matches_says_so_and_suggests_what_to_do(client, world, make_record):
    make_record()
    login(client, world.records)
    response = client.get("/archive/?q=garcia")
    assert response.status_code == 200
    assert "No archived documents match." in response.get_data(as_text=True)
    assert "Type part of a client" in client.get("/archive/").get_data(as_text=True)


def test_invalid_criteria_are_explained_in_words(client, world):
    login(client, world.records)
    response = client.get("/archive/?signed_from=2026-02-01&signed_to=2026-01-01&client_id=x")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end of the date range is before its start." in html
    assert 'href="#client_id"' in html and 'href="#signed_to"' in html
    response = client.get("/archive/?signed_from=yesterday")
    assert response.status_code == 400 and "Not a valid date value." in response.get_data(
        as_text=True
    )


def test_a_quick_look_shows_each_page_and_is_logged_with_its_purpose(client, world, make_record):
    record = make_record(pages=2)
    login(client, world.case_manager)
    page = f"/archive/{record.id}"
    refused = submit(client, page, action="/preview")  # no purpose chosen
    assert refused.status_code == 400
    assert db.session.execute(select(AccessLog)).first() is None
    response = submit(client, page, action="/preview", **{"preview-purpose": "client_copy"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'src="data:image/png;base64,iVBORw0KGgo', html)) == 2
    log = db.session.execute(select(AccessLog)).scalar_one()
    assert (log.kind, log.user_id, log.record_id) == ("preview", world.case_manager.id, record.id)


def test_the_versions_page_shows_the_history_and_what_changed(client, world, make_record):
    v1 = make_record()
    v2 = make_record(supersedes=v1, data={**CONSENT, "purpose": "Benefits."})
    supersede(world.actor(world.records), v1, v2, "Purpose changed at review")
    db.session.commit()
    login(client, world.records)
    html = client.get(f"/archive/{v2.id}/versions?compare={v1.id}").get_data(as_text=True)
    assert "Purpose changed at review" in html and "Ruth Lind" in html
    assert "Benefits." in html and "To apply for permanent supportive housing." in html
    bad = client.get(f"/archive/{v2.id}/versions?compare=nonsense")
    assert bad.status_code == 400 and "Choose a version of this document." in bad.get_data(
        as_text=True
    )


def test_an_export_downloads_a_zip_and_a_partner_must_be_named(client, world, make_record):
    record = make_record()
    login(client, world.records)
    page, export = f"/archive/{record.id}", "/export"
    typed = {"export-recipient": "partner", "export-purpose": "continuity"}
    unnamed = submit(client, page, action=export, **typed)
    assert unnamed.status_code == 400
    assert "Name the partner agency." in unnamed.get_data(as_text=True)
    typed = {"export-recipient": "client", "export-purpose": "client_request"}
    response = submit(client, page, action=export, **typed)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    stem = f"documents/{record.reference}-v1"
    assert names == [f"{stem}.pdf", f"{stem}.roi.json", "manifest.json"]  # a consent: its ROI too


def test_records_staff_place_and_lift_a_legal_hold_with_a_reason(client, world, make_record):
    record = make_record()
    login(client, world.records)
    page = f"/archive/{record.id}"
    missing = submit(client, page, action="/hold", **{"hold-scope": "case"})
    assert missing.status_code == 400
    assert "Give the reason for the hold." in missing.get_data(as_text=True)
    typed = {"hold-scope": "case", "hold-reason": "Subpoena"}
    placed = submit(client, page, action="/hold", **typed)
    assert placed.status_code == 302
    hold = db.session.execute(select(LegalHold)).scalar_one()
    assert "Subpoena" in client.get("/archive/holds").get_data(as_text=True)
    lift = f"/archive/holds/{hold.id}/lift"
    unexplained = submit(client, "/archive/holds", action=lift)
    assert unexplained.status_code == 400
    assert "Give the reason for lifting it." in unexplained.get_data(as_text=True)
    assert submit(client, "/archive/holds", action=lift, reason="Settled").status_code == 302
    db.session.expire_all()
    assert db.session.get(LegalHold, hold.id).lift_reason == "Settled"
    assert "No active legal holds." in client.get("/archive/holds").get_data(as_text=True)


def _trace(record):
    db.session.expire_all()
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(record.id)))
    return views.all(), db.session.scalars(select(AccessLog)).all()


def _shows_nothing_of(response, record, world) -> bool:
    html = response.get_data(as_text=True)
    return all(
        secret not in html
        for secret in (world.client.full_name, record.reference, "St. Patrick Center")
    )


def test_opening_a_record_without_a_valid_purpose_shows_nothing_of_it(client, world, make_record):
    record = make_record()
    login(client, world.records)
    form = open_page(client, f"/archive/{record.id}").form(action="/open")
    before = _trace(record)
    form.values["purpose"] = ["to sell it"]  # not one the page offers: a forged request

    refused = form.submit()

    assert refused.status_code == 400 and _shows_nothing_of(refused, record, world)
    assert 'class="error-summary"' in refused.get_data(as_text=True)
    assert _trace(record) == before


def test_comparing_with_a_bad_version_shows_nothing_of_the_record(client, world, make_record):
    record = make_record()
    login(client, world.records)
    before = _trace(record)
    for bad in ("nonsense", str(make_record().id)):  # not an id; another document's record
        refused = client.get(f"/archive/{record.id}/versions?compare={bad}")
        assert refused.status_code == 400 and _shows_nothing_of(refused, record, world)
        assert "Choose a version of this document." in refused.get_data(as_text=True)
    assert _trace(record) == before


def test_a_filed_documents_page_shows_what_happened_to_it_not_what_it_says(
    client, world, make_record
):
    """Its content is opened in the archive, with a purpose, in the access log (a consent's
    release status, which its revocation needs, stays)."""
    record = make_record(data={**CONSENT, "purpose": "A very private purpose."})
    login(client, world.case_manager)
    page = open_page(client, f"/documents/{record.document_id}").html
    assert "A very private purpose." not in page and "<h2>Content</h2>" not in page
    assert "its content is opened in the archive, saying why" in page
    assert f"/archive/{record.id}" in page  # where to open it, stating why
