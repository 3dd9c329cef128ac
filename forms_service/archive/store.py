"""Content-addressed blob storage: a file's name is its sha256, so a stored file can always be
checked against its name, and storing the same bytes twice keeps one copy. Two backends with
one interface: a folder (the default) and an S3-compatible bucket."""

import base64
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


class BlobMissing(FileNotFoundError):
    pass


class BlobDamaged(ValueError):
    """The stored file no longer matches its hash: it was altered or corrupted."""


CHECKPOINTS = "checkpoints"  # beside the blobs, whose names are hex digests: never a clash


def _checkpoint_name(owner: str, number: int) -> str:
    if not owner.replace("-", "").isalnum() or number < 1:
        raise ValueError("not a checkpoint's owner or number")
    return f"{CHECKPOINTS}/{owner}/{number:012d}.json"


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _checked(sha256: str) -> str:
    if not _is_sha256(sha256):
        raise ValueError("not a sha256 hex digest")
    return sha256


class FilesystemBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        _checked(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, blob: bytes) -> str:
        """Write atomically (temp file, fsync, rename): a crash never leaves a half file
        under a real hash."""
        sha256 = hashlib.sha256(blob).hexdigest()
        path = self._path(sha256)
        if self.matches(sha256):
            return sha256  # already stored; a damaged copy is replaced below
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o440)
            os.replace(tmp, path)  # replaces a damaged file of the same name, atomically
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The stored bytes, refused unless they still hash to their name."""
        try:
            blob = self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        if hashlib.sha256(blob).hexdigest() != sha256:
            raise BlobDamaged(sha256)
        return blob

    def matches(self, sha256: str) -> bool:
        """True when the stored bytes still hash to their name."""
        path = self._path(sha256)
        if not path.exists():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        """Destroy a stored file (retention disposal); a missing one is already gone."""
        self._path(sha256).unlink(missing_ok=True)

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        """Every stored blob (not the checkpoints) and when it was stored."""
        for path in self.root.glob("??/??/*"):
            if _is_sha256(path.name):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def put_checkpoint(self, owner: str, number: int, data: bytes) -> None:
        """Write checkpoint `number` of `owner` once: an existing one is never replaced."""
        path = self.root / _checkpoint_name(owner, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o440)
            os.link(tmp, path)  # fails if the number is taken
        finally:
            Path(tmp).unlink(missing_ok=True)

    def get_checkpoint(self, owner: str, number: int) -> bytes | None:
        try:
            return (self.root / _checkpoint_name(owner, number)).read_bytes()
        except FileNotFoundError:
            return None

    def checkpoint_numbers(self, owner: str) -> list[int]:
        folder = self.root / CHECKPOINTS / owner
        return sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit())

    def checkpoint_owners(self) -> list[str]:
        folder = self.root / CHECKPOINTS
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


class S3BlobStore:
    """Blobs in an S3-compatible bucket, keyed `<prefix><sha256>`. A PUT is all or nothing and
    carries the sha256 for the server to check, so an interrupted or corrupted upload never
    leaves an object under a real hash."""

    def __init__(self, bucket: str, client, prefix: str = ""):
        self.bucket, self.client, self.prefix = bucket, client, prefix

    @classmethod
    def from_settings(cls, bucket: str, endpoint_url: str | None, prefix: str = ""):
        """Credentials and region come from boto3's usual sources (AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, an instance role). boto3 is loaded here,
        by the processes of an archive kept on S3 alone."""
        import boto3

        return cls(bucket, boto3.client("s3", endpoint_url=endpoint_url or None), prefix)

    def _key(self, sha256: str) -> str:
        return self.prefix + _checked(sha256)

    def put(self, blob: bytes) -> str:
        sha256 = hashlib.sha256(blob).hexdigest()
        if not self.matches(sha256):  # absent, or damaged and replaced by this copy
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(sha256),
                Body=blob,
                ChecksumSHA256=base64.b64encode(hashlib.sha256(blob).digest()).decode(),
            )
        return sha256

    def _read(self, sha256: str):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        except self.client.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise BlobMissing(sha256) from None
            raise

    def get(self, sha256: str) -> bytes:
        blob = self._read(sha256).read()
        if hashlib.sha256(blob).hexdigest() != sha256:
            raise BlobDamaged(sha256)
        return blob

    def matches(self, sha256: str) -> bool:
        try:
            body = self._read(sha256)
        except BlobMissing:
            return False
        digest = hashlib.sha256()
        for chunk in body.iter_chunks(1 << 20):
            digest.update(chunk)
        return digest.hexdigest() == sha256

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return False
            raise
        return True

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        """Every stored blob (not the checkpoints) and when it was stored."""
        for item in self._list("", "/"):
            name = item.get("Key", "")[len(self.prefix) :]
            if _is_sha256(name):
                yield name, item["LastModified"]

    def put_checkpoint(self, owner: str, number: int, data: bytes) -> None:
        """Write checkpoint `number` of `owner` once (a conditional PUT: never replaced)."""
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + _checkpoint_name(owner, number),
            Body=data,
            IfNoneMatch="*",
        )

    def get_checkpoint(self, owner: str, number: int) -> bytes | None:
        key = self.prefix + _checkpoint_name(owner, number)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return None
            raise

    def _list(self, prefix: str, delimiter: str = "") -> Iterator[dict]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix, Delimiter=delimiter
        )
        for page in pages:
            yield from page.get("Contents", [])
            yield from page.get("CommonPrefixes", [])

    def checkpoint_numbers(self, owner: str) -> list[int]:
        names = (item["Key"].rsplit("/", 1)[1] for item in self._list(f"{CHECKPOINTS}/{owner}/"))
        return sorted(int(n[:-5]) for n in names if n.endswith(".json") and n[:-5].isdigit())

    def checkpoint_owners(self) -> list[str]:
        items = self._list(f"{CHECKPOINTS}/", "/")
        return sorted(
            item["Prefix"].rstrip("/").rsplit("/", 1)[1] for item in items if "Prefix" in item
        )
