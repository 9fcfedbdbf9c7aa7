"""Benchmark: poverty measures by county over a national Parquet registry.

1. FGT(0, 1, 2) and Gini by county on DuckDB (``liangfang.measures.national``), all counties;
   beside it, plain pandas/numpy (pyarrow reads, ``liangfang.measures.fgt``/``gini`` per county)
   on a stated subset of counties, and DuckDB on the same subset; the two agree to 1e-9.
2. The Alkire–Foster index by county on DuckDB (the assessment's household statuses, all
   households); beside it, numpy (``liangfang.measures.alkire_foster`` per county) over the same
   statuses fetched for the subset.

Prints its figures; asserts nothing. Generate the data once:
``liangfang synth --households 30000000 --out /tmp/measures/n30m``, then

    .venv/bin/python benchmarks/measures_national.py --data /tmp/measures/n30m --counties 40
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import python_speed  # noqa: E402
from liangfang.engine.duck import connect  # noqa: E402
from liangfang.measures import alkire_foster, fgt, gini  # noqa: E402
from liangfang.measures.national import alkire_foster_by_county, fgt_gini_by_county  # noqa: E402
from liangfang.policy import load_pack  # noqa: E402


def timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<64} {wall:8.2f} s wall {cpu:8.2f} s CPU", flush=True)
    return result, wall


def subset_villages(data: Path, counties: int) -> tuple[list[str], dict[int, str]]:
    import pyarrow.parquet as pq

    regions = pq.read_table(data / "regions.parquet", columns=["id", "code", "level", "parent_id"]).to_pandas()
    county_rows = regions[regions.level == "county"].sort_values("code").head(counties)
    townships = regions[regions.parent_id.isin(county_rows.id)]
    villages = regions[regions.parent_id.isin(townships.id)]
    code_of = dict(zip(county_rows.id, county_rows.code, strict=True))
    county_of_township = dict(zip(townships.id, townships.parent_id.map(code_of), strict=True))
    return list(county_rows.code), {int(v): county_of_township[t] for v, t in zip(villages.id, villages.parent_id,
                                                                                   strict=True)}


def pandas_fgt_gini(data: Path, year: int, line: float, village_county: dict[int, str]) -> dict[str, tuple[float, ...]]:
    """Plain pyarrow + pandas + numpy: the same persons, the library's measures per county."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    villages = list(village_county)
    households = pq.read_table(data / "households.parquet", columns=["id", "village_id"],
                               filters=[("village_id", "in", villages)]).to_pandas()
    ids = households.id.to_numpy()
    members = pq.read_table(data / "members.parquet", columns=["household_id", "is_active"],
                            filters=[("household_id", ">=", int(ids.min())), ("household_id", "<=", int(ids.max()))])
    members = members.filter(pc.and_(members["is_active"], pc.is_in(members["household_id"], value_set=pa.array(ids))))
    people = members.to_pandas().groupby("household_id").size().rename("w")
    money = ["wage_income", "business_income", "property_income", "transfer_family_planning",
             "transfer_minimum_living", "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation",
             "transfer_other", "business_expense"]
    incomes = pq.read_table(data / "incomes.parquet", columns=["household_id", "year", "household_size", *money],
                            filters=[("year", "=", year), ("household_id", ">=", int(ids.min())),
                                     ("household_id", "<=", int(ids.max()))]).to_pandas()
    incomes = incomes[incomes.household_id.isin(ids)]
    amounts = incomes[money[:-1]].astype(float).fillna(0).sum(axis=1)
    amounts -= incomes["business_expense"].astype(float).fillna(0)
    incomes["y"] = amounts / incomes["household_size"].replace(0, np.nan)
    frame = (households.set_index("id").join(people, how="inner")
             .join(incomes.set_index("household_id")["y"], how="inner").dropna(subset=["y"]))
    frame["county"] = frame.village_id.map(village_county)
    out: dict[str, tuple[float, ...]] = {}
    for county, part in frame.groupby("county"):
        y, w = part.y.to_numpy(), part.w.to_numpy(dtype=float)
        out[str(county)] = (w.sum(), fgt(y, line, 0, w), fgt(y, line, 1, w), fgt(y, line, 2, w), gini(y, w))
    return out


def numpy_alkire_foster(con: Any, data: Path, year: int, k: float, village_county: dict[int, str]) -> dict[str, Any]:
    """The household statuses of the subset from DuckDB, then the library's alkire_foster per county."""
    from liangfang.engine.session import duckdb_session, parquet_views
    from liangfang.measures.frames import household_frame

    session = duckdb_session(con)
    parquet_views(session, data)
    frame = household_frame(session, load_pack("cn-national"), year, village_county)
    counties = np.array([village_county[int(v)] for v in frame.village_id])
    out = {}
    for county in sorted(set(counties.tolist())):
        rows = counties == county
        result = alkire_foster(frame.deprived[rows].astype(float), np.ones(len(frame.dimensions)), k,
                               sizes=frame.people[rows])
        out[county] = (result.H, result.M0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--counties", type=int, default=40, help="counties in the pandas/numpy subset")
    parser.add_argument("--k", type=float, default=1 / 3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-af", action="store_true")
    args = parser.parse_args()
    pack = load_pack("cn-national")
    line = float(pack.poverty_lines.years[args.year].amount)
    print(f"data {args.data}, year {args.year}, line {line:,.0f}, load average {os.getloadavg()[0]:.1f}, "
          f"Python loop speed {python_speed():.2f} s (0.4 on a quiet core)", flush=True)
    con = connect(threads=args.threads)
    national, _ = timed("DuckDB FGT(0,1,2) + Gini by county, all counties",
                        lambda: fgt_gini_by_county(con, args.data, args.year, line))
    print(f"  {len(national):,} counties, {national.people.sum():,.0f} people", flush=True)
    codes, village_county = subset_villages(args.data, args.counties)
    plain, _ = timed(f"pandas/numpy FGT + Gini, subset of {len(codes)} counties",
                     lambda: pandas_fgt_gini(args.data, args.year, line, village_county))
    subset_people = sum(v[0] for v in plain.values())
    print(f"  subset: {len(plain)} counties, {subset_people:,.0f} people "
          f"({subset_people / national.people.sum():.2%} of all)", flush=True)
    mine = national.set_index("county")
    worst = max(abs(mine.loc[c, name] - plain[c][i]) for c in plain
                for i, name in enumerate(("people", "fgt0", "fgt1", "fgt2", "gini")))
    print(f"  largest difference DuckDB vs pandas/numpy on the subset: {worst:.2e}", flush=True)
    if not args.skip_af:
        af, _ = timed("DuckDB Alkire–Foster by county, all counties (statuses computed)",
                      lambda: alkire_foster_by_county(con, args.data, pack, args.year, args.k))
        print(f"  {len(af):,} counties, mean M0 {af.M0.mean():.6f}", flush=True)
        plain_af, _ = timed(f"numpy Alkire–Foster, subset of {len(codes)} counties (statuses fetched)",
                            lambda: numpy_alkire_foster(con, args.data, args.year, args.k, village_county))
        mine_af = af.set_index("county")
        worst = max(max(abs(mine_af.loc[c, "H"] - v[0]), abs(mine_af.loc[c, "M0"] - v[1])) for c, v in plain_af.items())
        print(f"  largest difference DuckDB vs numpy on the subset: {worst:.2e}", flush=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB, "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
