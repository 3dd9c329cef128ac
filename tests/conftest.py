"""Test fixtures. Every test that uses `app` runs twice: on SQLite and on PostgreSQL
(`FORMS_TEST_DATABASE_URL`, default the local server's `test` database). A database that is
not reachable fails the run with a message; it is never skipped silently."""

import json
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from forms_service import REPO_ROOT, create_app, database
from forms_service.accounts.models import Role
from forms_service.accounts.service import Actor, create_agency, create_user
from forms_service.archive.models import ArchiveRecord
from forms_service.cases.service import create_client, open_case
from forms_service.documents import service as documents
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from forms_service.forms import example_agency_settings
from forms_service.rendering.jobs import run_job
from forms_service.rendering.templates import TemplateStore
from tests.notifications.servers import channels, mail_server, sms_provider  # noqa: F401

PASSWORD = "correct horse battery staple"
PG_URL = os.environ.get(
    "FORMS_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASES = [
    d.strip() for d in os.environ.get("FORMS_TEST_DATABASES", "sqlite,postgresql").split(",")
]
# For what a page does in the browser (its scripts, styles, timers), which no database changes:
# such tests run on the first database only.
ONE_DATABASE = pytest.mark.parametrize("app", DATABASES[:1], indirect=True)
MIGRATIONS = str(database.MIGRATIONS)


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept for the run: every test makes an app, and each app
    would otherwise compile every page it renders again (keyed by the template's source)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def _shared_url_builders():
    """Werkzeug compiles two URL-building functions for each route of each new app (nine
    tenths of making an app); the function depends only on the route's parts, and is bound
    to its rule afterwards, so the tests' apps share them."""
    compile_builder, builders = Rule._compile_builder, {}

    def shared(rule, append_unknown=True):
        key = (tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


_shared_url_builders()


def shipped_templates_copy(app, folder: Path) -> TemplateStore:
    """A copy of the shipped templates (form_templates/) for `app` to add versions to."""
    root = folder / "form_templates"
    shutil.copytree(REPO_ROOT / "form_templates", root)
    app.config["TEMPLATES_DIR"] = str(root)
    return TemplateStore(root)


def modules_loaded_by(code: str, instance: Path, **env: str) -> set[str]:
    """The modules a fresh interpreter has loaded once `code` (given `create_app`) has run."""
    script = f"import sys\nfrom forms_service import create_app\n{code}\nprint(*sys.modules)"
    done = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", script],
        env={**os.environ, "FORMS_INSTANCE": str(instance), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def _make_app(instance, url, profile, **extra):
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "TESTING": True,
            **SHARED_CONVERTERS,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "ARCHIVE_DIR": str(instance / "archive"),
            "CONVERTER_PROFILE_DIR": str(profile),
            "RATELIMIT_ENABLED": False,
            "RENDER_QUEUE": "inline",
            **extra,
        }
    )
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    database.migrations(app)
    return app


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Still argon2id, with the smallest cost: the tests create many users, and the
    production cost is there to be slow."""
    from argon2 import PasswordHasher

    from forms_service.accounts import service

    production = service._hasher, service._DUMMY_HASH
    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    service._DUMMY_HASH = service._hasher.hash("not-a-real-password")  # sign-in pads with it
    yield
    service._hasher, service._DUMMY_HASH = production


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# One warm converter pool and one seal key for the whole run (set by `converter_profile`).
SHARED_CONVERTERS: dict = {}


@pytest.fixture(scope="session")
def converter_profile(tmp_path_factory):
    """One LibreOffice profile for the cold converter and one warm pool for the run, so only
    the first conversion pays for starting LibreOffice; the pool is stopped at the end."""
    from forms_service.keys import ensure_seal_key
    from forms_service.rendering.pool import ConverterPool

    pool_dir = tmp_path_factory.mktemp("converters")
    keys = tmp_path_factory.mktemp("keys")
    ensure_seal_key(keys)
    base_port = 20000 + (os.getpid() % 1200) * 10  # below the ephemeral ports (32768 and up)
    SHARED_CONVERTERS.update(
        CONVERTER_WORK_DIR=str(pool_dir), CONVERTER_BASE_PORT=base_port, SEAL_KEY_DIR=str(keys)
    )
    yield tmp_path_factory.mktemp("lo-profile") / "profile"
    ConverterPool(pool_dir, size=os.cpu_count(), base_port=base_port).shutdown()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, converter_profile):
    """A migrated SQLite database, copied for each test (migrating costs more than copying)."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "forms.db"
    app = _make_app(folder, f"sqlite:///{path}", converter_profile)
    with app.app_context():
        database.upgrade_schema()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema(tmp_path_factory, converter_profile):
    """A schema of its own in the PostgreSQL test database, migrated once for the run and
    dropped at its end, so that runs side by side never see each other's tables."""
    schema = f"forms_test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = sa.create_engine(PG_URL)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_URL} ({exc.orig}). Start it, point "
            "FORMS_TEST_DATABASE_URL at one, or run only SQLite with FORMS_TEST_DATABASES=sqlite.",
            pytrace=False,
        )
    options = {"connect_args": {"options": f"-c search_path={schema}"}, "pool_pre_ping": True}
    folder = tmp_path_factory.mktemp("pg-migrate")
    app = _make_app(folder, PG_URL, converter_profile, SQLALCHEMY_ENGINE_OPTIONS=options)
    with app.app_context():
        database.upgrade_schema()
        db.engine.dispose()
    yield options
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@contextmanager
def app_on(request, database: str, folder: Path):
    """An app on an empty migrated database of `database`'s kind, its context pushed; on
    PostgreSQL its tables are emptied afterwards."""
    extra = {}
    if database == "sqlite":
        path = folder / "forms.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    elif database == "postgresql":
        extra["SQLALCHEMY_ENGINE_OPTIONS"] = request.getfixturevalue("postgres_schema")
        url = PG_URL
    else:
        raise ValueError(f"unknown test database {database!r}")
    app = _make_app(folder, url, request.getfixturevalue("converter_profile"), **extra)
    with app.app_context():
        yield app
        db.session.remove()
        if database == "postgresql":  # only what the test wrote: TRUNCATE costs per table
            with db.engine.begin() as conn:
                written = [
                    select(sa.literal(table.name)).where(sa.exists(select(1).select_from(table)))
                    for table in db.metadata.sorted_tables
                ]
                if names := conn.scalars(sa.union_all(*written)).all():
                    conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture(params=DATABASES)
def app(request, tmp_path):
    with app_on(request, request.param, tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def chromium():
    """One Debian chromium (driven by Playwright) for a module's browser tests."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: run scripts/install-system-deps.sh --browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def bare_app(tmp_path, converter_profile):
    """An app whose code under test needs settings but no database (runs once, not per DB)."""
    app = _make_app(tmp_path, "sqlite://", converter_profile)
    with app.app_context():
        yield app


class World:
    """Two agencies with staff, clients and open cases; the second one is the stranger whose
    data the first may never reach."""

    def __init__(self):
        self.agency = create_agency("Gateway Housing Services", "1200 Market St", "(314) 555-0100")
        self.supervisor = create_user(
            self.agency, "sup@a.example", "Dana Whitfield", Role.SUPERVISOR, PASSWORD
        )
        self.case_manager = create_user(
            self.agency,
            "cm@a.example",
            "Sam Okafor",
            Role.CASE_MANAGER,
            PASSWORD,
            self.supervisor,
        )
        self.records = create_user(
            self.agency, "rec@a.example", "Ruth Lind", Role.RECORDS, PASSWORD
        )
        self.admin = create_user(
            self.agency, "admin@a.example", "Alex Moreno", Role.ADMIN, PASSWORD
        )
        # Reads English: most tests check English words; tests/test_language.py sets others.
        self.client = create_client(self.agency, "María José", "Núñez", date(1985, 3, 4), "en")
        self.case = open_case(self.client, self.case_manager, "Rapid Rehousing", date(2026, 10, 1))
        self.other_agency = create_agency("Riverside Outreach", "9 River Rd", "(555) 010-0200")
        for agency in (self.agency, self.other_agency):  # what their forms print, as examples
            for setting, value in example_agency_settings().items():
                setattr(agency, setting, value)
        self.other_case_manager = create_user(
            self.other_agency, "cm@b.example", "Lee Park", Role.CASE_MANAGER, PASSWORD
        )
        self.other_records = create_user(
            self.other_agency, "rec@b.example", "Kim Vo", Role.RECORDS, PASSWORD
        )
        self.other_client = create_client(self.other_agency, "John", "Stranger", date(1990, 1, 1))
        self.other_case = open_case(
            self.other_client, self.other_case_manager, "Shelter", date(2026, 9, 1)
        )
        db.session.commit()

    def actor(self, user, ip="203.0.113.7"):
        return Actor(user, ip, "pytest tablet")


@pytest.fixture
def world(app):
    return World()


class RequestClient(FlaskClient):
    """Each request in its own app context, as in production: `g` (the logged-in user, work
    queued after commit) and the database session never leak from the test into a request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = RequestClient
    return app.test_client()


def csrf_token(client) -> str:
    """The session's CSRF token, from the sign-in page (or the kiosk, which every page leads
    to while a tablet is handed over)."""
    html = client.get("/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(client, user, password=PASSWORD):
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client, url, data=None, **kwargs):
    """POST a form the way a browser does: with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def ink_payload(width=600, height=200, loops=3) -> str:
    """A realistic finger signature: a few looping strokes across the pad."""
    strokes, t = [], 0
    for k in range(loops):
        stroke = []
        for i in range(40):
            x = 40 + k * 170 + i * 3.5
            y = 100 + 45 * math.sin(i / 4 + k)
            stroke.append([round(x, 1), round(y, 1), t, 0.5])
            t += 12
        strokes.append(stroke)
    return json.dumps({"v": 1, "width": width, "height": height, "strokes": strokes})


CONSENT = {
    "recipient_name": "St. Patrick Center",
    "recipient_type": "agency",
    "recipient_contact": "800 N Tucker Blvd",
    "categories": ["housing", "income"],
    "other_information": "",
    "purpose": "To apply for permanent supportive housing.",
    "end_date": "",
    "end_event": "I move into permanent housing",
    "conditioned": False,
    "conditioning_explanation": "",
    "representative_signs": False,
    "representative_name": "",
    "representative_authority": "",
}


@pytest.fixture
def consent_document(world):
    """Factory: a consent for the world's client, created by the case manager and, unless
    `send=False`, sent for signature."""
    from forms_service.documents.service import send_for_signature, start_document

    def make(send=True, **changes):
        actor = world.actor(world.case_manager)
        document = start_document(actor, world.case, "consent_release", {**CONSENT, **changes})
        if send:
            send_for_signature(actor, document)
        db.session.commit()
        return document

    return make


def sign_consent(world, consent_document, **changes):
    """A consent signed by the client (on the case manager's tablet) then the case manager,
    committed; returns the document and its pending render job."""
    document = consent_document(**changes)
    job = signed_by_all(world, document)
    assert document.status == DocumentStatus.SIGNED
    return document, job


def signed_by_all(world, document):
    """The sent document signed by each signer in turn on the case manager's tablet, each
    drawing their own ink, committed; its pending render job."""
    job = None
    for loops, signer in enumerate(document.signers, start=2):
        job = documents.sign(
            world.actor(world.case_manager),
            document,
            signer,
            ink_payload=ink_payload(loops=loops),
            shown_content_sha256=document.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    assert job is not None
    return job


def archive_consent(world, consent_document, **changes) -> ArchiveRecord:
    """A consent signed and archived through the services (one real conversion)."""
    document, job = sign_consent(world, consent_document, **changes)
    assert run_job(job.id)
    db.session.expire_all()
    assert db.session.get(Document, document.id).status == DocumentStatus.ARCHIVED
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()


def blob_path(sha256: str) -> Path:
    return Path(current_app.config["ARCHIVE_DIR"]) / sha256[:2] / sha256[2:4] / sha256
