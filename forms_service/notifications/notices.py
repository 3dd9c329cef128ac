"""Staff are told: a signature arrived from a phone link, a document was filed, a render gave
up, and what falls due soon (a plan review, a grievance response, a termination step, a form
owed on paper). Each notice links to what needs doing and is shown in the reader's language
(what is due is stored worded in every staff language); a staff member may have them
e-mailed as well (the agency's name, the notice and the link)."""

import time
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, get_locale, gettext
from sqlalchemy import func, select, update

from .. import clock
from ..accounts.models import Role, User
from ..accounts.service import ALL_STAFF, Actor, require_role
from ..cases.models import Case, CaseStatus
from ..database import utcnow
from ..documents.models import Document, DocumentStatus
from ..extensions import db
from ..formatting import long_date
from ..i18n import N_, STAFF_LANGUAGES
from ..workflows import consent
from .models import Channel, Notice, NoticePreference
from .service import channel_ready, queue_message

SIGNED_BY_LINK, FILED, RENDER_FAILED, DUE = "signed_by_link", "filed", "render_failed", "due"
WEBHOOK_OFF = "webhook_off"
NOTICE_TEXTS = {
    SIGNED_BY_LINK: N_("A signature arrived from a phone link: %(subject)s."),
    FILED: N_("Signed by everyone and filed: %(subject)s."),
    RENDER_FAILED: N_("Could not be rendered, try again from its page: %(subject)s."),
    DUE: N_("Due soon: %(subject)s."),
    WEBHOOK_OFF: N_(
        "A webhook endpoint was turned off after its deliveries failed for days: %(subject)s."
    ),
}
DUE_WITHIN = timedelta(days=3)  # grievance responses, plan reviews: told this long before
CONSENT_ENDS_WITHIN = timedelta(days=30)  # a release of information about to end
DUE_SWEEP_EVERY = 3600  # seconds: what's due changes by the day, not the minute
_last_due_sweep = 0.0


def notice_text(notice: Notice) -> str:
    """The notice in the current language: a subject in words is stored in each staff
    language (English, the one every member reads, where the language is not a staff one)."""
    subjects = notice.subjects or {}
    subject = subjects.get(str(get_locale()), subjects.get("en", notice.subject))
    return gettext(NOTICE_TEXTS[notice.kind], subject=subject)


def wants_email(user: User) -> bool:
    preference = db.session.get(NoticePreference, user.id)
    return bool(preference and preference.email)


def path(endpoint: str, **values) -> str:
    """A page's path, also outside a request (a render runner, the CLI)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _address(url: str) -> str:
    """The page's address for an e-mail: on FORMS_PUBLIC_URL (a bare path without it)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url


def notify(
    user: User, kind: str, event_key: str, subject: str, url: str, subjects: dict | None = None
) -> Notice | None:
    """A notice for `user`, once per `event_key`, written in the caller's transaction, its
    subject in words in each staff language (`subjects`) when it has words; also e-mailed (in
    English, the staff language every member reads) when they asked for that."""
    key = f"{user.id}:{event_key}"[:250]
    if db.session.execute(select(Notice.id).where(Notice.event_key == key)).first():
        return None
    notice = Notice(
        agency_id=user.agency_id,
        user_id=user.id,
        event_key=key,
        kind=kind,
        subject=subject,
        subjects=subjects,
        url=url,
    )
    db.session.add(notice)
    db.session.flush()
    if wants_email(user) and channel_ready(Channel.EMAIL):
        with force_locale("en"):
            text = notice_text(notice)
        queue_message(
            user.agency_id,
            f"notice:{notice.id}",
            Channel.EMAIL,
            user.email,
            f"{user.agency.name}: {text}\n\n{_address(url)}",
            f"{user.agency.name}: {text}"[:200],
            notice,
        )
    return notice


def _about(document) -> tuple[str, str]:
    return document.reference, path("documents.show", document_id=document.id)


def signature_by_link(document, signer) -> None:
    """Whoever made the document hears that a signature came in from a phone."""
    subject, url = _about(document)
    notify(document.created_by, SIGNED_BY_LINK, f"signed-by-link:{signer.id}", subject, url)


def filed(document) -> None:
    subject, url = _about(document)
    notify(document.created_by, FILED, f"filed:{document.id}", subject, url)


def render_failed(document) -> None:
    subject, url = _about(document)
    notify(document.created_by, RENDER_FAILED, f"render-failed:{document.id}", subject, url)


def notify_due(force: bool = False) -> int:
    """Turn what is due within DUE_WITHIN (overdue included) for each case manager and
    supervisor into notices, once per item and date; at most hourly in one process."""
    from ..workflows.due import whats_due

    global _last_due_sweep
    if not force and time.monotonic() - _last_due_sweep < DUE_SWEEP_EVERY:
        return 0
    _last_due_sweep = time.monotonic()
    staff = db.session.execute(
        select(User).where(User.active, User.role.in_([Role.CASE_MANAGER, Role.SUPERVISOR]))
    ).scalars()
    owed_after = timedelta(days=current_app.config["OWED_NOTICE_DAYS"])
    made = 0
    for user in list(staff):
        today = clock.today(user.agency)
        for item in whats_due(Actor(user), today):
            if item.due_on is not None and item.due_on > today + DUE_WITHIN:
                continue
            what = in_staff_languages(item.say)
            about = f"({item.case.client.full_name}, {item.case.number})"
            subjects = {language: f"{words} {about}" for language, words in what.items()}
            if item.document is not None:  # a form owed (on paper, declined): after N days
                since = item.document.sent_at or item.document.created_at  # a draft: written
                if clock.aware(since) > utcnow() - owed_after:
                    continue
                url = path("documents.show", document_id=item.document.id)
                key = f"due:{item.kind}:{item.document.id}"
            else:
                url = path("cases.show", case_id=item.case.id)
                key = f"due:{item.kind}:{item.case.id}:{what['en']}:{item.due_on}"
            made += notify(user, DUE, key, subjects["en"], url, subjects) is not None
        made += _consents_ending(user, today)
    db.session.commit()
    return made


def in_staff_languages(say) -> dict[str, str]:
    """What `say` words, in each staff language (language -> words)."""
    worded = {}
    for language in STAFF_LANGUAGES:
        with force_locale(language):
            worded[language] = say()
    return worded


def _consents_ending(user: User, today) -> int:
    """A case manager's active releases of information whose end date is within
    CONSENT_ENDS_WITHIN: time to ask the client whether to renew them."""
    releases = db.session.execute(
        select(Document)
        .join(Case, Case.id == Document.case_id)
        .where(
            Case.case_manager_id == user.id,
            Case.status == CaseStatus.OPEN,
            Document.form_type == consent.RELEASE,
            Document.status == DocumentStatus.ARCHIVED,
        )
    ).scalars()
    made = 0
    for release in releases:
        end_date = release.data.get("end_date")
        if not end_date or not consent.release_status(release).active:
            continue
        ends = date.fromisoformat(end_date)
        if ends > today + CONSENT_ENDS_WITHIN:
            continue
        subjects = in_staff_languages(
            lambda release=release, ends=ends: gettext(
                "%(reference)s (%(recipient)s) ends %(date)s (%(client)s, %(case)s)",
                reference=release.reference,
                recipient=release.data.get("recipient_name", ""),
                date=long_date(ends),
                client=release.client.full_name,
                case=release.case.number,
            )
        )
        url = path("documents.show", document_id=release.id)
        key = f"consent-ends:{release.id}"
        made += notify(user, DUE, key, subjects["en"], url, subjects) is not None
    return made


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
    )


def my_notices(actor: Actor, limit: int = 100) -> list[Notice]:
    user = require_role(actor, ALL_STAFF)
    return list(
        db.session.execute(
            select(Notice)
            .where(Notice.user_id == user.id)
            .order_by(Notice.created_at.desc())
            .limit(limit)
        ).scalars()
    )


def mark_all_read(actor: Actor) -> None:
    user = require_role(actor, ALL_STAFF)
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    )


def set_email(actor: Actor, email: bool) -> None:
    user = require_role(actor, ALL_STAFF)
    preference = db.session.get(NoticePreference, user.id) or NoticePreference(user_id=user.id)
    preference.email = email
    db.session.add(preference)
