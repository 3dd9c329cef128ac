"""The VAWA notice of occupancy rights (HUD-5380) and certification form (HUD-5382) go with a
termination notice and out at admission and at denial, in the client's language; their
delivery is recorded and the archive proves they were given (24 CFR 5.2005(a)(2), applied by
578.99(j) and 576.409)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from forms_service import clock
from forms_service.archive.models import ArchiveRecord
from forms_service.archive.service import file_document, stored_file, verify_records
from forms_service.audit.models import AuditEvent
from forms_service.documents import paper_only
from forms_service.documents.delivery import record_delivery
from forms_service.documents.models import Document, DocumentStatus
from forms_service.errors import RuleViolation
from forms_service.extensions import db
from forms_service.formatting import long_date
from forms_service.programs.models import CaseGrant, Grant
from forms_service.rendering.jobs import render_signed
from forms_service.workflows import termination as terminations
from forms_service.workflows.models import Termination, VawaDelivery
from tests.conftest import blob_path, login
from tests.pages import open_page
from tests.workflows import test_termination_views as steps

pytestmark = pytest.mark.soffice
# The termination steps' fixtures: a recorded case conference and an eligible reviewer.
conference, director = steps.conference, steps.director
notice_form, issued = steps.notice_form, steps.issued


def delivery_of(**where) -> VawaDelivery:
    db.session.expire_all()
    return db.session.execute(select(VawaDelivery).filter_by(**where)).scalar_one()


def record_of(document: Document) -> ArchiveRecord:
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()


def pdf_text(record: ArchiveRecord) -> str:
    pages = PdfReader(io.BytesIO(stored_file(record, "pdf"))).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def give_from_the_case_page(client, world, occasion: str):
    page = open_page(client, f"/cases/{world.case.id}")
    assert "Give VAWA notice" in page.html
    form = open_page(client, f"/cases/{world.case.id}/vawa").form()
    form["occasion"], form["how"] = occasion, "in_hand"
    return form.submit()


def test_termination_notice_files_vawa_notice_and_certification_with_it(
    client, world, conference, director
):
    response = notice_form(client, conference, director).submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    notice = issued(conference)
    delivery = delivery_of(with_document_id=notice.id)
    assert (delivery.occasion, delivery.how) == ("termination", "with_notice")
    assert (delivery.given_on, delivery.given_by_id) == (None, None)  # given as the notice is
    for document in (delivery.notice, delivery.certification):
        assert document.case_id == notice.case_id and document.signers == []
        assert document.status == DocumentStatus.ARCHIVED
        assert document.data["with_notice"] == notice.reference
    notice_text = pdf_text(record_of(delivery.notice))
    for words in (
        "Notice of Occupancy Rights under the Violence Against Women Act (HUD-5380)",
        f"You get this notice with notice {notice.reference}, which ends your assistance",
        "Gateway Housing Services, 1200 Market St, (314) 555-0100",
        "Governance & Membership Committee",
        "1-800-799-7233",
    ):
        assert words in notice_text, words
    certification_text = pdf_text(record_of(delivery.certification))
    for words in (
        "(HUD-5382)",
        "You do not have to fill it in. Getting this form is not a request from us",
        "You have 14 business days from the day you receive our written request",
        "is kept confidential and is not entered into any shared database",
    ):
        assert words in certification_text, words
    assert notice.data["vawa_enclosed"] is True


def test_vawa_forms_go_in_the_language_of_the_notice(client, world, conference, director):
    world.client.preferred_language = "es"
    db.session.commit()
    assert notice_form(client, conference, director).submit().status_code == 302
    delivery = delivery_of(with_document_id=issued(conference).id)
    assert delivery.notice.language == delivery.certification.language == "es"
    text = pdf_text(record_of(delivery.notice))
    assert "Ley de Violencia contra la Mujer" in text
    assert "el Programa Continuum of Care de HUD" not in text  # no grant: no program claimed
    assert "un programa de vivienda financiado por HUD" in text


def test_vawa_forms_name_the_covered_program_of_the_cases_grant(client, world):
    grant = Grant(
        agency_id=world.agency.id,
        program="Market Street Rapid Re-Housing",
        number="MO0123L7E002412",
        funder="coc",
        starts_on=world.case.opened_on,
    )
    db.session.add(grant)
    db.session.flush()
    db.session.add(CaseGrant(case_id=world.case.id, grant_id=grant.id))
    db.session.commit()
    login(client, world.case_manager)
    assert give_from_the_case_page(client, world, "admission").status_code == 302
    text = pdf_text(record_of(delivery_of(case_id=world.case.id).notice))
    assert "admitted to Market Street Rapid Re-Housing" in text
    assert "the HUD Continuum of Care Program (24 CFR part 578)" in text


def test_giving_vawa_notice_at_admission_records_its_delivery_and_files_both(client, world):
    login(client, world.case_manager)
    response = give_from_the_case_page(client, world, "admission")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    delivery = delivery_of(case_id=world.case.id)
    assert (delivery.occasion, delivery.how, delivery.with_document_id) == (
        "admission",
        "in_hand",
        None,
    )
    assert delivery.given_by_id == world.case_manager.id
    assert delivery.given_on == clock.today(world.agency)
    for document in (delivery.notice, delivery.certification):
        assert document.status == DocumentStatus.ARCHIVED and document.signers == []
        assert record_of(document).signers == []  # given, not signed: nothing asked of them
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "vawa.given")
    ).scalar_one()
    assert event.details["notice"] == delivery.notice.reference
    page = open_page(client, f"/cases/{world.case.id}")
    assert "Admission to the program: given" in page.html
    assert delivery.certification.reference in page.html
    page = open_page(client, f"/documents/{delivery.certification.id}")
    assert delivery.certification.reference in page.html


def test_a_denial_of_assistance_gives_the_same_forms_with_its_reason(client, world):
    login(client, world.case_manager)
    assert give_from_the_case_page(client, world, "denial").status_code == 302
    delivery = delivery_of(case_id=world.case.id)
    assert delivery.occasion == "denial"
    text = pdf_text(record_of(delivery.notice))
    assert "because your application for assistance from" in text


def test_giving_vawa_forms_without_saying_when_and_how_is_refused_naming_the_fields(client, world):
    login(client, world.case_manager)
    response = open_page(client, f"/cases/{world.case.id}/vawa").form().submit()
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Say when the VAWA forms are given." in html
    assert "Say how the VAWA forms are given." in html
    assert db.session.execute(select(VawaDelivery)).first() is None


def test_the_termination_notice_record_shows_its_vawa_attachments_and_search_finds_them(
    client, world, conference, director
):
    assert notice_form(client, conference, director).submit().status_code == 302
    notice = issued(conference)
    delivery = delivery_of(with_document_id=notice.id)
    # Filed as its signers' last signature files it (their signatures are not what is tested).
    notice.status, notice.completed_at = DocumentStatus.SIGNED, notice.sent_at
    notice_record = file_document(notice, render_signed(notice))
    db.session.commit()
    login(client, world.records)
    page = open_page(client, f"/archive/{notice_record.id}")
    for document in (delivery.notice, delivery.certification):
        assert f'/archive/{record_of(document).id}"' in page.html
    assert f"not given yet; they go with {notice.reference}" in page.html
    record_delivery(world.actor(world.case_manager), notice, "in_hand", clock.today(world.agency))
    db.session.commit()
    page = open_page(client, f"/archive/{notice_record.id}")
    assert "With a notice that ends assistance: given" in page.html
    vawa_page = open_page(client, f"/archive/{record_of(delivery.notice).id}")
    assert f'/archive/{notice_record.id}"' in vawa_page.html
    found = open_page(client, f"/archive/?case_number={world.case.number}&form_type=vawa_notice")
    assert delivery.notice.reference in found.html
    assert delivery.certification.reference not in found.html
    found = open_page(client, "/archive/?text=occupancy+rights")
    assert delivery.notice.reference in found.html


def test_verify_covers_the_vawa_forms(client, world):
    login(client, world.case_manager)
    assert give_from_the_case_page(client, world, "admission").status_code == 302
    record = record_of(delivery_of(case_id=world.case.id).certification)
    assert [d for d in verify_records() if not d.reason.startswith("seal")] == []
    path = blob_path(record.pdf_sha256)
    path.chmod(0o640)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    db.session.expire_all()
    damaged = [(d.record.reference, d.kind) for d in verify_records()]
    assert (record.reference, "pdf") in damaged


def paper_notice(client, conference, director) -> Document:
    form = notice_form(client, conference, director)
    form["ends_lease"], form["lease_description"] = "y", "Lease for unit 3B"
    assert form.submit().status_code == 302
    return issued(conference)


def test_vawa_forms_with_a_notice_say_and_record_they_were_given_the_day_it_was_handed_over(
    client, world, conference, director
):
    """Made and filed as the notice is issued, they print no day of their own: they say they
    are given with it, and the day its delivery records is the day the archive keeps."""
    notice = paper_notice(client, conference, director)
    made_on = clock.today(world.agency)
    case_page = open_page(client, f"/cases/{world.case.id}").html
    assert f"not given yet; they go with {notice.reference} when its delivery is recorded" in (
        case_page
    )
    made = delivery_of(with_document_id=notice.id)
    for document in (made.notice, made.certification):
        text = pdf_text(record_of(document))
        assert f"Given on the day notice {notice.reference} is given to you" in text
        assert f"Given on {long_date(made_on)}" not in text  # the day they were made
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):
        handed_over_on = clock.today(world.agency)
        login(client, world.case_manager)
        page = open_page(client, f"/documents/{notice.id}")
        delivery = page.form(action=f"/documents/{notice.id}/paper-delivery")
        delivery["method"] = "mail"
        delivery["delivered_on"] = handed_over_on.isoformat()
        assert delivery.submit().status_code == 302
        given = delivery_of(with_document_id=notice.id)
        assert (given.given_on, given.given_by_id) == (handed_over_on, world.case_manager.id)
        assert handed_over_on != made_on
        case_page = open_page(client, f"/cases/{world.case.id}").html
        assert f"With a notice that ends assistance: given {long_date(handed_over_on)}" in (
            case_page
        )
        assert "With the notice, as it was delivered, by Sam Okafor" in case_page
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "vawa.given")
    ).scalar_one()
    assert event.details["with_notice"] == notice.reference
    assert event.details["given_on"] == handed_over_on.isoformat()


def test_a_signed_notice_delivered_gives_the_vawa_forms_it_encloses(
    client, world, conference, director
):
    assert notice_form(client, conference, director).submit().status_code == 302
    notice = issued(conference)
    notice.status, notice.completed_at = DocumentStatus.SIGNED, notice.sent_at
    day = clock.today(world.agency)
    record_delivery(world.actor(world.case_manager), notice, "email", day)
    record_delivery(world.actor(world.supervisor), notice, "mail", day)  # a second copy
    given = delivery_of(with_document_id=notice.id)
    assert (given.given_on, given.given_by_id) == (day, world.case_manager.id)


def test_a_notice_without_the_vawa_forms_it_encloses_does_not_count_as_issued(
    client, world, conference, director
):
    notice = paper_notice(client, conference, director)
    db.session.delete(delivery_of(with_document_id=notice.id))
    db.session.commit()
    with pytest.raises(RuleViolation, match="cannot be given without them"):
        terminations.record_notice_delivery(
            world.actor(world.case_manager),
            notice,
            "in_hand",
            clock.today(world.agency),
            world.case_manager,
        )
    db.session.rollback()
    assert db.session.get(Termination, conference.id).status == terminations.NOTICE_TO_DELIVER
    assert paper_only.delivery_of(notice).delivered_on is None
