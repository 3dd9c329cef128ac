"""A long-lived worker process (a gunicorn worker, `forms-service worker`) once started."""

import ctypes
import gc

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK = 1 << 20  # bytes


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
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # glibc only
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
