"""`forms-service templates`: check, add and list the forms' Word templates from the command
line, the shipped ones (form_templates/) and, with --agency, an agency's own."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..commandline import fail
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..forms import form_types, get_form_type


@click.group()
def templates():
    """Check, add and list the Word templates of the forms (form_templates/)."""


def _template_file(form_type_name: str, path: str):
    """The form type and the file's bytes, or exit 2 naming what is wrong."""
    try:
        form_type = get_form_type(form_type_name)
    except NotFound as exc:
        fail([f"{exc}. Known: {', '.join(t.name for t in form_types())}"])
    try:
        return form_type, Path(path).read_bytes()
    except OSError as exc:
        fail([f"{path}: cannot read it: {exc.strerror}"])


def _checked(form_type, template: bytes, lang: str, path: str):
    from ..rendering.template_check import check_template

    checked = check_template(form_type, template, lang)
    if checked.problems:
        fail([f"{path}: {problem}" for problem in checked.problems])
    return checked


@templates.command("check")
@click.argument("form_type_name", metavar="FORM_TYPE")
@click.argument("path", metavar="FILE.docx")
@click.option("--lang", default="en", show_default=True, help="The template's language.")
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False), help="Write the example here.")
@with_appcontext
def check_template_file(form_type_name, path, lang, pdf_out):
    """Check FILE.docx as FORM_TYPE's template: exit 0 when it is fine, 2 with one line per
    problem. The form's example is rendered in it and converted to PDF."""
    form_type, template = _template_file(form_type_name, path)
    checked = _checked(form_type, template, lang, path)
    if pdf_out:
        Path(pdf_out).write_bytes(checked.pdf)
    click.echo(f"{path}: fine as the {lang} template of {form_type.name}")


def _agency(value: str):
    """An agency named by its id or its name (exactly, letter case aside)."""
    import uuid

    from ..accounts.models import Agency

    try:
        agency = db.session.get(Agency, uuid.UUID(value))
    except ValueError:
        agency = None
    agency = (
        agency
        or db.session.execute(
            db.select(Agency).where(db.func.lower(Agency.name) == value.lower())
        ).scalar_one_or_none()
    )
    if agency is None:
        fail([f"No agency {value!r} (give its id or its name)."])
    return agency


@templates.command("add")
@click.argument("form_type_name", metavar="FORM_TYPE")
@click.argument("path", metavar="FILE.docx")
@click.option("--lang", required=True, help="The template's language.")
@click.option("--note", default="", help="What changed, for the manifest.")
@click.option("--by", "added_by", default=None, help="Who adds it (default: the OS user).")
@click.option("--activate", is_flag=True, help="New documents use it from now on.")
@click.option(
    "--agency",
    "agency_name",
    metavar="ID_OR_NAME",
    help="Add it for this agency only (in its instance), not to the shipped form_templates/.",
)
@with_appcontext
def add_template(form_type_name, path, lang, note, added_by, activate, agency_name):
    """Check FILE.docx and store it as FORM_TYPE's next template version (a draft unless
    --activate); prints the version number. No version is ever overwritten."""
    import getpass
    from datetime import UTC, datetime

    from ..accounts.service import SYSTEM
    from ..rendering.service import template_store
    from . import service as agency_templates

    form_type, template = _template_file(form_type_name, path)
    added_by = added_by or getpass.getuser()
    if agency_name:
        agency = _agency(agency_name)
        try:
            upload = agency_templates.upload_template(
                SYSTEM, form_type.name, lang, template, note, agency=agency, added_by=added_by
            )
        except InvalidInput as exc:
            fail([f"{path}: {m}" for messages in exc.errors.values() for m in messages])
        if activate:
            agency_templates.activate(SYSTEM, form_type.name, upload.version.number, agency)
        db.session.commit()
        click.echo(upload.version.number)
        return
    _checked(form_type, template, lang, path)
    added_at = datetime.now(UTC)
    version = template_store().add(
        form_type.name,
        lang,
        template,
        added_by=added_by,
        added_at=added_at,
        effective=agency_templates.shipped_effective(added_at),
        note=note,
        activate=activate,
    )
    click.echo(version.number)


@templates.command("list")
@click.argument("form_type_name", metavar="[FORM_TYPE]", required=False)
@click.option("--agency", "agency_name", metavar="ID_OR_NAME", help="With this agency's own.")
@with_appcontext
def list_templates(form_type_name, agency_name):
    """Every template: type, version, language, status, sha256, who added it, when, note; with
    --agency, the agency's own versions too (marked "agency")."""
    from ..rendering.service import template_store
    from .service import templates_for

    store = templates_for(_agency(agency_name)) if agency_name else template_store()
    names = [form_type_name] if form_type_name else template_store().form_types()
    try:
        versions = [v for name in names for v in store.versions(name)]
    except NotFound as exc:
        fail([str(exc)])
    for v in versions:
        added = f"{v.added_by} {v.added_at.isoformat(timespec='seconds')}" if v.added_at else ""
        for lang in v.languages:
            note = " ".join(v.note.split())
            row = [v.form_type, f"v{v.number}", lang, v.status, v.files[lang], added, note]
            if agency_name:
                row.insert(4, "agency" if v.agency_id else "shipped")
            click.echo("  ".join(row).rstrip())
