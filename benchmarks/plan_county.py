"""Benchmark: planning (诊断 + 开良方) a whole county.

1. The synthetic Taobei-like district (all registered households, registration year 2014), written
   into a fresh SQLite file through the registry services; then ``plan_area`` as ``liangfang plan``
   runs it, with a binding budget and without one.
2. A 100,000-household county generated as registry rows straight into SQLite: once with 8.4% of
   its households registered and poor (Taobei's share: 7,123 of about 85,200), once with EVERY
   household registered and failing the standard (the worst case for the optimiser).

For each it prints the time of each phase: the assessment in the database, reading needs and
eligibility, building the households' efficient bundles, the exact optimiser, and, in the same
run, the greedy rule for comparison. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/plan_county.py                       # both
    .venv/bin/python benchmarks/plan_county.py --households 100000 --skip-district
    .venv/bin/python benchmarks/plan_county.py --district-scale 0.2 --skip-county
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2014


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []  # label, wall seconds, CPU seconds of this process

    def time(self, label: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        self.rows.append((label, time.perf_counter() - started, time.process_time() - cpu))
        return out

    def show(self, title: str) -> None:
        print(f"\n{title}")
        print(f"  {'':<58} {'wall':>8}   {'cpu':>8}")
        for label, seconds, cpu in self.rows:
            print(f"  {label:<58} {seconds:8.2f} s {cpu:8.2f} s")


def plan_phases(session: Any, pack_name: str, budget_share: float, clock: Clock) -> dict[str, Any]:
    """The steps of ``plan_area`` one by one (no Django), timed; two budgets."""
    from liangfang.engine.assess import compile_for_year
    from liangfang.plans.bundles import bundles_for
    from liangfang.plans.catalogue import compile_catalogue
    from liangfang.plans.needs import assess, read_needs
    from liangfang.plans.optimiser import greedy, optimise
    from liangfang.plans.prescribe import case_for, limits_for, prescribe, yuan
    from liangfang.policy import load_pack

    pack = load_pack(pack_name)
    compiled = compile_for_year(pack, YEAR)
    catalogue = compile_catalogue(pack, YEAR)
    outcome = clock.time("assessment in the database (engine steps + collect)", assess, session, compiled)
    needs = clock.time("needs: facts, failing indicators, eligibility (SQL)", read_needs, session, compiled,
                       catalogue, outcome)
    ordered = sorted(needs.households.values(), key=lambda n: n.household_id)
    built = clock.time("cases (gaps, income gap, eligible units)",
                       lambda: [case_for(catalogue, needs, n) for n in ordered])
    cases = [c for c, _ in built]
    options = clock.time("efficient bundles per household", bundles_for, cases)
    limits = limits_for(catalogue, needs)
    unlimited = clock.time("optimiser, unlimited budget", optimise, cases, options, budget=None, limits=limits)
    budget = int(unlimited.cost * budget_share)
    best = clock.time(f"optimiser, budget {budget_share:.0%} of that ({yuan(budget):,} yuan)", optimise, cases,
                      options, budget=budget, limits=limits)
    base = clock.time("greedy rule, same budget", greedy, cases, options, budget=budget, limits=limits)
    full = clock.time("whole prescription (all stages, same budget)", prescribe, catalogue, needs, budget=budget)
    feasible = sum(1 for bs in options if bs)
    return {"households": len(cases), "feasible": feasible, "unlimited": unlimited, "best": best, "greedy": base,
            "budget": budget, "prescription": full}


def report(figures: dict[str, Any]) -> None:
    from liangfang.plans.prescribe import yuan

    u, b, g = figures["unlimited"], figures["best"], figures["greedy"]
    print(f"  households failing the standard: {figures['households']:,}; can be brought to it: "
          f"{figures['feasible']:,}")
    print(f"  unlimited budget: {u.lifted:,} lifted for {yuan(u.cost):,} yuan ({u.status}, {u.method}, "
          f"{u.variables:,} integer variables)")
    print(f"  budget {yuan(figures['budget']):,} yuan: optimiser {b.lifted:,} lifted for {yuan(b.cost):,} yuan "
          f"({b.status}, {b.method}, {b.variables:,} integer variables); greedy {g.lifted:,} for {yuan(g.cost):,}")
    p = figures["prescription"]
    print(f"  whole prescription: {p.lifted:,} lifted, {len(p.proposals()):,} measures, {yuan(p.cost):,} yuan")


# -- 1. the synthetic district -----------------------------------------------------------------------
def district(scale: float, budget_share: float, keep: Path | None) -> None:
    folder = keep or Path(tempfile.mkdtemp(prefix="lf-plan-"))
    db = folder / "district.sqlite3"
    if db.exists():
        db.unlink()
    os.environ["LIANGFANG_DB"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from liangfang.engine.session import dbapi_session
    from liangfang.plans.services.plans import plan_area
    from liangfang.registry.models import Region
    from liangfang.synth.taobei import build_district

    started = time.perf_counter()
    built = build_district(seed=2020, scale=scale)
    print(f"synthetic district (scale {scale}): {built.households:,} households, {built.registered_households:,} "
          f"registered, built in {time.perf_counter() - started:.1f} s (not timed below)")
    clock = Clock()
    figures = plan_phases(dbapi_session(connection, "sqlite"), "cn-national", budget_share, clock)
    county = Region.objects.get(level="county")
    area = clock.time("plan_area as `liangfang plan --county` runs it (saved)", plan_area, region=county,
                      year=YEAR, budget=Decimal(figures["budget"]) / 100, by="benchmark")
    clock.time("plan_area, unlimited budget, dry run", plan_area, region=county, year=YEAR, budget=None,
               by="benchmark", save=False)
    clock.show(f"Synthetic district, {YEAR}, SQLite ({db})")
    report(figures)
    print(f"  saved run {area.run.pk}: {area.run.households_lifted:,} lifted, {area.run.total_cost:,} yuan")


# -- 2. a 100,000-household county, every household failing -------------------------------------------
def county_rows(households: int, seed: int, share: float = 1.0) -> dict[str, list[tuple[Any, ...]]]:
    """Layout rows: one county, 20 townships, villages of ~330 households; ``share`` of them
    registered and below the line (with dangerous houses, children out of school, uninsured people
    among them), the others general households well above it."""
    import datetime as dt

    from liangfang.ids import make_resident_id

    rng = np.random.default_rng(seed)
    regions: list[tuple[Any, ...]] = [(1, "220000000000", "省", "province", None, False, None, False),
                                      (2, "220800000000", "市", "city", 1, False, None, False),
                                      (3, "220899000000", "县", "county", 2, False, None, False)]
    villages = max(1, households // 330)
    village_ids = []
    for t in range(20):
        tid = 10 + t
        regions.append((tid, f"220899{100 + t:03d}000", f"乡{t}", "township", 3, False, None, False))
    for v in range(villages):
        vid = 1000 + v
        t = v % 20
        regions.append((vid, f"220899{100 + t:03d}{v // 20 + 1:03d}", f"村{v}", "village", 10 + t, True, None, False))
        village_ids.append(vid)
    sizes = rng.choice([1, 2, 3, 4, 5, 6], households, p=[0.3, 0.35, 0.15, 0.1, 0.07, 0.03])
    grade = rng.choice(["A", "B", "C", "D"], households, p=[0.25, 0.35, 0.2, 0.2])
    village = rng.choice(village_ids, households)
    per_capita = rng.uniform(600, 2790, households).round(2)
    hh, members, incomes = [], [], []
    mid = 0
    labour_codes = np.array(["ordinary", "skilled", "weak", "lost", "none"])
    registered = rng.random(households) < share
    for i in range(households):
        hid = i + 1
        poor = bool(registered[i])
        if not poor:
            grade[i] = "B"
            per_capita[i] = float(rng.uniform(5000, 15000))
        unsafe = grade[i] in ("C", "D")
        hh.append((hid, f"H{hid:09d}", int(village[i]), poor, "not_exited" if poor else "general", "none",
                   "general" if poor else "", "national" if poor else "", "illness" if poor else "", "", "",
                   dt.date(2014, 6, 1) if poor else None, None, Decimal("50.0"), str(grade[i]),
                   "not_safe" if unsafe else "appraised_safe", None, "none", None, Decimal("60.0"), "safe", True, 0,
                   0, True, False, "hardened", True, False, Decimal("8.0")))
        for k in range(int(sizes[i])):
            mid += 1
            child = k >= 2 and rng.random() < 0.5
            age = int(rng.integers(6, 16)) if child else int(rng.integers(18, 85))
            born = dt.date(YEAR - age, 3, 1)
            labour = "none" if child else str(labour_codes[rng.choice(5, p=[0.35, 0.05, 0.2, 0.15, 0.25])])
            if age >= 70:
                labour = "none"
            school = "primary" if child else "not_in_school"
            if child and poor and rng.random() < 0.03:
                school = "not_in_school"
            members.append((mid, hid, make_resident_id("220899", born, mid % 999 + 1, "male"), "male", born,
                            "head" if k == 0 else "other", "junior", school, "none",
                            str(rng.choice(["healthy", "chronic", "serious", "disabled"], p=[0.6, 0.25, 0.08, 0.07])),
                            "none", labour, "none", 0, not poor or bool(rng.random() > 0.02), True, True,
                            bool(rng.random() > 0.5), True))
        net = Decimal(str(per_capita[i])) * int(sizes[i])
        incomes.append((hid, YEAR, int(sizes[i]), net, Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0),
                        Decimal(0), Decimal(0), Decimal(0), Decimal(0)))
    facilities = [(vid, YEAR, *(True,) * 13, Decimal("50000.00")) for vid in village_ids]
    return {"regions": regions, "village_facilities": facilities, "households": hh, "members": members,
            "incomes": incomes}


def load_rows(connection: sqlite3.Connection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    from liangfang.layout import TABLES, create_table_sql

    def value(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return v

    for table in TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table.db_table}")
        connection.execute(create_table_sql(table))
        data = rows.get(table.name, [])
        assert all(len(r) == len(table.columns) for r in data), table.name
        marks = ", ".join("?" * len(table.columns))
        connection.executemany(f"INSERT INTO {table.db_table} VALUES ({marks})",
                               [tuple(value(v) for v in r) for r in data])
    # the operational schema's keys and indexes (Django creates these)
    for statement in ("CREATE UNIQUE INDEX r_id ON registry_region (id)",
                      "CREATE UNIQUE INDEX h_id ON registry_household (id)",
                      "CREATE INDEX h_v ON registry_household (village_id)",
                      "CREATE UNIQUE INDEX m_id ON registry_member (id)",
                      "CREATE INDEX m_h ON registry_member (household_id)",
                      "CREATE UNIQUE INDEX i_h ON registry_incomerecord (household_id, year)",
                      "CREATE UNIQUE INDEX f_v ON registry_villagefacilities (village_id, year)"):
        connection.execute(statement)
    connection.commit()


def big_county(households: int, seed: int, budget_share: float, share: float) -> None:
    from liangfang.engine.session import dbapi_session

    started = time.perf_counter()
    rows = county_rows(households, seed, share)
    connection = sqlite3.connect(":memory:")
    load_rows(connection, rows)
    poor = sum(1 for h in rows["households"] if h[3])
    print(f"\ngenerated county: {households:,} households ({poor:,} registered and below the {YEAR} line), "
          f"{len(rows['members']):,} members, in {time.perf_counter() - started:.1f} s (not timed below)")
    clock = Clock()
    figures = plan_phases(dbapi_session(connection, "sqlite"), "cn-national", budget_share, clock)
    phases = [r for r in clock.rows if "unlimited" not in r[0] and "greedy" not in r[0] and "whole" not in r[0]]
    clock.rows.append(("TOTAL to plan (assessment → optimiser, binding budget)", sum(r[1] for r in phases),
                       sum(r[2] for r in phases)))
    clock.show(f"{households:,}-household county ({share:.1%} registered), {YEAR}, SQLite in memory")
    report(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--district-scale", type=float, default=1.0)
    parser.add_argument("--budget-share", type=float, default=0.6, help="budget as a share of the unlimited cost")
    parser.add_argument("--registered", type=float, action="append", default=None,
                        help="share of the county's households registered and poor (repeatable; default 0.084, "
                             "as in Taobei, and 1.0, the worst case)")
    parser.add_argument("--skip-district", action="store_true")
    parser.add_argument("--skip-county", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the district database (kept)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    if not args.skip_district:
        district(args.district_scale, args.budget_share, args.keep)
    if not args.skip_county:
        for share in args.registered or [0.084, 1.0]:
            big_county(args.households, args.seed, args.budget_share, share)


if __name__ == "__main__":
    main()
