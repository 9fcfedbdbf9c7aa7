"""Each household's housing, drinking water, living and production conditions, group (屯),
first identification date and bank, drawn for all households at once (numpy).

Housing follows the plan: a renovated house keeps the C/D grade that put it on the dangerous-
house list and records how (危房改造) and when; a relocated household records its move-in year;
a remaining household planned to fail on housing lives in a D-grade house not yet made safe;
every other house is appraised A or B. Water: households of a village with piped water in 2020
have it at the tap (96% of general households), 80–150 L a person a day; the others fetch it
within 10 minutes, 60–100 L. Registered households' water quality is safe; 10% of general
households without piped water have water of basic quality only. The 76 villages with hardened
roads to every door (户户通) have them for every household.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from .plan import HouseholdPlan

_BANKS = ("中国邮政储蓄银行", "中国农业银行", "吉林银行", "农村信用合作社")
_BANK_WEIGHTS = (45, 25, 10, 20)
_ZERO = Decimal("0.00")


def _tenths(values: np.ndarray) -> list[Decimal]:
    """Amounts to one decimal place, written with two (as the field table cleans decimals);
    equal amounts share one Decimal."""
    tenths = np.rint(np.asarray(values) * 10).astype(np.int64)
    distinct, inverse = np.unique(tenths, return_inverse=True)
    made = [Decimal(t * 10).scaleb(-2) if t else _ZERO for t in distinct.tolist()]
    return list(map(made.__getitem__, inverse.ravel().tolist()))


def _pick(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(weights) - 1)


def _ints(values: np.ndarray, valid: np.ndarray) -> list[int | None]:
    return [int(v) if ok else None for v, ok in zip(values.tolist(), valid.tolist(), strict=True)]


def dwellings(rng: np.random.Generator, plans: Sequence[HouseholdPlan], piped_villages: set[str],
              door_to_door: frozenset[str]) -> list[dict[str, Any]]:
    """One dict of household fields per plan (not yet the phone, which needs unique numbers)."""
    n = len(plans)
    registered = np.array([p.registered for p in plans])
    work = np.array([p.housing_work for p in plans])
    work_year = np.array([p.work_year or 0 for p in plans])
    unsafe = np.array(["housing" in p.fails for p in plans])
    codes = [p.village.code for p in plans]
    renovated, relocated = work == "renovated", work == "relocated"

    # Housing.
    area = np.where(registered, rng.uniform(32, 75, n), rng.uniform(50, 130, n))
    area = np.where(relocated, rng.uniform(50, 60, n), area)
    grade = np.where(renovated, np.where(rng.random(n) < 0.65, "D", "C"),
                     np.where(relocated | unsafe, "D", np.where(rng.random(n) < 0.4, "A", "B")))
    via = np.select([renovated, relocated, unsafe], ["renovated", "relocated", "not_safe"], "appraised_safe")
    mode = np.where(relocated, np.where(rng.random(n) < 0.6, "centralised", "scattered"), "none")

    # Water.
    in_piped_village = np.array([c in piped_villages for c in codes])
    piped = in_piped_village & (registered | (rng.random(n) < 0.96))
    litres = np.where(piped, rng.uniform(80, 150, n), rng.uniform(60, 100, n))
    fetch = np.where(piped, 0, rng.integers(2, 11, n))
    days = np.where(piped, rng.integers(0, 4, n), rng.integers(0, 11, n))
    quality = np.where(piped | registered | (rng.random(n) < 0.9), "safe", "basic")

    # Living and production conditions.
    to_door = np.array([c in door_to_door for c in codes])
    road = np.where(to_door, "hardened", np.array(["hardened", "gravel", "dirt"])[_pick(rng, (55, 35, 10), n)])
    hard = road == "hardened"
    distance = np.where(hard, rng.uniform(0, 0.5, n), rng.uniform(0.2, 2.5, n))
    size = np.array([p.size for p in plans])
    cultivated = size * np.where(registered, rng.uniform(2.5, 7, n), rng.uniform(3.5, 10, n))
    irrigated = cultivated * rng.uniform(0, 0.4, n)
    forest = np.where(rng.random(n) < 0.08, rng.uniform(2, 15, n), 0)
    grassland = np.where(rng.random(n) < 0.05, rng.uniform(5, 40, n), 0)

    # Group, identification date, bank.
    groups = (rng.random(n) * np.array([len(p.village.groups) for p in plans])).astype(np.int64).tolist()
    identified = dt.date(2014, 4, 1).toordinal() + rng.integers(0, 214, n)
    bank = np.array(_BANKS)[_pick(rng, _BANK_WEIGHTS, n)]
    account = rng.integers(0, 10**17, n)
    wants_phone = rng.random(n) < np.where(registered, 0.95, 0.85)

    columns: dict[str, list[Any]] = {
        "group_name": [p.village.groups[g][1] for p, g in zip(plans, groups, strict=True)],
        "first_identified_on": [dt.date.fromordinal(int(o)) if r else None
                                for o, r in zip(identified.tolist(), registered.tolist(), strict=True)],
        "phone": wants_phone.tolist(),
        "bank_name": [b if r else None for b, r in zip(bank.tolist(), registered.tolist(), strict=True)],
        "bank_account": [f"62{a:017d}" if r else None for a, r in zip(account.tolist(), registered.tolist(),
                                                                      strict=True)],
        "housing_area": _tenths(area),
        "housing_grade": grade.tolist(),
        "housing_safety_via": via.tolist(),
        "housing_renovated_year": _ints(work_year, renovated),
        "relocation_mode": mode.tolist(),
        "relocation_year": _ints(work_year, relocated),
        "water_piped": piped.tolist(),
        "water_litres_per_day": _tenths(litres),
        "water_fetch_minutes": fetch.tolist(),
        "water_days_without": days.tolist(),
        "water_quality": quality.tolist(),
        "power_living": [True] * n,
        "power_production": (rng.random(n) < 0.75).tolist(),
        "road_type": road.tolist(),
        "distance_to_main_road_km": _tenths(distance),
        "sanitary_toilet": (rng.random(n) < np.where(registered, 0.45, 0.55)).tolist(),
        "in_cooperative": (rng.random(n) < np.where(registered, 0.4, 0.15)).tolist(),
        "cultivated_area": _tenths(cultivated),
        "irrigated_area": _tenths(irrigated),
        "forest_area": _tenths(forest),
        "grassland_area": _tenths(grassland),
    }
    keys = tuple(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]
