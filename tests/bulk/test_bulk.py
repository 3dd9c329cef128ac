"""Bulk generation: an admin uploads a CSV (one row per client) on the page as it renders; a
dry run lists each row's errors by row and column and makes nothing; a run makes each row in
its own transaction (a refused row leaves nothing), shows its progress and is resumed."""

from datetime import date

from sqlalchemy import func, select

from forms_service.bulk import service
from forms_service.bulk.models import BulkRun, RowStatus
from forms_service.cases.service import create_client, open_case, set_hmis_ids
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from tests.conftest import CONSENT, login
from tests.pages import open_page

FIELDS = [k for k, v in CONSENT.items() if v not in (False, "")]


def _cell(value) -> str:
    return ";".join(value) if isinstance(value, list) else str(value)


def csv_of(rows: list[dict]) -> bytes:
    header = ["client", "form_type", *FIELDS]
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(f'"{_cell(row.get(h, ""))}"' for h in header))
    return ("\n".join(lines) + "\n").encode()


def consent_row(client, **changes) -> dict:
    return {"client": client, "form_type": "consent_release", **CONSENT, **changes}


def clients(world, n=2) -> list[str]:
    """HMIS PersonalIDs of the world's client and of n-1 more, each with an open case."""
    actor = world.actor(world.admin)
    set_hmis_ids(actor, str(world.case.id), "P-0", "")
    ids = ["P-0"]
    for i in range(1, n):
        person = create_client(world.agency, f"Client{i}", "Bulk", date(1980, 1, i))
        case = open_case(person, world.case_manager, "Shelter", date(2026, 10, 1))
        set_hmis_ids(actor, str(case.id), f"P-{i}", "")
        ids.append(f"P-{i}")
    db.session.commit()
    return ids


def documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def upload(client, content: bytes, action: str, mode: str = "draft"):
    form = open_page(client, "/agency/bulk").form()
    form["file"] = (content, "clients.csv")
    form["mode"] = mode
    return form.submit(action)


def test_a_dry_run_names_each_rows_errors_by_row_and_column_and_makes_nothing(client, world):
    ids = clients(world, 2)
    content = csv_of(
        [
            consent_row(ids[0]),
            consent_row("P-404"),
            consent_row(ids[1], categories=["housing", "nonsense"]),
        ]
    )
    login(client, world.admin)
    response = upload(client, content, "check")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dry run: 1 of 3 rows would be made" in html
    assert "<td>3</td><td>P-404</td><td>client</td>" in html
    assert "<td>4</td><td>P-1</td><td>categories</td>" in html
    assert documents() == 0


def test_a_run_makes_each_row_on_its_own_and_a_refused_row_leaves_nothing(client, world):
    ids = clients(world, 3)
    content = csv_of([consent_row(ids[0]), consent_row(ids[1], purpose=""), consent_row(ids[2])])
    login(client, world.admin)
    response = upload(client, content, "run", mode="send")
    assert response.status_code == 302
    page = open_page(client, response.headers["Location"]).html
    assert "2 made, 1 refused, 0 to do" in page
    made = db.session.execute(select(Document)).scalars().all()
    assert len(made) == 2 and {d.status for d in made} == {DocumentStatus.SIGNING}
    run = db.session.execute(select(BulkRun)).scalar_one()
    refused = next(r for r in run.rows if r.status == RowStatus.FAILED)
    assert refused.number == 3 and "purpose" in refused.errors
    assert run.finished_at is not None


def test_a_run_cut_short_is_resumed_from_its_first_row_still_to_do(client, world):
    ids = clients(world, 3)
    actor = world.actor(world.admin)
    run = service.start(actor, "annual.csv", csv_of([consent_row(i) for i in ids]), send=False)
    service.process(actor, run, most=1)  # the request ended here
    assert documents() == 1
    login(client, world.admin)
    page = open_page(client, f"/agency/bulk/{run.id}")
    assert "1 made, 0 refused, 2 to do" in page.html
    resumed = page.form().submit()
    assert resumed.status_code == 302
    assert "3 made, 0 refused, 0 to do" in open_page(client, f"/agency/bulk/{run.id}").html
    assert documents() == 3
    assert {d.status for d in db.session.execute(select(Document)).scalars()} == {
        DocumentStatus.DRAFT
    }


def test_a_csv_without_its_columns_is_refused_on_the_file_field(client, world):
    login(client, world.admin)
    response = upload(client, b"name,form\nA,B\n", "check")
    assert response.status_code == 400
    assert "The first line must name the columns client and form_type." in response.get_data(
        as_text=True
    )


def test_the_client_id_finds_a_client_without_an_hmis_id(world):
    actor = world.actor(world.admin)
    row = consent_row(str(world.client.id))
    content = csv_of([row])
    (checked,) = service.dry_run(actor, "x.csv", content, send=True)
    assert checked.errors == {}


def test_only_admins_reach_the_bulk_page(client, world):
    login(client, world.case_manager)
    assert client.get("/agency/bulk").status_code == 403
