"""Exit.csv from signed discharge plans: one row per case whose latest signed plan has its exit
date in the period, keyed by the HMIS's own ids (the client's PersonalID, the case's
EnrollmentID), with Export.csv describing the export. A plan whose case or client has no HMIS id
yet is left out and named, so staff can enter the id and export again. Times are the agency's
clock, as HMIS users read them."""

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version as installed_version

from flask_babel import gettext
from sqlalchemy import select

from .. import clock
from ..accounts.models import Agency
from ..accounts.service import ARCHIVE_ROLES, Actor, require_role
from ..audit import service as audit
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..errors import InvalidInput
from ..extensions import db
from ..forms import form_type_that
from ..forms.hmis_destinations import BY_CODE, RENTAL_WITH_SUBSIDY
from .columns import COLUMNS, CSV_VERSIONS

OTHER = 17  # 3.12 "Other": the destination is described in OtherDestination
SIGNED = (DocumentStatus.SIGNED, DocumentStatus.ARCHIVED)
# Export.csv's codes (HMIS CSV Format Specifications FY2024 and FY2026, lists 1.9 SourceType,
# 1.1 ExportPeriodType, 1.2 ExportDirective, 1.5 HashStatus): a standalone/agency-specific
# application; the exits of a reporting period; neither a delta nor a full refresh of an HMIS;
# nothing hashed.
AGENCY_DATABASE, REPORTING_PERIOD, OTHER_DIRECTIVE, UNHASHED = 2, 3, 3, 1
# SourceContactPhone: ten digits, no punctuation, as the specifications' pattern; a leading US
# country code is dropped.
US_PHONE = re.compile(r"1?([2-9][0-9]{2}[2-9][0-9]{6})")


@dataclass(frozen=True)
class HmisExport:
    export_id: str
    files: dict[str, bytes]  # file name -> CSV bytes
    exits: int
    left_out: list[str]  # why each signed plan of the period is not in Exit.csv


def _time(at, agency: Agency) -> str:
    return clock.aware(at).astimezone(clock.zone(agency)).strftime("%Y-%m-%d %H:%M:%S")


def _csv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _plans(agency_id, start: date, end: date) -> list[Document]:
    """The latest signed discharge plan of each case, when its exit date is in the period."""
    plans = db.session.execute(
        select(Document)
        .where(
            Document.agency_id == agency_id,
            Document.form_type == form_type_that("closes_case").name,
            Document.status.in_(SIGNED),
        )
        .order_by(Document.completed_at)
    ).scalars()
    latest = {plan.case_id: plan for plan in plans}
    return sorted(
        (
            p
            for p in latest.values()
            if start.isoformat() <= (p.data.get("exit_date") or "") <= end.isoformat()
        ),
        key=lambda p: (p.data["exit_date"], p.reference),
    )


def exit_row(plan: Document, export_id: str) -> dict:
    """The plan's Exit.csv row: its 3.12 Destination as HUD codes it (the plan asks for that
    code), with 3.12.A only for destination 435 and OtherDestination only for 17."""
    data, agency = plan.data, plan.agency
    destination = int(data["destination"])
    if destination not in BY_CODE:
        raise ValueError(f"{plan.reference}: {destination} is not a 3.12 destination code")
    return {
        "ExitID": plan.reference,
        "EnrollmentID": plan.case.hmis_enrollment_id,
        "PersonalID": plan.client.hmis_personal_id,
        "ExitDate": data["exit_date"],
        "Destination": destination,
        "DestinationSubsidyType": data.get("subsidy_type") or ""
        if destination == RENTAL_WITH_SUBSIDY
        else "",
        "OtherDestination": (data.get("other_destination") or "")[:50]
        if destination == OTHER
        else "",
        "DateCreated": _time(plan.created_at, agency),
        "DateUpdated": _time(plan.completed_at, agency),
        "UserID": plan.created_by_id.hex,
        "ExportID": export_id,
    }


def _missing_ids(plan: Document) -> str | None:
    missing = [
        name
        for name, value in (
            ("PersonalID", plan.client.hmis_personal_id),
            ("EnrollmentID", plan.case.hmis_enrollment_id),
        )
        if not value
    ]
    if not missing:
        return None
    return gettext(
        "%(reference)s (case %(case)s): no HMIS %(ids)s yet; enter it on the case page.",
        reference=plan.reference,
        case=plan.case.number,
        ids=" / ".join(missing),
    )


def _sorted_out(agency_id, start: date, end: date) -> tuple[list[Document], list[str]]:
    ready, left_out = [], []
    for plan in _plans(agency_id, start, end):
        if reason := _missing_ids(plan):
            left_out.append(reason)
        else:
            ready.append(plan)
    return ready, left_out


def may_export(actor: Actor) -> None:
    """Records staff and admins: the people who release records."""
    require_role(actor, ARCHIVE_ROLES)


def preview(actor: Actor, start: date | None, end: date | None) -> tuple[int, list[str]]:
    """How many exits the period has for Exit.csv, and the signed plans left out (why)."""
    user = require_role(actor, ARCHIVE_ROLES)
    check_period(start, end, next(iter(COLUMNS)))
    ready, left_out = _sorted_out(user.agency_id, start, end)
    return len(ready), left_out


def check_period(start: date | None, end: date | None, version: str) -> None:
    errors = {}
    if start is None:
        errors["start"] = [gettext("Give the first day of the period.")]
    if end is None or (start is not None and end < start):
        errors["end"] = [gettext("Give the last day of the period, on or after the first.")]
    if version not in COLUMNS:
        errors["version"] = [
            gettext("Choose the CSV version: %(versions)s.", versions=", ".join(COLUMNS))
        ]
    if errors:
        raise InvalidInput(errors)


def export(
    actor: Actor, start: date | None, end: date | None, version: str, agency: Agency | None = None
) -> HmisExport:
    """Exit.csv and Export.csv for the exits of the actor's agency (records staff or an
    admin; `agency` for the operator's command without a staff member) from `start` to `end`,
    both included, in the column set of the `version` year; audited with what went out."""
    user = require_role(actor, ARCHIVE_ROLES) if actor.user else None
    agency = user.agency if user else agency
    check_period(start, end, version)
    export_id = uuid.uuid4().hex
    ready, left_out = _sorted_out(agency.id, start, end)
    rows = [exit_row(plan, export_id) for plan in ready]
    columns = COLUMNS[version]
    files = {
        "Export.csv": _csv(
            columns["Export.csv"], [_export_row(agency, user, export_id, start, end, version)]
        ),
        "Exit.csv": _csv(columns["Exit.csv"], rows),
    }
    audit.record(
        actor,
        "hmis.export",
        agency_id=agency.id,
        export_id=export_id,
        version=version,
        start=start.isoformat(),
        end=end.isoformat(),
        exits=[r["ExitID"] for r in rows],
        left_out=len(left_out),
    )
    return HmisExport(export_id, files, len(rows), left_out)


def contact_phone(text: str) -> str:
    """The phone as Export.csv takes it, or empty when it is not a US number."""
    found = US_PHONE.fullmatch("".join(c for c in text if c.isdigit()))
    return found.group(1) if found else ""


def _export_row(agency, user, export_id, start, end, version) -> dict:
    first, _, last = (user.name if user else "").partition(" ")
    return {
        "ExportID": export_id,
        "SourceType": AGENCY_DATABASE,
        "SourceID": "",
        "SourceName": agency.name[:50],
        "SourceContactFirst": first[:50],
        "SourceContactLast": last[:50],
        "SourceContactPhone": contact_phone(agency.phone),
        "SourceContactExtension": "",
        "SourceContactEmail": user.email if user else "",
        "ExportDate": _time(utcnow(), agency),
        "ExportStartDate": start.isoformat(),
        "ExportEndDate": end.isoformat(),
        "SoftwareName": "forms-service",
        "SoftwareVersion": installed_version("forms-service"),
        "CSVVersion": CSV_VERSIONS[version],
        "ExportPeriodType": REPORTING_PERIOD,
        "ExportDirective": OTHER_DIRECTIVE,
        "HashStatus": UNHASHED,
        "ImplementationID": agency.id.hex,
    }
