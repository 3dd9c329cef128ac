"""unoserver's server, ready as soon as LibreOffice is: unoserver 3 sleeps a fixed 5 s after
starting LibreOffice, then 2 s more, before its XML-RPC port answers (a first document after a
start waited 6-7 s). This one probes LibreOffice's UNO port every few milliseconds instead and
opens the XML-RPC port once its converter is connected.

Run by path with unoserver's arguments (`python converter_server.py --port ...`), with
LibreOffice's `uno` module on the path, so it imports nothing of the app.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from unoserver import server

# Converting yields the CPU to the web workers (a sign-in's password hash, a page): on a
# machine that does both, a busy converter must not make staff wait seconds to sign in.
NICENESS = 10
PROBE_EVERY = 0.02  # seconds between two probes of the UNO port
READY_TIMEOUT = 120.0  # a new profile on a busy machine can take this long; the pool waits less


class ReadyServer(server.UnoServer):
    def start(self, executable="libreoffice"):
        """unoserver's start, with probes for its two fixed sleeps."""
        server.logger.info(f"Starting unoserver {server.__version__} (probing, no fixed wait).")
        connection = (
            f"socket,host={self.uno_interface},port={self.uno_port},tcpNoDelay=1;urp;"
            "StarOffice.ComponentContext"
        )
        command = [
            *(executable, "--headless", "--invisible", "--nocrashreport", "--nodefault"),
            *("--nologo", "--nofirststartwizard", "--norestore"),
            f"-env:UserInstallation={self.user_installation}",
            f"--accept={connection}",
        ]
        self.libreoffice_process = subprocess.Popen(command)  # noqa: S603 (fixed arguments)

        def stop(signum, frame):
            self.intentional_exit = True
            self.libreoffice_process.send_signal(signum)
            if self.xmlrcp_server is not None:
                self.stop()

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        if not self._wait(self._uno_listens):
            code = self.libreoffice_process.poll()
            ended = "it is still running" if code is None else f"it exited with code {code}"
            server.logger.critical(f"LibreOffice did not open its UNO port ({ended}).")
            self.libreoffice_process.terminate()
            return None
        self.xmlrcp_thread = threading.Thread(target=self.serve)
        self.xmlrcp_thread.start()
        if not self._wait(lambda: self.xmlrcp_server is not None):
            server.logger.critical("The converter did not connect to LibreOffice.")
            self.libreoffice_process.terminate()
            return None
        return self.libreoffice_process

    def _wait(self, ready) -> bool:
        """Whether `ready()` came true before LibreOffice (or the serving thread) ended."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and self.libreoffice_process.poll() is None:
            if self.xmlrcp_thread is not None and not self.xmlrcp_thread.is_alive():
                return False
            if ready():
                return True
            time.sleep(PROBE_EVERY)
        return False

    def _uno_listens(self) -> bool:
        try:
            with socket.create_connection((self.uno_interface, int(self.uno_port)), timeout=1):
                return True
        except OSError:
            return False


if __name__ == "__main__":
    os.nice(NICENESS)  # LibreOffice, started below, inherits it
    server.UnoServer = ReadyServer  # main() builds the server it names
    sys.exit(server.main())
