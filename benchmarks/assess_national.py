"""Benchmark: the full household + village + county assessment of a national-scale Parquet
registry on DuckDB, against a plain pandas version of the same household rules (on a stated
subset, scaled) and a raw DuckDB scan of the columns the assessment reads (the floor).

Prints its figures; asserts nothing. Each measurement runs in its own process, so its peak
resident memory (ru_maxrss) is its own.

    .venv/bin/python benchmarks/assess_national.py --data /data/national
    .venv/bin/python benchmarks/assess_national.py --data /tmp/nat1m --households 1000000

When DIR has no registry, it is generated first with the synthetic generator's command,
``liangfang synth --households N --out DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liangfang.layout import TABLES  # noqa: E402

GiB = 1024**3


# -- the three measurements (each in a child process) ------------------------------------------
def _duck(threads: int, memory_limit: str) -> Any:
    from liangfang.engine.duck import connect

    return connect(threads=threads, memory_limit=memory_limit)


def columns_read(pack: str, year: int) -> dict[str, list[str]]:
    """Registry columns the DuckDB plan mentions, per Parquet file (a slight over-count)."""
    from sqlglot import exp

    from liangfang.engine.assess import compile_for_year
    from liangfang.engine.statements import StatementPlanner

    compiled = compile_for_year(pack, year)
    names: set[str] = set()
    tables: set[str] = set()
    for step in StatementPlanner(compiled, "duckdb").steps():
        for column in step.statement.find_all(exp.Column):
            names.add(column.name)
        for table in step.statement.find_all(exp.Table):
            tables.add(table.name)
    return {t.name: [c for c in t.column_names if c in names or c == "id"] for t in TABLES if t.db_table in tables}


def measure_floor(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow as pa

    con = _duck(args.threads, args.memory_limit)
    started = time.perf_counter()
    rows = 0
    for name, cols in columns_read(args.pack, args.year).items():
        schema = {n: t for n, t in dict(next(t for t in TABLES if t.name == name).columns).items()}
        parts = []
        for c in cols:
            t = schema[c]
            if pa.types.is_string(t):
                parts.append(f"sum(length({c}))")
            elif pa.types.is_boolean(t):
                parts.append(f"sum(CAST({c} AS INTEGER))")
            elif pa.types.is_date(t):
                parts.append(f"max({c})")
            else:
                parts.append(f"sum({c})")
        path = args.data / f"{name}.parquet"
        # benchmark-only SQL over trusted layout names (not user input)
        result = con.execute(f"SELECT count(*), {', '.join(parts)} FROM read_parquet('{path}')").fetchone()
        rows += int(result[0])
    return {"seconds": time.perf_counter() - started, "rows": rows}


def measure_duckdb(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.engine.duck import assess_parquet
    from liangfang.policy import load_pack

    out = args.data / "results-bench" / args.pack / str(args.year)
    steps: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def progress(label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        steps.append((label, now - last[0]))
        last[0] = now

    started = time.perf_counter()
    last[0] = started
    run = assess_parquet(args.data, load_pack(args.pack), args.year, out=out, progress=progress,
                         connection=_duck(args.threads, args.memory_limit))
    seconds = time.perf_counter() - started
    slow = sorted(steps, key=lambda s: -s[1])[:6]
    return {"seconds": seconds, "summary": run.summary, "out": str(out),
            "steps": [(label.split(" / ")[-1], round(t, 2)) for label, t in slow]}


def measure_pandas(args: argparse.Namespace) -> dict[str, Any]:
    """The household rules of the pack in plain pandas, on households with id <= cut."""
    import numpy as np
    import pandas as pd

    from liangfang.policy import load_pack

    pack = load_pack(args.pack)
    p = {k: v.value for k, v in pack.parameters.items()}
    line = pack.poverty_line(args.year)
    ref = np.datetime64(f"{args.year}-{pack.reference_date.month:02d}-{pack.reference_date.day:02d}")
    cut = args.cut
    started = time.perf_counter()
    cpu_started = time.process_time()
    f = [("id", "<=", cut)]
    hh = pd.read_parquet(args.data / "households.parquet", filters=f, columns=[
        "id", "village_id", "is_registered", "housing_grade", "housing_safety_via", "housing_renovated_year",
        "relocation_mode", "relocation_year", "water_litres_per_day", "water_quality", "water_piped",
        "water_fetch_minutes", "water_days_without"])
    hh = hh[hh["is_registered"]]
    members = pd.read_parquet(args.data / "members.parquet", filters=[("household_id", "<=", cut)], columns=[
        "household_id", "birth_date", "school_status", "school_exemption", "medical_insurance", "is_active"])
    members = members[members["is_active"] & members["household_id"].isin(hh["id"])]
    incomes = pd.read_parquet(args.data / "incomes.parquet", filters=[("household_id", "<=", cut),
                                                                     ("year", "=", args.year)])
    loaded = time.perf_counter()
    # income: cents, rounded half away from zero per person
    money = ["wage_income", "business_income", "property_income", "transfer_family_planning",
             "transfer_minimum_living", "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation",
             "transfer_other"]
    cents = sum((incomes[c].astype("float64") * 100).round().astype("int64") for c in money)
    net = cents - (incomes["business_expense"].astype("float64") * 100).round().astype("int64")
    size = incomes["household_size"].astype("int64")
    pc = np.where(net >= 0, (2 * net + size) // (2 * size), -((2 * (-net) + size) // (2 * size)))
    assist = ((incomes["transfer_minimum_living"].astype("float64") + incomes["transfer_destitute_support"]
               .astype("float64")) * 100).round().astype("int64")
    inc = pd.DataFrame({"id": incomes["household_id"].to_numpy(), "pc": pc, "assist": assist.to_numpy()})
    d = hh.merge(inc, on="id", how="left")
    line_cents = int(line * 100)
    income_ok = d["pc"] >= line_cents
    food_ok = income_ok | (d["assist"] > 0)
    # members: age on the reference date, school age, insurance
    birth = pd.to_datetime(members["birth_date"]).dt
    ref_ymd = int(str(ref).replace("-", ""))
    ymd = birth.year * 10000 + birth.month * 100 + birth.day
    age = np.where(ref_ymd - ymd < 0, -1, (ref_ymd - ymd) // 10000)
    school_age = (age >= int(p["school_age_min"])) & (age <= int(p["school_age_max"]))
    in_school = (members["school_status"] != "not_in_school") | members["school_exemption"].isin(
        ["home_teaching", "health"])
    m = pd.DataFrame({"id": members["household_id"].to_numpy(),
                      "edu_fail": (school_age & ~in_school).to_numpy(),
                      "uninsured": (~members["medical_insurance"].astype(bool)).to_numpy()})
    agg = m.groupby("id", sort=False).agg(edu_fail=("edu_fail", "sum"), uninsured=("uninsured", "sum"))
    d = d.merge(agg, left_on="id", right_index=True, how="left").fillna({"edu_fail": 0, "uninsured": 0})
    year = args.year
    moved = (d["relocation_mode"] != "none") & (d["relocation_year"] <= year)
    grade = d["housing_grade"]
    housing_ok = (moved | grade.isin(["A", "B"]) | (grade.isin(["C", "D"]) & (d["housing_renovated_year"] <= year))
                  | (d["housing_safety_via"] == "other_safe_house"))
    water_ok = ((d["water_litres_per_day"].astype("float64") >= float(p["water_litres_min"]))
                & d["water_quality"].isin(["safe", "basic"])
                & (d["water_piped"].fillna(False).astype(bool)
                   | (d["water_fetch_minutes"] <= int(p["water_fetch_minutes_max"])).fillna(False))
                & (d["water_days_without"] <= int(p["water_days_without_max"])).fillna(False))
    verdict = (income_ok & food_ok & (d["edu_fail"] == 0) & (d["uninsured"] == 0) & housing_ok
               & (water_ok if year >= 2019 else True))
    passing = int(verdict.sum())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "load_seconds": loaded - started, "households": len(d), "passing": passing,
            "cpu_measured": time.process_time() - cpu_started}


CHILDREN = {"floor": measure_floor, "duckdb": measure_duckdb, "pandas": measure_pandas}


# -- the parent: data, children, report ---------------------------------------------------------
def run_child(kind: str, args: argparse.Namespace, extra: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    cmd = [sys.executable, __file__, "--child", kind, "--data", str(args.data), "--pack", args.pack,
           "--year", str(args.year), "--threads", str(args.threads), "--memory-limit", args.memory_limit, *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed ({proc.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    result["peak_rss"] = usage.ru_maxrss * 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime
    return result


def ensure_data(args: argparse.Namespace) -> None:
    if (args.data / "households.parquet").exists() or (args.data / "households").is_dir():
        return
    if not args.households:
        raise SystemExit(f"{args.data}: no registry; give --households N to generate one")
    cmd = [str(ROOT / ".venv/bin/liangfang"), "synth", "--households", str(args.households), "--out", str(args.data)]
    print("generating:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def counts(args: argparse.Namespace) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {t.name: pq.ParquetFile(args.data / f"{t.name}.parquet").metadata.num_rows for t in TABLES
            if (args.data / f"{t.name}.parquet").exists()}


def _one(sql: str) -> Any:
    import duckdb

    row = duckdb.execute(sql).fetchone()
    assert row is not None
    return row[0]


def load_pack_scope(pack: str) -> str:
    from liangfang.policy import load_pack

    return load_pack(pack).household_scope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="Parquet registry folder (analytic layout)")
    parser.add_argument("--households", type=int, default=0, help="generate this many households if DIR is empty")
    parser.add_argument("--pack", default="cn-national")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit (spills beyond it)")
    parser.add_argument("--pandas-share", type=float, default=0.1,
                        help="share of the assessed households (those with the lowest ids) for the pandas version; "
                             "its time is scaled up")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--cut", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args), default=str))
        return

    ensure_data(args)
    n = counts(args)
    households = n["households"]

    load_before = os.getloadavg()
    scope = "WHERE is_registered" if load_pack_scope(args.pack) == "registered" else ""
    cut = int(_one(f"SELECT quantile_disc(id, {float(args.pandas_share)}) "
                   f"FROM read_parquet('{args.data / 'households.parquet'}') {scope}"))
    print(f"registry: {households:,} households, {n['members']:,} members, {n['incomes']:,} income records, "
          f"{n['regions']:,} regions   (machine: {os.cpu_count()} cores; DuckDB threads {args.threads}, "
          f"memory_limit {args.memory_limit})", flush=True)
    floor = run_child("floor", args)
    duck = run_child("duckdb", args)
    panda = run_child("pandas", args, ["--cut", str(cut)])
    share = panda["households"] / max(1, duck["summary"]["households"]["assessed"])
    pandas_scaled = panda["seconds"] / share if share else float("nan")
    # the same households' verdicts from the DuckDB run, to check the pandas version agrees
    out = Path(duck["out"]) / "households.parquet"
    duck_passing = _one(
        f"SELECT count(*) FROM read_parquet('{out}') WHERE household_id <= {cut} AND verdict = 'pass'")
    s = duck["summary"]
    county = s["counties"][0] if s["counties"] else {}
    print(f"assessment: {s['households']['assessed']:,} households assessed, {s['households']['meeting']:,} meeting; "
          f"{s['villages']['villages']:,} villages ({s['villages']['meeting']:,} meeting); "
          f"{len(s['counties'])} counties; first county incidence {county.get('poverty_incidence')}")
    print(f"slowest DuckDB steps (s): {duck['steps']}")
    print()
    print(f"{'measurement':<50}{'wall s':>9}{'CPU s':>9}{'peak RSS GiB':>14}{'× floor':>9}")
    rows = [
        ("raw DuckDB scan of the columns read (floor)", floor["seconds"], floor["cpu"], floor["peak_rss"]),
        ("DuckDB full assessment, results to Parquet", duck["seconds"], duck["cpu"], duck["peak_rss"]),
        (f"pandas household rules, {share:.1%} of households ×{1 / share:.1f}", pandas_scaled,
         panda["cpu_measured"] / share, panda["peak_rss"]),
    ]
    for name, seconds, cpu, rss in rows:
        print(f"{name[:50]:<50}{seconds:>9.2f}{cpu:>9.1f}{rss / GiB:>14.2f}{seconds / floor['seconds']:>9.1f}")
    print("(CPU s = user + system time of the process, all threads; for pandas, of the measured part only, "
          "scaled like its time (the interpreter's start is not scaled); on this shared machine wall time also "
          "counts waiting for the CPU, so compare ratios)")
    print()
    print(f"DuckDB / floor = {duck['seconds'] / floor['seconds']:.1f}×;  pandas (scaled) / DuckDB = "
          f"{pandas_scaled / duck['seconds']:.1f}×;  pandas subset measured {panda['seconds']:.2f} s "
          f"(of which reading Parquet {panda['load_seconds']:.2f} s), peak {panda['peak_rss'] / GiB:.2f} GiB")
    agree = "agree" if panda["passing"] == duck_passing else "DISAGREE"
    print(f"check: households meeting the standard among ids <= {cut:,}: pandas {panda['passing']:,}, "
          f"DuckDB {duck_passing:,} ({agree})")
    print(f"targets: < 20 s wall, < 6 GiB peak -> DuckDB {duck['seconds']:.1f} s, {duck['peak_rss'] / GiB:.2f} GiB")
    load = os.getloadavg()
    print(f"machine load average at the start: {load_before[0]:.1f} / {load_before[1]:.1f} / {load_before[2]:.1f}, "
          f"at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) on {os.cpu_count()} cores")
    shutil.rmtree(args.data / "results-bench", ignore_errors=True)
    print(f"(total {Decimal(time.perf_counter() - T0).quantize(Decimal('0.1'))} s)")


T0 = time.perf_counter()

if __name__ == "__main__":
    main()
