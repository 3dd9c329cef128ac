"""The `forms-service` command: set up an instance, load demo data, render, verify, apply
retention and export a client's record."""

import itertools
import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from . import clock, create_app, keys, process
from .api.cli import api_token
from .archive.service import PURPOSES
from .commandline import fail
from .config import rate_limit_storage
from .database import migrations, upgrade_schema, utcnow
from .errors import InvalidInput, NotFound, RuleViolation
from .extensions import db
from .forms import form_types, get_form_type
from .hmis.commands import hmis_export
from .rendering.convert import ConversionError, ConverterMissing
from .templates_admin.commands import templates


def create_command_app():
    """The app of one command: the converters it starts end with it, on error and Ctrl-C too
    (a `worker` keeps its own warm for as long as it runs)."""
    return create_app({"CONVERTERS_END_WITH_PROCESS": True})


class Commands(FlaskGroup):
    """Flask-Migrate's `db` commands (`forms-service db revision --autogenerate`) are loaded
    only when asked for: Alembic is 8 MB that a `worker` would otherwise carry."""

    def get_command(self, ctx, name):
        if name != "db":
            return super().get_command(ctx, name)
        from flask_migrate.cli import db as db_commands

        migrations(ctx.ensure_object(ScriptInfo).load_app())
        return db_commands

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), "db"})


@click.group(cls=Commands, create_app=create_command_app, add_version_option=False)
def main():
    """forms-service: case-management forms, signed, rendered and archived."""


main.add_command(api_token)  # command groups that live with their area
main.add_command(hmis_export)
main.add_command(templates)


def _time_zone(ctx, param, value):
    """An IANA time zone name, checked as the settings page checks it."""
    if value is not None and (error := clock.time_zone_error(value)):
        raise click.BadParameter(error)
    return value


TIME_ZONE = click.option(
    "--time-zone",
    callback=_time_zone,
    help=f"The agency's IANA time zone, e.g. America/New_York (default {clock.DEFAULT_TIME_ZONE}).",
)


@main.command()
@TIME_ZONE
@with_appcontext
def init(time_zone):
    """Create or upgrade the database and the agency seal key in the instance folder; with
    --time-zone, set the clock of the instance's agencies (an instance serves one, as a rule)."""
    from .accounts.models import Agency
    from .accounts.service import SYSTEM
    from .accounts.settings import set_time_zone
    from .archive.integrity import checkpoint_due
    from .rendering.service import converter

    try:
        soffice = converter().check()
    except ConverterMissing as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    upgrade_schema()
    key_path = keys.ensure_seal_key(Path(current_app.config["SEAL_KEY_DIR"]))
    for agency in db.session.execute(db.select(Agency)).scalars():
        keys.ensure_agency_seal_key(
            Path(current_app.config["SEAL_KEY_DIR"]), agency.id, agency.name
        )
    checkpoint_due()
    if time_zone:
        for agency in db.session.execute(db.select(Agency)).scalars():
            set_time_zone(SYSTEM, agency, time_zone)
            click.echo(f"Time zone of {agency.name}: {time_zone}")
        db.session.commit()
    click.echo(f"Instance: {current_app.instance_path}")
    click.echo(f"Database: {db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Seal key: {key_path}")
    click.echo(f"LibreOffice: {soffice}")
    click.echo(f"Rate limits: {rate_limit_storage(current_app.config)}")


@main.command()
@TIME_ZONE
@with_appcontext
def demo(time_zone):
    """Load the demo agency, its staff, three clients with open cases and a few signed, filed
    documents for the records tour (safe to repeat: a second run adds nothing but the time
    zone, when one is given)."""
    from .demo import DEMO_PASSWORD, RenderFailed, load_demo

    try:
        users = load_demo(time_zone)
    except RenderFailed as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.role.label:<15} {user.email}")


@main.command("forms")
@with_appcontext
def list_forms():
    """The registered form types with their template versions and languages."""
    from .rendering.service import template_store

    store = template_store()
    for form_type in form_types():
        click.echo(f"{form_type.name}: {form_type.title}")
        current = store.current(form_type.name)
        for version in store.versions(form_type.name):
            mark = " (current)" if version == current else ""
            click.echo(
                f"  v{version.number} effective {version.effective}{mark}: "
                f"{', '.join(version.languages)}"
            )


def _staff_member(email: str, agency: str):
    """The active account `--as EMAIL` names (an e-mail is unique within an agency only:
    `--agency NAME` tells which when several agencies have it)."""
    from .accounts.service import accounts_of

    users = [u for u in accounts_of(email) if u.active]
    if agency:
        users = [u for u in users if u.agency.name.casefold() == agency.strip().casefold()]
    if len(users) > 1:
        fail([f"{email} is on the staff of several agencies: name one with --agency."])
    if not users:
        fail([f"No active user {email}" + (f" in {agency}." if agency else ".")])
    return users[0]


@main.command()
@click.argument("form_type_name", metavar="FORM_TYPE")
@click.option("--data", "data_file", type=click.Path(dir_okay=False), help="JSON payload")
@click.option("--example", is_flag=True, help="Print a valid example payload and exit.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output folder")
@click.option("--lang", default="en", show_default=True)
@with_appcontext
def render(form_type_name, data_file, example, out_dir, lang):
    """Render FORM_TYPE from a JSON payload to DOCX and PDF, without the web or the archive."""
    from .rendering import preview

    try:
        form_type = get_form_type(form_type_name)
    except NotFound as exc:
        fail([f"{exc}. Known: {', '.join(t.name for t in form_types())}"])
    if example:
        click.echo(json.dumps(preview.example_payload(form_type), indent=2, ensure_ascii=False))
        return
    if not data_file or not out_dir:
        fail(["Give --data FILE.json and --out DIR (or --example)."])
    try:
        payload = json.loads(Path(data_file).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        fail([f"{data_file}: line {exc.lineno} column {exc.colno}: {exc.msg}"])
    except (OSError, UnicodeDecodeError) as exc:
        fail([f"{data_file}: cannot read it: {exc}"])
    errors = preview.validate_payload(form_type, payload)
    if errors:
        fail([f"{field}: {message}" for field, message in errors])
    try:
        written = preview.render_to(form_type, payload, Path(out_dir), lang)
    except (RuleViolation, NotFound, ConversionError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for path in written:
        click.echo(str(path))


@main.command("render-pending")
@click.option("--retry-failed", is_flag=True, help="Also retry jobs that gave up.")
@with_appcontext
def render_pending(retry_failed):
    """Render and file every signed document still waiting (after a crash or failure)."""
    from .rendering.jobs import run_pending

    done, failed = run_pending(retry_failed)
    click.echo(f"rendered {done}, failed {failed}")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--concurrency", type=int, default=None, help="Render threads (default: cores)")
@with_appcontext
def worker(concurrency):
    """Run a render worker for FORMS_RENDER_QUEUE=celery: takes jobs from Redis (as many
    workers as you like; the minute sweep is `forms-service beat`'s)."""
    from .rendering.queue import RUNNER_NICENESS, prepare_queue
    from .rendering.resources import start_converters
    from .rendering.service import warm_seal
    from .rendering.tasks import celery_app, configure

    keys_dir = Path(current_app.config["SEAL_KEY_DIR"])
    if not (current_app.config["SEAL_PKCS12"] or (keys_dir / "seal.key").exists()):
        click.echo(
            f"No seal keys in {keys_dir}: a render machine seals with the instance's keys. "
            "Point FORMS_SEAL_KEY_DIR at the folder `forms-service init` made (shared).",
            err=True,
        )
        sys.exit(1)
    start_converters()  # before the first job, which then pays no LibreOffice start
    warm_seal()  # nor the seal key's parsing
    process.settle()
    # Below the web service, as its converters are: on a machine they share, pages and
    # sign-ins get the CPU first and renders take what is left.
    os.nice(RUNNER_NICENESS)
    threads = concurrency or current_app.config["RENDER_THREADS"]
    # signed documents' renders, and forms sent for signature to convert meanwhile
    queues = f"{current_app.config['CELERY_QUEUE']},{prepare_queue(current_app.config)}"
    # Celery's worker itself, as `beat` runs its Beat: its command line would load an
    # interactive shell's libraries too (prompt_toolkit, Pygments: 5 MB a worker)
    configure(current_app._get_current_object())  # also where FORMS_RENDER_QUEUE is not celery
    celery_app.Worker(pool="threads", concurrency=threads, queues=queues, loglevel="INFO").start()


@main.command()
@with_appcontext
def beat():
    """Run the one scheduler for FORMS_RENDER_QUEUE=celery: it sends the periodic work
    (`rendering.schedule.PERIODIC`). A second one, on any machine sharing the database,
    refuses to run."""
    from .rendering.queue import scheduler_lock
    from .rendering.tasks import celery_app, configure

    lock = scheduler_lock(current_app.instance_path)  # held until this process ends
    if lock is None:
        click.echo("Another forms-service beat is running: there must be exactly one.", err=True)
        sys.exit(1)
    schedule = Path(current_app.instance_path) / "celerybeat-schedule"
    configure(current_app._get_current_object())
    celery_app.Beat(schedule=str(schedule), loglevel="INFO").run()


@main.command("index-text")
@click.option("--limit", type=int, default=None, help="At most this many records.")
@with_appcontext
def index_text(limit):
    """Index the words of records filed before search inside documents existed (new records
    are indexed as they are filed); scans without a text layer are read by OCR."""
    from .archive.fulltext import index_filed

    done, failed = index_filed(limit)
    db.session.commit()
    click.echo(f"indexed {done}, failed {len(failed)}")
    for line in failed:
        click.echo(line, err=True)
    sys.exit(1 if failed else 0)


@main.command("send-test-message")
@click.option("--email", help="Send a test e-mail to this address.")
@click.option("--sms", help="Send a test text message to this number (e.g. +13145550100).")
@with_appcontext
def send_test_message(email, sms):
    """Send a test message at once through the configured channel (FORMS_SMTP_URL or
    FORMS_SMS_URL); exits non-zero with the reason when it cannot."""
    from .notifications.channels import SendFailed
    from .notifications.models import Channel
    from .notifications.service import send_test_message as send

    if bool(email) == bool(sms):
        raise click.UsageError("Give one of --email ADDRESS or --sms NUMBER.")
    try:
        sent_id = send(Channel.EMAIL, email) if email else send(Channel.SMS, sms)
    except SendFailed as exc:
        click.echo(f"Not sent: {exc.reason}", err=True)
        sys.exit(1)
    click.echo(f"Sent to {email or sms}" + (f" (id {sent_id})" if sent_id else ""))


@main.command("send-messages")
@with_appcontext
def send_messages():
    """Send the outgoing messages that are due (retries and signing-link reminders included)
    now; the periodic work sends them every minute anyway."""
    from .notifications.runner import run_outbox

    sent, failed = run_outbox()
    click.echo(f"sent {sent}, not sent {failed}")
    sys.exit(1 if failed else 0)


@main.command("stop-converters")
@with_appcontext
def stop_converters():
    """Stop this instance's warm LibreOffice converters (they are shared by all workers and
    keep running until stopped)."""
    from .rendering.service import converter

    converter().shutdown()
    click.echo("Converters stopped.")


@main.command()
@with_appcontext
def verify():
    """Re-hash every archived file, check every seal and the audit chain; non-zero when
    anything is damaged, naming each damaged record."""
    from .archive.copies import verify_copies
    from .archive.integrity import verify_checkpoints
    from .archive.orphans import unreferenced
    from .archive.retention import left_after_disposal
    from .archive.service import verify_records
    from .audit.service import verify_chain

    problems = 0
    progress = lambda n: click.echo(f"... {n} records checked", err=True)  # noqa: E731
    for damaged in itertools.chain(verify_records(progress), verify_copies()):
        problems += 1
        r = damaged.record
        click.echo(
            f"DAMAGED {r.reference} ({r.form_type}, {r.client_name}, record {r.id}): "
            f"{damaged.kind.upper()} {damaged.reason}",
            err=True,
        )
    for sha256 in left_after_disposal():
        problems += 1
        click.echo(
            f"LEFT {sha256}: a file of a disposed record is still stored; "
            "`forms-service retention --dispose` destroys it",
            err=True,
        )
    for problem in verify_chain():
        problems += 1
        where = f"audit event {problem.event_id}" if problem.event_id else "audit chain"
        click.echo(f"DAMAGED {where}: {problem.reason}", err=True)
    for problem in verify_checkpoints():
        problems += 1
        click.echo(str(problem), err=True)
    for blob in unreferenced():
        problems += 1
        click.echo(str(blob), err=True)
    if problems:
        click.echo(f"{problems} problem(s) found", err=True)
        sys.exit(1)
    click.echo(
        "All archived files, their seals, the chains of records and audit events and their "
        f"signed checkpoints are intact (checked {utcnow():%Y-%m-%d %H:%M} UTC)."
    )


@main.command()
@with_appcontext
def checkpoint():
    """Sign and store a checkpoint of every chain that moved since its last one, now (the
    periodic work does it every FORMS_CHECKPOINT_MINUTES)."""
    from .archive.integrity import checkpoint_due

    written = checkpoint_due()
    click.echo(f"{len(written)} checkpoint(s) written.")


@main.command()
@click.option("--dry-run", "mode", flag_value="dry-run", help="List what is due (the default).")
@click.option("--dispose", "mode", flag_value="dispose", help="Destroy the files of what is due.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="As of this date (default: each agency's date now, in its time zone).",
)
@with_appcontext
def retention(mode, on):
    """List (or dispose of) the records past their retention. Disposal destroys the files and
    keeps a tombstone record and an audit event; a legal hold keeps a record as it is."""
    from .accounts.service import SYSTEM
    from .archive import retention as rules

    day = on.date() if on else None
    due = list(rules.due_for_disposal(day))
    for item in due:
        r = item.record
        held = f" HELD ({item.hold.reason})" if item.hold else ""
        click.echo(
            f"{item.due_on} {r.reference} v{r.version} {r.form_type} {r.client_name} "
            f"case {r.case_number}: {item.rule}{held}"
        )
    held = sum(item.hold is not None for item in due)
    if mode != "dispose":
        as_of = day or "each agency's date now"
        click.echo(f"{len(due) - held} due for disposal, {held} held ({as_of}; dry run)")
        return
    files = rules.dispose(SYSTEM, due)
    db.session.commit()
    # only once the tombstones are safely committed; with what an earlier run left behind
    files = sorted(set(files) | set(rules.left_after_disposal()))
    rules.destroy_files(files)
    click.echo(f"{len(due) - held} disposed of ({len(files)} files destroyed), {held} held")


@main.command()
@click.argument("client_id")
@click.option("--as", "email", required=True, help="The records staff member exporting.")
@click.option("--agency", default="", help="Their agency, when the e-mail is used in several.")
@click.option(
    "--to",
    "recipient",
    default="client",
    show_default=True,
    help='"client" (their own request) or the partner agency named on a release.',
)
@click.option("--purpose", type=click.Choice(list(PURPOSES)), required=True)
@click.option("--explanation", default="")
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Releases as of (the agency's today)."
)
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export(client_id, email, agency, recipient, purpose, explanation, on, out):
    """Write a client's record (PDFs, manifest.json with hashes and audit trails) to a zip."""
    from .accounts.service import Actor
    from .archive.export import export_client
    from .archive.sharing import CLIENT
    from .errors import PermissionDenied

    user = _staff_member(email, agency)
    day = on.date() if on else clock.today(user.agency)
    try:
        to = CLIENT if recipient == "client" else recipient  # the option's own word, not a name
        result = export_client(Actor(user), client_id, to, day, purpose, explanation)
    except NotFound:
        fail([f"No client {client_id} in {user.agency.name}."])
    except PermissionDenied as exc:
        fail([str(exc)])
    except InvalidInput as exc:
        fail([str(exc)])
    except RuleViolation as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    Path(out).write_bytes(result.data)
    db.session.commit()
    click.echo(f"{out}: {len(result.records)} document(s)")
