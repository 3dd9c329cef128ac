"""DOCX -> PDF with LibreOffice. One profile directory per converter; one conversion at a time
per profile (a file lock, so it holds across the server's worker processes too), since
LibreOffice cannot share a profile between processes."""

import fcntl
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

INSTALL_HINT = (
    "LibreOffice is needed to make PDFs: install the Debian packages "
    "libreoffice-writer-nogui and fonts-dejavu (scripts/install-system-deps.sh does it)."
)


# PDF/A-2b (archival) and lossless images, so signatures are not re-compressed as JPEG.
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseLosslessCompression":{"type":"boolean","value":"true"}}'
)


class ConversionError(RuntimeError):
    pass


class ConverterMissing(ConversionError):
    pass


class SofficeConverter:
    def __init__(self, soffice: str, profile_dir: Path, timeout: int = 60):
        self.soffice = soffice
        self.profile_dir = Path(profile_dir).resolve()
        self.timeout = timeout
        self._lock = threading.Lock()  # flock is per process: threads also need their turn

    def check(self) -> str:
        path = shutil.which(self.soffice)
        if path is None:
            raise ConverterMissing(f"{self.soffice!r} was not found. {INSTALL_HINT}")
        return path

    def convert(self, docx: bytes) -> bytes:
        binary = self.check()
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        with (
            self._lock,
            (self.profile_dir.parent / f"{self.profile_dir.name}.lock").open("w") as lock,
            tempfile.TemporaryDirectory(prefix="forms-convert-") as tmp,
        ):
            fcntl.flock(lock, fcntl.LOCK_EX)
            source = Path(tmp) / "document.docx"
            source.write_bytes(docx)
            command = [
                binary,
                f"-env:UserInstallation={self.profile_dir.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                PDF_FILTER,
                "--outdir",
                tmp,
                str(source),
            ]
            try:
                done = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                    command, capture_output=True, timeout=self.timeout, check=False
                )
            except subprocess.TimeoutExpired:
                raise ConversionError(
                    f"LibreOffice did not finish within {self.timeout} s"
                ) from None
            target = Path(tmp) / "document.pdf"
            if done.returncode != 0 or not target.exists():
                detail = (done.stderr or done.stdout).decode(errors="replace").strip()[-500:]
                raise ConversionError(f"LibreOffice could not convert the document: {detail}")
            return target.read_bytes()
