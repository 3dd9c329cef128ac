"""A long-lived worker process (a gunicorn worker, `forms-service worker`, the render
process): once started, and around each render job."""

import ctypes
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameters (malloc.h)
LARGE_BLOCK = 1 << 20  # bytes
_libc = ctypes.CDLL(None)  # the C library the process runs on
_lock = threading.Lock()  # guards _state
_state = {"settled": False, "running": 0, "warm": False}


def settle() -> None:
    """Called once a worker has started, before its first request or job.

    What it holds by then lives as long as it: out of the garbage collector's full sweeps,
    which paused one document in twenty by 130 ms (~300,000 objects to walk).

    A block of a MiB or more is mapped on its own, and so given back to the system when it is
    freed. glibc's default threshold rises past each large block freed, so an argon2 check's
    19 MiB, made on as many threads as sign in at once, then comes from the heap and stays
    there: a web worker grew from 160 to 251 MB in the 50-signer burst (174 MB with this).
    Threads that allocate at once share two heaps, not up to eight per core, each keeping
    what was freed in it (after the burst: a web worker 113 -> 107 MB, the render process
    154 -> 151).
    """
    gc.freeze()
    _state["settled"] = True
    if mallopt := getattr(_libc, "mallopt", None):  # glibc's, as malloc_trim
        mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
        mallopt(M_ARENA_MAX, 2)


@contextmanager
def job() -> Iterator[None]:
    """A render job; after it, in a settled process, the garbage it left is collected and the
    heap's free pages are given back to the system.

    A document leaves ~15 MB in reference cycles (pyHanko's readers and writers, the ORM's
    objects) that the collector's own schedule freed only every few documents: a render worker
    went 173-179 MB over 60 documents, 162 MB flat with this. What the first job loaded to
    keep (fonts, locale data, compiled templates: 47,000 objects) is then frozen as `settle`
    froze the start, once no other job is running (a job's objects would be kept for good), so
    that each later collection walks only a job's own objects (10 ms -> 1 ms a document)."""
    with _lock:
        _state["running"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["running"] -= 1
            warming = _state["settled"] and not _state["warm"] and not _state["running"]
            if warming:
                gc.collect()
                gc.freeze()
                _state["warm"] = True
        if _state["settled"] and not warming:
            gc.collect()
        give_back()


def give_back() -> None:
    """The heap's free pages given back to the system: a document leaves much of the heap
    free but in pieces glibc keeps (a render worker held 226 MB after 60 documents, 191 MB
    with this, at 0.4 ms a job)."""
    if malloc_trim := getattr(_libc, "malloc_trim", None):
        malloc_trim(0)
