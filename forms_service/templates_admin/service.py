"""Which template an agency's new document gets, and the verbs of an agency's own versions:
upload (checked, previewed, stored as a draft), activate, discard, download.

An agency's versions override the shipped ones (form_templates/) for that agency only: a new
document gets the newest active version of the agency that has its language, else the
shipped one. A document pins the version's number and its file's sha256 forever; the pair
finds the file again even if a shipped version later takes the same number."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import get_locale, gettext
from sqlalchemy import inspect, select

from .. import clock
from ..accounts.models import Agency, Role
from ..accounts.service import Actor, require_role
from ..archive.service import blob_store, page_images
from ..audit import service as audit
from ..database import utcnow
from ..errors import InvalidInput, NotFound, RuleViolation
from ..extensions import db
from ..forms import form_types, get_form_type
from ..forms.spec import FormSpec
from ..i18n import N_, language_name
from ..rendering.resources import load_template, template_store
from ..rendering.templates import TemplateVersion
from .models import AgencyTemplateFile, AgencyTemplateVersion, TemplateStatus

if TYPE_CHECKING:
    from ..rendering.template_check import Checked
    from .variables import Variable

CHANGED_BY = (Role.ADMIN,)


class AgencyTemplates:
    """The template versions one agency sees: the shipped ones and its own."""

    def __init__(self, agency: Agency):
        self.agency, self.agency_id = agency, agency.id
        self.shipped = template_store()

    def own(self, form_type: str) -> list[AgencyTemplateVersion]:
        return list(
            db.session.scalars(
                select(AgencyTemplateVersion)
                .where(
                    AgencyTemplateVersion.agency_id == self.agency_id,
                    AgencyTemplateVersion.form_type == form_type,
                )
                .order_by(AgencyTemplateVersion.number)
            )
        )

    def _own_versions(self, form_type: str) -> list[TemplateVersion]:
        return [as_template_version(row) for row in self.own(form_type)]

    def versions(self, form_type: str) -> list[TemplateVersion]:
        """Shipped and own, by number (an own version after a shipped one of its number)."""
        both = self.shipped.versions(form_type) + self._own_versions(form_type)
        return sorted(both, key=lambda v: (v.number, v.agency_id is not None))

    def current(self, form_type: str, language: str) -> TemplateVersion:
        """What a new document in `language` is pinned to."""
        own = [
            v
            for v in self._own_versions(form_type)
            if v.status == TemplateStatus.ACTIVE and language in v.files
        ]
        if own:
            return own[-1]
        return self.shipped.current(form_type, clock.today(self.agency), language)

    def languages(self, form_type: str) -> list[str]:
        """The languages a new document of `form_type` can be written in."""
        own = {
            lang
            for v in self._own_versions(form_type)
            if v.status == TemplateStatus.ACTIVE
            for lang in v.files
        }
        return sorted(own | set(self.shipped.languages(form_type, clock.today(self.agency))))

    def version(self, form_type: str, number: int, sha256: str | None = None) -> TemplateVersion:
        """The version a document pinned (`number`, and the `sha256` of its file)."""
        for v in [*self._own_versions(form_type), *self.shipped.versions(form_type)]:
            if v.number == number and (sha256 is None or sha256 in v.files.values()):
                return v
        raise NotFound(f"{form_type!r} has no template version {number}")


def templates_for(agency: Agency) -> AgencyTemplates:
    return AgencyTemplates(agency)


def shipped_effective(added_at: datetime) -> date:
    """The effective date of a shipped version added at `added_at`: the date then of the
    instance's agency whose date is earliest (each agency reads a version's date on its own
    clock), so the version is in effect at once for every agency; with none yet, or no
    database yet (a checkout adding to form_templates/), a new agency's."""
    zones = {clock.DEFAULT_TIME_ZONE}
    if inspect(db.engine).has_table(Agency.__tablename__):
        zones = set(db.session.scalars(select(Agency.time_zone))) or zones
    return min(clock.aware(added_at).astimezone(ZoneInfo(zone)).date() for zone in zones)


def as_template_version(row: AgencyTemplateVersion) -> TemplateVersion:
    return TemplateVersion(
        row.form_type,
        row.number,
        (row.activated_at or row.created_at).date(),
        {f.language: f.sha256 for f in row.files},
        str(row.status),
        row.added_by,
        row.created_at,
        row.note,
        row.agency_id,
    )


def letterhead(agency: Agency) -> dict:
    """The agency's name, address, phone and logo from its settings, as a template prints them."""
    return {
        "agency_name": agency.name,
        "agency_address": agency.address,
        "agency_phone": agency.phone,
        "agency_logo": blob_store().get(agency.logo_sha256) if agency.logo_sha256 else None,
    }


def actor_name(actor: Actor) -> str:
    return f"{actor.user.name} ({actor.user.email})"


@dataclass(frozen=True)
class Upload:
    version: AgencyTemplateVersion
    checked: "Checked"


def _agency_of(actor: Actor, agency: Agency | None) -> Agency:
    """A person acts on their own agency, as an admin; an operator (the CLI) names one."""
    if actor.user is None and agency is not None:
        return agency
    require_role(actor, CHANGED_BY)
    return actor.user.agency


def _own_version(agency: Agency, form_type: str, number: int) -> AgencyTemplateVersion:
    row = db.session.scalar(
        select(AgencyTemplateVersion).where(
            AgencyTemplateVersion.agency_id == agency.id,
            AgencyTemplateVersion.form_type == form_type,
            AgencyTemplateVersion.number == number,
        )
    )
    if row is None:
        raise NotFound
    return row


def upload_template(
    actor: Actor,
    form_type_name: str,
    language: str,
    template: bytes,
    note: str = "",
    *,
    into: int | None = None,
    agency: Agency | None = None,
    added_by: str | None = None,
) -> Upload:
    """Check `template` as the form's template in `language` and, when it has no problem, store
    it as a new draft version of the agency, with the other languages of the current version
    carried over unchanged; or, `into` a draft, as its file in that language. A refused file
    stores nothing: InvalidInput lists every problem."""
    agency = _agency_of(actor, agency)
    form_type = get_form_type(form_type_name)
    language = language.strip().lower()
    note = " ".join(note.split())
    if len(note) > 500:
        raise InvalidInput({"note": [gettext("The note can be at most 500 characters.")]})
    # One upload at a time per agency: the next number is read and taken in one transaction.
    db.session.execute(select(Agency.id).where(Agency.id == agency.id).with_for_update())
    templates = templates_for(agency)
    row = _draft(actor, form_type.name, into, agency)[1] if into is not None else None
    number = into if row else max(v.number for v in templates.versions(form_type.name)) + 1
    # the check renders the form: docxtpl, LibreOffice, the seal, loaded by an upload alone
    from ..rendering.template_check import check_template

    checked = check_template(form_type, template, language, number, letterhead(agency))
    if checked.problems:
        raise InvalidInput({"template": [str(p) for p in checked.problems]})
    store = blob_store()
    if row is None:
        row = AgencyTemplateVersion(
            agency_id=agency.id,
            form_type=form_type.name,
            number=number,
            note=note,
            added_by=added_by or actor_name(actor),
        )
        row.files += _carried(templates, form_type.name, language)
        db.session.add(row)
    file = next((f for f in row.files if f.language == language), None)
    if file is None:
        file = AgencyTemplateFile(language=language)
        row.files.append(file)
    file.sha256, file.carried_from = store.put(template), None
    file.preview_pdf_sha256 = store.put(checked.pdf)
    db.session.flush()
    audit.record(
        actor,
        "template.upload",
        row,
        agency_id=agency.id,
        form_type=form_type.name,
        version=number,
        language=language,
        sha256=file.sha256,
    )
    return Upload(row, checked)


def _carried(templates: AgencyTemplates, form_type: str, language: str):
    """The files of every other language new documents use now, unchanged."""
    for other in templates.languages(form_type):
        if other != language:
            current = templates.current(form_type, other)
            yield AgencyTemplateFile(
                language=other,
                sha256=blob_store().put(load_template(current, other)),
                carried_from=current.number,
            )


def _draft(actor: Actor, form_type: str, number: int, agency: Agency | None):
    agency = _agency_of(actor, agency)
    row = _own_version(agency, get_form_type(form_type).name, number)
    if row.status != TemplateStatus.DRAFT:
        raise RuleViolation(
            gettext(
                "Version %(number)s is %(status)s: only a draft can be changed, activated or "
                "discarded.",
                number=number,
                status=gettext(STATUS_LABELS[row.status]),
            )
        )
    return agency, row


def _files_audited(row: AgencyTemplateVersion) -> dict:
    return {f.language: f.sha256 for f in row.files}


def activate(
    actor: Actor, form_type: str, number: int, agency: Agency | None = None
) -> AgencyTemplateVersion:
    """New documents of the agency use this version from now on; documents already sent keep
    the version they were sent with."""
    agency, row = _draft(actor, form_type, number, agency)
    row.status = TemplateStatus.ACTIVE
    row.activated_at = utcnow()
    audit.record(
        actor,
        "template.activate",
        row,
        agency_id=agency.id,
        version=number,
        files=_files_audited(row),
    )
    return row


def discard(actor: Actor, form_type: str, number: int) -> AgencyTemplateVersion:
    """A draft no document will use; its number is not given again."""
    agency, row = _draft(actor, form_type, number, None)
    row.status = TemplateStatus.DISCARDED
    audit.record(actor, "template.discard", row, version=number, files=_files_audited(row))
    return row


def retire(
    actor: Actor, form_type: str, number: int, agency: Agency | None = None
) -> dict[str, TemplateVersion]:
    """An active version of the agency's own goes out of use: new documents go back to the
    agency's previous active version in each language, else the shipped one; documents
    already sent keep the version they were pinned to. Returns what new documents use now
    (language -> version)."""
    agency = _agency_of(actor, agency)
    row = _own_version(agency, get_form_type(form_type).name, number)
    if row.status != TemplateStatus.ACTIVE:
        raise RuleViolation(
            gettext(
                "Version %(number)s is %(status)s: only an active version can be retired.",
                number=number,
                status=gettext(STATUS_LABELS[row.status]),
            )
        )
    row.status = TemplateStatus.RETIRED
    db.session.flush()
    templates = templates_for(agency)
    offered = templates.languages(row.form_type)  # a language only it had is offered no more
    now_used = {
        f.language: templates.current(row.form_type, f.language)
        for f in row.files
        if f.language in offered
    }
    audit.record(
        actor,
        "template.retire",
        row,
        agency_id=agency.id,
        version=number,
        files=_files_audited(row),
        now_used={lang: v.number for lang, v in now_used.items()},
    )
    return now_used


def versions_used(now_used: dict[str, TemplateVersion]) -> str:
    """ "v3 in English; v1 in Spanish": what new forms use, for a message."""
    if not now_used:
        return gettext("no version: its languages are no longer offered")
    return "; ".join(
        gettext("v%(number)s in %(language)s", number=v.number, language=language_name(lang))
        for lang, v in sorted(now_used.items())
    )


def template_file(actor: Actor, form_type: str, number: int, language: str) -> bytes:
    """A version's file (shipped or the agency's own) for an admin to download, audited."""
    agency = _agency_of(actor, None)
    version = templates_for(agency).version(get_form_type(form_type).name, number)
    if language not in version.files:
        raise NotFound
    blob = load_template(version, language)
    audit.record(
        actor,
        "template.download",
        agency_id=agency.id,
        form_type=form_type,
        version=number,
        language=language,
        sha256=hashlib.sha256(blob).hexdigest(),
    )
    return blob


STATUS_LABELS = {
    "draft": N_("draft"),
    "active": N_("active"),
    "retired": N_("retired"),
    "discarded": N_("discarded"),
}


@dataclass(frozen=True)
class FormTemplates:
    form_type: FormSpec
    versions: list[TemplateVersion]  # shipped and the agency's own, by number
    current: dict[str, TemplateVersion]  # language -> what a new document gets


def overview(actor: Actor, form_type_name: str | None = None) -> list[FormTemplates]:
    """Each form type's versions as the admin's agency sees them (or one form type's)."""
    agency = _agency_of(actor, None)
    templates = templates_for(agency)
    chosen = [get_form_type(form_type_name)] if form_type_name else form_types()
    return [
        FormTemplates(
            form_type,
            templates.versions(form_type.name),
            {
                lang: templates.current(form_type.name, lang)
                for lang in templates.languages(form_type.name)
            },
        )
        for form_type in chosen
    ]


@dataclass(frozen=True)
class VersionPage:
    version: TemplateVersion
    row: AgencyTemplateVersion | None  # None: a shipped version
    previews: dict[str, list[bytes]]  # language -> PNG page images of its example


PREVIEW_PAGES, PREVIEW_SCALE = 6, 1.0


def version_page(actor: Actor, form_type_name: str, number: int) -> VersionPage:
    """A version, and for each file uploaded to it the example rendered in it as page
    images (the preview an admin looks at before activating), audited with its sha256."""
    agency = _agency_of(actor, None)
    form_type = get_form_type(form_type_name)
    templates = templates_for(agency)
    own = [r for r in templates.own(form_type.name) if r.number == number]
    version = as_template_version(own[0]) if own else templates.version(form_type.name, number)
    previews = {}
    for file in own[0].files if own else []:
        if file.preview_pdf_sha256:
            previews[file.language], _ = page_images(
                blob_store().get(file.preview_pdf_sha256), PREVIEW_PAGES, PREVIEW_SCALE
            )
            audit.record(
                actor,
                "template.preview",
                own[0],
                version=number,
                language=file.language,
                sha256=file.sha256,
            )
    return VersionPage(version, own[0] if own else None, previews)


def starter_download(actor: Actor, form_type_name: str, language: str) -> tuple[str, bytes]:
    """The current template in `language` and the table of the form's variables, as a ZIP."""
    agency = _agency_of(actor, None)
    form_type = get_form_type(form_type_name)
    templates = templates_for(agency)
    if language not in templates.languages(form_type.name):
        raise NotFound
    version = templates.current(form_type.name, language)
    template = load_template(version, language)
    audit.record(
        actor,
        "template.starter",
        agency_id=agency.id,
        form_type=form_type.name,
        version=version.number,
        language=language,
        sha256=hashlib.sha256(template).hexdigest(),
    )
    from . import variables  # fills the form's example: the renderer's libraries

    zipped = variables.starter(form_type, template, version, language)
    return f"{form_type.name}-starter-{language}.zip", zipped


def variables_page(actor: Actor, form_type_name: str) -> list["Variable"]:
    """Every variable the form's template can print, with the example's value."""
    from . import variables  # fills the form's example: the renderer's libraries

    agency = _agency_of(actor, None)
    form_type = get_form_type(form_type_name)
    version = templates_for(agency).current(form_type.name, "en")
    context = variables.example_context(form_type, version, str(get_locale() or "en"))
    return variables.variables(context)
