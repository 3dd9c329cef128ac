"""The warm converter pool against real LibreOffice: its failure modes are LibreOffice's."""

import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from forms_service.rendering import pool as pool_module
from forms_service.rendering.convert import ConversionError, ConverterMissing
from forms_service.rendering.pool import ConverterPool
from forms_service.rendering.slots import acquire, port_taken

pytestmark = pytest.mark.soffice

CONSENT = Path(__file__).parents[2] / "form_templates/consent_release/1/en.docx"
PDF_EXPORT_LIBRARY = "libpdffilterlo.so"  # LibreOffice loads it on its first PDF export
SENTENCE = "The client agrees that the agency may share these records with the named partner. "


def make_docx(title: str, paragraphs: int = 3) -> bytes:
    document = docx.Document()
    document.add_heading(title)
    for number in range(paragraphs):
        document.add_paragraph(f"{title}, paragraph {number}. " + SENTENCE * 8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def first_line(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()[0]


def free_base_port(count: int) -> int:
    """Free ports below Linux's ephemeral range (32768 and up), where an outgoing connection
    could take a port between this check and the converter binding it."""
    while True:
        base = 20000 + 2 * secrets.randbelow(6000)
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base


def processes_under(work_dir: Path) -> set[int]:
    """Live processes (servers, oosplash, soffice.bin) whose command line names work_dir."""
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(work_dir).encode() in cmdline.read_bytes():
                found.add(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def soffice_bin(pool: ConverterPool, slot: int) -> int:
    """The soffice.bin process of a slot (its parent, oosplash, only launches it)."""
    (pid,) = [
        p
        for p in pool.stats()[slot].soffice_pids
        if Path(f"/proc/{p}/comm").read_text().strip() == "soffice.bin"
    ]
    return pid


def warm_up(pool: ConverterPool, converters: int) -> None:
    """Start the converters a test needs (they start lazily), so it can run alone too."""
    with ThreadPoolExecutor(converters) as executor:
        list(executor.map(pool.convert, [CONSENT.read_bytes()] * converters))


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("converters")


def gone(work_dir: Path, seconds: float = 10.0) -> bool:
    """Whether every process naming work_dir has ended (a launcher exits just after its
    converter, so it is given a moment)."""
    deadline = time.monotonic() + seconds
    while processes_under(work_dir) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not processes_under(work_dir)


@pytest.fixture(scope="module")
def base_port():
    """The module's pool prefers base and base+2, but another program listens on base."""
    base = free_base_port(6)
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", base))
        other_program.listen()
        yield base


@pytest.fixture(scope="module")
def pool(work_dir, base_port):
    pool = ConverterPool(work_dir, size=2, base_port=base_port)
    yield pool
    pool.shutdown()


def test_a_port_taken_by_another_program_is_skipped(pool, base_port):
    warm_up(pool, 2)

    # slot 0 skips the other program's pair, and slot 1 the pair slot 0 took
    assert sorted(slot.port for slot in pool.stats()) == [base_port + 2, base_port + 4]


def test_a_conversion_returns_pdf_a_2b(pool):
    pdf = pool.convert(CONSENT.read_bytes())

    assert pdf.startswith(b"%PDF")
    assert b"<pdfaid:part>2</pdfaid:part>" in pdf
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in pdf


def test_two_threads_convert_in_parallel_on_two_converters(pool):
    document = CONSENT.read_bytes()
    warm_up(pool, 2)
    converters = [soffice_bin(pool, slot) for slot in (0, 1)]
    before = [cpu_ticks(pid) for pid in converters]
    start = threading.Barrier(2)

    def convert_three():
        start.wait()
        began = time.monotonic()
        pdfs = [pool.convert(document) for _ in range(3)]
        return began, time.monotonic(), pdfs

    with ThreadPoolExecutor(2) as executor:
        (began_a, ended_a, pdfs_a), (began_b, ended_b, pdfs_b) = executor.map(
            lambda _: convert_three(), range(2)
        )

    assert all(pdf.startswith(b"%PDF") for pdf in pdfs_a + pdfs_b)
    assert began_a < ended_b and began_b < ended_a
    assert all(cpu_ticks(pid) > ticks for pid, ticks in zip(converters, before, strict=True))


def test_a_second_pool_on_the_same_work_dir_reuses_the_running_converters(
    pool, work_dir, base_port
):
    warm_up(pool, 2)
    running = processes_under(work_dir)
    assert len(running) == 6  # two of: server, oosplash, soffice.bin

    second = ConverterPool(work_dir, size=2, base_port=base_port)
    with ThreadPoolExecutor(2) as executor:
        pdfs = list(executor.map(second.convert, [CONSENT.read_bytes()] * 4))

    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert processes_under(work_dir) == running


def test_kill_9_of_a_converter_mid_batch_loses_no_job(pool):
    documents = [make_docx(f"Document {number:02d}") for number in range(50)]
    warm_up(pool, 2)
    victim = soffice_bin(pool, 0)

    with ThreadPoolExecutor(2) as executor:
        futures = [executor.submit(pool.convert, document) for document in documents]
        wait(futures[:10])  # the two workers take the documents in order
        os.kill(victim, signal.SIGKILL)
        pdfs = [future.result() for future in futures]

    assert [first_line(pdf) for pdf in pdfs] == [f"Document {n:02d}" for n in range(50)]
    assert soffice_bin(pool, 0) != victim  # the slot was restarted, and serves


def test_a_hung_converter_is_killed_and_its_job_retried_or_failed_clearly(work_dir, base_port):
    impatient = ConverterPool(work_dir, size=1, base_port=base_port, timeout=5)  # slot 0 only
    document = make_docx("Long document", paragraphs=600)  # about 1 s to convert
    warm_up(impatient, 1)
    hung = soffice_bin(impatient, 0)
    began = time.monotonic()
    with ThreadPoolExecutor(1) as executor:
        job = executor.submit(impatient.convert, document)
        time.sleep(0.2)
        os.kill(hung, signal.SIGSTOP)
        try:
            assert job.result().startswith(b"%PDF")  # on the restarted converter
        except ConversionError as error:
            assert "within 5 s" in str(error)

    assert time.monotonic() - began >= 5
    assert hung not in processes_under(work_dir)
    assert impatient.convert(CONSENT.read_bytes()).startswith(b"%PDF")


def test_a_document_libreoffice_cannot_read_fails_at_once_without_a_restart(pool, work_dir):
    warm_up(pool, 2)
    running = processes_under(work_dir)

    with pytest.raises(ConversionError, match="could not convert the document"):
        pool.convert(CONSENT.read_bytes()[:2000])  # a cut DOCX: a broken zip

    assert processes_under(work_dir) == running


def test_a_missing_binary_fails_with_what_to_install(tmp_path):
    missing = ConverterPool(tmp_path / "converters", soffice="/nonexistent/soffice")

    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui"):
        missing.convert(make_docx("Never converted"))
    assert not (tmp_path / "converters").exists()  # nothing was started


def test_shutdown_leaves_no_process_of_the_pool_alive(pool, work_dir):
    warm_up(pool, 2)
    assert len(processes_under(work_dir)) == 6

    pool.shutdown()

    assert processes_under(work_dir) == set()
    assert not list(work_dir.glob("slot-*/server.pid"))


def test_a_converter_grown_past_its_memory_limit_is_replaced_after_its_job(tmp_path, monkeypatch):
    """Measured every RSS_CHECK_EVERY documents, never after the first: a converter past the
    limit from its start (a limit set too low) is not replaced after every document."""
    monkeypatch.setattr(pool_module, "RSS_CHECK_EVERY", 2)
    frugal = ConverterPool(tmp_path / "converters", size=1, base_port=free_base_port(2), max_rss=1)
    try:
        frugal.start()
        worn = frugal.stats()[0].server_pid
        first = frugal.convert(CONSENT.read_bytes())  # not measured
        acquire(tmp_path / "converters" / "slot-0" / "job.lock").close()  # any replacement done
        assert frugal.stats()[0].server_pid == worn
        second = frugal.convert(CONSENT.read_bytes())  # its job is done, then it is replaced
        third = frugal.convert(CONSENT.read_bytes())  # waits for the fresh one

        assert all(pdf.startswith(b"%PDF") for pdf in (first, second, third))
        assert frugal.stats()[0].server_pid not in (None, worn)
        assert worn not in processes_under(tmp_path / "converters")
    finally:
        frugal.shutdown()  # while the second one's replacement starts: it waits for it
    replacing = acquire(tmp_path / "converters" / "slot-0" / "job.lock", blocking=False)
    assert replacing is not None, "a replacement was still starting after the shutdown"
    replacing.close()
    assert processes_under(tmp_path / "converters") == set()


def test_a_converter_is_replaced_after_its_number_of_documents(tmp_path):
    pool = ConverterPool(tmp_path / "converters", size=1, base_port=free_base_port(2), max_jobs=2)
    try:
        pool.start()
        fresh = pool.stats()[0].server_pid
        servers = []
        for _ in range(3):
            assert pool.convert(CONSENT.read_bytes()).startswith(b"%PDF")
            servers.append(pool.stats()[0].server_pid)

        # replaced after its second document, in the background: the third had a new one
        assert servers[0] == fresh
        assert servers[2] not in (None, fresh)
        assert fresh not in processes_under(tmp_path / "converters")
    finally:
        pool.shutdown()


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_converters_yield_the_cpu_to_the_web_workers(pool):
    warm_up(pool, 2)
    lowest = min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)
    for slot in pool.stats():
        assert all(niceness(pid) >= lowest for pid in [slot.server_pid, *slot.soffice_pids])


def test_start_readies_every_converter_before_the_first_document(tmp_path):
    pool = ConverterPool(tmp_path / "converters", size=2, base_port=free_base_port(4))
    try:
        pool.start()  # what the web service and a worker do as they start

        assert len(processes_under(tmp_path / "converters")) == 6
        for slot in (0, 1):  # each has converted a document: its PDF export is loaded
            assert PDF_EXPORT_LIBRARY in Path(f"/proc/{soffice_bin(pool, slot)}/maps").read_text()
    finally:
        pool.shutdown()


# A one-shot process (a `forms-service` command) whose converter ends with it.
ONE_SHOT = """
import sys, time
from pathlib import Path
from forms_service.rendering.pool import ConverterPool

pool = ConverterPool(Path(sys.argv[1]), size=1, base_port=int(sys.argv[2]), end_with_process=True)
pool.convert(Path(sys.argv[3]).read_bytes())
print(pool.stats()[0].port, flush=True)
time.sleep(120)
"""


@contextmanager
def one_shot_converting(work_dir: Path, base: int) -> Iterator[tuple[subprocess.Popen, int]]:
    """A process that has converted a document with its own converter, and the converter's
    port; it waits for the test to end it."""
    with subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", ONE_SHOT, str(work_dir), str(base), str(CONSENT)],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            port = int(process.stdout.readline())
            # itself, and its launcher, server, oosplash and soffice.bin
            assert len(processes_under(work_dir) - {process.pid}) == 4
            yield process, port
        finally:
            process.kill()


def test_ctrl_c_of_a_one_shot_process_stops_its_converter(tmp_path):
    work_dir = tmp_path / "converters"
    with one_shot_converting(work_dir, free_base_port(2)) as (process, port):
        process.send_signal(signal.SIGINT)
        process.wait(30)

    assert gone(work_dir)
    assert not port_taken(port) and not port_taken(port + 1)
    assert not list(work_dir.glob("slot-*/server.pid"))


def test_a_one_shot_process_killed_leaves_no_converter_and_blocks_no_render(tmp_path):
    work_dir, base = tmp_path / "converters", free_base_port(2)
    with one_shot_converting(work_dir, base) as (process, port):
        process.kill()
        process.wait(30)

    assert gone(work_dir)  # its launcher ended the converter
    assert not port_taken(port) and not port_taken(port + 1)
    after = ConverterPool(work_dir, size=1, base_port=base)  # its pidfile is left behind
    try:
        assert after.convert(CONSENT.read_bytes()).startswith(b"%PDF")
    finally:
        after.shutdown()


def test_a_converter_that_does_not_come_up_is_tried_again_on_the_next_ports(tmp_path, monkeypatch):
    """LibreOffice sometimes ends at once when two instances start theirs together (three
    times in a row, once, in a full test run): each start is tried START_TRIES times, a little
    later each time, and the error says how each try ended."""
    pool = ConverterPool(tmp_path / "converters", size=1, base_port=41000)
    tried, pauses = [], []
    monkeypatch.setattr(pool_module.time, "sleep", pauses.append)

    def launch(slot, binary, first_port):
        tried.append(first_port)
        if len(tried) < pool_module.START_TRIES:
            raise pool_module._StartFailed(first_port, "it ended after 0.2 s")
        return 4242, first_port

    monkeypatch.setattr(pool, "_launch", launch)
    assert pool_module.START_TRIES == 4
    assert pool._start(pool._slots[0]) == (4242, 41006)
    assert tried == [41000, 41002, 41004, 41006]
    assert pauses == [n * pool_module.START_PAUSE for n in range(4)]

    def never(slot, binary, first_port):
        raise pool_module._StartFailed(first_port, f"it ended; log {first_port}")

    monkeypatch.setattr(pool, "_launch", never)
    with pytest.raises(ConversionError) as error:
        pool._start(pool._slots[0])
    assert (
        "did not start on ports 41000 (it ended; log 41000), 41002 (it ended; log 41002), "
        "41004 (it ended; log 41004), 41006 (it ended; log 41006)" in str(error.value)
    )


def test_a_converter_that_ends_as_it_starts_is_reported_with_the_end_of_its_log(
    tmp_path, monkeypatch
):
    """The folder holding a converter's log is gone by the time a CI report is read: the
    error carries its last lines."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'soffice: cannot open display' >&2\nexit 81\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pool_module, "START_PAUSE", 0)
    pool = ConverterPool(
        tmp_path / "converters",
        size=1,
        base_port=free_base_port(6),
        soffice=str(fake),
        end_with_process=True,
    )
    with pytest.raises(ConversionError) as error:
        pool.start()
    message = str(error.value)
    assert message.count("(it ended after") == pool_module.START_TRIES
    assert "its log ends:" in message and "soffice: cannot open display" in message
    assert "LibreOffice did not open its UNO port (it exited with code 81)" in message
