"""`forms-service hmis-export`: the HMIS page's export, from the command line (cron, or an
operator sending the month's exits)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..accounts.models import Agency, User
from ..accounts.service import SYSTEM, Actor
from ..errors import InvalidInput, PermissionDenied
from ..extensions import db
from . import service
from .columns import COLUMNS

DAY = click.DateTime(["%Y-%m-%d"])


def _who(email: str | None) -> tuple[Actor, Agency | None]:
    if email:
        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.active:
            raise click.UsageError(f"--as {email}: no active staff member has that e-mail")
        return Actor(user, None, "forms-service hmis-export"), None
    agencies = db.session.execute(select(Agency)).scalars().all()
    if len(agencies) != 1:
        raise click.UsageError(
            "this instance has several agencies: name a records staff member with --as"
        )
    return SYSTEM, agencies[0]


@click.command("hmis-export")
@click.option("--from", "start", type=DAY, required=True, help="First exit date (YYYY-MM-DD).")
@click.option("--to", "end", type=DAY, required=True, help="Last exit date, included.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@click.option("--csv-version", "version", type=click.Choice(sorted(COLUMNS)), default=max(COLUMNS))
@click.option("--as", "email", help="Export as this records staff member or admin (audited).")
@with_appcontext
def hmis_export(start, end, out_dir, version, email):
    """Write Export.csv and Exit.csv (HUD HMIS CSV) for the exits in a period."""
    actor, agency = _who(email)
    try:
        made = service.export(actor, start.date(), end.date(), version, agency)
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except PermissionDenied:
        db.session.rollback()
        raise click.ClickException(f"{email} is not records staff or an admin") from None
    db.session.commit()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in made.files.items():
        (folder / name).write_bytes(data)
    for reason in made.left_out:
        click.echo(f"left out: {reason}", err=True)
    click.echo(f"{made.exits} exits written to {folder / 'Exit.csv'} (ExportID {made.export_id})")
