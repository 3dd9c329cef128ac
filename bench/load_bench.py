"""Staff sign-in while many clients sign at once, over HTTP.

gunicorn serves the app (2 workers, the production settings and argon2 cost) on PostgreSQL;
`--signers` clients each open their phone link, answer the identity question and sign, and
their case manager countersigns (every page as rendered, every input it has), all at once, so
each consent is rendered and filed while the others sign. The agency's ten case managers
signed in before the burst, as at the start of a shift (`--sign-in-each`: each countersign
signs its case manager in again first, fifty sign-ins at once on top of the watcher's).
Meanwhile a staff member signs in every half second. With `--rounds N`, each client signs N
documents one after the other: fifty signers at once for longer than the first rush. Printed:
sign-in p50/p95 (the POST that checks the password), the signers' pages, documents filed (and
how many a web worker filed itself: its hand-over failed), the time until the last is filed,
and the app workers' RSS. Renders run in gunicorn's render process (`--queue threads`, the
default) or in separate Celery worker processes (`--queue celery`, one converter each). The
forms were sent before, and converted while they waited for their signatures, as the service
does (`--whole-way`: each rendered whole once signed). Last line:
  signin_p95_ms=<x> signin_p50_ms=<x> signers=<n> filed=<n> web_rss_max_mb=<x>

    .venv/bin/python bench/load_bench.py --signers 50
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import sqlalchemy as sa
from flask import current_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.render_bench import app_for, machine, p95  # noqa: E402
from forms_service.extensions import db  # noqa: E402
from tests.conftest import ink_payload  # noqa: E402
from tests.pages import Form, parse_forms  # noqa: E402

PASSWORD = "load-bench-password-123"  # noqa: S105 (a throwaway instance)
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNLIMITED = "100000 per minute"
CASE_MANAGERS = 10


class Http:
    """What `tests.pages.Form` needs of a client, over a real connection."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def get(self, path: str, **kwargs):
        return self.session.get(self.base + path, timeout=300, **kwargs)

    def post(self, url: str, data=None, **kwargs):
        pairs = list(data.items(multi=True)) if data is not None else None
        return self.session.post(self.base + url, data=pairs, timeout=300, **kwargs)

    def form(self, path: str, action: str) -> Form:
        """The page's POST form whose action ends with `action`."""
        page = self.get(path)
        page.raise_for_status()
        (spec,) = [
            f
            for f in parse_forms(page.text)
            if f["attrs"].get("method") == "post"
            and urlsplit(urljoin(page.url, f["attrs"].get("action") or page.url)).path.endswith(
                action
            )
        ]
        return Form(self, path, spec)


def prepare(count: int, whole_way: bool = False) -> list[dict]:
    """An agency, its case managers, and `count` consents sent with a phone link each, their
    forms converted as the service does while it waits for the signatures (not with
    `whole_way`: rendered the whole way once signed)."""
    from forms_service.accounts.models import Role
    from forms_service.accounts.service import Actor, create_agency, create_user
    from forms_service.cases.service import create_client, open_case
    from forms_service.documents import service as documents
    from forms_service.forms import get_form_type
    from forms_service.keys import ensure_seal_key
    from forms_service.rendering.jobs import prepare_for_signing
    from forms_service.signing import remote

    ensure_seal_key(Path(current_app.config["SEAL_KEY_DIR"]))  # what `init` makes
    agency = create_agency("Load Housing", "1 Load St", "(555) 010-0000")
    managers = [
        create_user(agency, email(i), f"Case Manager {i}", Role.CASE_MANAGER, PASSWORD)
        for i in range(CASE_MANAGERS)
    ]
    data = get_form_type("consent_release").example()
    signers, sent = [], []
    for i in range(count):
        manager = managers[i % CASE_MANAGERS]
        actor = Actor(manager, "127.0.0.1", "bench")
        client = create_client(agency, "Client", f"Number {i}", date(1980, 1, 1 + i % 28), "en")
        case = open_case(client, manager, "Bench", date(2026, 1, 1))
        document = documents.start_document(actor, case, "consent_release", data)
        documents.send_for_signature(actor, document)
        sent.append(document.id)
        first, second = document.signers
        _, token, _ = remote.create_link(actor, document, first, remote.DOB)
        signers.append(
            {
                "token": token,
                "dob": client.date_of_birth.isoformat(),
                "countersign": f"/documents/{document.id}/sign/{second.id}",
                "manager": manager.email,
            }
        )
    db.session.commit()
    if not whole_way:
        for document_id in sent:
            assert prepare_for_signing(document_id)
    return signers


def email(i: int) -> str:
    return f"cm{i}@load.example"


def sign_in(base: str, address: str = email(0)) -> tuple[Http, float]:
    """A case manager signed in from a fresh browser, and ms of the POST that checks the
    password."""
    http = Http(base)
    form = http.form("/login", "/login")
    form["email"], form["password"] = address, PASSWORD
    start = time.perf_counter()
    response = form.submit(allow_redirects=False)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    return http, elapsed


def one_signer(base: str, signer: dict, sessions: dict | None) -> float:
    """The client signs on the phone, then the case manager countersigns (in the session
    they signed in with, or signed in again with `sessions` None); seconds."""
    start = time.perf_counter()
    phone = Http(base)
    form = phone.form(f"/s/{signer['token']}", f"/s/{signer['token']}")
    form["answer"] = signer["dob"]
    assert form.submit().ok
    form = phone.form(f"/s/{signer['token']}", "/sign")
    form["ink"], form["esign_accepted"] = ink_payload(), True
    assert "/s/thanks" in form.submit().url
    if sessions is None:
        staff, _ = sign_in(base, signer["manager"])
    else:
        staff = Http(base)
        staff.session.cookies.update(sessions[signer["manager"]])
    form = staff.form(signer["countersign"], signer["countersign"])
    form["ink"], form["esign_accepted"] = ink_payload(loops=2), True
    response = form.submit(allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return time.perf_counter() - start


def rss_mb(pid: int) -> float:
    """0 for a process that has ended."""
    status = _read(Path(f"/proc/{pid}/status")).decode().splitlines()
    return next((int(x.split()[1]) / 1024 for x in status if x.startswith("VmRSS")), 0.0)


def signs(base: str, documents: list[dict], i: int, sessions: dict | None, args) -> list[float]:
    """Client `i`'s documents, signed one after the other; each flow's seconds."""
    return [one_signer(base, d, sessions) for d in documents[i :: args.signers]]


def render_pids(master: int, nodes) -> list[int]:
    """The Celery workers, or the render process gunicorn's master runs (threads mode)."""
    if nodes is not None:
        return [worker.pid for worker in nodes.workers]
    return [
        int(child.name)
        for child in _children(master)
        if b"forms_service.rendering.local" in _read(child / "cmdline")
    ]


def _children(master: int) -> list[Path]:
    """The /proc folders of `master`'s child processes."""
    return [
        stat.parent
        for stat in Path("/proc").glob("[0-9]*/stat")
        if _read(stat).decode().rsplit(")", 1)[-1].split()[1:2] == [str(master)]
    ]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def web_rss_mb(master: int) -> float:
    """The largest RSS of gunicorn's workers (the master's children that are Python)."""
    workers = [c for c in _children(master) if b"Name:\tgunicorn" in _read(c / "status")]
    return max((rss_mb(int(worker.name)) for worker in workers), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signers", type=int, default=50)
    parser.add_argument("--queue", choices=["threads", "celery"], default="threads")
    parser.add_argument("--port", type=int, default=25080)
    parser.add_argument(
        "--whole-way", action="store_true", help="forms rendered whole at the last signature"
    )
    parser.add_argument(
        "--sign-in-each", action="store_true", help="each countersign signs its manager in"
    )
    parser.add_argument("--rounds", type=int, default=1, help="documents each client signs")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    schema = f"load_bench_{secrets.token_hex(3)}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    base = f"http://127.0.0.1:{args.port}"
    nodes = server = web = None
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "FORMS_INSTANCE": tmp,
            "FORMS_SECRET_KEY": secrets.token_hex(32),
            "FORMS_DATABASE_URL": url,
            "FORMS_COOKIE_SECURE": "0",
            "FORMS_RENDER_QUEUE": args.queue,
            "FORMS_CONVERTER_BASE_PORT": str(args.port + 100),
            "FORMS_LOGIN_RATE_LIMIT": UNLIMITED,
            "FORMS_LOGIN_ACCOUNT_RATE_LIMIT": UNLIMITED,
            "FORMS_REMOTE_RATE_LIMIT": UNLIMITED,
            "FORMS_REMOTE_OPEN_RATE_LIMIT": UNLIMITED,
            "HOST": "127.0.0.1",
            "PORT": str(args.port),
        }
        web_log = Path(tmp) / "web.log"  # the service's errors, printed if the bench fails
        try:
            app = app_for(Path(tmp), "pool", 1, args.port + 100, url)
            with app.app_context():
                documents = prepare(args.signers * args.rounds, args.whole_way)
                if args.queue == "celery":
                    from tests.rendering.cluster import Cluster, s3_bucket

                    server, endpoint, bucket = s3_bucket()
                    nodes = Cluster(
                        Path(tmp), PG_URL, schema, "redis://127.0.0.1:6379/0", schema,
                        endpoint, bucket, str(Path(tmp) / "keys"), args.port + 200,
                    )  # fmt: skip
                    env.update(
                        FORMS_CELERY_BROKER_URL=nodes.broker_url,
                        FORMS_CELERY_QUEUE=nodes.queue,
                        FORMS_ARCHIVE_S3_BUCKET=bucket,
                        FORMS_ARCHIVE_S3_ENDPOINT_URL=endpoint,
                    )
                    for _ in range(2):
                        nodes.start()
            gunicorn = Path(sys.executable).with_name("gunicorn")
            web = subprocess.Popen(  # noqa: S603 (fixed arguments)
                [str(gunicorn), "-c", "python:forms_service.gunicorn_conf", "--access-logfile",
                 "/dev/null", "forms_service:create_app()"],
                env=env, stdout=subprocess.DEVNULL, stderr=web_log.open("wb"),
            )  # fmt: skip
            while True:
                try:
                    requests.get(base + "/login", timeout=30)
                    break
                except requests.RequestException:  # not listening yet, or still starting
                    time.sleep(0.5)
            sessions = None
            if not args.sign_in_each:  # signed in at the start of the shift
                sessions = {
                    email(i): sign_in(base, email(i))[0].session.cookies.get_dict()
                    for i in range(CASE_MANAGERS)
                }
            render_started = [rss_mb(pid) for pid in render_pids(web.pid, nodes)]
            signins, done = [], threading.Event()

            def keep_signing_in():
                while not done.is_set():
                    signins.append(sign_in(base)[1])
                    time.sleep(0.5)

            watcher = threading.Thread(target=keep_signing_in)
            watcher.start()
            start = time.perf_counter()
            own = range(args.signers)  # client i signs documents i, i + signers, ...
            with ThreadPoolExecutor(max_workers=args.signers) as pool:
                flows = [
                    flow
                    for flows in pool.map(lambda i: signs(base, documents, i, sessions, args), own)
                    for flow in flows
                ]
            signed = time.perf_counter() - start
            with app.app_context():
                from forms_service.rendering.models import RenderJob, RenderStatus

                while True:
                    db.session.rollback()
                    filed = db.session.query(RenderJob).filter_by(status=RenderStatus.DONE)
                    if filed.count() >= len(documents) or time.perf_counter() - start > 900:
                        break
                    time.sleep(0.5)
                renderers = {f":{pid}" for pid in render_pids(web.pid, nodes)}
                by_web = sum(  # a job keeps the host:pid of the runner that filed it
                    1
                    for (runner,) in filed.with_entities(RenderJob.claimed_by)
                    if not any((runner or "").endswith(pid) for pid in renderers)
                )
                filed = filed.count()
                db.engine.dispose()
            all_filed = time.perf_counter() - start
            done.set()
            watcher.join()
            rss = web_rss_mb(web.pid)
            render_rss = [rss_mb(pid) for pid in render_pids(web.pid, nodes)]
        except BaseException:
            sys.stderr.write(_read(web_log).decode(errors="replace")[-20_000:])
            raise
        finally:
            if web is not None:
                web.terminate()  # gunicorn stops its converters as it exits
                try:
                    web.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    web.kill()
                    web.wait()
            if nodes is not None:
                nodes.stop()
                server.stop()
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    print(
        f"{args.signers} signers at once, {args.rounds} document(s) each ({args.queue}"
        f"{', each countersign signing in' if args.sign_in_each else ''}): "
        f"all signed in {signed:.1f} s "
        f"(each flow p50 {statistics.median(flows):.1f} s, p95 {p95(flows):.1f} s); "
        f"{filed} filed ({by_web} by web workers), the last {all_filed:.1f} s after the start"
    )
    print(
        f"staff sign-in during it: {len(signins)} sign-ins, p50 {statistics.median(signins):.0f} "
        f"ms, p95 {p95(signins):.0f} ms; web worker RSS max {rss:.0f} MB"
        f"{f', render worker {max(render_rss):.0f} MB' if render_rss else ''}"
        f"{f' ({max(render_started):.0f} MB started)' if render_started else ''}; load "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"signin_p95_ms={p95(signins):.0f} signin_p50_ms={statistics.median(signins):.0f} "
        f"signers={args.signers} filed={filed} web_rss_max_mb={rss:.0f}"
    )


if __name__ == "__main__":
    main()
