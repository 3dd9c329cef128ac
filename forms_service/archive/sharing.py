"""The sharing gate: may this archived document go to this recipient? Nothing about a client
is shared with a recipient without an active release naming that recipient, and then only
the categories ticked on it (RULES.md "Consent to release information"; 004 minimum
necessary). Whether a release is still active (not revoked, ended, expired or closed with
its case) is the consent workflow's call (`workflows.consent.release_status`); the archive adds
that a superseded or disposed-of release no longer counts."""

from datetime import date, datetime, time

from sqlalchemy import select

from .. import clock
from ..cases.service import normalise_name
from ..extensions import db
from ..workflows.consent import release_status
from . import status as record_status
from .models import ArchiveRecord

CLIENT = "client"  # the recipient of a client's own request for their record
RELEASE = "consent_release"
# The release category that covers each form type's documents; a form type not listed here
# is never sent to a partner. A release itself goes to the recipient it names.
COVERED_BY = {"case_plan": "case_plan", "discharge_plan": "housing"}


def sharing_allowed(record: ArchiveRecord, recipient: str, on: date) -> bool:
    """True when `record` may be sent to `recipient` on `on`: always to the client (their
    own request); to anyone else only under an active signed release naming them."""
    if recipient == CLIENT:
        return True
    releases = db.session.execute(
        select(ArchiveRecord).where(
            ArchiveRecord.agency_id == record.agency_id,
            ArchiveRecord.client_id == record.client_id,
            ArchiveRecord.form_type == RELEASE,
            record_status.in_force(on, record.document.agency.time_zone),
        )
    ).scalars()
    wanted = normalise_name(recipient)
    end_of_day = datetime.combine(on, time.max, tzinfo=clock.zone(record.document.agency))
    for release in releases:
        data = release.document.data
        if normalise_name(data.get("recipient_name") or "") != wanted:
            continue
        if not release_status(release.document, end_of_day).active:
            continue
        if release.id == record.id or COVERED_BY.get(record.form_type) in data.get(
            "categories", []
        ):
            return True
    return False
