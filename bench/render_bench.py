"""How fast signed documents go from signature to archive.

The same kind of signed consent is rendered, converted to PDF/A, given its audit certificate,
sealed and filed in the archive, measured in one run:
  a) a cold `soffice --convert-to pdf` per document, one at a time
  b) the app rendering the whole way once the last signature is in, 1 converter
  c) the same, one converter per core (2 here)
  d) the bare-conversion ceiling: the form with its audit certificate in one DOCX (the document
     path before the certificate was drawn as PDF), converted by as many converters as (c)
     with nothing else: what LibreOffice alone can do with these documents
  p) the app with each form converted before its signatures (as the service does while the
     client reads: not timed), its boxes filled once the last signature is in, 1 converter
  q) the same, one converter per core
  r) the same, in as many processes as cores (one job at a time each), as the service renders
     on a machine: gunicorn's workers (FORMS_WEB_WORKERS, 2) or Celery workers, each with a
     GIL of its own (q's Python runs on one core at a time)
  e) the first document after a start: its form converted before the restart (kept in the
     database), the converters started as the service starts them, then the document
For each: docs/s with as many documents in flight as converters, p50/p95 of one document at a
time (warm converters), the converters' and this process's memory, and the load average (the
machine may be shared: figures taken under load are noisy). Last line:
  ratio_vs_cold=<r/a> ceiling_ratio=<r/d> docs_per_s=<r> p95_ms=<q p95> first_doc_ms=<e>
With `--celery-workers N`, instead: N Celery render workers as separate processes (one
converter each) sharing PostgreSQL, Redis and an S3 bucket (moto), as render machines run them.
With `--soak N`, instead: the converters' memory over N documents (forms converted before the
signature, one converter per core, replaced as the settings say): each one's largest RSS,
sampled every 0.2 s, printed every 100 documents, and how many converters were started.

    .venv/bin/python bench/render_bench.py --docs 50
    .venv/bin/python bench/render_bench.py --docs 50 --celery-workers 2
    .venv/bin/python bench/render_bench.py --soak 1000
"""

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forms_service import create_app, process  # noqa: E402
from forms_service.database import upgrade_schema  # noqa: E402
from forms_service.extensions import db  # noqa: E402
from forms_service.rendering.jobs import run_job  # noqa: E402


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), "unknown")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, {platform.platform()}"


def signed_jobs(
    count: int, language: str = "en", english_copy: bool = True, prepare: bool = False
) -> list:
    """`count` consents signed by a client (reading `language`) and a case manager, each with
    a pending render job; `english_copy`: the agency's setting; `prepare`: each form converted
    between its sending and its signatures, as while its client reads it (not timed)."""
    from datetime import date

    from forms_service.accounts.models import Role
    from forms_service.accounts.service import Actor, create_agency, create_user
    from forms_service.cases.service import create_client, open_case
    from forms_service.documents import service as documents
    from forms_service.forms import get_form_type
    from forms_service.rendering.jobs import prepare_for_signing
    from tests.conftest import ink_payload

    agency = create_agency("Bench Housing", "1 Bench St", "(555) 010-0000")
    agency.file_english_copy = english_copy
    manager = create_user(
        agency,
        f"cm{time.time_ns()}@bench.example",
        "Case Manager",
        Role.CASE_MANAGER,
        "bench-password-123",
    )
    actor = Actor(manager, "127.0.0.1", "bench")
    data = get_form_type("consent_release").example()
    jobs = []
    for i in range(count):
        client = create_client(agency, "Client", f"Number {i}", date(1980, 1, 1), language)
        case = open_case(client, manager, "Bench", date(2026, 1, 1))
        document = documents.start_document(actor, case, "consent_release", data)
        documents.send_for_signature(actor, document)
        if prepare:
            db.session.commit()
            assert prepare_for_signing(document.id), "not prepared"
        for signer in document.signers:
            job = documents.sign(
                actor,
                document,
                signer,
                ink_payload=ink_payload(),
                shown_content_sha256=document.content_sha256,
                esign_accepted=True,
            )
        jobs.append(job.id)
    db.session.commit()
    return jobs


def timed(function, items: list, workers: int) -> tuple[float, list[float]]:
    """Wall time of `function` over `items` with `workers` threads, and each call's ms."""

    def one(item):
        start = time.perf_counter()
        function(item)
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        latencies = list(pool.map(one, items))
    return time.perf_counter() - start, latencies


def job_runner(app):
    def run(job_id):
        with app.app_context():
            assert run_job(job_id), f"job {job_id} failed"

    return run


_forked_app = None  # the app a forked process runs its jobs in


def _run_forked(job_id) -> None:
    job_runner(_forked_app)(job_id)


def timed_in_processes(app, items: list, processes: int) -> float:
    """Wall time over `items` in `processes` processes forked from this one (warm: its
    converters started, its caches full), each one job at a time."""
    global _forked_app
    _forked_app = app
    db.engine.dispose()  # each process opens connections of its own
    start = time.perf_counter()
    with ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=process.settle
    ) as pool:
        list(pool.map(_run_forked, items))
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    """Interpolated between the values measured, never beyond the largest (the default,
    "exclusive" method extrapolates past it when there are fewer than twenty)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def line(name: str, count: int, wall: float, one_at_a_time: list[float], extra: str = "") -> float:
    rate = count / wall
    single = (
        f"; one at a time p50 {statistics.median(one_at_a_time):.0f} ms, "
        f"p95 {p95(one_at_a_time):.0f} ms"
        if one_at_a_time
        else ""
    )
    print(
        f"{name}: {count} docs in {wall:.1f} s = {rate:.2f} docs/s{single}{extra}; "
        f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )
    return rate


def converter_rss(pool) -> str:
    rss = [s.rss_bytes for s in pool.stats()]
    return f", converter RSS max {max(rss) / 2**20:.0f} MB"


def app_for(
    folder: Path, converter: str, size: int, port: int, database_url: str | None, **settings
):
    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'forms.db'}",
            "CONVERTER": converter,
            "CONVERTERS": size,
            "CONVERTER_BASE_PORT": port,
            "RENDER_QUEUE": "inline",
            **settings,
        }
    )
    with app.app_context():
        upgrade_schema()
    return app


def celery_workers(count: int, docs: int, database_url: str, base_port: int) -> None:
    """(f): `count` workers file `docs` signed consents queued at once (their forms converted
    before their signatures, as the service does); docs/s."""
    import secrets

    import sqlalchemy as sa

    from forms_service.rendering import queue
    from forms_service.rendering.models import RenderJob, RenderStatus
    from tests.rendering.cluster import Cluster, s3_bucket

    schema = f"render_bench_{secrets.token_hex(3)}"
    admin = sa.create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    server, endpoint, bucket = s3_bucket()
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        nodes = Cluster(
            Path(tmp), database_url, schema, "redis://127.0.0.1:6379/0",
            f"render-bench-{schema}", endpoint, bucket, str(Path(tmp) / "keys"), base_port,
        )  # fmt: skip
        app = app_for(Path(tmp), "pool", 1, base_port, None, **nodes.app_settings())
        try:
            with app.app_context():
                from forms_service.keys import ensure_seal_key

                ensure_seal_key(Path(nodes.keys_dir))
                jobs = signed_jobs(count + docs, prepare=True)

                def filed() -> int:
                    db.session.rollback()
                    done = RenderJob.status == RenderStatus.DONE
                    return db.session.query(RenderJob).filter(done).count()

                for _ in range(count):
                    nodes.start()
                for job in jobs[:count]:  # one each: the converters are warm
                    queue.enqueue(job)
                while filed() < count:
                    time.sleep(0.05)
                start = time.perf_counter()
                for job in jobs[count:]:
                    queue.enqueue(job)
                while filed() < count + docs:
                    time.sleep(0.05)
                wall = time.perf_counter() - start
                print(
                    f"f) celery, {count} worker process(es), 1 converter each: {docs} docs in "
                    f"{wall:.1f} s = {docs / wall:.2f} docs/s; load "
                    f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
                    flush=True,
                )
                print(f"celery_workers={count} docs_per_s={docs / wall:.1f}")
                db.engine.dispose()
        finally:
            nodes.stop()
            server.stop()
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument(
        "--cold-docs", type=int, default=None, help="documents for (a) (default: min(docs, 10))"
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--base-port", type=int, default=23000)
    parser.add_argument(
        "--celery-workers", type=int, default=0, help="measure N Celery worker processes instead"
    )
    parser.add_argument("--soak", type=int, default=0, help="converter memory over N documents")
    args = parser.parse_args()
    if args.soak:
        print(f"machine: {machine()}")
        soak(args.soak, args.database_url, args.base_port)
        return
    if args.celery_workers:
        print(f"machine: {machine()}")
        url = args.database_url or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        celery_workers(args.celery_workers, args.docs, url, args.base_port)
        return
    cold_docs = args.cold_docs or min(args.docs, 10)
    cores = os.cpu_count() or 2
    print(f"machine: {machine()}")
    from forms_service.rendering.resources import converter, start_converters
    from forms_service.rendering.service import warm_seal

    rates, p95s = {}, {}
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        whole, before = "the whole way at signing", "forms converted before the signature"
        for key, name, kind, size, count, prepare in [
            ("a", "a) cold soffice per document", "cold", 1, cold_docs, False),
            ("b", f"b) app, {whole}, 1 converter", "pool", 1, args.docs, False),
            ("c", f"c) app, {whole}, {cores} converters", "pool", cores, args.docs, False),
            ("p", f"p) app, {before}, 1 converter", "pool", 1, args.docs, True),
            ("q", f"q) app, {before}, {cores} converters", "pool", cores, args.docs, True),
        ]:
            port = args.base_port + 100 * len(rates)
            app = app_for(Path(tmp) / key, kind, size, port, args.database_url)
            with app.app_context():
                jobs = signed_jobs(size + (3 if key == "q" else 2) * count, prepare=prepare)
                if kind == "pool":  # as `forms-service worker` and a gunicorn worker start
                    start_converters()
                    warm_seal()
                    process.settle()
                warm, batch = jobs[:size], jobs[size : size + count]
                single, forked = jobs[size + count : size + 2 * count], jobs[size + 2 * count :]
                timed(job_runner(app), warm, size)  # starts the converters: the steady state
                wall, _ = timed(job_runner(app), batch, size)
                _, one_at_a_time = timed(job_runner(app), single, 1)
                extra = converter_rss(converter()) if kind == "pool" else ""
                rates[key] = line(name, count, wall, one_at_a_time, extra)
                p95s[key] = p95(one_at_a_time)
                if key == "c":  # (d): what LibreOffice alone does with these documents
                    docx = certified_docx_files()
                    wall, _ = timed(converter().convert, docx[:count], size)
                    _, one = timed(converter().convert, docx[count:], 1)
                    rates["d"] = line(
                        f"d) bare conversion of the form with its certificate (the document "
                        f"path before the certificate was drawn), {size} converters",
                        count,
                        wall,
                        one,
                    )
                if key == "q":  # (r): the same, rendered in a process per core
                    wall = timed_in_processes(app, forked, cores)
                    rates["r"] = line(
                        f"r) app, {before}, {cores} processes, {cores} converters", count, wall, []
                    )
                if kind == "pool":
                    converter().shutdown()
                db.engine.dispose()

        app = app_for(Path(tmp) / "e", "pool", cores, args.base_port + 600, args.database_url)
        with app.app_context():
            (job,) = signed_jobs(1, prepare=True)  # its form converted before the restart
            converter().shutdown()
        app = app_for(Path(tmp) / "e", "pool", cores, args.base_port + 700, args.database_url)
        with app.app_context():  # a new app: its converters, seal key and caches not started
            began = time.perf_counter()
            start_converters()  # what `forms-service worker` does as it starts
            warm_seal()
            started = time.perf_counter()
            job_runner(app)(job)
            first_doc_ms = (time.perf_counter() - started) * 1000
            print(
                f"e) first document after start: converters ready in "
                f"{(started - began) * 1000:.0f} ms, then the document in {first_doc_ms:.0f} ms"
            )
            converter().shutdown()
            db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory: this process (app, {cores} render threads) peak RSS {peak:.0f} MB")
    print(
        f"ratio_vs_cold={rates['r'] / rates['a']:.1f} ceiling_ratio={rates['r'] / rates['d']:.2f} "
        f"docs_per_s={rates['r']:.1f} p95_ms={p95s['q']:.0f} first_doc_ms={first_doc_ms:.0f}"
    )


def soak(docs: int, database_url: str | None, base_port: int) -> None:
    from forms_service.rendering.resources import converter, start_converters
    from forms_service.rendering.service import warm_seal

    cores = os.cpu_count() or 2
    with tempfile.TemporaryDirectory(prefix="render-soak-") as tmp:
        app = app_for(Path(tmp), "pool", cores, base_port, database_url)
        with app.app_context():
            start_converters()
            warm_seal()
            process.settle()
            pool, largest, servers, done = converter(), [0.0] * cores, set(), threading.Event()

            def sample():  # between two prints a converter may grow and be replaced
                while not done.wait(0.2):
                    for stats in pool.stats():
                        rss = stats.rss_bytes / 2**20
                        largest[stats.slot] = max(largest[stats.slot], rss)
                        servers.add(stats.server_pid)

            sampler = threading.Thread(target=sample)
            sampler.start()
            filed, began = 0, time.perf_counter()
            while filed < docs:
                jobs = signed_jobs(min(100, docs - filed), prepare=True)
                timed(job_runner(app), jobs, cores)
                filed += len(jobs)
                print(
                    f"{filed} documents ({time.perf_counter() - began:.0f} s): largest converter "
                    f"RSS so far {', '.join(f'{mb:.0f}' for mb in largest)} MB; "
                    f"{len(servers - {None})} converters started",
                    flush=True,
                )
            done.set()
            sampler.join()
            pool.shutdown()
    limit = app.config["CONVERTER_MAX_RSS_MB"]
    print(f"converter_rss_max_mb={max(largest):.0f} limit_mb={limit} docs={docs}")


def certified_docx_files() -> list[bytes]:
    """Each filed form's DOCX with its audit certificate appended, as it went to LibreOffice
    before the certificate was drawn as PDF: the ceiling the targets are measured against."""
    import io

    from docx import Document as Docx

    from forms_service.archive.models import ArchiveRecord
    from forms_service.archive.service import blob_store
    from forms_service.rendering.jobs import certificate_data
    from signatures.certificate import append_certificate

    files = []
    for record in db.session.query(ArchiveRecord):
        document = Docx(io.BytesIO(blob_store().get(record.docx_sha256)))
        append_certificate(document, certificate_data(record.document))
        out = io.BytesIO()
        document.save(out)
        files.append(out.getvalue())
    return files


if __name__ == "__main__":
    main()
