"""Archive search also finds a document number, "Last, First", part of a case number, the
records a legal hold covers, and words inside the documents, on the search page as staff
submit it, within their own agency, and every search is in the audit trail."""

import re
from datetime import UTC, date, datetime

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from forms_service.archive import retention
from forms_service.archive.fulltext import index_filed_record, index_record
from forms_service.archive.models import ArchiveText
from forms_service.archive.search import Criteria, search
from forms_service.audit.models import AuditEvent
from forms_service.cases.service import create_client, open_case
from forms_service.extensions import db
from tests.archive.conftest import tiny_pdf
from tests.conftest import CONSENT, login
from tests.pages import open_page


def search_page(client, **typed):
    """The records staff's search page, typed into and submitted as it renders (the header's
    client search comes first on the page, the archive's own form second)."""
    form = open_page(client, "/archive/").form(action="/archive/", index=1)
    for name, value in typed.items():
        form[name] = value
    return form.submit()


def found_references(response) -> list[str]:
    """The document numbers in the results table."""
    assert response.status_code == 200
    return sorted(re.findall(r"<td>(T-[0-9A-F]{8})</td>", response.get_data(as_text=True)))


def refs(*records) -> list[str]:
    return sorted(r.reference for r in records)


@pytest.fixture
def consents(world, make_record):
    """A release to St. Patrick Center, one to a clinic (another client, another case),
    and the stranger agency's release to St. Patrick Center."""
    other = create_client(world.agency, "Ana", "López García", date(1970, 5, 6))
    other_case = open_case(other, world.case_manager, "Shelter", date(2026, 1, 5))
    clinic = {**CONSENT, "recipient_name": "Grace Hill Health Clinic"}
    return (
        make_record(),
        make_record(case=other_case, data=clinic),
        make_record(case=world.other_case),
    )


def test_words_inside_documents_find_every_consent_naming_a_recipient(client, world, consents):
    patrick, clinic, stranger = consents
    login(client, world.records)
    assert found_references(search_page(client, text="st. patrick center")) == refs(patrick)
    assert found_references(search_page(client, text="GRACE  hill")) == refs(clinic)
    assert found_references(search_page(client, text="grace patrick")) == []
    # Words as typed, not FTS or tsquery syntax.
    for text in ['"patrick', "patrick*", "NEAR(patrick)", "patrick & !", "body:patrick"]:
        assert search_page(client, text=text).status_code == 200, text
    event = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "archive.search").order_by(AuditEvent.id)
        )
        .scalars()
        .first()
    )
    assert event.details["criteria"] == {"text": "st. patrick center"}


def test_a_filed_document_is_indexed_with_its_pdf_text(world, consents):
    record = consents[0]
    entry = db.session.get(ArchiveText, record.id)
    assert "st. patrick center" in entry.body and "permanent supportive housing" in entry.body


def test_a_scan_without_a_text_layer_is_read_by_ocr(world, make_record, tmp_path):
    """Tesseract reads a page image (as a paper scan would be filed) when the PDF has no text."""
    page = Image.new("L", (1700, 600), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 72)
    ImageDraw.Draw(page).text((80, 240), "Release to Haven House", fill=0, font=font)
    scan = tmp_path / "scan.pdf"
    page.save(scan, "PDF", resolution=200)
    record = make_record(data={})
    db.session.delete(db.session.get(ArchiveText, record.id))
    db.session.flush()
    entry = index_record(record, {}, scan.read_bytes())
    db.session.commit()
    assert entry.ocr and "haven house" in entry.body
    assert search(world.actor(world.records), Criteria(text="haven")).records == [record]


def test_a_document_number_last_first_and_part_of_a_case_number_find_records(
    client, world, consents
):
    patrick, clinic, _ = consents
    login(client, world.records)
    assert found_references(search_page(client, reference=patrick.reference.lower())) == refs(
        patrick
    )
    assert found_references(search_page(client, q="López, Ana")) == refs(clinic)
    assert found_references(search_page(client, q="nunez, maria jose")) == refs(patrick)
    part = clinic.case_number.split("-", 1)[1]  # "2026-0003" of "C-2026-0003"
    assert found_references(search_page(client, case_number=part)) == refs(clinic)
    assert found_references(search_page(client, case_number="%")) == []


def test_on_legal_hold_finds_only_the_records_a_hold_covers(client, world, consents):
    patrick, clinic, _ = consents
    records_staff = world.actor(world.records)
    hold = retention.place_hold(records_staff, str(clinic.id), "case", "Subpoena 2033-114")
    db.session.commit()
    login(client, world.records)
    assert found_references(search_page(client, on_hold="y")) == refs(clinic)
    retention.lift_hold(records_staff, str(hold.id), "Case settled")
    db.session.commit()
    response = search_page(client, on_hold="y")
    assert found_references(response) == []
    assert "No archived documents match." in response.get_data(as_text=True)


def test_a_common_word_finds_what_the_index_finds_in_the_page_order(world, make_record):
    """A word in a quarter or more of the agency's newest records is checked record by record
    in the page's order on PostgreSQL (the index would gather every match first): it finds the
    same records, in the same order (see also `test_search.py`, which compares both forms)."""
    made = [
        make_record(
            form_type="case_plan",
            signed_at=datetime(2026, 3, day, 15, 0, tzinfo=UTC),
            data={"goal": "Maple Street flat" if day % 2 else "Maple Avenue room"},
        )
        for day in range(1, 7)
    ]
    staff = world.actor(world.records)
    assert search(staff, Criteria(text="maple")).records == made[::-1]
    assert search(staff, Criteria(text="maple", sort="oldest")).records == made
    assert search(staff, Criteria(text="street maple")).records == made[4::-2]
    assert search(staff, Criteria(text="lilac")).records == []


def test_a_disposed_record_is_no_longer_found_by_its_words(world, make_record):
    record = make_record(form_type="case_plan", data={"goal": "Move into the Maple Street flat"})
    kept = make_record(case=world.other_case, form_type="case_plan", data={"goal": "Maple"})
    world.case.status, world.case.closed_on = "closed", date(2026, 6, 30)
    staff = world.actor(world.admin)
    assert search(staff, Criteria(text="maple street")).records == [record]
    retention.dispose(staff, list(retention.due_for_disposal(date(2034, 1, 1))))
    db.session.commit()
    assert db.session.execute(select(ArchiveText.record_id)).scalars().all() == [kept.id]
    assert search(staff, Criteria(text="maple street")).records == []


def test_a_scan_ocr_cannot_read_is_filed_unindexed_for_index_text(world, make_record, monkeypatch):
    record = make_record(data={})
    db.session.delete(db.session.get(ArchiveText, record.id))
    db.session.flush()
    monkeypatch.setenv("PATH", "/nonexistent")  # no ocrmypdf
    assert index_filed_record(record, {}, tiny_pdf(1, "blank scan")) is None
    db.session.commit()
    assert db.session.get(ArchiveText, record.id) is None
