"""/api/v1: parse JSON, call the same services as the pages, answer JSON. Errors are
`application/problem+json` (RFC 9457) naming each field; lists are paged by an opaque cursor;
every call needs `Authorization: Bearer <token>` and is limited per token."""

import base64
import binascii
import functools
import json
from datetime import date

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..archive import search as archive_search
from ..archive import service as archive
from ..archive import status as record_status
from ..audit import service as audit
from ..cases import search as case_search
from ..cases import service as cases
from ..documents import service as documents
from ..documents.language_access import interpreter_given
from ..documents.prefill import create_prefilled
from ..errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ..extensions import csrf, limiter
from ..forms import form_types, get_form_type
from ..signing import remote
from ..signing.remote_views import link_url
from . import openapi, service, shapes

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.openapi_document", "api.reference"}  # the API's description needs no token
PROBLEM = "application/problem+json"
MAX_LIMIT = 100


def problem(status: int, title: str, detail: str = "", errors: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    return response


def _token_key() -> str:
    """Rate limits count per token (its hash), and per address for calls without one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "api:" + service.digest(secret.strip())
    return "api-ip:" + (request.remote_addr or "")


csrf.exempt(bp)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_token_key)(bp)


@bp.before_request
def authenticate():
    """A bearer token, or nothing: the API never acts on a session cookie, so a request
    without a token is checked for CSRF like a page's (then refused), and only token calls
    are exempt."""
    if request.endpoint in PUBLIC:
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        csrf.protect()
        return _unauthorized()
    found = service.authenticate(secret.strip(), request.remote_addr, request.user_agent.string)
    if found is None:
        return _unauthorized()
    g.api_token, g.api_actor = found
    audit.record(g.api_actor, "api.call", g.api_token, method=request.method, path=request.path)
    return None


def _unauthorized() -> Response:
    response = problem(
        401,
        gettext("Not authenticated"),
        gettext("Send a valid API token: Authorization: Bearer <token>."),
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="forms-service"'
    return response


@bp.errorhandler(InvalidInput)
def invalid(exc):
    return problem(422, gettext("Invalid input"), str(exc), exc.errors)


@bp.errorhandler(RuleViolation)
def refused(exc):
    return problem(409, gettext("This cannot be done"), str(exc))


@bp.errorhandler(NotFound)
def not_found(exc):
    return problem(
        404, gettext("Not found"), gettext("There is nothing here, or you may not see it.")
    )


@bp.errorhandler(PermissionDenied)
def forbidden(exc):
    return problem(403, gettext("Not allowed"), str(exc))


def http_error(exc: HTTPException):
    return problem(exc.code or 500, exc.name, exc.description or "")


# By code as well as by class: Flask prefers the app's handler for a code (its HTML pages) to
# a blueprint's handler for a class.
bp.register_error_handler(HTTPException, http_error)
for code in (400, 404, 405, 413, 429, 500):
    bp.register_error_handler(code, http_error)


def needs(scope: str):
    """The token must carry `scope`; the service's own role and agency checks follow."""

    def wrap(view):
        @functools.wraps(view)
        def checked(**kwargs):
            if scope not in g.api_token.scopes:
                return problem(
                    403,
                    gettext("Not allowed"),
                    gettext("This token lacks the %(scope)s scope.", scope=scope),
                )
            return view(**kwargs)

        checked.scope = scope
        return checked

    return wrap


def idempotent(view):
    """A POST with `Idempotency-Key` is done once per token and key: the same call again
    gets the stored answer; the key with another body is refused (422)."""

    @functools.wraps(view)
    def once(**kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(**kwargs)
        digest = service.request_digest(request.method, request.path, request.get_data())
        stored = service.earlier_response(g.api_token, key, digest)
        if stored is not None:
            response = jsonify(stored.body)
            response.status_code = stored.status
            response.headers["Idempotent-Replayed"] = "true"
            return response
        body, status = view(**kwargs)
        if status < 300:
            service.remember_response(g.api_token, key, digest, status, body)
        return jsonify(body), status

    return once


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(
            {"body": [gettext("Send a JSON object (Content-Type: application/json).")]}
        )
    return body


def _text(body: dict, name: str, required: bool = False) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput(
            {name: [gettext("This is required, as text.") if required else gettext("Give text.")]}
        )
    return value


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput({name: [gettext("Give a date as YYYY-MM-DD.")]}) from None


def _limit() -> int:
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(
            {"limit": [gettext("Give a number from 1 to %(most)s.", most=MAX_LIMIT)]}
        )
    return int(raw)


def encode_cursor(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(key: str) -> dict:
    """The position an earlier page's `next_cursor` stands for; anything else is refused."""
    raw = request.args.get("cursor")
    if not raw:
        return {}
    try:
        position = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error):
        position = None
    if not isinstance(position, dict) or not isinstance(position.get(key), str | int):
        raise InvalidInput({"cursor": [gettext("Use the next_cursor of the previous page.")]})
    return position


# -- form types -----------------------------------------------------------------------------


@bp.get("/form-types")
@needs("read")
def form_types_list():
    items = [
        {"name": t.name, "title": t.title, "url": f"{request.path}/{t.name}"}
        for t in form_types()
        if not t.workflow_step
    ]
    return {"items": items, "next_cursor": None}


@bp.get("/form-types/<name>")
@needs("read")
def form_type(name):
    spec = get_form_type(name)
    return {"name": spec.name, "title": spec.title, "schema": spec.json_schema()}


# -- clients and cases ----------------------------------------------------------------------


@bp.get("/clients")
@needs("read")
def find_clients():
    limit = _limit()
    after = decode_cursor("after").get("after")
    found = case_search.find_clients(
        g.api_actor,
        hmis_personal_id=request.args.get("hmis_personal_id", ""),
        name=request.args.get("name", ""),
        date_of_birth=_date(request.args.get("date_of_birth"), "date_of_birth"),
        after=after,
        limit=limit + 1,
    )
    more = len(found) > limit
    found = found[:limit]
    return {
        "items": [shapes.client(c) for c in found],
        "next_cursor": encode_cursor({"after": str(found[-1].id)}) if more else None,
    }


@bp.post("/clients")
@needs("write")
@idempotent
def create_client():
    """A new client and their first case (intake), with their HMIS ids when known."""
    body = _body()
    case = cases.register_client(
        g.api_actor,
        _text(body, "first_name", required=True),
        _text(body, "last_name", required=True),
        _date(body.get("date_of_birth"), "date_of_birth"),
        body.get("preferred_language") or "en",
        _text(body, "program", required=True),
        hmis_personal_id=_text(body, "hmis_personal_id"),
        hmis_enrollment_id=_text(body, "hmis_enrollment_id"),
    )
    return shapes.client(case.client, [case]), 201


@bp.get("/clients/<client_id>")
@needs("read")
def client(client_id):
    found, its_cases = cases.get_client(g.api_actor, client_id)
    return shapes.client(found, its_cases)


@bp.post("/clients/<client_id>/cases")
@needs("write")
@idempotent
def open_case(client_id):
    """Another case for a registered client, as on the page (`open_another_case`)."""
    body = _body()
    case = cases.open_another_case(
        g.api_actor,
        client_id,
        _text(body, "program"),
        _date(body.get("opened_on"), "opened_on"),
        _text(body, "case_manager_email"),
        _text(body, "hmis_enrollment_id"),
    )
    return shapes.case(case), 201


@bp.get("/cases/<case_id>")
@needs("read")
def case(case_id):
    found = cases.get_case(g.api_actor, case_id)
    return shapes.case(found, documents.documents_for_case(g.api_actor, found))


@bp.patch("/cases/<case_id>")
@needs("write")
def update_case(case_id):
    """The HMIS ids of the case's client and of the case (those not sent stay as they are)."""
    body = _body()
    found = cases.get_case(g.api_actor, case_id)
    found = cases.set_hmis_ids(
        g.api_actor,
        case_id,
        _text(body, "hmis_personal_id")
        if "hmis_personal_id" in body
        else found.client.hmis_personal_id or "",
        _text(body, "hmis_enrollment_id")
        if "hmis_enrollment_id" in body
        else found.hmis_enrollment_id or "",
    )
    return shapes.case(found)


# -- documents ------------------------------------------------------------------------------


@bp.post("/cases/<case_id>/documents")
@needs("write")
@idempotent
def create_document(case_id):
    """A draft from prefilled data, or (`"send": true`) sent for signature at once; in
    English read by an interpreter when `interpreter_name` and `interpreter_language` are
    given (the send page's rules: a vital form goes in English to a client who reads another
    language only with them)."""
    body = _body()
    found = cases.get_case(g.api_actor, case_id)
    send = body.get("send", False)
    if not isinstance(send, bool):
        raise InvalidInput({"send": [gettext("Give true or false.")]})
    document = create_prefilled(
        g.api_actor,
        found,
        _text(body, "form_type", required=True),
        body.get("data", {}),
        send=send,
        language=body.get("language"),
        interpreter=interpreter_given(
            _text(body, "interpreter_name"), _text(body, "interpreter_language")
        ),
    )
    return shapes.document(document), 201


@bp.get("/documents/<document_id>")
@needs("read")
def document(document_id):
    return shapes.document(documents.get_document(g.api_actor, document_id))


@bp.post("/documents/<document_id>/signers/<signer_id>/links")
@needs("write")
@idempotent
def create_link(document_id, signer_id):
    """A one-time signing link for the signer whose turn it is; its address (and the code,
    for `"identity_method": "code"`) is in this answer only."""
    body = _body()
    found = documents.get_document(g.api_actor, document_id, audit_view=False)
    signer = documents.get_signer(g.api_actor, found, signer_id)
    link, token, code = remote.create_link(
        g.api_actor, found, signer, _text(body, "identity_method") or remote.CODE
    )
    return {
        "id": str(link.id),
        "url": link_url(token),
        "code": code,
        "identity_method": link.identity_method,
        "expires_at": link.expires_at.isoformat(),
    }, 201


@bp.post("/documents/<document_id>/void")
@needs("write")
@idempotent
def void_document(document_id):
    body = _body()
    found = documents.get_document(g.api_actor, document_id, audit_view=False)
    return shapes.document(documents.void(g.api_actor, found, _text(body, "reason"))), 200


# -- archive ----------------------------------------------------------------------------------


CRITERIA_TEXT = (
    "name",
    "reference",
    "text",
    "client_id",
    "case_number",
    "form_type",
    "status",
    "signer",
)
CRITERIA_DATES = ("signed_from", "signed_to", "in_force_on")


@bp.get("/archive/records")
@needs("archive")
def search_records():
    """The archive page's search (`archive.search.Criteria`), a page of 25 at a time."""
    args = request.args
    page = decode_cursor("page").get("page", 1)
    criteria = archive_search.Criteria(
        **{name: args.get(name, "") for name in CRITERIA_TEXT},
        **{name: _date(args.get(name), name) for name in CRITERIA_DATES},
        on_hold=args.get("on_hold", "").lower() in ("1", "true", "yes"),
        sort=args.get("sort", "newest"),
        page=int(page),
    )
    found = archive_search.search(g.api_actor, criteria)
    more = found.number < found.pages
    return {
        "items": [shapes.record(r, found.statuses.get(r.id)) for r in found.records],
        "next_cursor": encode_cursor({"page": found.number + 1}) if more else None,
    }


@bp.get("/archive/records/<record_id>")
@needs("archive")
def record(record_id):
    found = archive.get_record(g.api_actor, record_id)
    return shapes.record(found, record_status.statuses([found.id])[found.id])


@bp.get("/archive/records/<record_id>/<kind>")
@needs("archive")
def download(record_id, kind):
    """The filed PDF or DOCX, with a stated `purpose` (and `explanation` for "other"),
    logged in the record's access log as the page logs it."""
    found, blob = archive.open_file(
        g.api_actor,
        record_id,
        kind,
        request.args.get("purpose", ""),
        request.args.get("explanation", ""),
    )
    mimetype = archive.FILE_KINDS[kind]
    response = Response(blob, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{found.reference}.{kind}"'
    return response


# -- the description ---------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document():
    return openapi.document()


@bp.get("/reference")
def reference():
    """The API reference as a plain page, from the same OpenAPI document (no CDN, no script)."""
    return render_template(
        "api/reference.html", spec=openapi.document(), operations=openapi.operations()
    )
