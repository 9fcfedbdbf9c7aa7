"""Benchmark: the household list's search by the last 4–6 characters of a resident ID, on a county.

A county of ``--households`` households (3.5 members each, in 200 villages) is written into a fresh
database; then, side by side in one run, the same random tails are searched two ways:

- **indexed** — ``registry.household_search.search_condition("id_tail", …)``: the members' stored
  last four characters (a generated, indexed column), then ``endswith`` among those few;
- **scan** — what it replaced: ``EXISTS (member … resident_id LIKE '%1234')`` per household.

Both run inside the county's code prefix, as the list does, and must find the same households.
Prints median and 90th-percentile milliseconds; asserts nothing but that both agree.

    .venv/bin/python benchmarks/id_tail_search.py                        # SQLite, 100,000 households
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres LIANGFANG_BENCH_DB=bench_usable \\
        .venv/bin/python benchmarks/id_tail_search.py                    # a PostgreSQL database of its own
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(households: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = os.environ.get("LIANGFANG_BENCH_DB")
        if not name or name == "postgres":
            sys.exit("give LIANGFANG_BENCH_DB, a database of the benchmark's own (never the real one)")
        import psycopg

        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    else:
        folder = tempfile.mkdtemp(prefix="usable-bench-", dir="/tmp/usable" if Path("/tmp/usable").is_dir() else None)
        os.environ["LIANGFANG_DB"] = str(Path(folder) / "db.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _county(households)
    from django.db import connection

    with connection.cursor() as cursor:  # the statistics a live database has (autovacuum, or ANALYZE)
        cursor.execute("ANALYZE")


def _county(households: int) -> None:
    from liangfang.ids import make_resident_id
    from liangfang.registry.models import Household, Member, Region

    county = Region.objects.create(code="220802000000", name="洮北区", level="county")
    township = Region.objects.create(code="220802201000", name="金祥乡", level="township", parent=county)
    villages = Region.objects.bulk_create([Region(code=f"220802201{v:03d}", name=f"村{v}", level="village",
                                                  parent=township) for v in range(1, 201)])
    rng = random.Random(7)
    batch = 5000
    for start in range(0, households, batch):
        made = Household.objects.bulk_create([Household(
            number=f"{villages[i % 200].code}{i:06d}", village=villages[i % 200], is_registered=False,
            status="general") for i in range(start, min(start + batch, households))])
        members = []
        for h in made:
            for n in range(rng.choice((2, 3, 4, 5))):
                born = dt.date(1940 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))
                members.append(Member(household=h, resident_id=make_resident_id(
                    "220802", born, rng.randrange(1, 999), "male" if n % 2 else "female"),
                    name=f"成员{h.pk}-{n}", sex="male" if n % 2 else "female", birth_date=born,
                    relation="head" if n == 0 else "child", is_active=True))
        Member.objects.bulk_create(members, ignore_conflicts=True)


def _load() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    _setup(args.households)
    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from liangfang.registry.household_search import search_condition
    from liangfang.registry.models import Household, Member

    print(f"{connection.vendor}: {Household.objects.count():,} households, {Member.objects.count():,} members, "
          f"written in {time.perf_counter() - started:.0f} s; load {_load()}")
    ids = list(Member.objects.values_list("resident_id", flat=True)[:: max(1, Member.objects.count() // 2000)])
    rng = random.Random(11)
    tails = [rid[-rng.choice((4, 5, 6)):] for rid in rng.sample(ids, min(args.searches, len(ids)))]
    in_county = Q(village__code__startswith="220802")

    def indexed(typed: str) -> set[int]:
        return set(Household.objects.filter(in_county, search_condition("id_tail", typed)).values_list("pk", flat=True))

    def scan(typed: str) -> set[int]:
        members = Member.objects.filter(household=OuterRef("pk"), resident_id__endswith=typed)
        return set(Household.objects.filter(in_county).filter(Q(number__startswith=typed) | Q(Exists(members)))
                   .values_list("pk", flat=True))

    timings: dict[str, list[float]] = {"indexed": [], "scan": []}
    for typed in tails:  # side by side, alternating, so that the machine's noise falls on both
        found = {}
        for name, search in (("indexed", indexed), ("scan", scan)):
            t = time.perf_counter()
            found[name] = search(typed)
            timings[name].append((time.perf_counter() - t) * 1000)
        assert found["indexed"] == found["scan"], typed
    for name, ms in timings.items():
        ms.sort()
        print(f"  {name:<8} median {statistics.median(ms):8.2f} ms   p90 {ms[int(len(ms) * 0.9)]:8.2f} ms   "
              f"({len(ms)} searches of 4–6 characters)")
    print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
