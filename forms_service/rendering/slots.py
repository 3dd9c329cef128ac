"""A converter's slot in a pool's work directory (`slot-i/`): its LibreOffice profile, its
locks, the pidfile naming its server and ports, and the processes that are its own; and the
machine-wide reservation of the ports a converter listens on (see `pool.py`)."""

import fcntl
import os
import socket
from pathlib import Path
from typing import IO

from .convert import ConversionError

PORT_PAIRS = 100  # pairs tried from a slot's own: room for many instances on one machine


def acquire(path: Path, blocking: bool = True) -> IO | None:
    """An exclusive flock on path, held until the returned file is closed; None when busy and
    not blocking. The lock belongs to the open file, so threads exclude each other too."""
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def cmdline(pid: int) -> str:
    """The command line of a live process; empty for a zombie or a process that is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def group_members(pgid: int) -> list[int]:
    """The processes of a process group that have not finished exiting: a zombie has closed its
    ports, an exiting process may not have yet (read from /proc: they are not our children)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state not in "ZX":
            members.append(int(stat.parent.name))
    return members


def rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
    except OSError:
        return 0


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def log_end(log: Path, lines: int = 3) -> str:
    """The last lines of a converter's log, for an error that must say why on its own (a test
    run's folders are gone by the time its report is read)."""
    try:
        last = [line.strip() for line in log.read_text(errors="replace").splitlines()][-lines:]
    except OSError:
        last = []
    return f"its log ends: {' | '.join(last)[-400:]}" if any(last) else "its log is empty"


def reserve(port: int) -> socket.socket | None:
    """The reservation of a port that no converter on this machine holds and no program listens
    on: an abstract unix socket, which (like the port) is one per machine, and which the kernel
    frees with its last holder."""
    reservation = socket.socket(socket.AF_UNIX)
    try:
        reservation.bind(f"\0forms-service-converter-port-{port}")
    except OSError:  # another instance's converter has it, or is starting on it
        reservation.close()
        return None
    if port_taken(port):
        reservation.close()
        return None
    return reservation


def reserve_ports(first: int) -> tuple[int, list[socket.socket]]:
    """The first pair of ports from `first` that can be reserved, with their reservations."""
    last = min(first + 2 * PORT_PAIRS, 65535)
    for port in range(first, last, 2):
        if reservation := reserve(port):
            if second := reserve(port + 1):
                return port, [reservation, second]
            reservation.close()
    raise ConversionError(
        f"No free pair of ports from {first} to {last} on 127.0.0.1 for a LibreOffice "
        "converter: give the converter pool another base port."
    )


class Slot:
    def __init__(self, work_dir: Path, index: int, base_port: int):
        self.index = index
        self.dir = work_dir / f"slot-{index}"
        self.profile = self.dir / "profile"
        self.first_port = base_port + 2 * index

    def path(self, name: str) -> Path:
        return self.dir / name

    def server(self) -> tuple[int | None, int | None]:
        """The server's pid and port as its starter recorded them (an older pidfile has no
        port: that converter is replaced)."""
        try:
            pid, *port = map(int, self.path("server.pid").read_text().split())
        except (OSError, ValueError):
            return None, None
        return pid, port[0] if port else None

    def pid(self) -> int | None:
        return self.server()[0]

    def record(self, pid: int, port: int) -> None:
        """Written whole (other processes read it without a lock)."""
        part = self.path("server.pid.new")
        part.write_text(f"{pid} {port}\n")
        part.replace(self.path("server.pid"))

    def owns(self, pid: int) -> bool:
        """Whether pid is a live process of this slot (a pid can be reused once it is gone)."""
        line = cmdline(pid)
        return str(self.profile) in line or self.profile.as_uri() in line

    def processes(self) -> list[int]:
        pid = self.pid()
        return [p for p in group_members(pid) if self.owns(p)] if pid else []
