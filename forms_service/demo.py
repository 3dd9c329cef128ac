"""Demo data: one agency, one person per staff role, three clients with open cases."""

from datetime import date

from sqlalchemy import select

from .accounts.models import Agency, Role, User
from .accounts.service import create_agency, create_user
from .cases.service import create_client, open_case
from .extensions import db

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


def load_demo() -> list[User]:
    """Create the demo data unless it is there already; return the demo staff."""
    existing = db.session.execute(select(Agency).where(Agency.name == AGENCY[0])).scalar()
    if existing is not None:
        return list(
            db.session.execute(
                select(User).where(User.agency_id == existing.id).order_by(User.email)
            ).scalars()
        )
    agency = create_agency(*AGENCY)
    users = {}
    for email, name, role in STAFF:
        supervisor = users.get(Role.SUPERVISOR) if role == Role.CASE_MANAGER else None
        users[role] = create_user(agency, email, name, role, DEMO_PASSWORD, supervisor)
    for first, last, dob, language, program in CLIENTS:
        client = create_client(agency, first, last, dob, language)
        open_case(client, users[Role.CASE_MANAGER], program, date(2026, 10, 1))
    return sorted(users.values(), key=lambda u: u.email)
