"""The blob store: a file's name is its sha256, written atomically and read-only, and a file
that no longer hashes to its name is caught. No database needed."""

import hashlib
import stat

import pytest

from forms_service.archive import store as store_module
from forms_service.archive.store import BlobMissing, FilesystemBlobStore

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_the_same_bytes_are_stored_once_under_their_sha256(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    first = store.put(PDF)
    second = store.put(bytes(PDF))
    assert first == second == hashlib.sha256(PDF).hexdigest()
    assert files_under(tmp_path) == [tmp_path / first[:2] / first[2:4] / first]
    assert store.get(first) == PDF


def test_different_bytes_get_different_names(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    assert store.put(PDF) != store.put(PDF + b" ")
    assert len(files_under(tmp_path)) == 2


def test_a_stored_file_is_complete_read_only_and_leaves_no_temp_file(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    name = store.put(PDF)
    (path,) = files_under(tmp_path)
    assert not path.name.startswith(".tmp-")
    assert stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0
    assert store.matches(name)


def test_a_failed_write_leaves_nothing_under_a_real_name(tmp_path, monkeypatch):
    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store_module.os, "replace", crash)
    store = FilesystemBlobStore(tmp_path)
    with pytest.raises(OSError, match="disk full"):
        store.put(PDF)
    assert files_under(tmp_path) == []
    assert not store.matches(hashlib.sha256(PDF).hexdigest())


def test_a_file_changed_by_one_byte_no_longer_matches_its_name(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    name = store.put(PDF)
    (path,) = files_under(tmp_path)
    path.chmod(0o640)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    assert store.matches(name) is False


def test_a_missing_file_does_not_match_and_cannot_be_read(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    name = hashlib.sha256(b"never stored").hexdigest()
    assert store.matches(name) is False and store.exists(name) is False
    with pytest.raises(BlobMissing):
        store.get(name)


@pytest.mark.parametrize(
    "bad_name",
    [
        "",
        "abc",
        "0" * 63,
        "0" * 65,
        "A" * 64,  # upper case: two names for one file
        "g" * 64,
        "../" + "0" * 61,
        "/" + "0" * 63,
        "0" * 62 + "\n0",
    ],
)
def test_a_name_that_is_not_a_sha256_is_refused(tmp_path, bad_name):
    store = FilesystemBlobStore(tmp_path)
    with pytest.raises(ValueError, match="not a sha256"):
        store.get(bad_name)
    with pytest.raises(ValueError, match="not a sha256"):
        store.matches(bad_name)


def test_a_checkpoint_in_the_folder_is_written_once_and_listed(tmp_path):
    store = FilesystemBlobStore(tmp_path)
    store.put_checkpoint("agency-1", 1, b"first")
    store.put_checkpoint("agency-1", 2, b"second")
    store.put_checkpoint("instance", 1, b"other")
    with pytest.raises(FileExistsError):
        store.put_checkpoint("agency-1", 2, b"replaced")
    assert store.get_checkpoint("agency-1", 2) == b"second"
    assert store.get_checkpoint("agency-1", 3) is None
    assert store.checkpoint_numbers("agency-1") == [1, 2]
    assert store.checkpoint_owners() == ["agency-1", "instance"]
    with pytest.raises(ValueError, match="checkpoint"):
        store.put_checkpoint("../escape", 1, b"x")
