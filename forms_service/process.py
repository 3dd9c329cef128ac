"""A long-lived worker process (a gunicorn worker, `forms-service worker`): once started, and
after each render job."""

import ctypes
import gc

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK = 1 << 20  # bytes
_libc = ctypes.CDLL(None)  # the C library the process runs on


def settle() -> None:
    """Called once a worker has started, before its first request or job.

    What it holds by then lives as long as it: out of the garbage collector's full sweeps,
    which paused one document in twenty by 130 ms (~300,000 objects to walk).

    A block of a MiB or more is mapped on its own, and so given back to the system when it is
    freed. glibc's default threshold rises past each large block freed, so an argon2 check's
    19 MiB, made on as many threads as sign in at once, then comes from the heap and stays
    there: a web worker grew from 160 to 251 MB in the 50-signer burst (174 MB with this).
    """
    gc.freeze()
    if mallopt := getattr(_libc, "mallopt", None):  # glibc's, as malloc_trim
        mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)


def give_back() -> None:
    """The heap's free pages given back to the system, after a render job: a document leaves
    much of the heap free but in pieces glibc keeps (a render worker held 226 MB after 60
    documents, 191 MB with this, at 0.4 ms a job)."""
    if malloc_trim := getattr(_libc, "malloc_trim", None):
        malloc_trim(0)
