"""Synthetic registry rows for the web load benchmark, written with PostgreSQL COPY (no ORM per
row): one county of ``townships × villages`` villages and ``households`` households with their
members (about three each), one income year each, and responsible cadres for the registered.

Every NOT NULL column is filled (Django sets defaults in Python, not in the database), values come
from the registry's code lists, and resident IDs are valid and unique.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from liangfang.ids import check_character
from liangfang.registry.models import Cadre, CadrePairing, Household, IncomeRecord, Member, Region

PROVINCE, CITY, COUNTY = "220000000000", "220800000000", "220802000000"
CAUSES = ("illness", "disability", "schooling", "lack_labor", "lack_skills", "lack_funds", "disaster")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红春梅海波宁建国志林凤云飞鹏亮"
START = dt.date(1940, 1, 1)
DAYS = (dt.date(2014, 12, 31) - START).days


def _copy(model: type[Model], rows: Iterator[dict[str, Any]], progress: Callable[[int], None] | None) -> int:
    """COPY rows into the model's table; missing columns get the field default ('' or NULL)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.get_internal_type() in ("DateTimeField",):
            defaults[f.attname] = timezone.now()
        elif not f.null:
            defaults[f.attname] = ""
        else:
            defaults[f.attname] = None
    columns = [str(f.column) for f in fields]
    names = [f.attname for f in fields]
    n = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        sql = f'COPY {model._meta.db_table} ({", ".join(columns)}) FROM STDIN'
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(k, defaults[k]) for k in names])
                n += 1
                if progress and n % 50_000 == 0:
                    progress(50_000)
    if progress:
        progress(n % 50_000)
    return n


def resident_id(region6: str, index: int, male: bool) -> tuple[str, dt.date]:
    """A valid, unique number for person ``index`` (birth day and sequence enumerate the index)."""
    born = START + dt.timedelta(days=index % DAYS)
    seq = (index // DAYS) % 500 * 2 + (1 if male else 0)
    first17 = f"{region6}{born:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17), born


def build(*, households: int, townships: int, villages_per_township: int, seed: int = 2020,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    county = _regions(townships, villages_per_township)
    villages = list(Region.objects.filter(level="village").order_by("code").values_list("id", "code"))
    cadres = [Cadre(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    unit_name=f"区直部门{i % 104 + 1}", unit_level="county", post="干部", phone=f"139{i:08d}")
              for i in range(2400)]
    Cadre.objects.bulk_create(cadres, batch_size=1000)
    cadre_ids = list(Cadre.objects.values_list("id", flat=True))
    # Households are entered village by village, as a registry is, so a village's rows sit together.
    plan = [_household_plan(rng, i, villages[i * len(villages) // households]) for i in range(households)]
    counts = {"households": _copy(Household, (p["row"] for p in plan), progress)}
    ids = dict(Household.objects.values_list("number", "id"))
    counts["members"] = _copy(Member, _members(rng, plan, ids), progress)
    counts["incomes"] = _copy(IncomeRecord, _incomes(rng, plan, ids), progress)
    pairings = ({"cadre_id": rng.choice(cadre_ids), "household_id": ids[p["row"]["number"]],
                 "village_id": p["row"]["village_id"], "start_date": dt.date(2016, 1, 1)}
                for p in plan if p["row"]["is_registered"])
    counts["pairings"] = _copy(CadrePairing, pairings, progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # statistics, and the visibility map for index-only scans
    counts["villages"] = len(villages)
    counts["county"] = county
    return counts


def _regions(townships: int, per_township: int) -> int:
    rows = [Region(code=PROVINCE, name="吉林省", level="province")]
    Region.objects.bulk_create(rows)
    province = Region.objects.get(code=PROVINCE)
    city = Region.objects.create(code=CITY, name="白城市", level="city", parent=province)
    county = Region.objects.create(code=COUNTY, name="洮北区", level="county", parent=city)
    for t in range(1, townships + 1):
        township = Region.objects.create(code=f"220802{100 + t:03d}000", name=f"第{t}乡", level="township",
                                         parent=county)
        Region.objects.bulk_create([
            Region(code=f"220802{100 + t:03d}{v:03d}", name=f"{t}乡{v}村", level="village", parent=township,
                   is_poor_village=v % 3 == 0, exit_year=2019 if v % 6 == 0 else None)
            for v in range(1, per_township + 1)])
    return county.pk


def _household_plan(rng: random.Random, i: int, village: tuple[int, str]) -> dict[str, Any]:
    village_id, code = village
    registered = rng.random() < 0.12
    status = "general"
    if registered:
        status = rng.choices(("exited", "not_exited", "relapsed"), (90, 9, 1))[0]
    row: dict[str, Any] = {
        "number": f"{code}{i:07d}", "village_id": village_id, "is_registered": registered, "status": status,
        "housing_grade": rng.choices("ABCD", (50, 40, 7, 3))[0], "water_quality": "safe", "water_piped": True,
        "water_litres_per_day": Decimal(60), "road_type": "hardened", "phone": f"138{i:08d}",
        "cultivated_area": Decimal(rng.randint(0, 60)),
    }
    if registered:
        main = rng.choice(CAUSES)
        row.update(poverty_attribute=rng.choices(("general", "low_income", "destitute"), (70, 25, 5))[0],
                   identification_standard="national", main_cause=main,
                   first_identified_on=dt.date(2014, rng.randint(1, 12), 1),
                   exit_year=rng.randint(2015, 2020) if status in ("exited", "relapsed") else None,
                   bank_name="农村信用社", bank_account=f"62284800{i:010d}")
    return {"row": row, "size": rng.choices((1, 2, 3, 4, 5, 6), (15, 28, 25, 18, 9, 5))[0], "index": i}


def _members(rng: random.Random, plan: list[dict[str, Any]], ids: dict[str, int]) -> Iterator[dict[str, Any]]:
    person = 0
    relations = ("head", "spouse", "son", "daughter", "parent", "grandchild")
    for p in plan:
        household_id = ids[p["row"]["number"]]
        for k in range(p["size"]):
            male = rng.random() < 0.5 if k else True
            rid, born = resident_id("220802", person, male)
            person += 1
            yield {
                "household_id": household_id, "resident_id": rid, "sex": "male" if male else "female",
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + ("" if rng.random() < 0.3 else
                                                                   rng.choice(GIVEN)),
                "birth_date": born, "relation": relations[k], "medical_insurance": rng.random() < 0.99,
                "serious_illness_insurance": rng.random() < 0.97, "pension_insurance": rng.random() < 0.85,
                "family_doctor": rng.random() < 0.9,
                "health_status": rng.choices(("healthy", "chronic", "serious", "disabled"), (80, 12, 4, 4))[0],
                "school_status": "primary" if born.year >= 2009 else "not_in_school",
            }


def _incomes(rng: random.Random, plan: list[dict[str, Any]], ids: dict[str, int]) -> Iterator[dict[str, Any]]:
    for p in plan:
        yield {"household_id": ids[p["row"]["number"]], "year": 2020, "household_size": p["size"],
               "wage_income": Decimal(rng.randint(2000, 30000)), "business_income": Decimal(rng.randint(0, 8000)),
               "transfer_pension": Decimal(rng.randint(0, 2400)), "business_expense": Decimal(rng.randint(0, 3000))}
