"""Time the household cards (明白卡) of a 1,000-household village and one notice of 500 households.

    .venv/bin/python benchmarks/cards.py [--households 1000] [--notice 500] [--plain 100]

Builds, once, a village of N registered households (3 members each, a year's income with
transfers, a responsible cadre, an accepted plan with two measures) in its own SQLite file under
/tmp/procedures/ (reused on the next run), then times, one after the other in one run:
the village's cards as one PDF (``procedures.cards.cards_pdf``: one query batch, one HTML document,
one WeasyPrint layout), the plain way of the same cards for the first ``--plain`` households (one
PDF per household, joined with pypdf: what a loop over a household-card view does), and the notice
of ``--notice`` households (``notice_pdf`` of a posted case). Each PDF is read back with pypdf (pages
counted). Prints wall and CPU seconds (the PDF worker processes' included) and pages per second;
asserts nothing; target ≤ 60 s for the village (BENCHMARKS.md). The village's cards are laid out in
parts of 100 by ``LIANGFANG_PDF_WORKERS`` processes (default: the cores, at most 4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("LIANGFANG_BENCH_DIR", "/tmp/procedures/bench-cards"))


def _cpu() -> float:
    """CPU seconds of this process and of the finished processes it started (the PDF workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(label: str, work: Callable[[], bytes]) -> bytes:
    from pypdf import PdfReader

    wall, cpu = time.perf_counter(), _cpu()
    out = work()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    pages = len(PdfReader(io.BytesIO(out)).pages)
    print(f"{label:<52}{pages:>7}{wall:>9.2f}{cpu:>9.2f}{pages / wall:>11.1f}{len(out) / 1e6:>8.2f}")
    return out


def _build(n: int) -> None:
    from liangfang.ids import make_resident_id
    from liangfang.plans.models import Plan, PlanMeasure
    from liangfang.registry.models import Cadre, CadrePairing, Household, Member
    from liangfang.registry.services.bulk import HouseholdInput
    from liangfang.registry.services.bulk_create import create_many
    from liangfang.registry.services.regions import regions_write_many

    regions_write_many([
        {"code": "220000000000", "name": "吉林省", "level": "province"},
        {"code": "220800000000", "name": "白城市", "level": "city", "parent_code": "220000000000"},
        {"code": "220802000000", "name": "洮北区", "level": "county", "parent_code": "220800000000"},
        {"code": "220802201000", "name": "金祥乡", "level": "township", "parent_code": "220802000000",
         "office_phone": "0436-3620100"},
        {"code": "220802201001", "name": "新建村", "level": "village", "parent_code": "220802201000",
         "is_poor_village": True},
    ], by="bench")
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    items = []
    for i in range(n):
        born = dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28)
        child = dt.date(2010, 1 + i % 12, 1 + i % 28)
        family = surnames[i % 20]
        members = [
            {"resident_id": make_resident_id("220802", born, (3 * i) % 500, "male"), "name": f"{family}建国{i}",
             "sex": "male", "birth_date": born, "relation": "head", "health_status": "chronic"},
            {"resident_id": make_resident_id("220802", born, (3 * i + 1) % 500, "female"),
             "name": f"{surnames[(i + 3) % 20]}秀英{i}", "sex": "female", "birth_date": born, "relation": "spouse"},
            {"resident_id": make_resident_id("220802", child, (3 * i + 2) % 500, "male"),
             "name": f"{family}小明{i}", "sex": "male", "birth_date": child, "relation": "son",
             "school_status": "primary"},
        ]
        items.append(HouseholdInput("220802201001", {
            "number": f"220802201001{i:04d}", "is_registered": True, "status": "not_exited",
            "poverty_attribute": "general", "identification_standard": "national", "main_cause": "illness",
            "first_identified_on": dt.date(2014, 6, 1), "group_name": f"{i % 6 + 1}组", "phone": f"138{i:08d}",
            "bank_account": f"62284800{i:08d}"}, members,
            [{"year": 2020, "household_size": 3, "wage_income": Decimal(8000 + i),
              "transfer_minimum_living": Decimal(1200), "transfer_pension": Decimal(1320),
              "business_expense": Decimal(500)}]))
    create_many(items, by="bench")
    cadres = Cadre.objects.bulk_create([Cadre(name=f"干部{k}", unit_name="区财政局", phone=f"139{k:08d}",
                                              unit_level="county") for k in range(n // 5 + 1)])
    homes = list(Household.objects.order_by("number"))
    CadrePairing.objects.bulk_create([CadrePairing(cadre=cadres[k // 5], household=h, village_id=h.village_id,
                                                   start_date=dt.date(2016, 1, 1)) for k, h in enumerate(homes)])
    plans = Plan.objects.bulk_create([Plan(household=h, year=2020, version=1, status="accepted", pack="cn-national",
                                           created_by="bench") for h in homes])
    heads = dict(Member.objects.filter(relation="head").values_list("household_id", "pk"))
    PlanMeasure.objects.bulk_create([
        PlanMeasure(plan=p, measure=code, member_id=heads[p.household_id] if cat == "health" else None,
                    stage="close", status="accepted", category=cat, cost=Decimal(cost), fund_source="fiscal",
                    due_date=dt.date(2020, 10, 31), reason_zh="-", reason_en="-")
        for p in plans for code, cat, cost in (("courtyard_economy", "industry", "3000"),
                                               ("serious_illness_relief", "health", "8000"))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--notice", type=int, default=500)
    parser.add_argument("--plain", type=int, default=100)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ["LIANGFANG_DB"] = str(DATA / f"cards-{args.households}.sqlite3")
    os.environ["LIANGFANG_VAR"] = str(DATA)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from pypdf import PdfReader, PdfWriter

    from benchmarks.machine import python_speed
    from liangfang.accounts.roles import ROLES, VILLAGE_CADRE
    from liangfang.procedures.actors import Actor
    from liangfang.procedures.cards import cards_pdf, village_households
    from liangfang.procedures.notice_pdf import notice_pdf
    from liangfang.procedures.services import case_open
    from liangfang.procedures.services.notices import notice_post
    from liangfang.registry.models import Household, Region

    call_command("migrate", verbosity=0)
    if not Household.objects.exists():
        started = time.perf_counter()
        _build(args.households)
        print(f"built {args.households:,} households in {time.perf_counter() - started:.1f} s")
    village = Region.objects.get(code="220802201001")
    households = village_households(village.pk)
    printer = ROLES[VILLAGE_CADRE]  # cards are printed by the village's cadres
    print(f"python speed {python_speed():.2f} s; {len(households):,} households")
    print(f"{'':<52}{'pages':>7}{'wall s':>9}{'cpu s':>9}{'pages/s':>11}{'MB':>8}")
    _timed(f"cards of the village, one PDF ({len(households):,})", lambda: cards_pdf(households, 2020, printer))

    def plain() -> bytes:
        writer = PdfWriter()
        for h in households[:args.plain]:
            for page in PdfReader(io.BytesIO(cards_pdf([h], 2020, printer))).pages:
                writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    _timed(f"plain: one PDF per household, joined ({args.plain})", plain)

    with transaction.atomic():
        cadre = Actor("bench", "village_cadre", village)
        today = dt.date(2020, 11, 2)
        case = case_open(kind="household_exit", year=2020, households=households[:args.notice], on=today, actor=cadre,
                         pack=str(ROOT / "benchmarks" / "cards-pack.yaml"))
        notice = notice_post(case=case, expected_version=case.version, on=today, actor=cadre)
        _timed(f"notice of {args.notice} households", lambda: notice_pdf(notice))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
