"""`forms-service api-token create`: a token for another system, made by an admin."""

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..accounts.models import User
from ..accounts.service import Actor
from ..errors import InvalidInput, PermissionDenied
from ..extensions import db
from . import service


@click.group("api-token")
def api_token():
    """API tokens of an agency."""


@api_token.command()
@click.option("--as", "email", required=True, help="The agency admin making the token.")
@click.option("--name", required=True, help="What uses it (e.g. 'HMIS sync').")
@click.option(
    "--scopes",
    default="read",
    show_default=True,
    help="Comma-separated: " + ",".join(service.SCOPES),
)
@with_appcontext
def create(email, name, scopes):
    """Make a token; it is printed alone on the last line, once (only its hash is kept)."""
    user = db.session.execute(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.active:
        click.echo(f"No active user {email}.", err=True)
        sys.exit(2)
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    try:
        token, secret = service.create_token(Actor(user), name, wanted)
    except (InvalidInput, PermissionDenied) as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"Token {token.name!r} of {user.agency.name}, scopes {','.join(token.scopes)}.")
    click.echo("Shown once: store it now.")
    click.echo(secret)
