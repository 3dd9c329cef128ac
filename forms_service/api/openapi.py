"""The OpenAPI 3.1 description of /api/v1, written as data beside the views it describes (a
test checks that every route is here and every path here is a route)."""

from functools import cache

from ..archive.service import PURPOSES

TOKEN = [{"bearer": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "next_cursor": {"type": ["string", "null"], "description": "Pass as `cursor`."},
        },
    }


PROBLEMS = {
    "401": {"$ref": "#/components/responses/Unauthenticated"},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"},
    "422": {"$ref": "#/components/responses/Problem"},
    "429": {"$ref": "#/components/responses/Problem"},
}


def _param(name: str, where: str, description: str, schema=None, required=False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _op(scope: str, summary: str, ok: dict, params=(), body=None, status="200", key=False):
    operation = {
        "summary": summary,
        "x-scope": scope,
        "security": TOKEN,
        "parameters": list(params),
        "responses": {status: ok, **PROBLEMS},
    }
    if key:
        operation["parameters"].append(
            _param(
                "Idempotency-Key",
                "header",
                "Done once per token and key; the same key with another body is a 422.",
            )
        )
    if body:
        operation["requestBody"] = {"required": True, **_json(body, "JSON object")}
    if scope != "read" and status in ("200", "201"):
        operation["responses"]["409"] = {"$ref": "#/components/responses/Problem"}
    return operation


PAGING = [
    _param("cursor", "query", "The `next_cursor` of the previous page."),
]
LIMIT = _param(
    "limit", "query", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 100}
)
CLIENT_ID = _param("client_id", "path", "A client's id.")
CASE_ID = _param("case_id", "path", "A case's id.")
DOCUMENT_ID = _param("document_id", "path", "A document's id.")
RECORD_ID = _param("record_id", "path", "An archive record's id.")
HMIS_ID = {"type": ["string", "null"], "maxLength": 32, "pattern": "^[A-Za-z0-9._-]{1,32}$"}
ARCHIVE_CRITERIA = [
    _param(name, "query", description)
    for name, description in (
        ("name", "Client name: any part, any order, accents ignored."),
        ("reference", "Document number."),
        ("text", "Words inside the document."),
        ("client_id", "A client's id."),
        ("case_number", "A case number, or part of one."),
        ("form_type", "A form type's name."),
        ("status", "active, revoked, expired, superseded or disposed."),
        ("signer", "A signer's name."),
        ("sort", "newest, oldest, client or form."),
    )
] + [
    _param(name, "query", description, {"type": "string", "format": "date"})
    for name, description in (
        ("signed_from", "Signed on or after."),
        ("signed_to", "Signed on or before."),
        ("in_force_on", "In force on this day."),
    )
]

SCHEMAS = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "Field name -> messages.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "FormTypeSummary": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": "string"},
        },
    },
    "FormType": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "schema": {"type": "object", "description": "JSON Schema 2020-12 of `data`."},
        },
    },
    "Case": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "number": {"type": "string"},
            "client_id": {"type": "string", "format": "uuid"},
            "program": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "opened_on": {"type": "string", "format": "date"},
            "closed_on": {"type": ["string", "null"], "format": "date"},
            "hmis_enrollment_id": HMIS_ID,
            "url": {"type": "string"},
            "documents": {"type": "array", "items": _ref("Document")},
        },
    },
    "Client": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "date_of_birth": {"type": ["string", "null"], "format": "date"},
            "preferred_language": {"type": "string"},
            "hmis_personal_id": HMIS_ID,
            "url": {"type": "string"},
            "cases": {"type": "array", "items": _ref("Case")},
        },
    },
    "NewClient": {
        "type": "object",
        "required": ["first_name", "last_name", "program"],
        "properties": {
            "first_name": {"type": "string", "maxLength": 100},
            "last_name": {"type": "string", "maxLength": 100},
            "date_of_birth": {"type": "string", "format": "date"},
            "preferred_language": {"type": "string", "default": "en"},
            "program": {"type": "string", "maxLength": 100},
            "hmis_personal_id": HMIS_ID,
            "hmis_enrollment_id": HMIS_ID,
        },
    },
    "NewCase": {
        "type": "object",
        "required": ["program", "opened_on", "case_manager_email"],
        "properties": {
            "program": {"type": "string", "maxLength": 100},
            "opened_on": {
                "type": "string",
                "format": "date",
                "description": "Not in the future, nor before the client's birth.",
            },
            "case_manager_email": {
                "type": "string",
                "description": "An active case manager or supervisor of the agency.",
            },
            "hmis_enrollment_id": HMIS_ID,
        },
    },
    "CaseChange": {
        "type": "object",
        "properties": {"hmis_personal_id": HMIS_ID, "hmis_enrollment_id": HMIS_ID},
    },
    "Signer": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "position": {"type": "integer"},
            "role": {"type": "string"},
            "name": {"type": "string"},
            "status": {"type": "string"},
            "signed_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "Document": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "reference": {"type": "string"},
            "form_type": {"type": "string"},
            "status": {"type": "string"},
            "language": {"type": "string"},
            "case_id": {"type": "string", "format": "uuid"},
            "client_id": {"type": "string", "format": "uuid"},
            "created_at": {"type": "string", "format": "date-time"},
            "sent_at": {"type": ["string", "null"], "format": "date-time"},
            "completed_at": {"type": ["string", "null"], "format": "date-time"},
            "void_reason": {"type": ["string", "null"]},
            "signers": {"type": "array", "items": _ref("Signer")},
            "data": {"type": "object", "description": "Until it is filed (then: the archive)."},
            "url": {"type": "string"},
        },
    },
    "NewDocument": {
        "type": "object",
        "required": ["form_type"],
        "properties": {
            "form_type": {"type": "string"},
            "data": {"type": "object", "description": "As GET /form-types/{name} describes."},
            "language": {"type": "string", "description": "Default: the client's."},
            "interpreter_name": {
                "type": "string",
                "maxLength": 200,
                "description": (
                    "Who reads the form to the client (with `interpreter_language`; the form "
                    "carries their attestation). A vital form in English for a client who "
                    "reads another language is sent only with both (else 409); one without "
                    "the other is a 422 naming the missing one."
                ),
            },
            "interpreter_language": {
                "type": "string",
                "maxLength": 100,
                "description": "The language the interpreter reads it in.",
            },
            "send": {"type": "boolean", "default": False},
        },
    },
    "NewLink": {
        "type": "object",
        "properties": {"identity_method": {"type": "string", "enum": ["code", "dob"]}},
    },
    "Link": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "url": {"type": "string"},
            "code": {"type": ["string", "null"]},
            "identity_method": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "Void": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "maxLength": 1000}},
    },
    "Record": {
        "type": "object",
        "properties": {
            name: {"type": "string"}
            for name in [
                "id",
                "reference",
                "form_type",
                "language",
                "client_id",
                "client_name",
                "case_id",
                "case_number",
                "document_id",
                "signed_at",
                "status",
                "pdf_sha256",
                "docx_sha256",
                "url",
                "pdf_url",
                "docx_url",
            ]
        }
        | {"version": {"type": "integer"}},
    },
}

PATHS = {
    "/api/v1/form-types": {
        "get": _op(
            "read",
            "The form types a document can be made of",
            _json(_page("FormTypeSummary"), "Form types"),
        )
    },
    "/api/v1/form-types/{name}": {
        "get": _op(
            "read",
            "A form type and the JSON Schema of its data",
            _json(_ref("FormType"), "The form type"),
            [_param("name", "path", "The form type's name.")],
        )
    },
    "/api/v1/clients": {
        "get": _op(
            "read",
            "Find clients by HMIS PersonalID, name and date of birth",
            _json(_page("Client"), "A page of clients"),
            [
                _param("hmis_personal_id", "query", "The client's HMIS PersonalID."),
                _param("name", "query", "Any part of the name, any order."),
                _param(
                    "date_of_birth", "query", "YYYY-MM-DD.", {"type": "string", "format": "date"}
                ),
                LIMIT,
                *PAGING,
            ],
        ),
        "post": _op(
            "write",
            "Register a client and open their first case",
            _json(_ref("Client"), "The client and the case"),
            body=_ref("NewClient"),
            status="201",
            key=True,
        ),
    },
    "/api/v1/clients/{client_id}": {
        "get": _op(
            "read",
            "A client and their cases",
            _json(_ref("Client"), "The client"),
            [CLIENT_ID],
        )
    },
    "/api/v1/clients/{client_id}/cases": {
        "post": _op(
            "write",
            "Open another case for a registered client (back after leaving, or another "
            "program); a program they have an open case in is a 422",
            _json(_ref("Case"), "The case"),
            [CLIENT_ID],
            body=_ref("NewCase"),
            status="201",
            key=True,
        )
    },
    "/api/v1/cases/{case_id}": {
        "get": _op("read", "A case and its documents", _json(_ref("Case"), "The case"), [CASE_ID]),
        "patch": _op(
            "write",
            "Set the HMIS PersonalID of the case's client and the case's EnrollmentID",
            _json(_ref("Case"), "The case"),
            [CASE_ID],
            body=_ref("CaseChange"),
        ),
    },
    "/api/v1/cases/{case_id}/documents": {
        "post": _op(
            "write",
            "Make a document from prefilled data: a draft, or sent for signature",
            _json(_ref("Document"), "The document"),
            [CASE_ID],
            body=_ref("NewDocument"),
            status="201",
            key=True,
        )
    },
    "/api/v1/documents/{document_id}": {
        "get": _op(
            "read",
            "A document's status and its signers' state",
            _json(_ref("Document"), "The document"),
            [DOCUMENT_ID],
        )
    },
    "/api/v1/documents/{document_id}/signers/{signer_id}/links": {
        "post": _op(
            "write",
            "A one-time signing link for the signer whose turn it is",
            _json(_ref("Link"), "The link: its address and code are shown only here"),
            [DOCUMENT_ID, _param("signer_id", "path", "A signer's id.")],
            body=_ref("NewLink"),
            status="201",
            key=True,
        )
    },
    "/api/v1/documents/{document_id}/void": {
        "post": _op(
            "write",
            "Void a document sent for signature and not yet signed by all",
            _json(_ref("Document"), "The voided document"),
            [DOCUMENT_ID],
            body=_ref("Void"),
            key=True,
        )
    },
    "/api/v1/archive/records": {
        "get": _op(
            "archive",
            "Search the archive with the archive page's criteria",
            _json(_page("Record"), "A page of records (25)"),
            [*ARCHIVE_CRITERIA, *PAGING],
        )
    },
    "/api/v1/archive/records/{record_id}": {
        "get": _op("archive", "An archive record", _json(_ref("Record"), "The record"), [RECORD_ID])
    },
    "/api/v1/archive/records/{record_id}/{kind}": {
        "get": _op(
            "archive",
            "Download the filed PDF or DOCX, stating why (logged in the access log)",
            {
                "description": "The file",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            },
            [
                RECORD_ID,
                _param("kind", "path", "pdf or docx.", {"type": "string", "enum": ["pdf", "docx"]}),
                _param(
                    "purpose",
                    "query",
                    "Why it is opened.",
                    {"type": "string", "enum": list(PURPOSES)},
                    required=True,
                ),
                _param("explanation", "query", "Required when the purpose is other."),
            ],
        )
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
        }
    },
    "/api/v1/reference": {
        "get": {
            "summary": "This document as a page",
            "security": [],
            "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}},
        }
    },
}


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "forms-service API",
            "version": "1",
            "description": (
                "Per-agency API tokens (`Authorization: Bearer <token>`), scoped read, write "
                "and archive. Errors are application/problem+json naming each field; lists are "
                "paged with `cursor`; POSTs take an `Idempotency-Key`; calls are rate-limited "
                "per token (429)."
            ),
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "Problem": {
                    "description": "A problem (RFC 9457)",
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                },
                "Unauthenticated": {
                    "description": "No valid token",
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                },
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": TOKEN,
    }


def operations() -> list[dict]:
    """Each operation for the reference page: method, path, scope, summary, parameters."""
    return [
        {"method": method.upper(), "path": path, **operation}
        for path, item in PATHS.items()
        for method, operation in item.items()
    ]
