"""The consent lifecycle and the sharing gate. A release is active until it is revoked (from
the moment the agency receives the revocation), its end date passes, its end event is
recorded, or the case closes. Nothing about a client is shared with a recipient without an
active release naming that recipient and that kind of information (seed 000; 004; 45 CFR
164.508). Every share, export and case-conference list asks `may_share`, the one sharing gate."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext
from sqlalchemy import exists, or_, select

from .. import clock
from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..forms import form_type_that
from ..webhooks import service as webhooks
from .models import ReleaseEnd

RELEASE = form_type_that("release_of_information").name
# Case conferencing shares only what bears on housing (seed 003).
HOUSING_RELEVANT = {"housing", "income", "identity"}


@dataclass(frozen=True)
class ReleaseStatus:
    state: str  # active | revoked | expired | ended | case_closed | not_signed
    since: datetime | date | None = None

    @property
    def active(self) -> bool:
        return self.state == "active"


def release_status(release: Document, at: datetime | None = None) -> ReleaseStatus:
    """What a release allows at `at` (default: now). Revoked and expired releases stay in the
    archive; they just no longer authorise sharing."""
    at = clock.aware(at or utcnow())
    if release.status != DocumentStatus.ARCHIVED or release.completed_at is None:
        return ReleaseStatus("not_signed")
    if clock.aware(release.completed_at) > at:
        return ReleaseStatus("not_signed")
    end = db.session.execute(
        select(ReleaseEnd).where(ReleaseEnd.release_id == release.id)
    ).scalar_one_or_none()
    if end is not None and clock.aware(end.effective_at) <= at:
        state = {"revoked": "revoked", "end_event": "ended", "case_closed": "case_closed"}
        return ReleaseStatus(state[end.reason], end.effective_at)
    end_date = release.data.get("end_date")
    if end_date and date.fromisoformat(end_date) < clock.day_of(at, release.agency):
        return ReleaseStatus("expired", date.fromisoformat(end_date))
    return ReleaseStatus("active", release.completed_at)


def last_in_effect(release: Document, closed_on: date) -> tuple[date, str]:
    """The day a release was last in effect, and what ended it: the earliest of its case's
    closure (on `closed_on`), its end date, and its revocation or end event."""
    ends = [(closed_on, "case closure")]
    if end_date := release.data.get("end_date"):
        ends.append((date.fromisoformat(end_date), "end date"))
    end = db.session.execute(
        select(ReleaseEnd).where(ReleaseEnd.release_id == release.id)
    ).scalar_one_or_none()
    if end is not None:
        ends.append((end.effective_at.date(), end.reason.replace("_", " ")))
    return min(ends)


def ended_releases(status: str, zone: str, before: datetime | None = None):
    """SQL over archive records of releases: "revoked" (a revocation took effect before
    `before`, default now) or "expired" (its end event happened or its case closed, or its
    end date passed on the agency's calendar, in `zone`)."""
    from ..archive.models import ArchiveRecord  # the archive reads this workflow

    when = [ReleaseEnd.effective_at < before] if before else []
    if status == "revoked":
        return exists().where(
            ReleaseEnd.release_id == ArchiveRecord.document_id,
            ReleaseEnd.reason == "revoked",
            *when,
        )
    if status != "expired":
        return None
    day = (before or utcnow()).astimezone(ZoneInfo(zone)).date().isoformat()
    end_date = Document.data["end_date"].as_string()
    return or_(
        exists().where(
            ReleaseEnd.release_id == ArchiveRecord.document_id,
            ReleaseEnd.reason.in_(("end_event", "case_closed")),
            *when,
        ),
        exists().where(Document.id == ArchiveRecord.document_id, end_date != "", end_date < day),
    )


def releases_of(client_id, agency_id) -> list[Document]:
    return list(
        db.session.execute(
            select(Document)
            .where(
                Document.client_id == client_id,
                Document.agency_id == agency_id,
                Document.form_type == RELEASE,
            )
            .order_by(Document.created_at)
        ).scalars()
    )


def _names_recipient(release: Document, recipient: str) -> bool:
    """The release names `recipient`, whatever the case, spacing and accents."""
    from ..cases.search import normalise_name  # the case service reads this workflow

    return normalise_name(release.data.get("recipient_name") or "") == normalise_name(recipient)


def _filed_and_in_force(release: Document, at: datetime) -> bool:
    """Its archive record is in force on the agency's day of `at`: a superseded or
    disposed-of release no longer counts."""
    from ..archive import status as record_status  # the archive reads this workflow
    from ..archive.models import ArchiveRecord

    zone = release.agency.time_zone
    return (
        db.session.scalar(
            select(ArchiveRecord.id).where(
                ArchiveRecord.document_id == release.id,
                record_status.in_force(clock.day_of(at, release.agency), zone),
            )
        )
        is not None
    )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    release: Document | None = None


def may_share(
    agency_id,
    client_id,
    category: str | frozenset[str],
    recipient: str,
    at: datetime | None = None,
    *,
    document_id=None,
) -> Decision:
    """The sharing gate: every share, export and case-conference list asks it. May this
    agency share `category` about this client (or the document `document_id`, a release
    itself) with `recipient` at `at`? Only under a signed release of information, filed and in
    force, naming that recipient, active at `at` (not revoked, ended, expired or closed with
    its case) and ticking that category, or every one of a set of categories (minimum
    necessary)."""
    at = clock.aware(at or utcnow())
    wanted = {category} if isinstance(category, str) else set(category)
    wanted.discard("")
    for release in releases_of(client_id, agency_id):
        if not _names_recipient(release, recipient):
            continue
        if not release_status(release, at).active or not _filed_and_in_force(release, at):
            continue
        if release.id == document_id or (
            wanted and wanted <= set(release.data.get("categories", []))
        ):
            return Decision(True, f"authorised by {release.reference}", release)
    covers = ", ".join(sorted(wanted)) or "it"
    return Decision(False, f"no active release to {recipient} covers {covers}")


def _end(actor: Actor, release: Document, reason: str, effective_at: datetime, **extra):
    if release.form_type != RELEASE:
        raise RuleViolation(gettext("Only a consent to release information can be ended this way."))
    if not release_status(release, effective_at).active:
        raise RuleViolation(
            gettext(
                "%(reference)s does not authorise sharing any more.", reference=release.reference
            )
        )
    end = ReleaseEnd(
        release_id=release.id,
        reason=reason,
        effective_at=effective_at,
        recorded_by_id=actor.user.id if actor.user else None,
        **extra,
    )
    db.session.add(end)
    db.session.flush()
    audit.record(actor, f"release.{reason}", release, effective_at=effective_at.isoformat())
    kind = "consent.revoked" if reason == "revoked" else "consent.expired"
    webhooks.emit(release.agency_id, kind, release=release, reason=reason)
    return end


def revoke(
    actor: Actor,
    release: Document,
    received_at: datetime,
    revocation: Document | None = None,
    note: str = "",
) -> ReleaseEnd:
    """A revocation takes effect when the agency receives it; it does not undo disclosures
    already made in reliance on the release (164.508(b)(5)). The recipient is told: the
    revocation writes the letter to them, for `actor` to check, sign and send.
    `received_at` as staff typed it is a clock reading in the agency's zone
    (`clock.from_local`); an aware time is taken as it is."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, release.id)
    received = clock.from_local(received_at, release.agency, "received_at")
    if received > utcnow():
        raise InvalidInput({"received_at": [gettext("The date received cannot be in the future.")]})
    end = _end(
        actor,
        release,
        "revoked",
        received,
        revocation_id=revocation.id if revocation else None,
        note=note or f"Tell {release.data.get('recipient_name')} that the release was revoked.",
    )
    _tell_the_recipient(actor, release, end)
    return end


def _tell_the_recipient(actor: Actor, release: Document, end: ReleaseEnd) -> None:
    """The recipients a revoked release named are told: its letter is written for `actor`."""
    from .revocation_letter import write_letter  # it starts a document: that service reads us

    write_letter(actor, release, end)


def record_end_event(actor: Actor, release: Document, happened_at: datetime) -> ReleaseEnd:
    """The release's end event happened (for example: the client moved into housing)."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    get_in_agency(actor, Document, release.id)
    if not release.data.get("end_event"):
        raise RuleViolation(
            gettext(
                "%(reference)s has no end event; it ends on its end date.",
                reference=release.reference,
            )
        )
    return _end(actor, release, "end_event", clock.aware(happened_at))


def end_releases_of_case(actor: Actor, case: Case, at: datetime) -> list[ReleaseEnd]:
    """Closing a case ends every release still active for it (seed 004)."""
    ended = []
    for release in releases_of(case.client_id, case.agency_id):
        if release.case_id == case.id and release_status(release, at).active:
            ended.append(_end(actor, release, "case_closed", at))
    return ended


def conference_list(actor: Actor, partner: str, at: datetime | None = None) -> list[dict]:
    """What may go on a case-conference list sent to `partner`: only clients with an active
    release to that partner, only housing-relevant items they allowed (seed 003)."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    cases = db.session.execute(
        select(Case).where(Case.agency_id == user.agency_id, Case.status == "open")
    ).scalars()
    rows = []
    for case in cases:
        allowed = sorted(
            c
            for c in HOUSING_RELEVANT
            if may_share(user.agency_id, case.client_id, c, partner, at).allowed
        )
        if allowed:
            rows.append({"client": case.client.full_name, "case": case.number, "shared": allowed})
    audit.record(actor, "release.conference_list", partner=partner, clients=len(rows))
    return rows


def apply_revocation(document: Document) -> ReleaseEnd | None:
    """A signed consent_revocation ends the release it names, from the moment the agency
    received the request (unless staff already recorded that revocation)."""
    release = db.session.execute(
        select(Document).where(
            Document.agency_id == document.agency_id,
            Document.client_id == document.client_id,
            Document.form_type == RELEASE,
            Document.reference == document.data.get("release_reference", "").strip().upper(),
        )
    ).scalar_one_or_none()
    if release is None:
        raise RuleViolation(
            f"{document.reference} names no consent of this client: "
            f"{document.data.get('release_reference')!r}."
        )
    typed = datetime.fromisoformat(document.data["received_at"])
    received = clock.from_local(typed, document.agency, "received_at")
    if not release_status(release, received).active:
        return None
    actor = Actor(document.created_by)
    end = _end(
        actor,
        release,
        "revoked",
        received,
        revocation_id=document.id,
        note=f"Tell {release.data.get('recipient_name')} that the release was revoked.",
    )
    _tell_the_recipient(actor, release, end)
    return end
