"""Render workers as separate processes, the way render machines run them: each with an
instance folder and converter of its own, all sharing PostgreSQL, Redis, an S3 bucket (moto in
server mode) and the instance's seal keys. Used by the scale-out test and by
`bench/render_bench.py --celery-workers`."""

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

import forms_service

AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def s3_bucket() -> tuple[ThreadedMotoServer, str, str]:
    """A local S3 with an empty bucket: (server, endpoint, bucket)."""
    os.environ.update(AWS)  # this process files nothing, but reads what the workers filed
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint, bucket = f"http://{host}:{port}", f"forms-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return server, endpoint, bucket


@dataclass
class Cluster:
    """Settings shared by the workers; `start` adds one."""

    folder: Path
    database_url: str
    search_path: str | None
    broker_url: str
    queue: str
    s3_endpoint: str
    bucket: str
    keys_dir: str
    base_port: int
    workers: list[subprocess.Popen] = field(default_factory=list)

    def app_settings(self) -> dict:
        """The same settings for an app in this process (the web side that signs)."""
        settings = {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "RENDER_QUEUE": "celery",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_QUEUE": self.queue,
            "ARCHIVE_S3_BUCKET": self.bucket,
            "ARCHIVE_S3_ENDPOINT_URL": self.s3_endpoint,
            "SEAL_KEY_DIR": self.keys_dir,
        }
        if self.search_path:
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {
                "connect_args": {"options": f"-c search_path={self.search_path}"}
            }
        return settings

    def start(self, converters: int = 1) -> subprocess.Popen:
        """One `forms-service worker` in a session of its own, ready when it returns."""
        number = len(self.workers)
        instance = self.folder / f"worker-{number}"
        instance.mkdir(parents=True, exist_ok=True)
        url = self.database_url
        if self.search_path:
            url += f"?options=-csearch_path%3D{self.search_path}"
        env = {
            **os.environ,
            **AWS,
            "PYTHONPATH": str(Path(forms_service.__file__).parent.parent),  # this code
            "FORMS_INSTANCE": str(instance),
            "FORMS_SECRET_KEY": "cluster-secret-key-that-is-long-enough-0123456789",
            "FORMS_DATABASE_URL": url,
            "FORMS_RENDER_QUEUE": "celery",
            "FORMS_CELERY_BROKER_URL": self.broker_url,
            "FORMS_CELERY_QUEUE": self.queue,
            "FORMS_ARCHIVE_S3_BUCKET": self.bucket,
            "FORMS_ARCHIVE_S3_ENDPOINT_URL": self.s3_endpoint,
            "FORMS_SEAL_KEY_DIR": self.keys_dir,
            "FORMS_CONVERTERS": str(converters),
            "FORMS_CONVERTER_BASE_PORT": str(self.base_port + 10 * number),
        }
        command = Path(sys.executable).with_name("forms-service")
        with (instance / "worker.log").open("wb") as log:
            worker = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [str(command), "worker", "--concurrency", str(converters)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers.append(worker)
        deadline = time.monotonic() + 120
        while b" ready." not in (instance / "worker.log").read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"worker {number} did not start:\n{(instance / 'worker.log').read_text()}"
                )
            time.sleep(0.2)
        return worker

    def logs(self, lines: int = 15) -> str:
        """The end of each worker's log, for a failure's message."""
        return "\n".join(
            f"--- worker {n}:\n" + "\n".join(log.read_text().splitlines()[-lines:])
            for n, log in enumerate(sorted(self.folder.glob("worker-*/worker.log")))
        )

    def kill(self, worker: subprocess.Popen) -> None:
        """kill -9 of the worker and everything it started, as when its machine dies."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
