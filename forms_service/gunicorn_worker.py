"""gunicorn's threaded worker with a lane of its own for signing in.

Its threads take requests in the order they come: with fifty clients signing at once, a
staff member's sign-in waited behind every page already queued (0.5-1.3 s before a thread
took it, on top of its own password checks). Requests for the sign-in pages go to threads of
their own instead, so they wait only for each other; the pages keep every thread they had. A
flood of sign-in attempts (refused by the rate limit, but each still answered) now fills only
the sign-in lane."""

import socket
from concurrent.futures import ThreadPoolExecutor

from gunicorn.workers.gthread import ThreadWorker

SIGN_IN = (b"GET /login", b"POST /login")  # the e-mail and password, the agency, the code
PEEK = max(map(len, SIGN_IN))
SIGN_IN_THREADS = 4  # fifty signing in at once: p95 1.4-1.7 s with 4, 2.7 s with 2


def signs_in(sock: socket.socket) -> bool:
    """Is the request waiting on `sock` for a sign-in page? Its first bytes are looked at,
    not taken. Nothing there yet, or an encrypted socket (which takes no flags): no."""
    try:
        start = sock.recv(PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (OSError, ValueError):
        return False
    return start.startswith(SIGN_IN)


class Lanes:
    """What the worker takes as its thread pool: the pages' threads, and the sign-in's."""

    def __init__(self, threads: int):
        self.pages = ThreadPoolExecutor(threads)
        self.sign_in = ThreadPoolExecutor(SIGN_IN_THREADS, thread_name_prefix="sign-in")

    def submit(self, handle, conn):
        return (self.sign_in if signs_in(conn.sock) else self.pages).submit(handle, conn)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for lane in (self.pages, self.sign_in):
            lane.shutdown(wait, cancel_futures=cancel_futures)


class SignInFirstWorker(ThreadWorker):
    def init_process(self):
        # A connection is accepted once its request has arrived (as nginx's `deferred`), so
        # that its first bytes can be read when it is handed to a lane.
        for listener in self.sockets:
            if listener.sock.family in (socket.AF_INET, socket.AF_INET6):
                listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 1)
        super().init_process()

    def get_thread_pool(self):
        return Lanes(self.cfg.threads)
