"""Who reaches what: the routes that name an object (ROUTES, checked against the app's URL
map), each serving its own agency's object to the roles that may use it; the refusals, on the
same routes, are in read_only/test_access_refused.py. The tablet shows only the client who signs."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.api.models import ApiToken
from forms_service.archive.models import ArchiveRecord, LegalHold
from forms_service.archive.search import add_search_entries
from forms_service.archive.service import blob_store
from forms_service.bulk.models import BulkRun
from forms_service.cases.service import create_client, open_case
from forms_service.database import utcnow
from forms_service.documents.models import Document, Signer, SignerStatus
from forms_service.documents.service import send_for_signature, start_document
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.programs.models import Grant
from forms_service.signing.remote import create_link
from forms_service.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from forms_service.workflows.grievance import file_grievance
from forms_service.workflows.termination import record_conference
from tests.conftest import CONSENT, ink_payload, login, post

FILL = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN)
STAFF = tuple(Role)
ARCHIVE = (Role.RECORDS, Role.ADMIN)
ADMIN = (Role.ADMIN,)
# verify: anyone with a PDF; remote.*: the one-time link on a signer's phone (its own tests)
PUBLIC_ENDPOINTS = {
    "accounts.login",
    "accounts.second_factor",  # the rest of signing in: its own tests
    "accounts.two_factor_setup",
    "accounts.choose_agency",
    "static",
    "archive.verify",
    "remote.identity",
    "remote.sign",
    "remote.thanks",
    "remote.choose_language",
    "copies.download",  # a one-time link to a client's copy (tests/documents/test_client_copy.py)
}


@dataclass(frozen=True)
class Holdings:
    """The ids of one agency's objects: one of each kind that a URL can name."""

    agency_id: uuid.UUID
    client_name: str
    client_id: str
    case_id: str
    draft_id: str  # a draft, for the edit page
    document_id: str  # sent for signature
    signer_id: str  # its first signer: the client, on the tablet
    content_sha256: str
    record_id: str  # an archive record
    hold_id: str  # a legal hold on its case
    link_id: str  # a one-time signing link for that first signer
    termination_id: str  # a termination whose case conference is recorded
    grievance_id: str  # an open grievance
    user_id: str  # a staff member (the case manager)
    grant_id: str  # a grant of the agency's programs
    token_id: str  # an API token
    run_id: str  # a bulk run
    endpoint_id: str  # a webhook endpoint
    delivery_id: str  # a delivery of an event to it
    form_type: str = "consent_release"

    @property
    def ids(self) -> set[str]:
        return {
            self.client_id,
            self.case_id,
            self.draft_id,
            self.document_id,
            self.signer_id,
            self.record_id,
            self.hold_id,
            self.link_id,
            self.termination_id,
            self.grievance_id,
            self.user_id,
            self.grant_id,
            self.token_id,
            self.run_id,
            self.endpoint_id,
            self.delivery_id,
        }


def _consent_form(**extra) -> dict:
    return {**{k: v for k, v in CONSENT.items() if v not in (False, "")}, **extra}


def file_record(document: Document) -> ArchiveRecord:
    """An archive record made directly (no PDF conversion); its two blobs are really stored,
    so their hashes are real."""
    store = blob_store()
    record = ArchiveRecord(
        agency_id=document.agency_id,
        document_id=document.id,
        client_id=document.client_id,
        case_id=document.case_id,
        form_type=document.form_type,
        reference=document.reference,
        language=document.language,
        client_name=document.client.full_name,
        search_name=document.client.search_name,
        case_number=document.case.number,
        template_version=1,
        template_sha256="a" * 64,
        content_sha256="b" * 64,
        docx_sha256=store.put(f"docx of {document.reference}".encode()),
        pdf_sha256=store.put(f"%PDF-1.7 {document.reference}".encode()),
        signers=[],
        signed_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    add_search_entries(record)
    return record


def _validated(data: dict) -> dict:
    """The data as the web form stores it (a blank date is None, not "")."""
    form = get_form_type("consent_release").form_class.from_payload(data)
    assert form.validate(), form.errors
    return form.to_data()


def _holdings(world, manager, case) -> Holdings:
    actor = world.actor(manager)

    def consent(send):
        document = start_document(actor, case, "consent_release", _validated(CONSENT))
        return send_for_signature(actor, document) if send else document

    draft, signing, filed = consent(send=False), consent(send=True), consent(send=True)
    record = file_record(filed)
    hold = LegalHold(
        agency_id=case.agency_id,
        client_id=case.client_id,
        case_id=case.id,
        reason="Audit",
        placed_by_id=manager.id,
    )
    db.session.add(hold)
    link, _, _ = create_link(actor, signing, signing.signers[0], "code")
    termination = record_conference(
        actor, case, clock.today(case.client.agency), "Client, staff", "Notes"
    )
    grievance = file_grievance(actor, case, get_form_type("grievance").example())
    grant = Grant(
        agency_id=case.agency_id,
        program=case.program,
        number="CA0001L9T002401",
        funder="coc",
        starts_on=date(2024, 7, 1),
    )
    db.session.add(grant)
    token = ApiToken(
        agency_id=case.agency_id,
        name="HMIS",
        token_sha256=uuid.uuid4().hex * 2,
        scopes=["read"],
        created_by_id=manager.id,
    )
    db.session.add(token)
    run = BulkRun(agency_id=case.agency_id, created_by_id=manager.id, filename="a.csv", send=False)
    db.session.add(run)
    endpoint = WebhookEndpoint(
        agency_id=case.agency_id,
        url="https://hooks.example.org/in",
        events=["document.sent"],
        secret_sealed="",
        enabled=False,  # nothing is sent to it while other tests use the holdings
        created_by_id=manager.id,
    )
    event = WebhookEvent(
        agency_id=case.agency_id, event_key=f"held:{case.id}", type="document.sent", data={}
    )
    delivered = WebhookDelivery(endpoint=endpoint, event=event)
    db.session.add(delivered)
    db.session.commit()
    return Holdings(
        agency_id=case.agency_id,
        client_name=case.client.full_name,
        client_id=str(case.client_id),
        case_id=str(case.id),
        draft_id=str(draft.id),
        document_id=str(signing.id),
        signer_id=str(signing.signers[0].id),
        content_sha256=signing.content_sha256,
        record_id=str(record.id),
        hold_id=str(hold.id),
        link_id=str(link.id),
        termination_id=str(termination.id),
        grievance_id=str(grievance.id),
        user_id=str(manager.id),
        grant_id=str(grant.id),
        token_id=str(token.id),
        run_id=str(run.id),
        endpoint_id=str(endpoint.id),
        delivery_id=str(delivered.id),
    )


def holdings_of(world) -> dict[uuid.UUID, Holdings]:
    """Each agency's holdings, by agency id."""
    return {
        world.agency.id: _holdings(world, world.case_manager, world.case),
        world.other_agency.id: _holdings(world, world.other_case_manager, world.other_case),
    }


@pytest.fixture
def holdings(world) -> dict[uuid.UUID, Holdings]:
    return holdings_of(world)


@dataclass(frozen=True)
class Held:
    """A form value taken from the holdings the request is about."""

    attr: str

    def of(self, holdings: Holdings) -> str:
        return getattr(holdings, self.attr)


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    roles: tuple[Role, ...]  # the roles that may use it
    ok: int  # its answer to an allowed user asking for an object of their own agency
    args: dict[str, str]  # URL argument -> Holdings attribute
    data: dict = field(default_factory=dict)  # form fields (POST)

    def __str__(self):
        return f"{self.endpoint}-{self.method}"

    def url(self, app, holdings: Holdings, **override) -> str:
        values = {arg: str(getattr(holdings, attr)) for arg, attr in self.args.items()}
        return app.url_map.bind("localhost").build(self.endpoint, {**values, **override})

    def request(self, client, holdings: Holdings, **override):
        url = self.url(client.application, holdings, **override)
        if self.method == "GET":
            return client.get(url)
        data = {k: v.of(holdings) if isinstance(v, Held) else v for k, v in self.data.items()}
        return post(client, url, data)


CLIENT = {"client_id": "client_id"}
CASE = {"case_id": "case_id"}
NEW = {"case_id": "case_id", "form_type": "form_type"}
DRAFT = {"document_id": "draft_id"}
DOCUMENT = {"document_id": "document_id"}
SIGNER = {"document_id": "document_id", "signer_id": "signer_id"}
RECORD = {"record_id": "record_id"}
HOLD = {"hold_id": "hold_id"}
LINK = {"document_id": "document_id", "link_id": "link_id"}
TERMINATION = {"termination_id": "termination_id"}
GRIEVANCE = {"grievance_id": "grievance_id"}
STAFF_MEMBER = {"user_id": "user_id"}
GRANT = {"grant_id": "grant_id"}
TOKEN = {"token_id": "token_id"}
RUN = {"run_id": "run_id"}
ENDPOINT = {"endpoint_id": "endpoint_id"}
DELIVERY = {"endpoint_id": "endpoint_id", "delivery_id": "delivery_id"}
SIGNATURE = {"ink": ink_payload(), "esign_accepted": "y", "content_sha256": Held("content_sha256")}

# Every route whose URL names an object. A new one must be added here (see the url_map test).
ROUTES = [
    Route("cases.show", "GET", FILL, 200, CASE),
    Route("accounts.staff_member", "GET", ADMIN, 200, STAFF_MEMBER),
    Route(
        "accounts.staff_member",
        "POST",
        ADMIN,
        302,
        STAFF_MEMBER,
        {"role": "case_manager", "supervisor_id": "", "active": "y"},
    ),
    Route("cases.another", "GET", FILL, 200, CLIENT),
    Route(
        "cases.another",
        "POST",
        FILL,
        302,
        CLIENT,
        {"program": "Shelter", "opened_on": "2026-10-15", "case_manager_email": "cm@a.example"},
    ),
    Route("cases.language", "POST", FILL, 302, CASE, {"language": "es"}),
    Route("cases.hmis_ids", "POST", FILL, 302, CASE, {"hmis_personal_id": "P-1"}),
    Route("programs.grant", "GET", ADMIN, 200, GRANT),
    Route(
        "programs.grant",
        "POST",
        ADMIN,
        302,
        GRANT,
        {"program": "Shelter", "number": "ESG-24-018", "funder": "esg", "starts_on": "2024-07-01"},
    ),
    Route("programs.link", "POST", FILL, 302, CASE, {"grant_id": Held("grant_id")}),
    Route("api_admin.revoke", "POST", ADMIN, 302, TOKEN),
    Route("bulk.run", "GET", ADMIN, 200, RUN),
    Route("bulk.run", "POST", ADMIN, 302, RUN),
    Route("webhooks.endpoint", "GET", ADMIN, 200, ENDPOINT),
    Route(
        "webhooks.endpoint",
        "POST",
        ADMIN,
        302,
        ENDPOINT,
        {"url": "https://hooks.example.org/new", "events": "document.signed", "enabled": "y"},
    ),
    Route("webhooks.redeliver", "POST", ADMIN, 302, DELIVERY),
    Route("documents.new", "GET", FILL, 200, NEW),
    Route("documents.new", "POST", FILL, 302, NEW, _consent_form(action="save")),
    Route("documents.edit", "GET", FILL, 200, DRAFT),
    Route("documents.edit", "POST", FILL, 302, DRAFT, _consent_form(action="save")),
    Route("documents.show", "GET", FILL, 200, DOCUMENT),
    Route("documents.paper", "GET", FILL, 409, DOCUMENT),  # 409: nobody asked for paper
    Route("documents.render_status", "GET", FILL, 200, DOCUMENT),
    Route("documents.retry_render", "POST", FILL, 409, DOCUMENT),  # 409: no render gave up
    Route("documents.void", "POST", FILL, 302, DOCUMENT, {"reason": "Sent by mistake"}),
    Route("documents.delete", "POST", FILL, 302, DRAFT),
    Route("documents.receive_paper", "GET", FILL, 302, DOCUMENT),  # 302: not signed on paper
    Route("documents.receive_paper", "POST", FILL, 409, DOCUMENT),
    # The client signer signs in the kiosk: their staff-signing page sends staff back.
    Route("signing.sign", "GET", FILL, 302, SIGNER),
    Route("signing.sign", "POST", FILL, 302, SIGNER, SIGNATURE),
    Route("signing.kiosk_start", "POST", FILL, 302, SIGNER),
    Route("remote.create", "POST", FILL, 200, SIGNER, {"identity_method": "code"}),
    Route("remote.create", "GET", FILL, 200, SIGNER),
    Route("remote.revoke", "POST", FILL, 302, LINK),
    Route("remote.resend", "POST", FILL, 409, LINK),  # 409: the link was not sent by a message
    Route("copies.print_copy", "GET", FILL, 409, DOCUMENT),  # 409: not filed yet
    Route("signing.kiosk_packet", "POST", FILL, 302, CASE),  # 302: none ticked, back to it
    Route("documents.record_delivery", "POST", FILL, 409, DOCUMENT),  # 409: a consent
    Route("copies.send", "POST", FILL, 400, DOCUMENT, {"copy-send_by": "show"}),  # 400: no way
    Route("archive.record", "GET", STAFF, 200, RECORD),
    Route("archive.open_file", "POST", STAFF, 200, RECORD, {"kind": "pdf", "purpose": "audit"}),
    # 409: the holdings' stored "PDF" is a few bytes, not a PDF that can be drawn.
    Route("archive.preview", "POST", STAFF, 409, RECORD, {"preview-purpose": "audit"}),
    Route("archive.record_versions", "GET", STAFF, 200, RECORD),
    Route(
        "archive.export",
        "POST",
        ARCHIVE,
        200,
        RECORD,
        {"export-recipient": "client", "export-purpose": "client_request"},
    ),
    Route(
        "archive.place_hold",
        "POST",
        ARCHIVE,
        302,
        RECORD,
        {"hold-scope": "case", "hold-reason": "Audit"},
    ),
    Route("archive.lift_hold", "POST", ARCHIVE, 302, HOLD, {"reason": "Done"}),
    # Workflow steps: a POST without its fields answers 400 (own agency), or flashes and
    # goes back to the page it came from (302).
    Route("workflows.conference", "GET", FILL, 200, CASE),
    Route("workflows.conference", "POST", FILL, 400, CASE),
    Route("workflows.notice", "GET", FILL, 200, TERMINATION),
    Route("workflows.notice", "POST", FILL, 400, TERMINATION),
    Route("workflows.appeal", "GET", FILL, 409, TERMINATION),  # 409: no notice to appeal
    Route("workflows.appeal", "POST", FILL, 409, TERMINATION),  # 409: no notice yet
    Route("workflows.decision", "GET", FILL, 409, TERMINATION),  # 409: no appeal to decide
    Route("workflows.decision", "POST", FILL, 409, TERMINATION),  # 409: no appeal yet
    Route("workflows.give_vawa", "GET", FILL, 200, CASE),
    Route("workflows.give_vawa", "POST", FILL, 400, CASE),
    Route("workflows.file_grievance", "GET", FILL, 200, CASE),
    Route("workflows.file_grievance", "POST", FILL, 400, CASE),
    Route("workflows.respond", "GET", FILL, 200, GRIEVANCE),
    Route("workflows.respond", "POST", FILL, 400, GRIEVANCE),
    Route("workflows.revoke", "POST", FILL, 302, DOCUMENT),
    Route("workflows.write_letter_again", "POST", FILL, 409, DOCUMENT),  # 409: not revoked
    Route("workflows.record_delivery", "POST", FILL, 302, DOCUMENT),
    Route("workflows.close", "POST", FILL, 302, CASE),
    Route("workflows.plan_update", "POST", FILL, 409, CASE),  # 409: no signed plan yet
]
USERS = {
    "case_manager": Role.CASE_MANAGER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "records": Role.RECORDS,
    "other_case_manager": Role.CASE_MANAGER,
    "other_records": Role.RECORDS,
}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_route_serves_its_own_agencys_object(client, world, holdings, route):
    """The control for the matrix above: the same request on one's own agency works, so the
    404s come from the agency check and not from a wrong URL."""
    own = holdings[world.agency.id]
    who = next(who for who, role in USERS.items() if role in route.roles)
    login(client, getattr(world, who))
    response = route.request(client, own)
    assert response.status_code == route.ok, response.get_data(as_text=True)[:500]


def test_every_route_with_an_id_is_in_the_access_matrix(bare_app):
    """A new route (or a new method on one) that names an object must join ROUTES, so the
    cross-agency matrix covers it (the JSON API's have their own matrix, with tokens, in
    tests/api/test_access.py)."""
    covered = {(route.endpoint, route.method): route for route in ROUTES}
    missing, stale = [], set(covered)
    for rule in bare_app.url_map.iter_rules():
        if not any(arg.endswith("id") for arg in rule.arguments) or rule.endpoint.startswith(
            "api."
        ):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            route = covered.get((rule.endpoint, method))
            stale.discard((rule.endpoint, method))
            if route is None:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
            else:
                assert set(route.args) == set(rule.arguments), rule.rule
    assert not missing, f"add to ROUTES in {__file__}: {missing}"
    assert not stale, f"ROUTES names routes the app no longer has: {stale}"


def _links(html: str) -> list[str]:
    return re.findall(r'(?<![\w-])(?:href|action)="([^"]*)"', html)


def test_the_tablet_shows_only_the_client_who_signs(client, world, consent_document):
    neighbour = create_client(world.agency, "Esperanza", "Quiroga", date(1979, 6, 2), "es")
    neighbour_case = open_case(neighbour, world.case_manager, "Rapid Rehousing", date(2026, 10, 2))
    actor = world.actor(world.case_manager)
    send_for_signature(
        actor, start_document(actor, neighbour_case, "consent_release", dict(CONSENT))
    )
    db.session.commit()
    document = consent_document()
    signer = document.signers[0]
    assert signer.user_id is None  # the client, on the tablet
    login(client, world.case_manager)
    # The case manager was just looking at the other client, then hands the tablet over.
    assert client.get(f"/cases/{neighbour_case.id}").status_code == 200

    post(client, f"/documents/{document.id}/kiosk/{signer.id}")
    tablet = client.get("/kiosk")

    html = tablet.get_data(as_text=True)
    assert tablet.status_code == 200
    assert "María José Núñez" in html
    for name in ("Esperanza", "Quiroga", "Stranger"):
        assert name not in html
    # No way to the rest of the app: only the kiosk's own forms, anchors and assets.
    assert [link for link in _links(html) if not link.startswith(("#", "/static/", "/kiosk"))] == []
    assert "Sign out" not in html

    signed = post(
        client,
        "/kiosk/sign",
        {"ink": ink_payload(), "esign_accepted": "y", "content_sha256": document.content_sha256},
    )
    assert signed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Signer, signer.id).status == SignerStatus.SIGNED
    hand_back = client.get(signed.headers["Location"]).get_data(as_text=True)
    for name in ("Esperanza", "Quiroga", "Stranger"):
        assert name not in hand_back
    assert not [link for link in _links(hand_back) if link.startswith(("/cases", "/archive"))]
