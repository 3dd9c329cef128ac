"""The S3-compatible backend against a local S3 emulator (moto in server mode): the same
contract as the folder store, and an interrupted upload leaves nothing under a real hash."""

import hashlib

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from forms_service.archive import service as archive
from forms_service.archive.store import BlobDamaged, BlobMissing, S3BlobStore

BUCKET = "forms-archive"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch, request):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    client.close()


def keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_the_same_bytes_are_stored_once_under_their_sha256(s3):
    store = S3BlobStore(BUCKET, s3, prefix="blobs/")
    name = store.put(PDF)
    assert store.put(bytes(PDF)) == name == hashlib.sha256(PDF).hexdigest()
    assert keys(s3) == [f"blobs/{name}"]
    assert store.get(name) == PDF and store.matches(name)


def test_an_interrupted_upload_leaves_nothing_under_the_real_hash(s3):
    class Dropped(Exception):
        pass

    def drop_connection(request, **kwargs):
        raise Dropped  # after the request is built, before the object is complete

    store = S3BlobStore(BUCKET, s3)
    s3.meta.events.register("before-send.s3.PutObject", drop_connection)
    try:
        with pytest.raises(Dropped):
            store.put(PDF)
    finally:
        s3.meta.events.unregister("before-send.s3.PutObject", drop_connection)
    assert keys(s3) == []
    assert not store.matches(hashlib.sha256(PDF).hexdigest())


def test_a_changed_object_no_longer_matches_and_is_replaced_by_storing_it_again(s3):
    store = S3BlobStore(BUCKET, s3)
    name = store.put(PDF)
    s3.put_object(Bucket=BUCKET, Key=name, Body=PDF[:-1] + b"X")
    assert not store.matches(name)
    with pytest.raises(BlobDamaged):
        store.get(name)
    store.put(PDF)
    assert store.get(name) == PDF


def test_a_missing_or_deleted_object_cannot_be_read(s3):
    store = S3BlobStore(BUCKET, s3)
    name = store.put(PDF)
    assert store.exists(name)
    store.delete(name)
    assert not store.exists(name)
    with pytest.raises(BlobMissing):
        store.get(name)
    with pytest.raises(ValueError, match="not a sha256"):
        store.get("../" + name[3:])


def test_the_bucket_setting_selects_s3_for_the_archive(app, s3, s3_endpoint, world, make_record):
    app.config.update(ARCHIVE_S3_BUCKET=BUCKET, ARCHIVE_S3_ENDPOINT_URL=s3_endpoint)
    app.extensions.pop("archive_store", None)
    record = make_record()
    checkpoint = f"checkpoints/{world.agency.id}/000000000001.json"  # beside the blobs
    assert sorted(keys(s3)) == sorted([record.pdf_sha256, record.docx_sha256, checkpoint])
    _, pdf = archive.open_file(world.actor(world.records), str(record.id), "pdf", "audit")
    assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
    assert [d.kind for d in archive.verify_records() if not d.reason.startswith("seal")] == []


def test_a_checkpoint_in_the_bucket_is_written_once_and_listed(s3):
    store = S3BlobStore(BUCKET, s3, prefix="blobs/")
    store.put_checkpoint("agency-1", 1, b"first")
    store.put_checkpoint("agency-1", 2, b"second")
    store.put_checkpoint("instance", 1, b"other")
    with pytest.raises(ClientError):
        store.put_checkpoint("agency-1", 2, b"replaced")
    assert store.get_checkpoint("agency-1", 2) == b"second"
    assert store.get_checkpoint("agency-1", 3) is None
    assert store.checkpoint_numbers("agency-1") == [1, 2]
    assert store.checkpoint_owners() == ["agency-1", "instance"]


def test_blobs_in_the_bucket_are_listed_without_the_checkpoints(s3):
    store = S3BlobStore(BUCKET, s3, prefix="blobs/")
    name = store.put(PDF)
    store.put_checkpoint("agency-1", 1, b"first")
    assert [sha256 for sha256, _ in store.blobs()] == [name]


def test_unreferenced_blobs_in_the_bucket_are_named_and_swept(
    app, s3, s3_endpoint, world, make_record
):
    from datetime import timedelta

    import time_machine

    from forms_service.archive.orphans import sweep_unreferenced, unreferenced
    from forms_service.database import utcnow

    app.config.update(ARCHIVE_S3_BUCKET=BUCKET, ARCHIVE_S3_ENDPOINT_URL=s3_endpoint)
    app.extensions.pop("archive_store", None)
    record = make_record()
    lost = archive.blob_store().put(PDF)  # a render killed before its commit
    with time_machine.travel(utcnow() + timedelta(hours=25)):
        assert [u.sha256 for u in unreferenced()] == [lost]
        assert sweep_unreferenced() == 1
    assert sorted(keys(s3)) == sorted(
        [record.pdf_sha256, record.docx_sha256, f"checkpoints/{world.agency.id}/000000000001.json"]
    )
