"""Content-addressed blob storage: a file's name is its sha256, so a stored file can always be
checked against its name, and storing the same bytes twice keeps one copy."""

import hashlib
import os
import tempfile
from pathlib import Path


class BlobMissing(FileNotFoundError):
    pass


class BlobDamaged(ValueError):
    """The stored file no longer matches its hash: it was altered or corrupted."""


class FilesystemBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
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
