"""How fast the machine is right now, printed beside a benchmark's figures: this machine is shared,
and a busy or throttled host stretches CPU time as well as wall time (the same code's CPU per web
request has been seen to double within half an hour)."""

from __future__ import annotations

import time


def python_speed() -> float:
    """CPU seconds for ten million additions in a Python loop (about 0.4 s on a quiet core here)."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started
