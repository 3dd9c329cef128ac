"""API tokens: made by an agency's admin, shown once, kept as a hash, scoped, revocable; a
request with one acts as a `TokenActor`, which every service checks exactly as it checks a
signed-in person (`accounts.service.require_role`, `get_in_agency`)."""

import hashlib
import json
import secrets
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role
from ..accounts.service import Actor, get_in_agency, require_role
from ..audit import service as audit
from ..database import utcnow
from ..errors import InvalidInput, RuleViolation
from ..extensions import db
from ..i18n import N_
from .models import ApiToken, IdempotentResponse

SCOPES = {  # labels translated where shown
    "read": N_("Read form types, clients, cases and documents"),
    "write": N_("Create clients, cases and documents; send, link and void documents"),
    "archive": N_("Search the archive and download filed documents"),
}
PREFIX = "fsk_"  # tells a leaked token apart in logs and secret scanners


@dataclass(frozen=True)
class TokenActor(Actor):
    """A request made with an API token: it acts with the role and agency of the admin who
    made it, and the audit trail names the token (its agency is the admin's)."""

    token_name: str = ""

    @property
    def label(self) -> str:
        return f"API token {self.token_name!r} of {self.user.email} ({self.user.role})"


def digest(token: str) -> str:
    """sha256, not a slow password hash: the token is 256 random bits, so there is nothing to
    guess by brute force, and every API call must look it up quickly by its hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: Actor, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A token of the admin's agency; returns it and its secret, which is never shown again."""
    user = require_role(actor, (Role.ADMIN,))
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = [
            gettext("Name the token (the system that uses it), in at most 100 characters.")
        ]
    elif db.session.execute(
        select(ApiToken.id).where(
            ApiToken.agency_id == user.agency_id,
            ApiToken.name == name,
            ApiToken.revoked_at.is_(None),
        )
    ).first():
        errors["name"] = [gettext("A token with this name is in use: revoke it or choose another.")]
    if not scopes or any(s not in SCOPES for s in scopes):
        errors["scopes"] = [gettext("Choose what the token may do: read, write, archive.")]
    if errors:
        raise InvalidInput(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        agency_id=user.agency_id,
        name=name,
        token_sha256=digest(secret),
        scopes=[s for s in SCOPES if s in scopes],
        created_by_id=user.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api_token.create", token, name=name, scopes=token.scopes)
    return token, secret


def list_tokens(actor: Actor) -> list[ApiToken]:
    user = require_role(actor, (Role.ADMIN,))
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.agency_id == user.agency_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.name)
        ).scalars()
    )


def revoke_token(actor: Actor, token_id: str) -> ApiToken:
    require_role(actor, (Role.ADMIN,))
    token = get_in_agency(actor, ApiToken, token_id)
    if token.revoked_at is not None:
        raise RuleViolation(gettext("This token was already revoked."))
    token.revoked_at = utcnow()
    audit.record(actor, "api_token.revoke", token, name=token.name)
    return token


def authenticate(
    secret: str, ip: str | None, user_agent: str | None
) -> tuple[ApiToken, TokenActor] | None:
    """The token and its actor, or None for an unknown or revoked token, or one whose admin
    is no longer an active admin (their tokens stop with their access)."""
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_sha256 == digest(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        return None
    user = token.created_by
    if not user.active or user.role != Role.ADMIN or user.agency_id != token.agency_id:
        return None
    token.last_used_at, token.last_used_ip = utcnow(), ip
    return token, TokenActor(user, ip, user_agent, token.name)


def request_digest(method: str, path: str, body: bytes) -> str:
    """What an idempotency key promises not to change: the call and its JSON body (parsed,
    so spacing and key order do not count)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def earlier_response(token: ApiToken, key: str, request_sha256: str) -> IdempotentResponse | None:
    """The stored answer for `key`, or None the first time; the key sent with another call or
    body is refused, naming the header."""
    if not key or len(key) > 200:
        raise InvalidInput(
            {"Idempotency-Key": [gettext("Give an idempotency key of 1 to 200 characters.")]}
        )
    stored = db.session.execute(
        select(IdempotentResponse).where(
            IdempotentResponse.token_id == token.id, IdempotentResponse.key == key
        )
    ).scalar_one_or_none()
    if stored is not None and stored.request_sha256 != request_sha256:
        raise InvalidInput(
            {
                "Idempotency-Key": [
                    gettext("This idempotency key was used for another request: use a new key.")
                ]
            }
        )
    return stored


def remember_response(token: ApiToken, key: str, request_sha256: str, status: int, body) -> None:
    """Keep the answer for `key`; the same key sent twice at once is done by the first only:
    the second is refused whole (its work rolled back with it), and a retry gets the answer."""
    try:
        with db.session.begin_nested():
            db.session.add(
                IdempotentResponse(
                    token_id=token.id,
                    key=key,
                    request_sha256=request_sha256,
                    status=status,
                    body=body,
                )
            )
    except IntegrityError:
        raise RuleViolation(
            gettext(
                "A request with this idempotency key was being done at the same time: send it "
                "again to get its answer."
            )
        ) from None
