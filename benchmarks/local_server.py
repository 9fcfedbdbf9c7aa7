"""A server this project started on 127.0.0.1, waited for until it accepts connections (the web
load benchmark and scripts/screenshots.py both start `liangfang serve`)."""

from __future__ import annotations

import socket
import subprocess
import time


def wait_for_server(port: int, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if server.poll() is not None:
            raise SystemExit("the server stopped; see its output above")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer on port {port}")
