"""An agency's own settings: its name and contact printed on every form, the day limits of
its due-process rules (the CoC's written standards leave the numbers to agencies), the texts
that are the same for every client (program rules, the CoC committee and appeal contacts,
24 CFR 578.91(b)(1)), whether documents signed in another language get an English copy, and
its time zone. Only an admin changes them, each change audited with what it was before;
documents already signed keep what they said."""

import io
from pathlib import PurePath

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..audit import service as audit
from ..clock import time_zone_error
from ..errors import InvalidInput
from ..forms.base import has_control_character
from ..forms.termination_notice import APPEAL_DAYS
from .models import Agency, Role
from .service import Actor, require_role
from .two_factor import POLICIES

LOGO_MOST_KB = 256  # a logo printed 0.6 in high; anything bigger only slows every render
LOGO_MOST_PIXELS = 3000  # on either side
LOGO_FORMATS = {"PNG": {".png"}, "JPEG": {".jpg", ".jpeg"}}  # what the file is -> its names

# setting -> most characters
TEXT_SETTINGS = {
    "name": 200,
    "address": 300,
    "phone": 40,
    "program_rules": 6000,
    "coc_contact": 1000,
    "appeal_contact": 300,
}
MULTILINE_SETTINGS = {"program_rules", "coc_contact"}
# setting -> (fewest, most) days. A case plan is reviewed at least every 30 days (RULES.md);
# a client gets at least a week to appeal; no answer may wait more than a season.
DAY_SETTINGS = {
    "appeal_days": APPEAL_DAYS,
    "decision_days": (1, 90),
    "grievance_response_days": (1, 90),
    "plan_review_days": (1, 30),
}
LABELS = {
    "name": _l("Agency name"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "program_rules": _l("Program rules (one rule per line)"),
    "coc_contact": _l("CoC Governance & Membership Committee contact"),
    "appeal_contact": _l("Where a client sends or brings an appeal (person or office, address)"),
    "appeal_days": _l("Days a client has to appeal a termination"),
    "decision_days": _l("Days to decide an appeal"),
    "grievance_response_days": _l("Days to answer a grievance"),
    "plan_review_days": _l("Days between case plan reviews"),
    "file_english_copy": _l("File an English copy of documents signed in another language"),
    "minors_consent_to_sud_alone": _l(
        "State law lets a minor get substance use treatment without a parent's consent"
    ),
    "logo": _l("Logo (PNG or JPEG)"),
    "remove_logo": _l("Remove the logo"),
    "time_zone": _l("Time zone"),
    "two_factor": _l("Two-factor sign-in (a code from an authenticator app)"),
}


def _checked(values: dict) -> dict:
    errors, clean = {}, {}
    for name, most in TEXT_SETTINGS.items():
        value = (values.get(name) or "").strip()
        if not value:
            errors[name] = [gettext("%(field)s is required.", field=LABELS[name])]
        elif len(value) > most:
            errors[name] = [
                gettext(
                    "%(field)s can be at most %(most)s characters.", field=LABELS[name], most=most
                )
            ]
        elif has_control_character(value, multiline=name in MULTILINE_SETTINGS):
            errors[name] = [
                gettext(
                    "%(field)s contains a control character that cannot be printed.",
                    field=LABELS[name],
                )
            ]
        clean[name] = value
    for name, (fewest, most) in DAY_SETTINGS.items():
        value = values.get(name)
        if not isinstance(value, int) or not fewest <= value <= most:
            errors[name] = [
                gettext(
                    "%(field)s: a whole number from %(fewest)s to %(most)s.",
                    field=LABELS[name],
                    fewest=fewest,
                    most=most,
                )
            ]
        clean[name] = value
    clean["file_english_copy"] = bool(values.get("file_english_copy"))
    clean["minors_consent_to_sud_alone"] = bool(values.get("minors_consent_to_sud_alone"))
    if "two_factor" in values:
        if values["two_factor"] not in POLICIES:
            errors["two_factor"] = [gettext("Choose one of the listed choices.")]
        clean["two_factor"] = values["two_factor"]
    if values.get("logo"):
        problem = logo_problem(*values["logo"])
        if problem:
            errors["logo"] = [problem]
    clean["time_zone"] = (values.get("time_zone") or "").strip()
    if error := time_zone_error(clean["time_zone"]):
        errors["time_zone"] = [error]
    if errors:
        raise InvalidInput(errors)
    return clean


def logo_problem(filename: str, content: bytes) -> str | None:
    """Why a file cannot be the logo, or None: it must be a PNG or JPEG image (read from its
    bytes, not taken from its name), named as what it is, and small enough to print."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > LOGO_MOST_KB * 1024:
        return gettext("The logo can be at most %(most)s KB.", most=LOGO_MOST_KB)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        kind, size = None, (0, 0)
    if PurePath(filename.lower()).suffix not in LOGO_FORMATS.get(kind, ()):
        return gettext("The logo must be a PNG or JPEG image, and its file name must say which.")
    if max(size) > LOGO_MOST_PIXELS:
        return gettext(
            "The logo can be at most %(most)s pixels wide and high.", most=LOGO_MOST_PIXELS
        )
    return None


CHANGED_BY = (Role.ADMIN,)


def may_change(actor: Actor) -> bool:
    return actor.user is not None and actor.user.role in CHANGED_BY


def set_time_zone(actor: Actor, agency: Agency, name: str) -> Agency:
    """The agency's clock set by an operator (`forms-service init|demo --time-zone`), audited
    as a change on the settings page is."""
    if error := time_zone_error(name):
        raise InvalidInput({"time_zone": [error]})
    if agency.time_zone != name:
        changes = {"time_zone": {"from": agency.time_zone, "to": name}}
        agency.time_zone = name
        audit.record(actor, "agency.settings", agency, changes=changes)
    return agency


def update_agency_settings(actor: Actor, values: dict) -> Agency:
    """Apply the settings an admin submitted to their own agency."""
    require_role(actor, CHANGED_BY)
    agency = actor.user.agency
    clean = _checked(values)
    if values.get("logo"):
        from ..archive.service import blob_store

        clean["logo_sha256"] = blob_store().put(values["logo"][1])
    elif values.get("remove_logo"):
        clean["logo_sha256"] = None
    changes = {}
    for name, value in clean.items():
        if getattr(agency, name) != value:
            changes[name] = {"from": getattr(agency, name), "to": value}
            setattr(agency, name, value)
    if changes:
        audit.record(actor, "agency.settings", agency, changes=changes)
    return agency
