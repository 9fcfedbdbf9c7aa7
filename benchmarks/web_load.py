"""Load test of the web application on PostgreSQL with 1,000,000 synthetic households.

    .venv/bin/python benchmarks/web_load.py [--households 1000000] [--clients 20] [--requests 2000]
        [--seconds 60] [--database liangfang_webload] [--reuse] [--workers 2] [--threads 2]

Builds (or with --reuse, keeps) a PostgreSQL database of one county with ``--households``
households (COPY, see web_load_data.py), serves it with `liangfang serve` (gunicorn) on 127.0.0.1,
logs ``--clients`` clients in as the county administrator and runs three phases, one per page:
the household page (random households), the filtered household list (a village's registered
households, random villages and pages) and a dashboard (random townships and villages). Each
phase stops after ``--requests`` requests or ``--seconds`` seconds, whichever comes first. Prints
p50/p95/p99 latency and throughput per phase; asserts nothing. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.local_server import wait_for_server  # noqa: E402

PASSWORD = "bench-password-2020"


def _database(args: argparse.Namespace) -> str:
    import psycopg

    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.database,)).fetchone()
        if exists and not args.reuse:
            conn.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        if not exists or not args.reuse:
            conn.execute(f'CREATE DATABASE "{args.database}"')
    return url


def _populate(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from liangfang.registry.models import Household

    if Household.objects.exists():
        print(f"reusing {Household.objects.count():,} households in {args.database}")
    else:
        from rich.progress import Progress

        from benchmarks.web_load_data import build

        started = time.perf_counter()
        with Progress() as bar:
            task = bar.add_task("COPY rows", total=args.households * 6)
            counts = build(households=args.households, townships=args.townships,
                           villages_per_township=args.villages, progress=lambda n: bar.advance(task, n))
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics for the freshly copied tables
        cursor.execute("ANALYZE")
    from liangfang.assessments.models import AssessmentRun

    if not AssessmentRun.objects.filter(year=2020, finished_at__isnull=False).exists():
        # The household page shows the latest assessment's explanation: measure it with one.
        from liangfang.assessments.services import assessment_run

        started = time.perf_counter()
        assessment_run(year=2020, pack="cn-national", by="benchmark")
        print(f"assessed the registered households in {time.perf_counter() - started:.1f} s")
    from django.contrib.auth import get_user_model

    from liangfang.accounts.services import account_set

    user, _ = get_user_model().objects.get_or_create(username="bench")
    user.set_password(PASSWORD)
    user.save()
    account_set(user=user, region_code="220802000000", role="county_admin", by="benchmark")


def _targets() -> dict[str, list[str]]:
    from liangfang.registry.models import Household, Region

    # registered households: the ones with an assessment, plans and visits to show
    numbers = list(Household.objects.filter(is_registered=True).order_by("?").values_list("number", flat=True)[:5000])
    villages = list(Region.objects.filter(level="village").values_list("code", flat=True))
    townships = list(Region.objects.filter(level="township").values_list("code", flat=True))
    rng = random.Random(7)
    lists = [f"/households/?{urlencode({'region': rng.choice(villages), 'status': 'registered'})}"
             + (f"&page={rng.randint(2, 3)}" if rng.random() < 0.3 else "") for _ in range(2000)]
    lists += [f"/households/?{urlencode({'region': rng.choice(villages), 'status': 'exited', 'cause': 'illness'})}"
              for _ in range(500)]
    return {
        "household page": [f"/households/{n}/" for n in numbers],
        "filtered list": lists,
        "dashboard": [f"/region/{c}/" for c in [*townships, *rng.sample(villages, min(60, len(villages)))]],
    }


class Client:
    """One logged-in browser: a kept-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def log_in(self) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the log-in page"
        status, _ = self.request("POST", "/login/", urlencode({
            "csrfmiddlewaretoken": token.group(1).decode(), "username": "bench", "password": PASSWORD}))
        if status != 302:
            raise SystemExit(f"log-in failed with HTTP {status}")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0


def _run_phase(name: str, paths: list[str], clients: list[Client], requests: int, seconds: float,
               think: float) -> Phase:
    phase = Phase(name)
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.perf_counter() + seconds

    def work(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            status, _ = client.request("GET", rng.choice(paths))
            elapsed = time.perf_counter() - started
            with lock:
                phase.latencies.append(elapsed)
                if status != 200:
                    phase.errors += 1
            if think:
                time.sleep(min(think, max(deadline - time.perf_counter(), 0)))

    threads = [threading.Thread(target=work, args=(c, i)) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - started
    return phase


def _proc_cpu(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc; None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


def _cpu_sample(server_pid: int, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the web server (gunicorn and its workers), of the PostgreSQL backends
    connected to the benchmark database (other databases on the machine are not counted) and of
    this client process."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        backends = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()]
    sample: dict[str, dict[int, float]] = {"server": {}, "postgres": {}, "client": {}}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _proc_cpu(int(entry))
            if found is not None and server_pid in (int(entry), found[0]):
                sample["server"][int(entry)] = found[1]
    for pid in backends:
        found = _proc_cpu(pid)
        if found is not None:
            sample["postgres"][pid] = found[1]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sample["client"][os.getpid()] = usage.ru_utime + usage.ru_stime
    return sample


def _cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds between two samples, per part (a process that appeared in between counts whole)."""
    return {part: sum(t - before[part].get(pid, 0.0) for pid, t in after[part].items()) for part in after}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--townships", type=int, default=40)
    parser.add_argument("--villages", type=int, default=25, help="villages per township")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per phase")
    parser.add_argument("--seconds", type=float, default=60, help="per phase, at most")
    parser.add_argument("--database", default="liangfang_webload")
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark database")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="per worker (`liangfang serve --threads`)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a client waits after each response (0: as fast as the server answers)")
    args = parser.parse_args()

    url = _database(args)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "liangfang.settings"
    _populate(args)
    targets = _targets()
    var = Path(tempfile.mkdtemp(prefix="liangfang-webload-"))  # its own cache and static files
    env = {**os.environ, "DATABASE_URL": url, "LIANGFANG_VAR": str(var)}
    server = subprocess.Popen([str(ROOT / ".venv/bin/liangfang"), "serve", "--host", "127.0.0.1",
                               "--port", str(args.port), "--workers", str(args.workers),
                               "--threads", str(args.threads)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_server(args.port, server)
        clients = [Client(args.port) for _ in range(args.clients)]
        for c in clients:
            c.log_in()
        cold = {}
        for name, path in (("county", "/region/220802000000/"), ("township", targets["dashboard"][0]),
                           ("village", targets["dashboard"][-1])):
            started = time.perf_counter()
            clients[0].request("GET", path)
            cold[name] = (time.perf_counter() - started) * 1000
        print("dashboard computed on a cold cache: " + ", ".join(f"{k} {v:,.0f} ms" for k, v in cold.items()))
        for path in targets["dashboard"]:  # figures are cached until the registry changes
            clients[0].request("GET", path)
        for paths in targets.values():  # warm up: one request per client
            for c in clients:
                c.request("GET", paths[0])
        from benchmarks.machine import python_speed

        yardstick = python_speed()
        print(f"\n{args.clients} clients, think time {args.think} s, {args.workers} gunicorn workers of "
              f"{args.threads} threads, "
              f"PostgreSQL {args.database}; each phase: {args.requests} requests or {args.seconds:.0f} s; "
              f"load average before: {os.getloadavg()[0]:.1f}")
        print(f"{'page':<16}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}"
              f"{'CPU ms/request: server':>24}{'postgres':>9}{'client':>8}")
        for name, paths in targets.items():
            before = _cpu_sample(server.pid, args.database)
            phase = _run_phase(name, paths, clients, args.requests, args.seconds, args.think)
            after = _cpu_sample(server.pid, args.database)
            lat = phase.latencies
            cpu = {k: v * 1000 / max(len(lat), 1) for k, v in _cpu_used(before, after).items()}
            print(f"{name:<16}{len(lat):>9}{phase.errors:>7}{_pct(lat, 50):>9.1f}{_pct(lat, 95):>9.1f}"
                  f"{_pct(lat, 99):>9.1f}{len(lat) / phase.seconds:>9.1f}"
                  f"{cpu['server']:>24.1f}{cpu['postgres']:>9.1f}{cpu['client']:>8.1f}")
        print(f"load average after: {os.getloadavg()[0]:.1f} (2 cores; other work on the machine counts too)")
        print(f"yardstick: 10M Python additions took {yardstick:.2f} s of CPU before the phases, "
              f"{python_speed():.2f} s after (about 0.4 s on a quiet core)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
