"""Benchmark: poverty measures by county over a national Parquet registry, side by side in one run.

Each measurement runs in its own process (peak RSS and CPU of that process alone), one after another:

- ``raw-fgt``: DuckDB reading and summing the columns FGT + Gini need (the floor for any plan);
- ``fgt``: FGT(0, 1, 2) and Gini by county, all counties (``liangfang.measures.national``);
- ``plain-fgt``: pyarrow + pandas + ``liangfang.measures.fgt``/``gini`` per county, on a subset of counties;
- ``raw-af``: DuckDB reading and summing the columns the Alkire–Foster index reads;
- ``af``: the Alkire–Foster index by county, all counties (the engine's statuses of its six indicators);
- ``plain-af``: the registry narrowed to the subset's villages, the engine's full assessment plan for
  its households (``liangfang.measures.frames.household_frame``), ``liangfang.measures.alkire_foster``
  per county.

The DuckDB and plain results are compared on the subset. Prints its figures; asserts nothing.
Generate the data once (``liangfang synth --households 30000000 --out /tmp/nat/n30m``), then

    .venv/bin/python benchmarks/measures_national.py --data /tmp/nat/n30m --counties 20
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import python_speed  # noqa: E402
from liangfang.engine.duck import connect  # noqa: E402
from liangfang.engine.session import duckdb_session, parquet_views  # noqa: E402
from liangfang.measures import alkire_foster, fgt, gini  # noqa: E402
from liangfang.policy import load_pack  # noqa: E402

MONEY = ["wage_income", "business_income", "property_income", "transfer_family_planning", "transfer_minimum_living",
         "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation", "transfer_other",
         "business_expense"]
PACK = "cn-national"


def subset_villages(data: Path, counties: int) -> dict[int, str]:
    """The villages of the first ``counties`` counties in code order, each with its county's code."""
    import pyarrow.parquet as pq

    regions = pq.read_table(data / "regions.parquet", columns=["id", "code", "level", "parent_id"]).to_pandas()
    county_rows = regions[regions.level == "county"].sort_values("code").head(counties)
    townships = regions[regions.parent_id.isin(county_rows.id)]
    villages = regions[regions.parent_id.isin(townships.id)]
    code_of = dict(zip(county_rows.id, county_rows.code, strict=True))
    county_of_township = dict(zip(townships.id, townships.parent_id.map(code_of), strict=True))
    return {int(v): county_of_township[t] for v, t in zip(villages.id, villages.parent_id, strict=True)}


# -- the children: each measures one thing and prints one JSON line ------------------------------------
def scan(con: Any, queries: list[str]) -> int:
    """Run each query (a scan summed to one row); the rows they read, by their first column."""
    rows = 0
    for query in queries:
        row = con.execute(query).fetchone()
        rows += int(row[0]) if row else 0
    return rows


def raw_fgt(args: argparse.Namespace) -> dict[str, Any]:
    con = connect(threads=args.threads)
    parquet_views(duckdb_session(con), args.data)
    amounts = " + ".join(f"coalesce({name}, 0)" for name in MONEY)
    queries = ["SELECT count(*), sum(household_id) FROM registry_member WHERE is_active",
               f"SELECT count(*), sum(household_id + household_size), sum({amounts}) FROM registry_incomerecord "
               f"WHERE year = {int(args.year)}",
               "SELECT count(*), sum(id + village_id) FROM registry_household"]
    return {"rows": scan(con, queries)}


def duckdb_fgt(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.measures.national import fgt_gini_by_county

    line = float(load_pack(PACK).poverty_lines.years[args.year].amount)
    result = fgt_gini_by_county(connect(threads=args.threads), args.data, args.year, line)
    return {"counties": len(result), "people": float(result.people.sum()),
            "by_county": {r.county: [r.people, r.fgt0, r.fgt1, r.fgt2, r.gini] for r in result.itertuples()}}


def plain_fgt(args: argparse.Namespace) -> dict[str, Any]:
    """Plain pyarrow + pandas + numpy over the subset: the same persons, the library's measures per county."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    village_county = subset_villages(args.data, args.counties)
    line = float(load_pack(PACK).poverty_lines.years[args.year].amount)
    data = args.data
    households = pq.read_table(data / "households.parquet", columns=["id", "village_id"],
                               filters=[("village_id", "in", list(village_county))]).to_pandas()
    ids = households.id.to_numpy()
    within = [("household_id", ">=", int(ids.min())), ("household_id", "<=", int(ids.max()))]
    members = pq.read_table(data / "members.parquet", columns=["household_id", "is_active"], filters=within)
    members = members.filter(pc.and_(members["is_active"], pc.is_in(members["household_id"], value_set=pa.array(ids))))
    people = members.to_pandas().groupby("household_id").size().rename("w")
    incomes = pq.read_table(data / "incomes.parquet", columns=["household_id", "year", "household_size", *MONEY],
                            filters=[("year", "=", args.year), *within]).to_pandas()
    incomes = incomes[incomes.household_id.isin(ids)]
    amounts = incomes[MONEY[:-1]].astype(float).fillna(0).sum(axis=1)
    amounts -= incomes["business_expense"].astype(float).fillna(0)
    incomes["y"] = amounts / incomes["household_size"].replace(0, np.nan)
    frame = (households.set_index("id").join(people, how="inner")
             .join(incomes.set_index("household_id")["y"], how="inner").dropna(subset=["y"]))
    frame["county"] = frame.village_id.map(village_county)
    out: dict[str, list[float]] = {}
    for county, part in frame.groupby("county"):
        y, w = part.y.to_numpy(), part.w.to_numpy(dtype=float)
        out[str(county)] = [w.sum(), fgt(y, line, 0, w), fgt(y, line, 1, w), fgt(y, line, 2, w), gini(y, w)]
    return {"counties": len(out), "people": float(sum(v[0] for v in out.values())), "by_county": out}


def raw_af(args: argparse.Namespace) -> dict[str, Any]:
    """The columns the index's statuses read, each value read and hashed once (a count of a column would
    be answered from the file's statistics without reading it)."""
    con = connect(threads=args.threads)
    parquet_views(duckdb_session(con), args.data)
    amounts = " + ".join(f"coalesce({name}, 0)" for name in MONEY)
    member_columns = ["birth_date", "joined_on", "left_on", "school_status", "school_status_on", "education",
                      "compulsory_completed", "school_exemption", "medical_insurance", "medical_scheme",
                      "insured_since"]
    household_columns = ["housing_grade", "housing_appraised_on", "housing_safety_via", "housing_renovated_year",
                         "relocation_mode", "relocation_year", "water_litres_per_day", "water_quality",
                         "water_piped", "water_fetch_minutes", "water_days_without", "water_distance_m",
                         "water_vertical_m", "water_surveyed_on"]
    queries = [f"SELECT count(*), sum(household_id), {', '.join(f'bit_xor(hash({c}))' for c in member_columns)} "
               "FROM registry_member WHERE is_active",
               f"SELECT count(*), sum(household_id + household_size), sum({amounts}) FROM registry_incomerecord "
               f"WHERE year = {int(args.year)}",
               f"SELECT count(*), sum(id + village_id), {', '.join(f'bit_xor(hash({c}))' for c in household_columns)} "
               "FROM registry_household"]
    return {"rows": scan(con, queries)}


def duckdb_af(args: argparse.Namespace) -> dict[str, Any]:
    from liangfang.measures.national import alkire_foster_by_county

    result = alkire_foster_by_county(connect(threads=args.threads), args.data, load_pack(PACK), args.year, args.k)
    return {"counties": len(result), "people": float(result.people.sum()),
            "by_county": {r.county: [r.people, r.H, r.M0] for r in result.itertuples()}}


def plain_af(args: argparse.Namespace) -> dict[str, Any]:
    """The registry narrowed to the subset's villages (views), the engine's full plan for its households,
    then the library's ``alkire_foster`` per county."""
    from liangfang.measures.frames import household_frame

    village_county = subset_villages(args.data, args.counties)
    con = connect(threads=args.threads)
    session = duckdb_session(con)
    parquet_views(session, args.data)
    villages = ", ".join(str(int(v)) for v in village_county)
    path = {name: str(args.data / f"{name}.parquet") for name in ("households", "members", "incomes")}
    con.execute(f"CREATE OR REPLACE VIEW registry_household AS SELECT * FROM read_parquet('{path['households']}') "
                f"WHERE village_id IN ({villages})")
    for view, name in (("registry_member", "members"), ("registry_incomerecord", "incomes")):
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet('{path[name]}') "
                    "WHERE household_id IN (SELECT id FROM registry_household)")
    frame = household_frame(session, load_pack(PACK), args.year)
    counties = np.array([village_county[int(v)] for v in frame.village_id])
    out = {}
    for county in sorted(set(counties.tolist())):
        rows = counties == county
        result = alkire_foster(frame.deprived[rows].astype(float), np.ones(len(frame.dimensions)), args.k,
                               sizes=frame.people[rows])
        out[county] = [float(frame.people[rows].sum()), result.H, result.M0]
    return {"counties": len(out), "people": float(sum(v[0] for v in out.values())), "by_county": out}


CHILDREN: dict[str, tuple[str, Callable[[argparse.Namespace], dict[str, Any]]]] = {
    "raw-fgt": ("raw DuckDB scan of the FGT + Gini columns, all counties", raw_fgt),
    "fgt": ("DuckDB FGT(0, 1, 2) + Gini by county, all counties", duckdb_fgt),
    "plain-fgt": ("pandas/numpy FGT + Gini, subset", plain_fgt),
    "raw-af": ("raw DuckDB scan of the Alkire–Foster columns, all counties", raw_af),
    "af": ("DuckDB Alkire–Foster by county, all counties", duckdb_af),
    "plain-af": ("engine plan on the subset + numpy Alkire–Foster, subset", plain_af),
}


def child(kind: str, args: argparse.Namespace) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = CHILDREN[kind][1](args)
    result["measured_wall"], result["measured_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps(result), flush=True)


# -- the parent --------------------------------------------------------------------------------------
def run_child(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, "--data", str(args.data), "--year", str(args.year),
           "--counties", str(args.counties), "--k", repr(args.k), "--threads", str(args.threads)]
    load = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} failed")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result.update(process_cpu=usage.ru_utime + usage.ru_stime, peak_rss=usage.ru_maxrss * 1024,
                  load=(load, os.getloadavg()[0]))
    return result


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def largest_difference(mine: dict[str, list[float]], plain: dict[str, list[float]]) -> float:
    return max(abs(a - b) for county, values in plain.items() for a, b in zip(mine[county], values, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--counties", type=int, default=20, help="counties in the pandas/numpy subset")
    parser.add_argument("--k", type=float, default=1 / 3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default=",".join(CHILDREN), help="comma-separated measurements to run")
    parser.add_argument("--child", choices=list(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    print(f"data {args.data}, year {args.year}, subset {args.counties} counties, k {args.k:.4f}, "
          f"DuckDB {args.threads} threads", flush=True)
    print(f"before: {uptime()}; Python loop speed {python_speed():.2f} s (0.4 on a quiet core)", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for kind in args.only.split(","):
        result = results[kind] = run_child(kind, args)
        extra = f", {result['counties']:,} counties, {result['people']:,.0f} people" if "counties" in result else ""
        print(f"{CHILDREN[kind][0]:<62} {result['measured_wall']:8.2f} s wall {result['measured_cpu']:8.2f} s CPU"
              f" (process {result['process_cpu']:.2f} s CPU, peak RSS {result['peak_rss'] / 1024**3:.2f} GiB,"
              f" load {result['load'][0]:.1f} → {result['load'][1]:.1f}){extra}", flush=True)
    print(f"after: {uptime()}", flush=True)
    for mine, plain in (("fgt", "plain-fgt"), ("af", "plain-af")):
        if mine in results and plain in results:
            print(f"largest difference {mine} vs {plain} on the subset's {results[plain]['counties']} counties "
                  f"({results[plain]['people'] / results[mine]['people']:.2%} of the people): "
                  f"{largest_difference(results[mine]['by_county'], results[plain]['by_county']):.2e}", flush=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="measures-", delete=False) as handle:
        json.dump({k: {n: v for n, v in r.items() if n != "by_county"} for k, r in results.items()}, handle)
    print(f"figures also in {handle.name}")


if __name__ == "__main__":
    main()
