"""Benchmark: one month's screening and elimination check of a national-scale Parquet registry on
DuckDB (the engine's monitoring plan, every household), side by side with a raw DuckDB scan of
the columns that plan reads (the floor).

Prints its figures; asserts nothing. Each measurement runs in its own process, so its peak
resident memory (ru_maxrss) is its own.

    .venv/bin/python benchmarks/screen_national.py --data /tmp/monitoring/nat1m --households 1000000

When DIR has no registry it is generated first (``liangfang synth --households N --out DIR``, then
``liangfang monitor synth-months --data DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GiB = 1024**3


def _plan(year: int, month: int) -> Any:
    from liangfang.engine.monitor.compiled import compile_monitoring
    from liangfang.engine.monitor.plan import MonitorPlanner
    from liangfang.policy.monitoring import load_monitoring_pack

    return MonitorPlanner(compile_monitoring(load_monitoring_pack("cn-monitoring-2021"), year, month), "duckdb")


def columns_read(year: int, month: int) -> dict[str, list[str]]:
    """Layout columns the plan mentions, per table (a slight over-count)."""
    from sqlglot import exp

    from liangfang.layout import TABLES
    from liangfang.layout_monitoring import MONITORING_TABLES

    names: set[str] = set()
    tables: set[str] = set()
    for step in _plan(year, month).steps():
        names.update(c.name for c in step.statement.find_all(exp.Column))
        tables.update(t.name for t in step.statement.find_all(exp.Table))
    return {t.name: [c for c in t.column_names if c in names or c == "id"]
            for t in (*TABLES, *MONITORING_TABLES) if t.db_table in tables}


def _source(data: Path, name: str) -> str:
    path = data / f"{name}.parquet"
    return str(path if path.exists() else data / name / "*.parquet")


def measure_floor(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.engine.duck import connect
    from liangfang.layout_monitoring import add_months

    con = connect(args.threads, args.memory_limit)
    first = add_months(args.year * 100 + args.month, -30)
    started = time.perf_counter()
    rows = 0
    for name, cols in columns_read(args.year, args.month).items():
        parts = [f"count({c})" for c in cols]
        where = f" WHERE month >= {first}" if name == "household_months" else ""
        # benchmark-only SQL over the layout's own names (not user input)
        result = con.execute(f"SELECT count(*), {', '.join(parts)} FROM read_parquet('{_source(args.data, name)}')"
                             f"{where}").fetchone()
        assert result is not None
        rows += int(result[0])
    return {"seconds": time.perf_counter() - started, "rows": rows}


def measure_duckdb(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.engine.duck import connect
    from liangfang.engine.monitor.run import monitoring_parquet_views
    from liangfang.engine.session import duckdb_session, run_steps

    session = duckdb_session(connect(args.threads, args.memory_limit))
    started = time.perf_counter()
    monitoring_parquet_views(session, args.data)
    steps: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def progress(label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        steps.append((label, now - last[0]))
        last[0] = now

    run_steps(session, _plan(args.year, args.month).steps(), progress)
    _, rows = session.query("SELECT count(*), sum(is_lead), count(*) FILTER (WHERE is_monitoring_object), "
                            "count(*) FILTER (WHERE elimination = 1) FROM lf_mon_eval")
    households, leads, objects, eliminable = rows[0]
    return {"seconds": time.perf_counter() - started, "households": int(households), "leads": int(leads),
            "objects": int(objects), "eliminable": int(eliminable),
            "steps": [(label, round(t, 2)) for label, t in sorted(steps, key=lambda s: -s[1])[:4]]}


CHILDREN = {"floor": measure_floor, "duckdb": measure_duckdb}


def run_child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--data", str(args.data), "--year", str(args.year),
           "--month", str(args.month), "--threads", str(args.threads), "--memory-limit", args.memory_limit]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} failed")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    result["peak_rss"] = usage.ru_maxrss * 1024
    return result


def ensure_data(args: argparse.Namespace) -> None:
    if not (args.data / "households.parquet").exists():
        subprocess.run([sys.executable, "-m", "liangfang", "synth", "--households", str(args.households), "--out",
                        str(args.data)], check=True, cwd=ROOT)
    if not (args.data / "household_months").is_dir():
        subprocess.run([sys.executable, "-m", "liangfang", "monitor", "synth-months", "--data", str(args.data),
                        "--first", f"{args.year - 2}-{args.month:02d}", "--last", f"{args.year}-{args.month:02d}"],
                       check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--month", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="5GB")
    parser.add_argument("--child", choices=sorted(CHILDREN))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    ensure_data(args)
    floor = run_child("floor", args)
    duck = run_child("duckdb", args)
    print(f"screening {args.year}-{args.month:02d}, {duck['households']:,} households, DuckDB {args.threads} threads, "
          f"memory_limit {args.memory_limit}")
    print(f"{'':24}{'seconds':>10}{'peak GiB':>10}")
    print(f"{'raw scan of its columns':24}{floor['seconds']:>10.1f}{floor['peak_rss'] / GiB:>10.2f}  "
          f"({floor['rows']:,} rows)")
    print(f"{'monitoring plan':24}{duck['seconds']:>10.1f}{duck['peak_rss'] / GiB:>10.2f}  "
          f"(leads {duck['leads']:,}, objects {duck['objects']:,}, eliminable {duck['eliminable']:,})")
    print("slowest steps:", ", ".join(f"{label} {t}s" for label, t in duck["steps"]))


if __name__ == "__main__":
    main()
