"""The served site's access log holds no query string and no referrer: a search by resident ID
must not leave the full number in the log."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from liangfang.cli.setup_cmds import gunicorn_args

RID = "220802196005010030"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, referer: str) -> None:
    request = urllib.request.Request(url, headers={"Referer": referer})
    with contextlib.suppress(urllib.error.HTTPError):  # any answer is logged
        urllib.request.urlopen(request, timeout=10).read()


def test_a_search_by_resident_id_leaves_no_id_in_the_access_log(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIANGFANG_DB")}
    env.update(LIANGFANG_VAR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="liangfang.settings")
    server = subprocess.Popen(gunicorn_args("127.0.0.1", port, 1, 1), env=env, cwd=Path(__file__).parents[2],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        _get(f"{base}/households/?q={RID}", referer=f"{base}/")
        _get(f"{base}/households/2208022010010001/", referer=f"{base}/households/?q={RID}")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert "GET /households/ HTTP/1.1" in log and "GET /households/2208022010010001/ HTTP/1.1" in log, log
    assert RID not in log
