"""Benchmark: one month's screening and elimination check of a national-scale Parquet registry on
DuckDB (the engine's monitoring plan, every household screened, as ``run_month`` runs it for ``monitor
screen --engine duckdb``: relations read one by one and put together by household id, the results of
leads and open objects kept; ``--keep-all`` keeps every household's), side by side with a raw DuckDB
scan of the columns that plan reads (the floor), and with ``--joined`` the joined statements SQLite and
PostgreSQL run.

Prints its figures (wall and CPU seconds, peak resident memory, load average); asserts nothing.
Each measurement runs in its own process, so its peak resident memory (ru_maxrss) and CPU time
are its own.

    .venv/bin/python benchmarks/screen_national.py --data /tmp/screen/n1m --households 1000000

When DIR has no registry it is generated first (``liangfang synth --households N --out DIR``, then
``liangfang monitor synth-months --data DIR``), each step timed.
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


def months_read(year: int, month: int) -> list[int]:
    """The months of running totals the plan reads (the windows' ends)."""
    from sqlglot import exp

    found: set[int] = set()
    for step in _plan(year, month).steps():
        for node in step.statement.find_all(exp.EQ, exp.In):
            column = node.this
            if isinstance(column, exp.Column) and column.name == "month":
                values = [node.expression] if isinstance(node, exp.EQ) else node.expressions
                found.update(int(v.this) for v in values if isinstance(v, exp.Literal))
    return sorted(found)


def columns_read(year: int, month: int) -> dict[str, list[str]]:
    """Layout columns the plan mentions, per table (a slight over-count)."""
    from sqlglot import exp

    from liangfang.layout import TABLES
    from liangfang.layout_monitoring import PARQUET_MONITORING_TABLES

    names: set[str] = set()
    tables: set[str] = set()
    for step in _plan(year, month).steps():
        names.update(c.name for c in step.statement.find_all(exp.Column))
        tables.update(t.name for t in step.statement.find_all(exp.Table))
    return {t.name: [c for c in t.column_names if c in names or c == "id"]
            for t in (*TABLES, *PARQUET_MONITORING_TABLES) if t.db_table in tables}


def _source(data: Path, name: str) -> str:
    path = data / f"{name}.parquet"
    return str(path if path.exists() else data / name / "*.parquet")


def measure_floor(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.engine.duck import connect

    con = connect(args.threads, args.memory_limit)
    months = ", ".join(str(m) for m in months_read(args.year, args.month))
    started = time.perf_counter()
    rows = 0
    for name, cols in columns_read(args.year, args.month).items():
        parts = [f"count({c})" for c in cols]
        where = f" WHERE month IN ({months})" if name == "household_month_totals" else ""
        # benchmark-only SQL over the layout's own names (not user input)
        result = con.execute(f"SELECT count(*), {', '.join(parts)} FROM read_parquet('{_source(args.data, name)}')"
                             f"{where}").fetchone()
        assert result is not None
        rows += int(result[0])
    return {"seconds": time.perf_counter() - started, "rows": rows}


def measure_duckdb(args: argparse.Namespace, joined: bool = False) -> dict[str, Any]:
    """The plan as ``run_month`` runs it on DuckDB for ``monitor screen --engine duckdb`` (relations
    read one by one and put together by household id; leads and open objects kept), or with
    ``joined`` the joined statements every engine runs."""
    from liangfang.engine.duck import connect
    from liangfang.engine.monitor.by_household import run_by_household
    from liangfang.engine.monitor.plan import leads_and_objects
    from liangfang.engine.monitor.run import monitoring_parquet_views, month_steps
    from liangfang.engine.session import duckdb_session, run_steps

    con = connect(args.threads, args.memory_limit)
    if args.temp_directory:  # where DuckDB spills what exceeds memory_limit
        con.execute(f"SET temp_directory = '{args.temp_directory}'")
    session = duckdb_session(con)
    started = time.perf_counter()
    monitoring_parquet_views(session, args.data)
    steps: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def progress(label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        steps.append((label, now - last[0]))
        last[0] = now

    compiled = _plan(args.year, args.month).c
    kept = None if args.keep_all else leads_and_objects()
    if joined:
        run_steps(session, month_steps(session, compiled, batch=args.batch, kept=kept), progress)
    else:
        execute = session._execute

        def timed(sql: str) -> None:  # each statement's time, labelled by its first words
            execute(sql)
            progress(" ".join(sql.split()[:4])[:40], 0, 0)

        session._execute = timed
        run_by_household(session, compiled, batch=args.batch, kept=kept)
        session._execute = execute
    _, rows = session.query("SELECT count(*), sum(is_lead), count(*) FILTER (WHERE is_monitoring_object), "
                            "count(*) FILTER (WHERE elimination = 1) FROM lf_mon_eval")
    kept_rows, leads, objects, eliminable = rows[0]
    _, rows = session.query("SELECT count(*) FROM registry_household")
    return {"seconds": time.perf_counter() - started, "households": int(rows[0][0]), "kept": int(kept_rows),
            "leads": int(leads), "objects": int(objects), "eliminable": int(eliminable),
            "steps": [(label, round(t, 2)) for label, t in sorted(steps, key=lambda s: -s[1])[:4]]}


def measure_joined(args: argparse.Namespace) -> dict[str, Any]:
    return measure_duckdb(args, joined=True)


CHILDREN = {"floor": measure_floor, "duckdb": measure_duckdb, "joined": measure_joined}


def _timed(cmd: list[str], kind: str) -> tuple[str, dict[str, Any]]:
    """Run ``cmd``; its output, wall and CPU seconds, peak resident memory and load averages."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} failed")
    return output, {"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                    "peak_rss": usage.ru_maxrss * 1024, "load": (load, os.getloadavg()[0])}


def run_child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--data", str(args.data), "--year", str(args.year),
           "--month", str(args.month), "--threads", str(args.threads), "--memory-limit", args.memory_limit,
           *(["--batch", str(args.batch)] if args.batch else []), *(["--keep-all"] if args.keep_all else []),
           *(["--temp-directory", str(args.temp_directory)] if args.temp_directory else [])]
    output, figures = _timed(cmd, kind)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result.update(figures)
    return result


def _line(label: str, f: dict[str, Any]) -> str:
    return (f"{label:28}{f['wall']:>9.1f}{f['cpu']:>9.1f}{f['peak_rss'] / GiB:>10.2f}"
            f"   {f['load'][0]:.1f} → {f['load'][1]:.1f}")


def ensure_data(args: argparse.Namespace) -> None:
    steps = []
    if not (args.data / "households.parquet").exists():
        steps.append(("synth", ["synth", "--households", str(args.households), "--out", str(args.data)]))
    if not (args.data / "household_month_totals").is_dir():
        steps.append(("monitor synth-months", ["monitor", "synth-months", "--data", str(args.data), "--first",
                                               f"{args.year - 2}-{args.month:02d}", "--last",
                                               f"{args.year}-{args.month:02d}"]))
    for label, cmd in steps:
        _, figures = _timed([sys.executable, "-m", "liangfang", *cmd], label)
        print(_line(f"generation: {label}", figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--month", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="5GB")
    parser.add_argument("--batch", type=int, help="run the plan in rounds of about this many households")
    parser.add_argument("--temp-directory", type=Path, help="where DuckDB spills (default: its own)")
    parser.add_argument("--joined", action="store_true", help="also run the joined statements (as on SQLite)")
    parser.add_argument("--keep-all", action="store_true",
                        help="keep every household's results, not only leads' and open objects'")
    parser.add_argument("--child", choices=sorted(CHILDREN))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    print(f"{'':28}{'wall s':>9}{'CPU s':>9}{'peak GiB':>10}   load average (1 min, before → after)")
    ensure_data(args)
    floor = run_child("floor", args)
    print(_line("raw scan of its columns", floor), f" ({floor['rows']:,} rows; months "
          f"{', '.join(str(m) for m in months_read(args.year, args.month))})", flush=True)
    duck = run_child("duckdb", args)
    print(_line("monitoring plan", duck), f" ({duck['households']:,} households: leads {duck['leads']:,}, "
          f"objects {duck['objects']:,}, eliminable {duck['eliminable']:,}; {duck['kept']:,} results kept)")
    if args.joined:
        joined = run_child("joined", args)
        print(_line("the joined statements", joined), f" (leads {joined['leads']:,}, objects {joined['objects']:,}, "
              f"eliminable {joined['eliminable']:,})")
    print(f"screening {args.year}-{args.month:02d}, DuckDB {args.threads} threads, memory_limit {args.memory_limit}, "
          f"--batch {args.batch or 'none'}, results kept: {'all' if args.keep_all else 'leads and open objects'}; "
          f"slowest statements (wall s):", ", ".join(f"{label} {t}" for label, t in duck["steps"]))


if __name__ == "__main__":
    main()
