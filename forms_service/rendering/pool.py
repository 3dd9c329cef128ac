"""DOCX -> PDF with a pool of warm LibreOffice converters (unoserver): a cold `soffice` pays its
start-up on every document (about 1 s), a warm one only the conversion (0.1-0.2 s for a form).

Every process that builds a pool on the same work directory (one per instance) shares the same
converters (think gunicorn workers): slot i has its own profile under `slot-i/`, and
`fcntl.flock` files there give one conversion at a time per converter (`job.lock`) and one
starter per converter (`start.lock`). A converter is started on first use; `server.pid` holds
its process group and its port. It outlives the process that started it (the web service's
workers share it; gunicorn's `on_exit` calls `shutdown()`), unless the pool was built with
`end_with_process` (a one-shot command's): then it ends when that process ends, however it ends.

Ports: slot i prefers base+2i and base+2i+1 and takes the next free pair when another program or
another instance's converter holds them. Each port is reserved machine-wide by an abstract unix
socket named for it, bound before the probe and handed to the converter, so two pools starting at
once never take the same port and the reservation ends with the converter, even a killed one.
"""

import atexit
import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from .convert import INSTALL_HINT, PDF_FILTER, ConversionError, ConverterMissing
from .slots import (
    Slot,
    acquire,
    group_members,
    log_end,
    reserve_ports,
    rss,
)

# Debian ships LibreOffice's `uno` module for the system Python only; the venv has unoserver.
# The server imports nothing else, so the venv's Python with this path appended runs it.
UNO_PATH = "/usr/lib/python3/dist-packages"

# The cold converter's export settings (PDF/A-2b, lossless images), in unoserver's form.
_, FILTER_NAME, _filter_data = PDF_FILTER.split(":", 2)
FILTER_OPTIONS = [f"{name}={opt['value']}" for name, opt in json.loads(_filter_data).items()]

START_TIMEOUT = 60.0  # a new profile on a busy machine takes seconds
START_TRIES = 4
START_PAUSE = 1.0  # seconds before a second try, twice that before a third, and so on
PING_TIMEOUT = 5.0
STOP_GRACE = 5.0
# Measuring a converter's memory scans /proc (milliseconds on a busy machine): it is done after
# every this many of its documents, not each one (ten grow it by a few MB; fifty grew one by 32).
# Never after its first: one past the limit from the start would be replaced after every document.
RSS_CHECK_EVERY = 10
READY_POLL = 0.02  # the server answers as soon as LibreOffice does (converter_server.py)
CLAIM_POLL = 0.01  # against 0.1-0.2 s per conversion, polling for a free converter is cheap

LAUNCHER = Path(__file__).with_name("launcher.py")
SERVER = Path(__file__).with_name("converter_server.py")  # unoserver's, without its fixed wait


@cache
def warm_up_docx() -> bytes:
    """A one-line document, converted by each converter as it starts."""
    import docx  # python-docx: a web worker that does not render never needs it

    document = docx.Document()
    document.add_paragraph("Warm-up")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _ConverterFailed(Exception):
    """The converter (not the document) failed: it is restarted and the job tried again."""


class _StartFailed(Exception):
    """A converter started on `port` did not come up, as `how` says: it is tried again on
    other ports."""

    def __init__(self, port: int, how: str):
        super().__init__(port, how)
        self.port, self.how = port, how


@dataclass(frozen=True)
class SlotStats:
    slot: int
    server_pid: int | None
    port: int | None  # its XML-RPC port (LibreOffice's own is the next one)
    soffice_pids: list[int]
    rss_bytes: int  # of the soffice processes (oosplash and soffice.bin)


class _Transport(xmlrpc.client.Transport):
    """xmlrpc waits forever by default; a hung LibreOffice must not hang its caller."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class ConverterPool:
    """Warm LibreOffice converters with the interface of `SofficeConverter`. Thread-safe.
    `timeout` bounds the wait for each conversion; `size` defaults to one converter per core;
    a converter is replaced after its job once it has done `max_jobs` documents or its
    processes have grown past `max_rss` bytes; with `end_with_process` the converters this
    pool starts end when its process does."""

    def __init__(
        self,
        work_dir: Path,
        size: int | None = None,
        base_port: int = 2003,
        timeout: float = 30.0,
        soffice: str = "soffice",
        max_rss: int | None = None,
        end_with_process: bool = False,
        max_jobs: int | None = None,
    ):
        self.work_dir = Path(work_dir).resolve()
        self.timeout = timeout
        self.soffice = soffice
        self.max_rss = max_rss
        self.max_jobs = max_jobs
        self._slots = [Slot(self.work_dir, i, base_port) for i in range(size or os.cpu_count())]
        self.end_with_process = end_with_process
        self._ready: dict[int, tuple[int, int]] = {}  # slot -> (pid, port) seen answering
        self._started: dict[int, int] = {}  # slot -> server pid this process started
        self._turn = 0
        self._turn_lock = threading.Lock()
        if end_with_process:  # on error and Ctrl-C too; a kill is the launcher's to handle
            atexit.register(self.stop_started)

    def check(self) -> str:
        path = shutil.which(self.soffice)
        if path is None:
            raise ConverterMissing(f"{self.soffice!r} was not found. {INSTALL_HINT}")
        return path

    def start(self) -> None:
        """Start every converter now, side by side: the service and a worker call this as
        they start, so their first document pays no start. Raises ConversionError when one
        did not start (the next document tries again)."""
        self.check()
        errors = []

        def start_one(slot: Slot) -> None:
            slot.dir.mkdir(parents=True, exist_ok=True)
            with acquire(slot.path("job.lock")):
                try:
                    self._ensure_running(slot)
                except ConversionError as error:
                    errors.append(error)

        starters = [threading.Thread(target=start_one, args=(slot,)) for slot in self._slots]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        if errors:
            raise errors[0]

    def convert(self, docx: bytes) -> bytes:
        """PDF/A-2b bytes. A converter that crashes or hangs is restarted and the document
        tried once more on the fresh one; a second failure raises ConversionError."""
        self.check()
        slot, job_lock = self._claim()
        try:
            pdf = self._convert_or_retry(slot, docx)
            if self._worn(slot):  # replaced while the caller goes on, with its job lock
                threading.Thread(target=self._replace, args=(slot, job_lock), daemon=True).start()
                job_lock = None
            return pdf
        finally:
            if job_lock is not None:
                job_lock.close()

    def _convert_or_retry(self, slot: Slot, docx: bytes) -> bytes:
        try:
            return self._convert(slot, docx)
        except _ConverterFailed as error:
            first = str(error)
        self._stop(slot)
        try:
            return self._convert(slot, docx)
        except _ConverterFailed as error:
            second = str(error)
        self._stop(slot)  # the next document gets a fresh converter
        failures = f"{first}, twice" if first == second else f"{first}, then {second}"
        raise ConversionError(f"LibreOffice {failures}; the converter was restarted.")

    def _worn(self, slot: Slot) -> bool:
        """Whether slot's converter is due for replacement (LibreOffice may leak over thousands
        of documents): it has converted `max_jobs` documents since it started, counted in its
        folder by every process of the instance, or it has grown past `max_rss`, measured
        every RSS_CHECK_EVERY documents. With the job lock held."""
        counter = slot.path("jobs")
        try:
            done = int(counter.read_text()) + 1
        except (OSError, ValueError):
            done = 1
        counter.write_text(str(done))
        if self.max_jobs and done >= self.max_jobs:
            return True
        if not self.max_rss or done % RSS_CHECK_EVERY:
            return False
        server = slot.pid()
        return sum(rss(p) for p in slot.processes() if p != server) > self.max_rss

    def _replace(self, slot: Slot, job_lock: IO) -> None:
        """Stop slot's converter and start a fresh one, holding its job lock so that no job
        goes to it meanwhile; a start that fails is left to the next job's."""
        with job_lock:
            self._stop(slot, grace=STOP_GRACE)
            with suppress(ConversionError):
                self._ensure_running(slot)

    def shutdown(self) -> None:
        """Stop every converter of this work directory, whichever process started it, each
        once its current job, or the replacement of a worn one, is done: a replacement still
        starting would outlive the stop."""
        for slot in self._slots:
            if not slot.dir.exists():  # a slot never started has nothing to stop
                continue
            with acquire(slot.path("job.lock")):
                if slot.path("server.pid").exists():
                    self._stop(slot, grace=STOP_GRACE)

    def stop_started(self) -> None:
        """Stop the converters this process started and that still run, each once its
        current job is done (another process of the instance may be using it)."""
        while self._started:
            index, pid = self._started.popitem()
            slot = self._slots[index]
            with acquire(slot.path("job.lock")), acquire(slot.path("start.lock")):
                if slot.pid() == pid:
                    self._kill(slot, grace=STOP_GRACE)

    def stats(self) -> list[SlotStats]:
        result = []
        for slot in self._slots:
            (server, port), processes = slot.server(), slot.processes()
            soffice = sorted(p for p in processes if p != server)
            alive = server if server in processes else None
            result.append(
                SlotStats(
                    slot.index, alive, port if alive else None, soffice, sum(map(rss, soffice))
                )
            )
        return result

    def _claim(self) -> tuple[Slot, IO]:
        """A free converter, trying them round-robin; waits while all are busy."""
        with self._turn_lock:
            first, self._turn = self._turn, (self._turn + 1) % len(self._slots)
        for slot in self._slots:
            slot.dir.mkdir(parents=True, exist_ok=True)
        while True:
            for offset in range(len(self._slots)):
                slot = self._slots[(first + offset) % len(self._slots)]
                if lock := acquire(slot.path("job.lock"), blocking=False):
                    return slot, lock
            time.sleep(CLAIM_POLL)

    def _convert(self, slot: Slot, docx: bytes) -> bytes:
        """One attempt. unoserver's own UnoClient is not used: it has no timeout, and it retries
        a refused connection for 40 s."""
        port = self._ensure_running(slot)
        try:
            result = self._call(port, docx)
        except TimeoutError:
            raise _ConverterFailed(
                f"did not convert the document within {self.timeout:g} s"
            ) from None
        except xmlrpc.client.Fault as fault:
            if self._answers(port):  # a live converter refused this document
                raise ConversionError(
                    f"LibreOffice could not convert the document: {fault.faultString}"
                ) from None
            raise _ConverterFailed(f"stopped during the conversion ({fault.faultString})") from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as error:
            raise _ConverterFailed(f"stopped during the conversion ({error!r})") from None
        return result.data

    def _call(self, port: int, docx: bytes) -> xmlrpc.client.Binary:
        with self._proxy(port, self.timeout) as proxy:
            # inpath, indata, outpath, convert_to, filtername, filter_options,
            # update_index (off, like `soffice --convert-to`), infiltername, password
            return proxy.convert(
                None, xmlrpc.client.Binary(docx), None, "pdf", FILTER_NAME, FILTER_OPTIONS, False
            )

    def _ensure_running(self, slot: Slot) -> int:
        """The port of slot's converter, started unless it runs and answers (whoever started
        it: a converter left by a killed process of this instance is used, or replaced)."""
        server = slot.server()
        if self._ready.get(slot.index) == server and slot.owns(server[0]):
            return server[1]
        with acquire(slot.path("start.lock")):
            pid, port = server = slot.server()
            if pid is None or port is None or not slot.owns(pid) or not self._answers(port):
                server = self._start(slot)
            self._ready[slot.index] = server
            return server[1]

    def _start(self, slot: Slot) -> tuple[int, int]:
        """Start slot's server on a free pair of ports and wait until it answers; with the
        start lock held. A converter that never comes up (it happens about once in a few
        starts when two instances start theirs at the same moment: LibreOffice ends at once;
        under a full test run, three times in a row once, within seconds) is tried again on the
        next free pair, a little later each time (6 s in all, for a start beside it to end),
        up to START_TRIES times; the error says how each try ended."""
        binary = self.check()
        tries, port = [], slot.first_port
        for attempt in range(START_TRIES):
            time.sleep(START_PAUSE * attempt)  # what made it fail may be over
            try:
                return self._launch(slot, binary, port)
            except _StartFailed as failed:
                tries.append(f"{failed.port} ({failed.how})")
                port = failed.port + 2
        raise ConversionError(
            f"The LibreOffice converter did not start on ports {', '.join(tries)}: see "
            f"{slot.path('server.log.1')} and {slot.path('server.log')}."
        )

    def _launch(self, slot: Slot, binary: str, first_port: int) -> tuple[int, int]:
        """One start from the first free pair at or after `first_port`."""
        self._kill(slot)  # what is left of a dead or silent converter
        # unoserver's temporary copies of documents: a killed converter leaves them behind
        shutil.rmtree(slot.path("tmp"), ignore_errors=True)
        slot.path("tmp").mkdir()
        log = slot.path("server.log")
        if log.exists():
            log.replace(slot.path("server.log.1"))  # keeps the last crash's story
        port, reservations = reserve_ports(first_port)
        fds = [reservation.fileno() for reservation in reservations]
        command = [
            # -P: its folder is not put on the path (this package's queue.py is not the queue)
            *(sys.executable, "-P", str(SERVER), "--executable", binary),
            *("--interface", "127.0.0.1", "--port", str(port)),
            *("--uno-interface", "127.0.0.1", "--uno-port", str(port + 1)),
            *("--user-installation", str(slot.profile), "--temp-dir", str(slot.path("tmp"))),
        ]
        launcher = [sys.executable, str(LAUNCHER), *(f"--keep-fd={fd}" for fd in fds)]
        if self.end_with_process:
            launcher += ["--owner", str(os.getpid())]
        path = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), UNO_PATH]))
        with log.open("wb") as output, reservations[0], reservations[1]:
            spawned = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                [*launcher, "--", *command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=output,
                env={**os.environ, "PYTHONPATH": path},
                pass_fds=fds,
                check=True,
            )
        pid = int(spawned.stdout)
        slot.record(pid, port)
        self._started[slot.index] = pid
        began = time.monotonic()
        while not self._answers(port):
            waited = time.monotonic() - began
            if not slot.owns(pid) or waited > START_TIMEOUT:
                self._kill(slot)
                how = "it ended" if waited <= START_TIMEOUT else "it did not answer"
                raise _StartFailed(port, f"{how} after {waited:.1f} s; {log_end(log)}")
            time.sleep(READY_POLL)
        # Ready once it has converted a document: LibreOffice loads Writer and its PDF export
        # on its first conversion (0.5-1 s), which no client's document should wait for.
        try:
            self._call(port, warm_up_docx())
        except (OSError, http.client.HTTPException, xmlrpc.client.Error) as error:
            self._kill(slot)
            raise _StartFailed(port, f"its first conversion failed: {error!r}") from None
        slot.path("jobs").write_text("0")
        return pid, port

    def _stop(self, slot: Slot, grace: float = 0.0) -> None:
        with acquire(slot.path("start.lock")):
            self._kill(slot, grace)

    def _kill(self, slot: Slot, grace: float = 0.0) -> None:
        """End slot's server, oosplash and soffice.bin; with the start lock held."""
        pid = slot.pid()
        if pid is not None and grace and slot.owns(pid):
            # unoserver stops LibreOffice cleanly on SIGTERM; oosplash would ignore its own
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            self._wait_gone(pid, grace)
        if pid is not None and slot.processes():
            with suppress(ProcessLookupError):  # ends even a stopped or hung LibreOffice
                os.killpg(pid, signal.SIGKILL)
            self._wait_gone(pid, STOP_GRACE)
        slot.path("server.pid").unlink(missing_ok=True)
        self._ready.pop(slot.index, None)

    @staticmethod
    def _wait_gone(pgid: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _answers(self, port: int) -> bool:
        try:
            with self._proxy(port, PING_TIMEOUT) as proxy:
                proxy.info()
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False
        return True

    @staticmethod
    def _proxy(port: int, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{port}", transport=_Transport(timeout), allow_none=True
        )
