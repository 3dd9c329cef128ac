"""What of the archive may go to a recipient: the client gets all of their record; anyone
else what the one sharing gate (`workflows.consent.may_share`) lets through (RULES.md
"Consent to release information"; minimum necessary)."""

from datetime import date, datetime, time
from enum import Enum

from .. import clock
from ..forms import get_form_type
from ..workflows.consent import may_share
from .models import ArchiveRecord


class Recipient(Enum):
    """The client themselves, asking for their own record: never a typed name, so a partner
    agency that calls itself "client" is a partner like any other."""

    CLIENT = "the client (their own request)"


CLIENT = Recipient.CLIENT


def categories_needed(record: ArchiveRecord) -> frozenset[str]:
    """The release categories a release must all tick for `record` to go to a partner: what
    its form type says it contains (none: never)."""
    return get_form_type(record.form_type).release_categories(record.document.data)


def sharing_decision(record: ArchiveRecord, recipient: str, on: date):
    """The sharing gate's decision for `record` to a partner on the agency's day `on`, with
    the release that lets it go."""
    end_of_day = datetime.combine(on, time.max, tzinfo=clock.zone(record.document.agency))
    return may_share(
        record.agency_id,
        record.client_id,
        categories_needed(record),
        recipient,
        end_of_day,
        document_id=record.document_id,
    )


def sharing_allowed(record: ArchiveRecord, recipient: str | Recipient, on: date) -> bool:
    """True when `record` may be sent to `recipient` on the agency's day `on`: always to the
    client (their own request); to anyone else as the sharing gate (`may_share`) decides for
    every release category the document contains (none: never), or for a release itself."""
    return recipient is CLIENT or sharing_decision(record, recipient, on).allowed
