"""The shared cache: Django's file-based cache, whose directory every server process shares, with
one change. Django decides on every ``set`` whether the directory has grown past ``MAX_ENTRIES`` by
listing all its files; with a few thousand entries (sessions, dashboard figures) that listing cost
more than the page being cached. Here a process lists the directory at most once every
``CULL_EVERY_SECONDS`` (default 30): the cache may overshoot its limit by what is written in
that time, then is culled as before."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

_next_cull: dict[str, float] = {}  # cache directory -> monotonic time of the next allowed listing
_lock = threading.Lock()


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._where = os.path.abspath(os.path.expanduser(dir))
        self._cull_every = float(params.get("OPTIONS", {}).get("CULL_EVERY_SECONDS", 30))

    def _cull(self) -> None:
        now = time.monotonic()
        with _lock:
            if now < _next_cull.get(self._where, 0.0):
                return
            _next_cull[self._where] = now + self._cull_every
        super()._cull()  # type: ignore[misc]  # Django's own culling; private, so not in its stubs
