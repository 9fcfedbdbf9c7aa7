"""CPU per page of the web application, in process: the server's share of a web load, without
gunicorn, the network or the other clients.

    .venv/bin/python benchmarks/web_profile.py [--database liangfang_webload] [--pages 300]
        [--page "household page"] [--profile 25] [--instructions] [--unseen]

Runs against the database `benchmarks/web_load.py` built (1,000,000 households; run that first).
Logs Django's test client in as the benchmark's county administrator and requests random targets
of each kind the load test uses (the same ones for the same ``--seed``), reporting the process's
CPU time per page (median, mean, p90), queries per page and wall time per page (PostgreSQL's
time included); a first pass over the same pages warms the caches and is not counted. With
``--unseen`` the counted pages are instead in regions the warm-up did not visit: first visits,
which compute what is kept per region (the list's filter options, say). ``--profile N`` prints
the N functions with the most cumulative CPU time under cProfile (which inflates every figure;
read it for shares, not for times).

``--instructions`` counts instead the machine instructions this process executes per page, under
valgrind's callgrind (Debian's valgrind; about fifty times slower, so use --pages 40 or so). On
this shared machine CPU time of the same code varies by half from one minute to the next; the
instruction count of the same pages varies by well under 1 %, so two versions of the code can be
compared one after the other. PostgreSQL's own work is not in either figure. Asserts nothing;
contacts only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The measured pages run inside functools.reduce (C: functools_reduce), which callgrind is told to
# count within: set-up and warm-up are left out without any change to the code measured.
COUNTED_FUNCTION = "functools_reduce"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="liangfang_webload")
    parser.add_argument("--pages", type=int, default=300, help="counted pages per kind")
    parser.add_argument("--page", action="append", help="only this kind (repeatable): household page, "
                        "filtered list, dashboard")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions per kind")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--unseen", action="store_true",
                        help="count only pages of regions the warm-up did not visit (first visits: the "
                        "per-region cached parts are computed)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    parser.add_argument("--counted-run", action="store_true", help=argparse.SUPPRESS)  # the run under valgrind
    return parser.parse_args()


KINDS = ("household page", "filtered list", "dashboard")


def _count_instructions(args: argparse.Namespace) -> None:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian package valgrind)")
    print(f"instructions per page under callgrind ({args.pages} pages per kind, seed {args.seed}); "
          "PostgreSQL's work not included")
    for kind in args.page or KINDS:
        with tempfile.TemporaryDirectory() as work:
            command = [valgrind, "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={COUNTED_FUNCTION}",
                       f"--callgrind-out-file={work}/callgrind.out", sys.executable, __file__,
                       "--counted-run", "--database", args.database, "--pages", str(args.pages),
                       "--seed", str(args.seed), "--page", kind, *(["--unseen"] if args.unseen else [])]
            env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict and set orders every run
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
            if done.returncode != 0 or found is None:
                raise SystemExit(f"{kind}: valgrind failed\n{done.stdout}\n{done.stderr[-2000:]}")
            total = int(found.group(1).replace(",", ""))
            print(f"{kind:<16}{total / args.pages / 1e6:>10.2f} M instructions per page")


def _region(path: str) -> str:
    """The region a page lists or shows (a household page: the page itself)."""
    found = re.search(r"region=(\d+)|/region/(\d+)/", path)
    return (found.group(1) or found.group(2)) if found else path


def _unseen(paths: list[str], warmed: list[str], n: int, rng: random.Random) -> list[str]:
    """``n`` pages of ``paths`` in regions none of ``warmed`` is in (fewer if there are not so many)."""
    seen = {_region(p) for p in warmed}
    fresh = [p for p in paths if _region(p) not in seen]
    out: list[str] = []
    for p in rng.sample(fresh, len(fresh)):
        if _region(p) not in seen:
            out.append(p)
            seen.add(_region(p))
        if len(out) == n:
            break
    return out


def _count(queries: list[int], execute: Callable[..., object], sql: str, params: object, many: bool,
           context: object) -> object:
    """A database execute wrapper that counts the queries run."""
    queries[0] += 1
    return execute(sql, params, many, context)


def main() -> None:
    args = _arguments()
    if args.instructions:
        _count_instructions(args)
        return
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "liangfang.settings"
    os.environ.setdefault("LIANGFANG_VAR", tempfile.mkdtemp(prefix="liangfang-webprofile-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from benchmarks.machine import python_speed
    from benchmarks.web_load import _targets
    from liangfang.registry.models import Household

    if not Household.objects.exists():
        raise SystemExit(f"{args.database} holds no households: run benchmarks/web_load.py first")
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench"))
    targets = _targets()
    rng = random.Random(args.seed)
    if not args.counted_run:
        print(f"yardstick: 10M Python additions took {python_speed():.2f} s of CPU (about 0.4 s on a quiet core)")
        print(f"{'page':<16}{'pages':>7}{'CPU ms: median':>16}{'mean':>7}{'p90':>7}{'queries/page':>14}"
              f"{'wall: median':>13}{'p90':>7}")
    for name, paths in targets.items():
        if args.page and name not in args.page:
            continue
        chosen = [rng.choice(paths) for _ in range(args.pages)]
        for path in chosen:  # warm: templates, kept SQL, prepared statements, cached figures
            client.get(path)
        if args.unseen:
            chosen = _unseen(paths, chosen, args.pages, rng)
            if len(chosen) < args.pages:
                print(f"{name}: only {len(chosen)} pages of regions the warm-up did not visit")
            if not chosen:
                continue
        if args.counted_run:
            functools.reduce(lambda _, path: client.get(path), chosen, None)
            continue
        times: list[float] = []
        walls: list[float] = []
        queries = [0]
        with connection.execute_wrapper(functools.partial(_count, queries)):
            for path in chosen:
                started, wall = time.process_time(), time.perf_counter()
                response = client.get(path)
                times.append((time.process_time() - started) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
        times.sort()
        walls.sort()
        print(f"{name:<16}{len(times):>7}{statistics.median(times):>16.2f}{statistics.fmean(times):>7.2f}"
              f"{times[int(0.9 * (len(times) - 1))]:>7.2f}{queries[0] / len(chosen):>14.1f}"
              f"{statistics.median(walls):>13.2f}{walls[int(0.9 * (len(walls) - 1))]:>7.2f}")
        if args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU only: waits for PostgreSQL excluded
            profiler.enable()
            for path in chosen:
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
