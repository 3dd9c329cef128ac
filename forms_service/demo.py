"""Demo data: one agency, one person per staff role, three clients with open cases, each
linked to its program's open grant, and a records tour already filed through the real
services (signed with ink on the tablet, rendered by the converters, sealed and archived): a
client rights form and a case plan updated to version 2 in Spanish, a revoked consent in
English with its letter to the recipient (signed, filed and mailed), a consent in Arabic."""

import json
import math
from datetime import date

from sqlalchemy import select

from . import clock
from .accounts.models import Agency, Role, User
from .accounts.service import SYSTEM, Actor, create_agency, create_user
from .accounts.settings import set_time_zone
from .cases.models import Case
from .cases.service import create_client, open_case
from .clock import DEFAULT_TIME_ZONE
from .database import utcnow
from .documents import delivery
from .documents import service as documents
from .documents.models import Document
from .extensions import db
from .forms import example_agency_settings, get_form_type
from .forms.client_rights import ClientRights
from .programs import service as programs
from .programs.models import Funder
from .rendering.jobs import run_job
from .workflows import consent, plans, revocation_letter

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (demo data only, printed on purpose)
AGENCY = ("Gateway Housing Services", "1200 Market St, St. Louis, MO 63103", "(314) 555-0100")
STAFF = [
    ("supervisor@gateway.example", "Dana Whitfield", Role.SUPERVISOR),
    ("casemanager@gateway.example", "Sam Okafor", Role.CASE_MANAGER),
    ("records@gateway.example", "Ruth Lindqvist", Role.RECORDS),
    ("admin@gateway.example", "Alex Moreno", Role.ADMIN),
]
CLIENTS = [
    ("María José", "Núñez", date(1985, 3, 4), "es", "Rapid Rehousing"),
    ("James", "Carter", date(1972, 11, 19), "en", "Permanent Supportive Housing"),
    ("Amina", "Haddad", date(1994, 6, 2), "ar", "Emergency Shelter"),
]

# One grant per program, open (funds not all spent yet): the records they served are kept.
GRANTS = {
    "Rapid Rehousing": ("MO0123L7E012405", Funder.COC),
    "Permanent Supportive Housing": ("MO0456L7E012405", Funder.COC),
    "Emergency Shelter": ("ESG-25-MO-031", Funder.ESG),
}


class RenderFailed(Exception):
    """A demo document could not be rendered and filed (its job stays queued for a retry)."""


def load_demo(time_zone: str | None = None) -> list[User]:
    """Create the demo data unless the agency is there already (then nothing is added but
    `time_zone`); return the demo staff. The agency keeps St. Louis time unless given one."""
    existing = db.session.execute(select(Agency).where(Agency.name == AGENCY[0])).scalar()
    if existing is not None:
        if time_zone:
            set_time_zone(SYSTEM, existing, time_zone)
        return list(
            db.session.execute(
                select(User).where(User.agency_id == existing.id).order_by(User.email)
            ).scalars()
        )
    agency = create_agency(*AGENCY, time_zone or DEFAULT_TIME_ZONE)
    for setting, value in example_agency_settings().items():
        setattr(agency, setting, value)
    users = {}
    for email, name, role in STAFF:
        supervisor = users.get(Role.SUPERVISOR) if role == Role.CASE_MANAGER else None
        users[role] = create_user(agency, email, name, role, DEMO_PASSWORD, supervisor)
    cases = [
        open_case(
            create_client(agency, first, last, dob, language),
            users[Role.CASE_MANAGER],
            program,
            date(2026, 10, 1),
        )
        for first, last, dob, language, program in CLIENTS
    ]
    admin = Actor(users[Role.ADMIN], "127.0.0.1", "forms-service demo")
    manager = Actor(users[Role.CASE_MANAGER], "127.0.0.1", "forms-service demo")
    for case in cases:
        number, funder = GRANTS[case.program]
        grant = programs.save_grant(
            admin, None, case.program, number, funder, date(2025, 7, 1), None
        )
        programs.link_grant(manager, str(case.id), str(grant.id))
    _file_tour(manager, cases)
    return sorted(users.values(), key=lambda u: u.email)


def _file_tour(actor: Actor, cases: list[Case]) -> None:
    """Each document in the client's language, signed and filed before the next step needs
    it (a plan update starts from the filed plan; a revocation ends a filed release)."""
    maria, james, amina = cases
    _signed_and_filed(actor, maria, ClientRights.name)
    _signed_and_filed(actor, maria, plans.PLAN)
    update = plans.start_update(actor, maria)
    changes = "30-day review: the state ID card came; the job search starts this month."
    documents.update_draft(actor, update, {**update.data, "changes": changes})
    _sign_and_file(actor, update)
    release = _signed_and_filed(actor, james, consent.RELEASE)
    consent.revoke(actor, release, utcnow(), note="James asked in a letter.")
    (letter,) = revocation_letter.letters_about(release)
    letter = _sign_and_file(actor, letter)
    delivery.record_delivery(
        actor, letter, "mail", clock.today(james.client.agency), "By first class"
    )
    db.session.commit()
    _signed_and_filed(actor, amina, consent.RELEASE)


def _signed_and_filed(actor: Actor, case: Case, form_type: str) -> Document:
    document = documents.start_document(actor, case, form_type, get_form_type(form_type).example())
    return _sign_and_file(actor, document)


def _sign_and_file(actor: Actor, document: Document) -> Document:
    documents.send_for_signature(actor, document)
    job = None
    for number, signer in enumerate(document.signers):
        job = documents.sign(
            actor,
            document,
            signer,
            ink_payload=_ink(number + len(signer.name)),
            shown_content_sha256=document.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    if not run_job(job.id):
        raise RenderFailed(
            f"{document.reference} could not be rendered ({job.error}); "
            "`forms-service render-pending` retries it"
        )
    return db.session.get(Document, document.id)


def _ink(seed: int) -> str:
    """A finger signature as the tablet's pad sends it: a few looping strokes across the pad,
    each a little different."""
    strokes, t = [], 0
    for k in range(3 + seed % 2):
        stroke = []
        for i in range(45):
            x = 50 + k * 150 + i * 3.2
            y = 100 + (35 + seed % 15) * math.sin(i / (3.5 + seed % 3) + k) * (1 - i / 90)
            stroke.append([round(x, 1), round(y, 1), t, 0.5])
            t += 11
        strokes.append(stroke)
        t += 180
    return json.dumps({"v": 1, "width": 640, "height": 200, "strokes": strokes})
