"""Small builders of valid registry data for tests: regions, households, members."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from liangfang.ids import make_resident_id
from liangfang.registry.models import Region
from liangfang.registry.services.regions import regions_write_many

COUNTY = "220802000000"
TOWNSHIP = "220802201000"
VILLAGE = "220802201001"
OTHER_VILLAGE = "220802201002"

_seq = itertools.count(1)


def make_regions() -> dict[str, Region]:
    """吉林省 → 白城市 → 洮北区 → 金祥乡 → 新建村 and 红日村."""
    regions_write_many([
        {"code": "220000000000", "name": "吉林省", "level": "province"},
        {"code": "220800000000", "name": "白城市", "level": "city", "parent_code": "220000000000"},
        {"code": COUNTY, "name": "洮北区", "level": "county", "parent_code": "220800000000"},
        {"code": TOWNSHIP, "name": "金祥乡", "level": "township", "parent_code": COUNTY},
        {"code": VILLAGE, "name": "新建村", "level": "village", "parent_code": TOWNSHIP,
         "is_poor_village": True},
        {"code": OTHER_VILLAGE, "name": "红日村", "level": "village", "parent_code": TOWNSHIP},
    ], by="test")
    return {r.code: r for r in Region.objects.all()}


def member_data(relation: str = "head", *, born: dt.date = dt.date(1960, 5, 1), sex: str = "male",
                **extra: Any) -> dict[str, Any]:
    n = next(_seq)
    return {
        "resident_id": make_resident_id("220802", born, n, sex),
        "name": f"测试{n}",
        "sex": sex,
        "birth_date": born,
        "relation": relation,
        "medical_insurance": True,
        **extra,
    }


def household_data(number: str | None = None, **extra: Any) -> dict[str, Any]:
    n = next(_seq)
    return {
        "number": number or f"{VILLAGE}{n:04d}",
        "is_registered": True,
        "status": "not_exited",
        "poverty_attribute": "general",
        "identification_standard": "national",
        "main_cause": "illness",
        "first_identified_on": dt.date(2014, 6, 1),
        "housing_grade": "B",
        **extra,
    }


def income_data(year: int = 2020, **amounts: Any) -> dict[str, Any]:
    return {"year": year, **{k: Decimal(str(v)) for k, v in amounts.items()}}
