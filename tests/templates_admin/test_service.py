"""An agency's own template versions: they override the shipped ones for that agency only,
carry the languages they did not change, never reuse a number, and a document keeps the
version and sha256 it was sent with."""

import hashlib
import io
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import time_machine
from PIL import Image
from sqlalchemy import func, select

from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.archive.models import ArchiveRecord
from forms_service.audit.models import AuditEvent
from forms_service.errors import InvalidInput, NotFound, RuleViolation
from forms_service.extensions import db
from forms_service.rendering.jobs import run_job
from forms_service.templates_admin import service
from forms_service.templates_admin.models import AgencyTemplateVersion
from tests.conftest import (
    PASSWORD,
    archive_consent,
    blob_path,
    shipped_templates_copy,
    sign_consent,
)
from tests.rendering.test_service import pdf_text
from tests.rendering.test_template_check import HOSTILE, NEW_WORDING, SHIPPED, with_paragraphs
from tests.test_cli import cli_environment, run  # noqa: F401 (the CLI tests' fixture)

CHANGED = with_paragraphs(NEW_WORDING)
NEXT = SHIPPED.versions("consent_release")[-1].number + 1


def upload(world, template=CHANGED, language="en", activate=True):
    admin = world.actor(world.admin)
    done = service.upload_template(admin, "consent_release", language, template, "December")
    if activate:
        service.activate(admin, "consent_release", done.version.number)
    db.session.commit()
    return done


@pytest.mark.soffice
def test_an_agency_version_overrides_the_shipped_one_for_that_agency_only(world):
    done = upload(world)
    assert done.checked.pdf.startswith(b"%PDF")
    ours = service.templates_for(world.agency).current("consent_release", "en")
    assert (ours.number, ours.agency_id) == (NEXT, world.agency.id)
    assert ours.files["en"] == hashlib.sha256(CHANGED).hexdigest()
    theirs = service.templates_for(world.other_agency).current("consent_release", "en")
    assert theirs == SHIPPED.current("consent_release", language="en")
    # the languages it did not change are carried over, byte for byte
    spanish = SHIPPED.current("consent_release", language="es")
    assert ours.files["es"] == spanish.files["es"]
    assert {f.language: f.carried_from for f in done.version.files} == {
        "en": None,
        "es": spanish.number,
        "ar": spanish.number,
    }


@pytest.mark.soffice
def test_a_draft_is_used_by_no_document_and_a_discarded_number_is_never_given_again(world):
    draft = upload(world, activate=False).version
    templates = service.templates_for(world.agency)
    assert templates.current("consent_release", "en") == SHIPPED.current(
        "consent_release", language="en"
    )
    service.discard(world.actor(world.admin), "consent_release", draft.number)
    assert upload(world).version.number == draft.number + 1


@pytest.mark.soffice
def test_retiring_the_active_version_goes_back_to_the_previous_agency_version_then_the_shipped(
    world,
):
    admin = world.actor(world.admin)
    first = upload(world).version
    second = upload(world, with_paragraphs("A second December wording")).version
    templates = service.templates_for(world.agency)
    assert templates.current("consent_release", "en").number == second.number
    now_used = service.retire(admin, "consent_release", second.number)
    assert {lang: v.number for lang, v in now_used.items()} == dict.fromkeys(
        ("ar", "en", "es"), first.number
    )
    assert templates.current("consent_release", "en").number == first.number
    service.retire(admin, "consent_release", first.number)
    assert templates.current("consent_release", "en") == SHIPPED.current(
        "consent_release", language="en"
    )
    # a document pinned to a retired version still finds it
    pinned = templates.version("consent_release", second.number, second.files[0].sha256)
    assert pinned.status == "retired"
    with pytest.raises(RuleViolation):
        service.retire(admin, "consent_release", first.number)
    other_admin = create_user(world.other_agency, "ad@b.example", "Ro Diaz", Role.ADMIN, PASSWORD)
    with pytest.raises(NotFound):  # another agency's admin cannot reach it
        service.retire(world.actor(other_admin), "consent_release", first.number)
    retired = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "template.retire"))
    assert [(e.details["version"], e.details["now_used"]["en"]) for e in retired] == [
        (second.number, first.number),
        (first.number, SHIPPED.current("consent_release", language="en").number),
    ]


@pytest.mark.parametrize(
    "case", ["macro-enabled renamed .docx", "zip bomb", "billion laughs", "include"]
)
def test_a_hostile_upload_is_refused_with_its_reason_and_nothing_is_stored(world, case):
    build, reason = HOSTILE[case]
    with pytest.raises(InvalidInput) as refused:
        upload(world, build())
    assert any(reason in message for message in refused.value.errors["template"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AgencyTemplateVersion)) == 0


@pytest.mark.soffice
def test_a_consent_sent_before_activation_keeps_its_pinned_version_the_next_uses_the_new(
    world, consent_document
):
    sent_before = consent_document()
    shipped = SHIPPED.current("consent_release", language="en")
    upload(world)
    document, job = sign_consent(world, lambda: sent_before)
    assert run_job(job.id)
    old = archive_record(document)
    assert (old.template_version, old.template_sha256) == (shipped.number, shipped.files["en"])
    assert NEW_WORDING not in pdf_text(blob_path(old.pdf_sha256).read_bytes())
    new = archive_consent(world, consent_document)
    assert (new.template_version, new.template_sha256) == (
        NEXT,
        hashlib.sha256(CHANGED).hexdigest(),
    )
    assert NEW_WORDING in pdf_text(blob_path(new.pdf_sha256).read_bytes())


def archive_record(document):
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()


@pytest.mark.soffice
def test_templates_add_with_agency_adds_for_that_agency_and_list_shows_it(app, world, tmp_path):
    path = tmp_path / "consent.docx"
    path.write_bytes(CHANGED)
    args = ("templates", "add", "consent_release", str(path), "--lang", "en", "--activate")
    result = run(app, *args, "--agency", "gateway housing services", "--by", "alex")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{NEXT}\n"
    lines = run(app, "templates", "list", "consent_release", "--agency", str(world.agency.id))
    sha = hashlib.sha256(CHANGED).hexdigest()
    assert f"consent_release  v{NEXT}  en  active  agency  {sha}  alex " in lines.stdout
    shipped = run(app, "templates", "list", "consent_release").stdout
    assert f"v{NEXT}" not in shipped


def test_a_template_that_places_agency_logo_prints_the_logo_there_and_only_there(bare_app):
    from forms_service.forms import get_form_type
    from forms_service.rendering import preview
    from forms_service.rendering.service import render_docx

    logo = io.BytesIO()
    Image.new("RGB", (300, 80), (200, 30, 30)).save(logo, "PNG")
    consent = get_form_type("consent_release")
    example = preview.example_input(consent, preview.example_payload(consent), "en")
    inp = replace(example, agency_logo=logo.getvalue())
    version = SHIPPED.current("consent_release", language="en")
    placed = body(render_docx(with_paragraphs("Ours: {{ agency.logo }}"), inp, version))
    assert placed.count("<pic:pic") == 1
    assert placed.index("<pic:pic") > placed.index("Ours: ")
    shipped = body(render_docx(SHIPPED.load(version, "en"), inp, version))
    assert shipped.count("<pic:pic") == 1  # the shipped files: the logo as the first line
    assert shipped.index("<pic:pic") < shipped.index("Consent to Release Information")


def body(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").decode()


@pytest.fixture
def shipped_copy(app, tmp_path):
    return shipped_templates_copy(app, tmp_path)


def add_shipped(store, effective, added_at):
    return store.add(
        "consent_release",
        "en",
        CHANGED,
        added_by="an operator",
        added_at=added_at,
        effective=effective,
        activate=True,
    )


def test_a_shipped_version_takes_effect_at_the_agency_s_midnight_not_the_machine_s(
    world, shipped_copy
):
    """St. Louis is on December 6 until 06:00 UTC on the 7th (a machine on UTC is on the 7th)."""
    world.agency.time_zone = "America/Chicago"
    added = add_shipped(shipped_copy, date(2026, 12, 7), datetime(2026, 12, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 12, 7, 5, 59, tzinfo=UTC)):
        before = service.templates_for(world.agency).current("consent_release", "en")
    with time_machine.travel(datetime(2026, 12, 7, 6, 0, tzinfo=UTC)):
        after = service.templates_for(world.agency).current("consent_release", "en")
    assert before == SHIPPED.current("consent_release", language="en")
    assert after == added


def test_a_shipped_version_added_in_the_evening_is_in_effect_at_once_for_every_agency(
    world, shipped_copy
):
    """Added at 9 p.m. in St. Louis (03:00 UTC the next day), it is dated that evening's day,
    the earliest of the instance's agencies' dates, not the machine's."""
    world.agency.time_zone = "America/Chicago"
    world.other_agency.time_zone = "America/New_York"
    evening = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    with time_machine.travel(evening):
        added = add_shipped(shipped_copy, service.shipped_effective(evening), evening)
        for agency in (world.agency, world.other_agency):
            assert service.templates_for(agency).current("consent_release", "en") == added
    assert added.effective == date(2026, 12, 6)
