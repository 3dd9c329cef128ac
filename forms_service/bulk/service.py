"""Bulk generation for admins: a CSV with one row per client (column `client`: their HMIS
PersonalID or client id; `form_type`; optional `case_number` and `language`; every other
column a field of the form, lists separated by ";") makes a draft, or sends a document, for
each row through `documents.prefill.create_prefilled`, the API's own service.

A dry run makes every row inside a savepoint and rolls it back, so its errors are exactly
those of a real run. A real run makes each row in its own transaction (committed here, as a
job commits its own work), so a row refused leaves nothing behind, and a run cut short keeps
what was made and is resumed from the first row still pending."""

import csv
import io
import uuid
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from ..accounts.models import Role
from ..accounts.service import Actor, get_in_agency, require_role
from ..audit import service as audit
from ..cases.models import Case, CaseStatus, Client
from ..database import utcnow
from ..documents.prefill import creatable_form_type, create_prefilled
from ..errors import InvalidInput, NotFound, RuleViolation
from ..extensions import db
from .models import BulkRow, BulkRun, RowStatus

CLIENT, FORM_TYPE, CASE_NUMBER, LANGUAGE = "client", "form_type", "case_number", "language"
NOT_DATA = {CLIENT, FORM_TYPE, CASE_NUMBER, LANGUAGE}
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
ROWS_PER_REQUEST = 200  # a page's request makes at most this many; the rest on "Continue"
ROW = ""  # the column of an error about the whole row


@dataclass(frozen=True)
class Checked:
    number: int  # the CSV line
    who: str
    errors: dict[str, list[str]]  # column -> messages; empty: the row would be made


def parse(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of the CSV as (line, cells), blank cells left out; refused as a whole with
    the reason when it cannot be read as a CSV with `client` and `form_type` columns."""
    if len(content) > MAX_BYTES:
        raise InvalidInput({"file": [gettext("The CSV is larger than 2 MB: split it.")]})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": [gettext("Save the CSV as UTF-8.")]}) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if CLIENT not in header or FORM_TYPE not in header:
        raise InvalidInput(
            {"file": [gettext("The first line must name the columns client and form_type.")]}
        )
    if len(set(header)) != len(header) or "" in header:
        raise InvalidInput({"file": [gettext("Each column needs a name of its own.")]})
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise InvalidInput(
                {"file": [gettext("At most %(most)s rows in one CSV.", most=MAX_ROWS)]}
            )
        values = {h: c.strip() for h, c in zip(header, cells, strict=False) if c.strip()}
        rows.append((reader.line_num, values))
    if not rows:
        raise InvalidInput({"file": [gettext("The CSV has no rows under its header.")]})
    return rows


def _case_for(actor: Actor, values: dict[str, str]) -> Case:
    """The case a row is for: the client by HMIS PersonalID (or client id), and their case
    numbered `case_number`, else their one open case."""
    who = values.get(CLIENT, "")
    if not who:
        raise InvalidInput({CLIENT: [gettext("Give the client's HMIS PersonalID or client id.")]})
    client = db.session.execute(
        select(Client).where(Client.agency_id == actor.agency_id, Client.hmis_personal_id == who)
    ).scalar_one_or_none()
    if client is None:
        try:
            client = get_in_agency(actor, Client, uuid.UUID(who))
        except (ValueError, NotFound):
            raise InvalidInput(
                {CLIENT: [gettext("No client has this HMIS PersonalID or id: %(who)s.", who=who)]}
            ) from None
    where = [Case.client_id == client.id]
    if values.get(CASE_NUMBER):
        where.append(Case.number == values[CASE_NUMBER])
    else:
        where.append(Case.status == CaseStatus.OPEN)
    cases = list(db.session.execute(select(Case).where(*where)).scalars())
    if len(cases) != 1:
        column = CASE_NUMBER if values.get(CASE_NUMBER) else CLIENT
        raise InvalidInput(
            {
                column: [
                    gettext(
                        "%(name)s has no such case, or several open ones: give the case_number.",
                        name=client.full_name,
                    )
                ]
            }
        )
    return cases[0]


def _payload(form_type_name: str, values: dict[str, str]) -> dict:
    """The form's data from a row's cells: a list field's cell split at ";"."""
    form_type = creatable_form_type(form_type_name)
    properties = form_type.json_schema().get("properties", {})
    data = {}
    for name, cell in values.items():
        if name in NOT_DATA:
            continue
        is_list = properties.get(name, {}).get("type") == "array"
        data[name] = [v.strip() for v in cell.split(";") if v.strip()] if is_list else cell
    return data


def _make(actor: Actor, values: dict[str, str], send: bool):
    """One row's document, or InvalidInput/RuleViolation saying why not."""
    case = _case_for(actor, values)
    form_type = values.get(FORM_TYPE, "")
    return create_prefilled(
        actor, case, form_type, _payload(form_type, values), send, values.get(LANGUAGE)
    )


def _errors(exc: Exception) -> dict[str, list[str]]:
    return exc.errors if isinstance(exc, InvalidInput) else {ROW: [str(exc)]}


def dry_run(actor: Actor, filename: str, content: bytes, send: bool) -> list[Checked]:
    """Each row made and undone: what a real run would refuse, by row and column."""
    require_role(actor, (Role.ADMIN,))
    checked = []
    for number, values in parse(content):
        savepoint = db.session.begin_nested()
        try:
            _make(actor, values, send)
            errors = {}
        except (InvalidInput, RuleViolation) as exc:
            errors = _errors(exc)
        finally:
            savepoint.rollback()
        checked.append(Checked(number, values.get(CLIENT, ""), errors))
    audit.record(
        actor,
        "bulk.dry_run",
        filename=filename,
        rows=len(checked),
        refused=sum(1 for c in checked if c.errors),
    )
    return checked


def start(actor: Actor, filename: str, content: bytes, send: bool) -> BulkRun:
    user = require_role(actor, (Role.ADMIN,))
    rows = parse(content)
    run = BulkRun(
        agency_id=user.agency_id, created_by_id=user.id, filename=filename[:200], send=send
    )
    run.rows = [BulkRow(number=number, values=values) for number, values in rows]
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "bulk.start", run, filename=run.filename, rows=len(rows), send=send)
    return run


def process(actor: Actor, run: BulkRun, most: int = ROWS_PER_REQUEST) -> None:
    """Make up to `most` pending rows, each committed on its own (what came before it too)."""
    require_role(actor, (Role.ADMIN,))
    db.session.commit()
    pending = [r for r in run.rows if r.status == RowStatus.PENDING][:most]
    for row in pending:
        try:
            with db.session.begin_nested():
                document = _make(actor, row.values, run.send)
        except (InvalidInput, RuleViolation) as exc:
            row.status, row.errors = RowStatus.FAILED, _errors(exc)
            audit.record(actor, "bulk.row_refused", run, row=row.number, errors=row.errors)
        else:
            row.status, row.document_id = RowStatus.DONE, document.id
        db.session.commit()
    if all(r.status != RowStatus.PENDING for r in run.rows) and run.finished_at is None:
        run.finished_at = utcnow()
        audit.record(actor, "bulk.finish", run, **progress(run))
        db.session.commit()


def progress(run: BulkRun) -> dict[str, int]:
    counts = dict.fromkeys(RowStatus, 0)
    for row in run.rows:
        counts[row.status] += 1
    return {str(status): n for status, n in counts.items()}


def get_run(actor: Actor, run_id: str) -> BulkRun:
    require_role(actor, (Role.ADMIN,))
    return get_in_agency(actor, BulkRun, run_id)


def list_runs(actor: Actor) -> list[BulkRun]:
    user = require_role(actor, (Role.ADMIN,))
    return list(
        db.session.execute(
            select(BulkRun)
            .where(BulkRun.agency_id == user.agency_id)
            .order_by(BulkRun.created_at.desc())
            .limit(20)
        ).scalars()
    )
