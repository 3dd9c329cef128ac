"""How fast signed documents go from signature to archive.

The same N signed consents go through the full pipeline (render the DOCX, add the audit
certificate, convert to PDF/A, seal, file in the archive) three ways, measured in one run:
  a) naive: a cold `soffice --convert-to pdf` per document, one at a time
  b) the warm converter pool with one converter
  c) the warm converter pool with the default number of converters (one per core)
Prints docs/s and p50/p95 latency per way, the converters' memory, and as its last line:
  ratio_vs_cold=<c/a> docs_per_s=<c> p95_ms=<c p95>

    .venv/bin/python bench/render_bench.py --docs 50
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forms_service import create_app  # noqa: E402
from forms_service.extensions import db  # noqa: E402
from forms_service.rendering.jobs import run_job  # noqa: E402


def machine() -> str:
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), "unknown")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, {platform.platform()}"


def signed_jobs(count: int, language: str = "en", english_copy: bool = True) -> list:
    """`count` consents signed by a client (reading `language`) and a case manager, each with
    a pending render job; `english_copy`: the agency's setting."""
    from datetime import date

    from forms_service.accounts.models import Role
    from forms_service.accounts.service import Actor, create_agency, create_user
    from forms_service.cases.service import create_client, open_case
    from forms_service.documents import service as documents
    from forms_service.forms import get_form_type
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


def run(app, jobs: list, workers: int) -> tuple[float, list[float]]:
    """Wall time and per-document latencies (ms) of rendering `jobs` with `workers` threads."""

    def one(job_id):
        with app.app_context():
            start = time.perf_counter()
            assert run_job(job_id), f"job {job_id} failed"
            return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        latencies = list(pool.map(one, jobs))
    return time.perf_counter() - start, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument(
        "--cold-docs",
        type=int,
        default=None,
        help="documents for the naive path (default: min(docs, 20))",
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    args = parser.parse_args()
    cold_docs = args.cold_docs or min(args.docs, 20)
    cores = os.cpu_count() or 2
    print(f"machine: {machine()}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        for name, converter, size, count in [
            ("a) cold soffice per document", "cold", 1, cold_docs),
            ("b) warm pool, 1 converter", "pool", 1, args.docs),
            (f"c) warm pool, {cores} converters", "pool", cores, args.docs),
        ]:
            folder = Path(tmp) / name[0]
            url = args.database_url or f"sqlite:///{folder / 'forms.db'}"
            app = create_app(
                {
                    "INSTANCE_PATH": str(folder),
                    "SQLALCHEMY_DATABASE_URI": url,
                    "CONVERTER": converter,
                    "CONVERTERS": size,
                    "CONVERTER_BASE_PORT": 23000 + 100 * len(results),
                    "RENDER_QUEUE": "inline",
                }
            )
            with app.app_context():
                from flask_migrate import upgrade

                upgrade(directory=app.extensions["migrate"].directory, revision="heads")
                jobs = signed_jobs(count + size)
                warm, jobs = jobs[:size], jobs[size:]
                run(app, warm, size)  # start the converters: a warm pool is the steady state
                wall, latencies = run(app, jobs, size)
                memory = ""
                if converter == "pool":
                    pool = app.extensions["forms_converter"]
                    rss = [s.rss_bytes for s in pool.stats()]
                    memory = f", converter RSS max {max(rss) / 2**20:.0f} MB"
                    pool.shutdown()
                db.engine.dispose()
            docs_per_s = count / wall
            results[name[0]] = (docs_per_s, statistics.median(latencies), p95(latencies))
            print(
                f"{name}: {count} docs in {wall:.1f} s = {docs_per_s:.2f} docs/s, "
                f"p50 {statistics.median(latencies):.0f} ms, p95 {p95(latencies):.0f} ms"
                f"{memory}"
            )
    (a, _, _), (c, _, c95) = results["a"], results["c"]
    print(f"ratio_vs_cold={c / a:.1f} docs_per_s={c:.1f} p95_ms={c95:.0f}")


if __name__ == "__main__":
    main()
