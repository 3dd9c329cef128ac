"""The Templates page, submitted as it renders: an admin uploads a changed consent, reads the
check's report or the preview, activates or discards it; hostile files are refused through
the page with their reason and nothing is stored; only admins reach it."""

import hashlib
import html
import io
import zipfile

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from forms_service.audit.models import AuditEvent
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.rendering.template_check import check_template
from forms_service.templates_admin.models import AgencyTemplateVersion
from tests.conftest import login
from tests.pages import open_page
from tests.rendering.test_template_check import (
    HOSTILE,
    NEW_WORDING,
    SHIPPED,
    body_paragraphs,
    with_paragraphs,
)

CHANGED = with_paragraphs(NEW_WORDING)
NEXT = SHIPPED.versions("consent_release")[-1].number + 1
PAGE = "/agency/templates/consent_release"


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(AgencyTemplateVersion))


def upload(client, template: bytes, filename="consent.docx", language="en"):
    form = open_page(client, PAGE).form()
    form.fill({"language": language, "note": "Our December wording"})
    form["template"] = (template, filename)
    return form.submit()


@pytest.mark.soffice
def test_an_admin_uploads_a_changed_consent_sees_its_preview_and_activates_it(client, world):
    login(client, world.admin)
    response = upload(client, CHANGED)
    assert response.status_code == 302
    assert response.location.endswith(f"{PAGE}/{NEXT}")
    page = open_page(client, response.location)
    assert 'alt="Page 1 of the example"' in page.html
    assert "unchanged from v" in page.html  # Spanish and Arabic carried over
    assert page.form(action="/activate").submit().status_code == 302
    listed = open_page(client, PAGE).html
    assert "active · new forms use it in Arabic, English, Spanish" in listed
    sha = hashlib.sha256(CHANGED).hexdigest()
    actions = {
        e.action: e.details
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("template.%")))
    }
    assert actions["template.upload"]["sha256"] == sha
    assert actions["template.preview"]["sha256"] == sha
    assert actions["template.activate"]["files"]["en"] == sha


@pytest.mark.soffice
def test_an_admin_retires_the_active_version_and_new_forms_go_back_to_the_shipped_one(
    client, world
):
    login(client, world.admin)
    page = open_page(client, upload(client, CHANGED).location)
    page.form(action="/activate").submit()
    page = open_page(client, f"{PAGE}/{NEXT}")
    response = page.form(action="/retire").submit()
    assert response.status_code == 302
    listed = open_page(client, response.location).html
    shipped = NEXT - 1
    assert f"Version {NEXT} is retired: new forms use v{shipped} in Arabic; v{shipped} in " in (
        html.unescape(listed)
    )
    assert "retired" in listed and "Retire version" not in open_page(client, f"{PAGE}/{NEXT}").html
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "template.retire")
    ).one()
    assert event.details["files"]["en"] == hashlib.sha256(CHANGED).hexdigest()


@pytest.mark.parametrize(
    "case",
    [
        "macro-enabled renamed .docx",
        "external image",
        "zip bomb",
        "billion laughs",
        "include",
        "unknown variable",
        "split tag",
    ],
)
def test_a_hostile_upload_through_the_page_is_refused_with_its_reason_and_nothing_stored(
    client, world, case
):
    build, reason = HOSTILE[case]
    login(client, world.admin)
    response = upload(client, build())
    assert response.status_code == 400
    assert reason.split(": ", 1)[1][:60] in html.unescape(response.get_data(as_text=True))
    assert versions() == 0


def test_the_check_report_is_in_the_admins_language(client, world):
    """Each problem and where it is, in the page's language (Spanish here; Arabic too)."""
    build, _ = HOSTILE["unknown variable"]
    spanish = {"Accept-Language": "es"}
    login(client, world.admin)
    form = open_page(client, PAGE, headers=spanish).form()
    form.fill({"language": "en"})
    form["template"] = (build(), "consent.docx")
    page = html.unescape(form.submit(headers=spanish).get_data(as_text=True))
    paragraph = f"párrafo {body_paragraphs() + 1}"
    assert f"cuerpo, {paragraph}: variable desconocida 'favourite_colour'" in page
    with force_locale("ar"):
        [problem] = check_template(get_form_type("consent_release"), build(), "en").problems
    assert str(problem).startswith("النص الرئيسي، الفقرة")
    assert "متغير غير معروف 'favourite_colour'" in str(problem)
    assert versions() == 0


def test_a_file_over_five_megabytes_is_refused_naming_the_limit(client, world):
    login(client, world.admin)
    response = upload(client, CHANGED + bytes(6 * 2**20))
    assert response.status_code == 400
    assert "a template may be at most 5 MB" in response.get_data(as_text=True)
    assert versions() == 0


def test_a_fifty_megabyte_upload_is_refused_before_it_is_read(client, world):
    login(client, world.admin)
    response = upload(client, CHANGED + bytes(50 * 2**20))
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)
    assert versions() == 0


def test_the_starter_is_the_current_template_and_a_table_of_the_variables(client, world):
    login(client, world.admin)
    response = client.get(f"{PAGE}/starter-en.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        current = SHIPPED.current("consent_release", language="en")
        template = z.read(f"consent_release-v{current.number}-en.docx")
        assert hashlib.sha256(template).hexdigest() == current.files["en"]
        table = z.read("consent_release-variables.docx")
    with zipfile.ZipFile(io.BytesIO(table)) as z:
        assert "{{ consent.recipient_name }}" in z.read("word/document.xml").decode()


def test_the_variables_page_lists_what_each_variable_holds_in_the_example(client, world):
    login(client, world.admin)
    page = open_page(client, f"{PAGE}/variables").html
    assert "<code>{{ client.full_name }}</code></td><td>Maria Lopez</td>" in page
    assert "{{ agency.logo }}" in page


def test_any_version_downloads_as_its_file(client, world):
    login(client, world.admin)
    response = client.get(f"{PAGE}/1/es.docx")
    shipped = SHIPPED.version("consent_release", 1)
    assert hashlib.sha256(response.data).hexdigest() == shipped.files["es"]


@pytest.mark.parametrize("who", ["case_manager", "supervisor", "records"])
def test_only_an_admin_reaches_the_templates_page(client, world, who):
    login(client, getattr(world, who))
    assert client.get("/agency/templates/").status_code == 403
    assert client.get(PAGE).status_code == 403


@pytest.mark.soffice
def test_uploading_a_template_in_a_new_language_makes_the_form_offer_it_to_that_agency(
    client, world
):
    plan = SHIPPED.current("case_plan", language="en")
    login(client, world.admin)
    form = open_page(client, "/agency/templates/case_plan").form()
    form.fill({"language": "fr", "note": "Plan de cas"})
    form["template"] = (SHIPPED.load(plan, "en"), "plan-fr.docx")
    page = open_page(client, form.submit().location)
    page.form(action="/activate").submit()
    french = '<option value="fr">French</option>'
    login(client, world.case_manager)
    assert french in open_page(client, f"/cases/{world.case.id}/forms/case_plan/new").html
    login(client, world.other_case_manager)
    other = open_page(client, f"/cases/{world.other_case.id}/forms/case_plan/new").html
    assert french not in other


def spanish_with(text: str) -> bytes:
    """The shipped Spanish consent with a paragraph added at the end of its body."""
    spanish = SHIPPED.load(SHIPPED.current("consent_release", language="es"), "es")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(spanish)) as z, zipfile.ZipFile(out, "w") as changed:
        for name in z.namelist():
            data = z.read(name)
            if name == "word/document.xml":
                xml = data.decode()
                at = xml.rindex("<w:sectPr")
                data = (xml[:at] + f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" + xml[at:]).encode()
            changed.writestr(name, data)
    return out.getvalue()


@pytest.mark.soffice
def test_a_draft_takes_the_file_of_another_language_before_it_is_activated(client, world):
    login(client, world.admin)
    draft = upload(client, CHANGED).location
    spanish = spanish_with("Nuestra redacción de diciembre")
    form = open_page(client, draft).form(action=f"{PAGE}/{NEXT}")
    form.fill({"language": "es"})
    form["template"] = (spanish, "consentimiento.docx")
    assert form.submit().location.endswith(draft)
    page = open_page(client, draft)
    assert "Preview in Spanish" in page.html and "Preview in English" in page.html
    page.form(action="/activate").submit()
    files = db.session.scalars(select(AgencyTemplateVersion)).one().files
    assert {f.language: (f.sha256, f.carried_from) for f in files} == {
        "en": (hashlib.sha256(CHANGED).hexdigest(), None),
        "es": (hashlib.sha256(spanish).hexdigest(), None),
        "ar": (SHIPPED.current("consent_release", language="ar").files["ar"], NEXT - 1),
    }
    # an active version is never changed
    form = open_page(client, draft).html
    assert "Check and add to this draft" not in form
