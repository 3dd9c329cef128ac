"""How fast records staff find documents in a large archive (PostgreSQL).

Fills a schema of its own (dropped at the end) with N synthetic archive records (names with
accents, 20 agencies, form types, ten years of dates, some superseded and disposed of; no
blobs; each record's words for search inside documents; some legal holds) by COPY, then runs
the common searches through the service's own `find`, as the archive page does: the count
capped at 1,001 and the page of 25 (a name as typed first, near misses only when nothing
matches). Prints the machine, p50/p95 per search, the plans of each (EXPLAIN summary of
every statement it ran), and as its LAST
line:
  records=<N> search_p95_ms=<worst p95 over the query mix> fulltext_p95_ms=<worst p95
  of the searches inside documents> (targets at 1,000,000 records: 25 ms and 50 ms)

    FORMS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
    .venv/bin/python bench/archive_bench.py --records 100000
"""

import argparse
import json
import os
import pickle
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic.script import ScriptDirectory  # noqa: E402

from forms_service import create_app  # noqa: E402
from forms_service.archive.models import SEARCHED  # noqa: E402
from forms_service.archive.search import Criteria, find  # noqa: E402
from forms_service.archive.service import HASHED_FIELDS  # noqa: E402
from forms_service.cases.search import normalise_name  # noqa: E402
from forms_service.database import MIGRATIONS, upgrade_schema  # noqa: E402
from forms_service.extensions import db  # noqa: E402

URL = os.environ.get(
    "FORMS_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FIRST = [
    "María",
    "José",
    "Ana",
    "Lucía",
    "Sofía",
    "Zoë",
    "Chloé",
    "Renée",
    "Hélène",
    "Åsa",
    "Jürgen",
    "François",
    "Łukasz",
    "Dmitri",
    "Nguyễn",
    "Thảo",
    "Mohammed",
    "Fatima",
    "Aisha",
    "Kwame",
    "Amara",
    "Chinedu",
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
]
LAST = [
    "Núñez",
    "García",
    "Rodríguez",
    "López",
    "Martínez",
    "González",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Reyes",
    "Cruz",
    "Morales",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Ramos",
    "Müller",
    "Schäfer",
    "Østergaard",
    "Ðorđević",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "O'Brien",
    "MacDonald",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
]
FORM_TYPES = [
    ("consent_release", 40),
    ("case_plan", 25),
    ("client_rights", 12),
    ("discharge_plan", 8),
    ("termination_notice", 6),
    ("grievance", 5),
    ("final_decision", 4),
]
AGENCIES = 20
FILLED = ("agency", "archive_record", "archive_supersession", "archive_disposal", "archive_text")
FILLED += ("archive_search", "archive_name_word", "legal_hold")
STAFF = [f"{random.choice(FIRST)} {random.choice(LAST)}" for _ in range(400)]  # noqa: S311
# The words of a filed document: a form's own text (the same in every record of its type), a
# recipient or program (one of 2,000) and the client's name; a record holds about 120 words.
RECIPIENTS = [
    f"{random.choice(LAST)} {kind}"  # noqa: S311
    for kind in ("Center", "Clinic", "Housing", "Legal Aid", "Outreach", "Health")
    for _ in range(334)
]
BOILERPLATE = (
    "i authorize the release of the information listed below to the person or agency named "
    "for the purpose stated this authorization ends on the date or event written here i may "
    "revoke it in writing at any time except where action was already taken in reliance on it "
    "my services do not depend on signing information disclosed may be redisclosed by the "
    "recipient and no longer protected by federal privacy rules housing income health "
    "benefits employment education case plan goals steps responsible person target date "
)


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), "unknown")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, {platform.platform()}"


def fill(conn, records: int, rng: random.Random) -> dict:
    """COPY `records` archive records (and their supersessions and disposals); returns
    samples of real values to search for."""
    raw = conn.connection.driver_connection
    agency_ids = [uuid.uuid4() for _ in range(AGENCIES)]
    sql = "COPY agency (id, name, address, phone, created_at) FROM STDIN"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for i, agency_id in enumerate(agency_ids):
            copy.write_row((agency_id, f"Agency {i}", "1 Main St", "555", datetime.now(UTC)))
    forms = [name for name, _ in FORM_TYPES]
    weights = [w for _, w in FORM_TYPES]
    clients = max(1, records // 4)  # about four documents per client
    client_rows = []
    for _ in range(clients):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if rng.random() < 0.3:
            last = f"{last} {rng.choice(LAST)}"
        client_rows.append(
            (uuid.uuid4(), rng.choice(agency_ids), f"{first} {last}", rng.randrange(1, 99999))
        )
    start = datetime(2016, 1, 1, tzinfo=UTC)
    columns = ["id", *HASHED_FIELDS, "record_sha256"]  # the rows below follow this order
    superseded, disposed, texts = [], [], []
    sample = {"client": [], "case": [], "signer": [], "reference": [], "recipient": []}
    with raw.cursor() as cur:
        with cur.copy(f"COPY archive_record ({', '.join(columns)}) FROM STDIN") as copy:
            for _ in range(records):
                client_id, agency_id, name, case_no = rng.choice(client_rows)
                signed = start + timedelta(seconds=rng.randrange(0, 10 * 365 * 86400))
                signer = rng.choice(STAFF)
                record_id = uuid.uuid4()
                form_type = rng.choices(forms, weights)[0]
                reference = f"B-{secrets.token_hex(5).upper()}"
                recipient = rng.choice(RECIPIENTS)
                words = f"{form_type} {BOILERPLATE} {recipient} {name} {signer} {BOILERPLATE}"
                texts.append((record_id, agency_id, normalise_name(words), False))
                copy.write_row(
                    (
                        record_id,
                        agency_id,
                        uuid.uuid4(),
                        client_id,
                        uuid.uuid5(client_id, "case"),
                        form_type,
                        reference,
                        1,
                        "en",
                        name,
                        normalise_name(name),
                        f"C-{signed.year}-{case_no:05d}",
                        1,
                        "a" * 64,
                        "b" * 64,
                        secrets.token_hex(32),
                        secrets.token_hex(32),
                        json.dumps([{"role": "Client", "name": name}, {"name": signer}]),
                        f"{normalise_name(name)} | {normalise_name(signer)}",
                        signed,
                        signed,
                        "c" * 64,
                    )
                )
                roll = rng.random()
                if roll < 0.10:
                    superseded.append((record_id, agency_id, signed))
                elif roll < 0.12:
                    disposed.append(record_id)
                if len(sample["client"]) < 200 and rng.random() < 0.01:
                    sample["client"].append((agency_id, client_id, name, signed.date()))
                    sample["case"].append((agency_id, f"C-{signed.year}-{case_no:05d}"))
                    sample["signer"].append((agency_id, signer))
                    sample["reference"].append((agency_id, reference))
                    sample["recipient"].append((agency_id, recipient))
        # A superseded record points at a stand-in newer record: the plans only need the rows.
        with cur.copy(
            "COPY archive_record (id, agency_id, document_id, client_id, case_id, form_type, "
            "reference, language, client_name, search_name, case_number, template_version, "
            "template_sha256, content_sha256, docx_sha256, pdf_sha256, signers, signed_at, "
            "archived_at) FROM STDIN"
        ) as copy:
            newer = []
            for record_id, agency_id, signed in superseded:
                new_id = uuid.uuid4()
                newer.append((record_id, agency_id, new_id, signed + timedelta(days=30)))
                copy.write_row(
                    (
                        new_id,
                        agency_ids[0],
                        uuid.uuid4(),
                        uuid.uuid4(),
                        uuid.uuid4(),
                        "case_plan",
                        f"N-{secrets.token_hex(5).upper()}",
                        "en",
                        "Zed Newer",
                        "zed newer",
                        "C-0",
                        1,
                        "a" * 64,
                        "b" * 64,
                        "d" * 64,
                        "e" * 64,
                        "[]",
                        signed,
                        signed,
                    )
                )
        with cur.copy(
            "COPY archive_supersession (id, agency_id, record_id, by_record_id, reason, at) "
            "FROM STDIN"
        ) as copy:
            for record_id, agency_id, new_id, at in newer:
                copy.write_row((uuid.uuid4(), agency_id, record_id, new_id, "updated", at))
        with cur.copy(
            "COPY archive_disposal (id, record_id, due_on, rule, at, by) FROM STDIN"
        ) as copy:
            for record_id in disposed:
                copy.write_row(
                    (uuid.uuid4(), record_id, date(2025, 1, 1), "bench", datetime.now(UTC), "bench")
                )
        with cur.copy("COPY archive_text (record_id, agency_id, body, ocr) FROM STDIN") as copy:
            for row in texts:
                copy.write_row(row)
        # A legal hold on one client in 200 (a third of them on one case only).
        with cur.copy(
            "COPY legal_hold (id, agency_id, client_id, case_id, reason, placed_by_id, "
            "placed_at) FROM STDIN"
        ) as copy:
            for client_id, agency_id, _, _ in client_rows[::200]:
                case_id = uuid.uuid5(client_id, "case") if rng.random() < 0.3 else None
                row = (uuid.uuid4(), agency_id, client_id, case_id, "bench", uuid.uuid4())
                copy.write_row((*row, datetime.now(UTC)))
    return sample


def query_mix(sample: dict, rng: random.Random):
    """(name, agency, criteria) of the common searches, each drawn with fresh values."""
    client = rng.choice(sample["client"])
    agency, client_id, name, signed_on = client
    first, last = name.split()[0], name.split()[-1]
    typo = last[:-1] + ("x" if last[-1] != "x" else "y") if len(last) > 4 else last
    year = rng.randrange(2016, 2026)
    case_agency, case_number = rng.choice(sample["case"])
    signer_agency, signer = rng.choice(sample["signer"])
    reference_agency, reference = rng.choice(sample["reference"])
    text_agency, recipient = rng.choice(sample["recipient"])
    return [
        ("last name", agency, Criteria(name=last)),
        ("first and last name", agency, Criteria(name=f"{first} {last}")),
        ("name with a typo", agency, Criteria(name=typo)),
        ("part of a name", agency, Criteria(name=last[:4])),
        ("client id", agency, Criteria(client_id=str(client_id))),
        ("case number", case_agency, Criteria(case_number=case_number)),
        (
            "form type in a month",
            agency,
            Criteria(
                form_type="termination_notice",
                signed_from=date(year, 3, 1),
                signed_to=date(year, 3, 31),
            ),
        ),
        ("status superseded", agency, Criteria(status="superseded")),
        (
            "in force for a client on D",
            agency,
            Criteria(client_id=str(client_id), in_force_on=signed_on),
        ),
        ("signer", signer_agency, Criteria(signer=signer)),
        ("name, sorted by client", agency, Criteria(name=last, sort="client")),
        ("last, first", agency, Criteria(name=f"{last}, {first}")),
        ("document number", reference_agency, Criteria(reference=reference)),
        ("part of a case number", case_agency, Criteria(case_number=case_number[2:])),
        ("on legal hold", agency, Criteria(on_hold=True)),
        ("full text: recipient", text_agency, Criteria(text=recipient)),
        ("full text: recipient, name", agency, Criteria(text=f"{recipient} {last}")),
        ("full text: common word", agency, Criteria(text="authorization")),
    ]


def timed(session, agency, criteria) -> float:
    """One search as the page runs it, in a session of its own (nothing loaded before)."""
    session.expunge_all()
    began = time.perf_counter()
    find(session.execute, agency, criteria, "postgresql")
    return (time.perf_counter() - began) * 1000


def recorded(session):
    """`session.execute` that keeps the statements it ran (in `.statements`)."""

    def execute(statement):
        execute.statements.append(statement)
        return session.execute(statement)

    execute.statements = []
    return execute


def plan_summary(conn, query) -> str:
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    explain = f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled.string}"
    rows = conn.exec_driver_sql(explain, compiled.params).scalar_one()
    found = []

    def walk(node):
        label = node["Node Type"]
        if "Index Name" in node:
            label += f" {node['Index Name']}"
        found.append(label)
        for child in node.get("Plans", []):
            walk(child)

    walk(rows[0]["Plan"])
    return f"{rows[0]['Execution Time']:.1f} ms: " + " > ".join(dict.fromkeys(found))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40, help="runs of each search")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--schema",
        help="fill this schema once and keep it, so the searches can be run again later (on a "
        "quiet machine) without filling again; --drop removes it",
    )
    parser.add_argument("--drop", action="store_true", help="drop --schema at the end")
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 (synthetic data)
    schema = args.schema or f"archive_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    options = {"connect_args": {"options": f"-c search_path={schema}"}}
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app(
                {
                    "INSTANCE_PATH": folder,
                    "TESTING": True,
                    "SECRET_KEY": secrets.token_hex(32),
                    "SQLALCHEMY_DATABASE_URI": URL,
                    "SQLALCHEMY_ENGINE_OPTIONS": options,
                }
            )
            with app.app_context():
                refuse_a_schema_of_other_code(str(MIGRATIONS))
                upgrade_schema()
                run(args, rng)
                db.engine.dispose()
    finally:
        if not args.schema or args.drop:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def refuse_a_schema_of_other_code(directory: str) -> None:
    """A kept schema is measured by the code that filled it: a migration landed since would
    run on its million rows (one re-hashes them row by row, for hours)."""
    with db.engine.connect() as conn:
        if not conn.execute(sa.text("SELECT to_regclass('bench_sample')")).scalar_one():
            return
        at = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    heads = set(ScriptDirectory(directory).get_heads())
    if at != heads:
        raise SystemExit(
            f"the kept schema is at migration {sorted(at)}, this code at {sorted(heads)}: "
            "measure with the code that filled it, or fill a new --schema"
        )


def kept_sample(conn, records: int) -> dict | None:
    """The sample of a schema filled by an earlier run with as many records, if any."""
    if not conn.execute(sa.text("SELECT to_regclass('bench_sample')")).scalar_one():
        return None
    row = conn.execute(sa.text("SELECT records, body FROM bench_sample")).one_or_none()
    if row is None or row.records != records:
        raise SystemExit(f"the schema holds another bench ({row and row.records} records)")
    print(f"reusing the {records:,} records filled by an earlier run")
    return pickle.loads(row.body)  # noqa: S301 (written by this script, in its own schema)


def fill_once(conn, records: int, rng) -> dict:
    # The bench files records without their documents, clients and cases: their foreign
    # keys go (they change no search plan); everything the searches read is kept.
    for table, fk in (
        *(("archive_record", fk) for fk in ("document_id_document", "client_id_client")),
        ("archive_record", "case_id_case_file"),
        ("archive_text", "record_id_archive_record"),
        ("archive_search", "id_archive_record"),
        *(("legal_hold", fk) for fk in ("client_id_client", "case_id_case_file")),
        ("legal_hold", "placed_by_id_user_account"),
    ):
        conn.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_{fk}"))
    began = time.perf_counter()
    sample = fill(conn, records, rng)
    # Each record's search row, as filing writes it (the columns are the record's own).
    columns = ", ".join(SEARCHED)  # the model's column names
    insert = f"INSERT INTO archive_search ({columns}) SELECT {columns} FROM archive_record"  # noqa: S608
    conn.execute(sa.text(insert))
    conn.execute(  # and the words of the names, once per agency
        sa.text(
            "INSERT INTO archive_name_word (agency_id, word) SELECT DISTINCT agency_id, word "
            "FROM archive_record, regexp_split_to_table(search_name || ' ' || "
            "replace(signer_names, '|', ' '), ' +') AS word WHERE length(word) >= 3"
        )
    )
    conn.execute(sa.text("CREATE TABLE bench_sample (records integer, body bytea)"))
    conn.execute(
        sa.text("INSERT INTO bench_sample VALUES (:records, :body)"),
        {"records": records, "body": pickle.dumps(sample)},
    )
    conn.commit()
    # What autovacuum gives an archive that grew to this size (the test server runs without
    # it): statistics, the visibility map (index-only scans), and the GIN indexes' pending
    # lists merged (every search of them reads the whole list). Its own tables only: a bare
    # VACUUM reads every schema of the (shared) database. Kept for a later run on --schema.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as maintenance:
        maintenance.execute(sa.text(f"VACUUM (ANALYZE) {', '.join(FILLED)}"))
    print(f"filled {records:,} records in {time.perf_counter() - began:.1f} s")
    return sample


def run(args, rng):
    print(f"machine: {machine()}")
    with db.engine.connect() as conn:
        print(f"database: {conn.execute(sa.text('SELECT version()')).scalar_one()}")
        sample = kept_sample(conn, args.records)
        if sample is None:
            sample = fill_once(conn, args.records, rng)
        timings: dict[str, list[float]] = {}
        plans: dict[str, str] = {}
        session = Session(conn)  # the records come back as the page gets them
        for _ in range(args.repeat):
            for name, agency, criteria in query_mix(sample, rng):
                timings.setdefault(name, []).append(timed(session, agency, criteria))
                if name not in plans:  # each statement `find` runs, in its order
                    ran = recorded(session)
                    find(ran, agency, criteria, "postgresql")
                    plans[name] = "; ".join(plan_summary(conn, query) for query in ran.statements)
        worst = worst_text = 0.0
        print(f"{'search':<28} {'p50 ms':>8} {'p95 ms':>8}")
        for name, values in timings.items():
            values.sort()
            p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
            if name.startswith("full text"):
                worst_text = max(worst_text, p95)
            else:
                worst = max(worst, p95)
            print(f"{name:<28} {statistics.median(values):8.1f} {p95:8.1f}")
        print("plans (one run each, every statement of the search in its order):")
        for name, plan in plans.items():
            print(f"  {name}: {plan}")
    print(f"records={args.records} search_p95_ms={worst:.1f} fulltext_p95_ms={worst_text:.1f}")


if __name__ == "__main__":
    main()
