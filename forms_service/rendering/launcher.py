"""Starts a converter's server in a session of its own, prints its pid and, unless it must end
with its owner, leaves it: the server is nobody's child (no zombie in a web worker) and
outlives whoever started it.

`python launcher.py [--owner PID] [--keep-fd FD]... -- COMMAND...` is run by path, so it
imports nothing of the app. `--keep-fd` hands the server a socket that reserves one of its
ports, which it holds for as long as it lives. With `--owner` the launcher stays, as the
server's parent, until the owner or the server ends; if the owner ends first, however it ends
(a one-shot command killed with SIGKILL included), it ends the server's process group.
"""

import argparse
import os
import select
import signal
import subprocess
import sys
from contextlib import suppress

GRACE = 5.0  # unoserver stops LibreOffice within a second of SIGTERM


def end_with(owner: int, server: subprocess.Popen) -> None:
    """Wait for the owner (a pidfd) or the server to end; end the server's group if the owner
    went first."""
    waiting = select.poll()
    waiting.register(owner, select.POLLIN)
    waiting.register(os.pidfd_open(server.pid), select.POLLIN)
    waiting.poll()
    if server.poll() is not None:  # stopped by a pool: its group is the pool's to end
        return
    server.terminate()  # unoserver stops LibreOffice cleanly; oosplash ignores its own SIGTERM
    with suppress(subprocess.TimeoutExpired):
        server.wait(GRACE)
    with suppress(ProcessLookupError):  # oosplash and soffice.bin, if they outlived it
        os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--owner", type=int)
    parser.add_argument("--keep-fd", type=int, action="append", default=[])
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    keep = args.keep_fd
    # Opened while the owner certainly lives (it waits for this process); raises if it is gone.
    owner = os.pidfd_open(args.owner) if args.owner else None
    if owner is not None:
        if os.fork():
            return  # the owner waits for this process only; the child below stays
        os.setsid()  # out of the terminal's process group: Ctrl-C is for the owner to handle
    server = subprocess.Popen(  # noqa: S603 (the pool's fixed arguments, no shell)
        args.command, stdout=sys.stderr, start_new_session=True, pass_fds=keep
    )
    print(server.pid, flush=True)
    if owner is not None:
        # the owner reads until every copy of the pipe is closed; the ports go with the server
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        for fd in keep:
            os.close(fd)
        end_with(owner, server)


if __name__ == "__main__":
    main()
