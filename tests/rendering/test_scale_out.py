"""Two Celery render workers as separate processes (each its own instance folder and
converter), sharing PostgreSQL, Redis, an S3 bucket and the seal keys: one is killed with its
converter in the middle of a batch, and every document is still filed exactly once, sealed
with a key every machine trusts."""

import os
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from sqlalchemy import func, select

from forms_service.archive import service as archive
from forms_service.archive.models import ArchiveRecord
from forms_service.audit.service import verify_chain
from forms_service.extensions import db
from forms_service.rendering import queue, tasks
from forms_service.rendering.models import RenderJob, RenderStatus
from tests.conftest import PG_URL, sign_consent
from tests.rendering.cluster import Cluster, s3_bucket

pytestmark = pytest.mark.soffice
BATCH = 12
REDIS_URL = os.environ.get("FORMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def filed() -> int:
    db.session.rollback()  # a new snapshot: the workers commit in their own connections
    return db.session.scalar(
        select(func.count()).select_from(RenderJob).where(RenderJob.status == RenderStatus.DONE)
    )


def rendering(runner: str) -> bool:
    """A job is claimed by `runner` and not filed."""
    db.session.rollback()
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(RenderJob)
            .where(RenderJob.claimed_by == runner, RenderJob.status == RenderStatus.PENDING)
        )
    )


def wait_for(cluster: Cluster, count: int, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while filed() < count:
        assert time.monotonic() < deadline, f"{filed()} of {count} filed\n{cluster.logs()}"
        time.sleep(0.3)


@pytest.fixture
def cluster(app, tmp_path):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it.", pytrace=False)
    server, endpoint, bucket = s3_bucket()
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    nodes = Cluster(
        folder=tmp_path,
        database_url=PG_URL,
        search_path=options.removeprefix("-c search_path="),
        broker_url=REDIS_URL,
        queue=f"forms-scale-{os.getpid()}",
        s3_endpoint=endpoint,
        bucket=bucket,
        keys_dir=app.config["SEAL_KEY_DIR"],
        base_port=24000 + (os.getpid() % 300) * 20,
    )
    app.config.update(
        {k: v for k, v in nodes.app_settings().items() if k != "SQLALCHEMY_ENGINE_OPTIONS"}
    )
    app.extensions.pop("archive_store", None)
    tasks.configure(app)
    tasks.celery_app.conf.update(broker_url=REDIS_URL, task_default_queue=nodes.queue)
    yield nodes
    nodes.stop()
    redis.Redis.from_url(REDIS_URL).delete(nodes.queue)
    server.stop()


# Separate processes need one database they all reach: PostgreSQL.
@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_a_render_worker_killed_mid_batch_leaves_every_document_filed_once(
    app, world, consent_document, cluster
):
    jobs = [sign_consent(world, consent_document)[1].id for _ in range(BATCH)]
    first, _second = cluster.start(), cluster.start()
    for job_id in jobs:
        queue.enqueue(job_id)
    wait_for(cluster, 2)
    runner = f"{socket.gethostname()}:{first.pid}"
    while not rendering(runner):
        time.sleep(0.05)
    cluster.kill(first)  # mid-render, with the next job it had taken from the queue

    wait_for(cluster, BATCH - 2)
    done = -1
    while filed() != done:  # until the survivor has done all it was given
        done = filed()
        time.sleep(10)
    assert filed() < BATCH and rendering(runner)  # what the dead worker held waits for...
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=True):
        queue.sweep()  # ...its claim to expire: the sweep then hands it to the survivor
    wait_for(cluster, BATCH)

    per_document = db.session.execute(
        select(ArchiveRecord.document_id, func.count()).group_by(ArchiveRecord.document_id)
    ).all()
    assert len(per_document) == BATCH and {n for _, n in per_document} == {1}
    store = archive.blob_store()
    for record in db.session.execute(select(ArchiveRecord)).scalars():
        assert store.matches(record.pdf_sha256) and store.matches(record.docx_sha256)
    assert list(archive.verify_records()) == []  # sealed with the agency's shared key
    assert list(verify_chain()) == []
