"""Time `liangfang import` of a 100,000-member workbook into a fresh SQLite database.

    .venv/bin/python benchmarks/import_members.py [--members 100000] [--profile] [--keep DIR]
        [--book FILE] [--postgres URL]

Outside the timed part it builds a workbook of about 40,000 households with a 区划 sheet and one
income year (about a minute; --keep DIR keeps it, --book FILE reuses it). It then times, in the
same run: a bare python-calamine read of the file (the floor: no import can be faster than
reading it), the import (read, check, write in one transaction), a second import of the same
file (everything unchanged) and an export. Wall and CPU seconds are both printed: on a shared
machine other work stretches wall time. Prints figures; asserts nothing.

--reassess then runs the 2020 assessment and times what a save adds once assessments are stored
(issue 14, finding 10): households_reassess of every household (an import that changes them all
re-assesses them after its commit, in one engine run per stored run), of one household, and one
household's income saved through the service, the re-assessment included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import python_speed  # noqa: E402

PROVINCE, CITY, COUNTY = "220000000000", "220800000000", "220802000000"
TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 13
SIZES = (1, 2, 3, 4, 5, 6)
SIZE_WEIGHTS = (22, 30, 24, 15, 6, 3)  # mean ≈ 2.5 people per household


def _regions() -> tuple[list[list[object]], list[str]]:
    rows: list[list[object]] = [
        [PROVINCE, "吉林省", "省", None, None, None, "否"],
        [CITY, "白城市", "市", PROVINCE, None, None, "否"],
        [COUNTY, "洮北区", "县（区）", CITY, None, 2020, "否"],
    ]
    villages = []
    for t in range(1, TOWNSHIPS + 1):
        township = f"220802{200 + t:03d}000"
        rows.append([township, f"第{t}乡", "乡（镇）", COUNTY, None, None, "否"])
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
            code = f"{township[:9]}{v:03d}"
            poor = v % 3 == 0
            rows.append([code, f"第{t}乡{v}村", "行政村", township, "是" if poor else "否",
                         2019 if poor else None, "否"])
            villages.append(code)
    return rows, villages


def build_workbook(path: Path, members: int, seed: int = 2020) -> tuple[int, int]:
    """Write the benchmark workbook; returns (households, members)."""
    from openpyxl import Workbook

    from liangfang.ids import make_resident_id
    from liangfang.registry.importers.workbook import INCOMES_SPEC, MEMBERS_SPEC, REGIONS_SPEC

    rng = random.Random(seed)
    region_rows, villages = _regions()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(MEMBERS_SPEC.name)
    ws.append([c.header for c in MEMBERS_SPEC.columns])
    incomes = wb.create_sheet(INCOMES_SPEC.name)
    income_columns = [c for c in INCOMES_SPEC.columns if not c.computed]
    incomes.append([c.header for c in income_columns])
    regions = wb.create_sheet(REGIONS_SPEC.name)
    regions.append([c.header for c in REGIONS_SPEC.columns])
    for region_row in region_rows:
        regions.append(region_row)
    header_index = {c.header: i for i, c in enumerate(MEMBERS_SPEC.columns)}
    width = len(MEMBERS_SPEC.columns)
    used: set[str] = set()

    def person_id(born: dt.date, sex: str) -> tuple[str, dt.date]:
        """A resident ID not used before, and the birth date it encodes."""
        while True:
            rid = make_resident_id("220802", born, rng.randrange(500), sex)
            if rid not in used:
                used.add(rid)
                return rid, born
            born += dt.timedelta(days=1)

    done = households = 0
    while done < members:
        households += 1
        size = min(rng.choices(SIZES, SIZE_WEIGHTS)[0], members - done)
        village = villages[households % len(villages)]
        registered = rng.random() < 0.3
        status = rng.choice(("已脱贫", "已脱贫", "未脱贫")) if registered else "一般农户"
        house: dict[str, object] = {
            "户编号": f"{village}{households:05d}", "行政村代码": village, "村民小组": f"{rng.randint(1, 6)}屯",
            "是否建档立卡户": "是" if registered else "否", "贫困户状态": status,
            "住房面积（㎡）": rng.randint(30, 120), "住房安全等级": rng.choice(("A级", "B级")),
            "饮水水质": "达标（GB 5749）", "自来水入户": "是", "人均日供水量（升）": 60, "通生活用电": "是",
            "入户路类型": "硬化路", "有卫生厕所": rng.choice(("是", "否")),
            "耕地面积（亩）": round(rng.uniform(0, 30), 1),
            "联系电话": f"139{rng.randrange(10**8):08d}",
        }
        if registered:
            house.update({"贫困户属性": rng.choice(("一般贫困户", "低保贫困户")), "识别标准": "国家标准",
                          "主要致贫原因": rng.choice(("因病", "因残", "缺技术", "缺劳力")),
                          "首次识别时间": dt.date(2014, rng.randint(1, 12), 1)})
            if status == "已脱贫":
                house["脱贫年度"] = rng.randint(2015, 2020)
        head_born = dt.date(rng.randint(1940, 1985), rng.randint(1, 12), rng.randint(1, 28))
        for k in range(size):
            if k == 0:
                relation, born, sex = "户主", head_born, rng.choice(("male", "female"))
            elif k == 1 and size > 2:
                relation, born, sex = "配偶", head_born + dt.timedelta(days=rng.randint(-900, 900)), "female"
            else:
                sex = rng.choice(("male", "female"))
                relation = "之子" if sex == "male" else "之女"
                born = dt.date(min(head_born.year + rng.randint(20, 35), 2019), rng.randint(1, 12), rng.randint(1, 28))
            row: list[object] = [None] * width
            for header, value in house.items():
                row[header_index[header]] = value
            row[header_index["身份证号码"]], born = person_id(born, sex)
            row[header_index["姓名"]] = f"成员{households}-{k}"
            row[header_index["性别"]] = "男" if sex == "male" else "女"
            row[header_index["出生日期"]] = born
            row[header_index["与户主关系"]] = relation
            row[header_index["健康状况"]] = rng.choice(("健康", "健康", "健康", "长期慢性病"))
            row[header_index["劳动技能"]] = rng.choice(("普通劳动力", "弱劳动力或半劳动力", "无劳动力"))
            row[header_index["参加基本医疗保险"]] = "是"
            ws.append(row)
            done += 1
        incomes.append([house["户编号"], 2020, rng.randint(0, 30000), rng.randint(0, 8000), 0, 0,
                        rng.choice((0, 2400)), 0, rng.choice((0, 1236)), 0, 0, rng.randint(0, 2000), size])
    wb.save(path)
    return households, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="profile the import with pyinstrument")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the files")
    parser.add_argument("--book", type=Path, help="import this workbook instead of building one")
    parser.add_argument("--reassess", action="store_true",
                        help="then assess 2020 and time re-assessing every household and a single save")
    parser.add_argument("--postgres", metavar="URL",
                        help="import into this EMPTY PostgreSQL database instead of a fresh SQLite file")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="lf-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.sqlite3"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["LIANGFANG_DB"] = str(db)
    from liangfang.cli.app import migrate, setup_django

    setup_django()
    migrate()
    from liangfang.registry.models import Household

    if Household.objects.exists():
        sys.exit("the database already holds households; give an empty one")
    from python_calamine import CalamineWorkbook

    from liangfang.registry.export import export_workbook
    from liangfang.registry.importers import import_file

    if args.book:
        book, members = args.book, args.members
    else:
        book = folder / "members.xlsx"
        started = time.perf_counter()
        households, members = build_workbook(book, args.members)
        print(f"built {book.name}: {members:,} members, {households:,} households, "
              f"{book.stat().st_size / 2**20:.1f} MiB in {time.perf_counter() - started:.1f} s (not timed)")

    yardstick = python_speed()
    started, cpu = time.perf_counter(), time.process_time()
    wb = CalamineWorkbook.from_path(str(book))
    cells = sum(len(r) for name in wb.sheet_names for r in wb.get_sheet_by_name(name).to_python())
    floor, floor_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"baseline  python-calamine read of every sheet ({cells:,} cells): {floor:.2f} s (CPU {floor_cpu:.2f} s)")

    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    started, cpu = time.perf_counter(), time.process_time()
    result = import_file(book, by="benchmark")
    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        profiler.stop()
    if result.errors:
        print(f"import FAILED with {len(result.errors)} errors, first: {result.errors[0]}")
        sys.exit(1)
    print(f"import    {elapsed:.2f} s (CPU {elapsed_cpu:.2f} s)  {members / elapsed:,.0f} member rows/s, "
          f"{elapsed / floor:.1f}× the bare read (CPU {elapsed_cpu / floor_cpu:.1f}×)\n          → {result.report}")

    started, cpu = time.perf_counter(), time.process_time()
    again = import_file(book, by="benchmark")
    second, second_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert again.report is not None
    print(f"re-import {second:.2f} s (CPU {second_cpu:.2f} s)  {members / second:,.0f} rows/s; unchanged "
          f"households: {again.report.households_unchanged:,}")
    started, cpu = time.perf_counter(), time.process_time()
    exported = export_workbook(folder / "export.xlsx")
    out, out_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"export    {out:.2f} s (CPU {out_cpu:.2f} s)  {exported.members:,} members, {exported.households:,} "
          f"households, {exported.incomes:,} incomes to {exported.path.name}")
    if args.reassess:
        _time_reassessment()
    print(f"yardstick: 10M Python additions took {yardstick:.2f} s of CPU before the runs, "
          f"{python_speed():.2f} s after (an idle core of this machine: about 0.4 s)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other work on the machine stretches wall time; CPU time does not include waiting)")
    if profiler is not None:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    if not args.keep:
        for f in folder.iterdir():  # only files this script made in its own temporary folder
            f.unlink()
        folder.rmdir()


def _timed(label: str, call: object) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    out = call()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.3f} s (CPU {time.process_time() - cpu:.3f} s) -> {out}")
    return elapsed


def _time_reassessment() -> None:
    from statistics import median

    from liangfang.assessments.services import WHOLE_RUN_FROM, assessment_run, households_reassess
    from liangfang.registry.models import Household, IncomeRecord
    from liangfang.registry.services.households import income_set

    _timed("assess 2020 (the whole registry, stored)", lambda: assessment_run(year=2020, by="benchmark").summary[
        "households"]["assessed"])
    ids = list(Household.objects.order_by("id").values_list("id", flat=True))
    _timed(f"re-assess all {len(ids):,} households (what an import changing each adds after its commit)",
           lambda: households_reassess(ids))
    part = ids[:WHOLE_RUN_FROM - 1]
    _timed(f"re-assess {len(part):,} households (the largest batch replaced household by household)",
           lambda: households_reassess(part))
    one = Household.objects.filter(is_registered=True).order_by("id").first()
    assert one is not None
    singles = [_timed(f"re-assess one household ({one.number}), try {i + 1}", lambda: households_reassess([one.pk]))
               for i in range(5)]
    print(f"re-assess one household: median {median(singles):.3f} s")
    record = IncomeRecord.objects.get(household=one, year=2020)
    saves = []
    for i in range(5):
        h = Household.objects.get(pk=one.pk)
        wage = record.wage_income + i + 1
        saves.append(_timed(f"income saved through income_set, re-assessment on commit included, try {i + 1}",
                            lambda h=h, wage=wage: income_set(household=h, year=2020, data={"wage_income": wage},
                                                              expected_version=h.version, by="benchmark").pk))
    print(f"single save with its re-assessment: median {median(saves):.3f} s")


if __name__ == "__main__":
    main()
