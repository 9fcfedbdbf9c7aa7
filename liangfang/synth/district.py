"""Generating the synthetic Taobei-like district in memory (no database): the region tree,
village facilities, households with members and yearly incomes, departments and cadres.

Households are built from their plan (``plan.py``): a household exits in year E because its data
says so — per-capita net income above the line from E on, housing made safe by E, everyone
insured, every school-age child in school or exempt, safe water. Remaining households fail at
least one of these in 2020. General households are above the line in every year and meet
三保障 too, so the district has no missed-poor (漏评) households by design.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from ..domain.inputs import HouseholdInput
from .dwelling import dwellings
from .facilities import door_to_door_villages, facility_rows
from .family import Person, Profile, family
from .geography import District, taobei_district
from .identity import PhoneBook, ResidentIds
from .incomes import (
    ATTR_DESTITUTE,
    ATTR_LOW_INCOME,
    ATTR_NONE,
    EXITED,
    FAILS_INCOME,
    FAILS_OTHER,
    GENERAL,
    ITEMS,
    IncomeInputs,
    household_incomes,
)
from .names import NameMaker
from .partners import Partners, make_partners
from .people import Members, member_dicts
from .plan import Headline, HouseholdPlan, headline, plan_households

YEARS = tuple(range(2014, 2021))
MAIN_CAUSES: dict[str, float] = {
    "illness": 42, "disability": 18, "lack_labor": 14, "lack_funds": 7, "lack_skills": 6, "schooling": 4,
    "disaster": 3, "lack_land": 2, "lack_motivation": 2, "poor_transport": 1, "lack_water": 0.5, "other": 0.5,
}
LOW_INCOME_CHANCE = {"illness": 0.38, "disability": 0.5, "lack_labor": 0.5}
_ZERO = Decimal("0.00")


@dataclass
class SynthDistrict:
    seed: int
    target: Headline
    district: District
    region_rows: list[dict[str, object]]
    facility_rows: list[dict[str, object]]
    households: list[HouseholdInput]
    partners: Partners


def money(cents: int) -> Decimal:
    """Whole cents as a two-place Decimal, as the field table cleans money."""
    return Decimal(cents).scaleb(-2) if cents else _ZERO


def _causes(rng: random.Random, plan: HouseholdPlan) -> tuple[str, tuple[str, ...]]:
    names, weights = list(MAIN_CAUSES), list(MAIN_CAUSES.values())
    while True:
        main = rng.choices(names, weights)[0]
        # Schooling costs need a student; a household planned with a child out of school has none.
        if main != "schooling" or (plan.size >= 2 and "schooling" not in plan.fails):
            break
    roll = rng.random()
    count = 0 if roll < 0.35 else 1 if roll < 0.8 else 2
    others: list[str] = []
    # One person cannot be both ill and disabled (health is a single status).
    clash = {"illness": "disability", "disability": "illness"}.get(main) if plan.size == 1 else None
    pool = [(n, w) for n, w in MAIN_CAUSES.items() if n not in (main, "schooling", clash)]
    while len(others) < count:
        pick = rng.choices([n for n, _ in pool], [w for _, w in pool])[0]
        if pick not in others:
            others.append(pick)
    return main, tuple(others)


def _attribute(rng: random.Random, plan: HouseholdPlan, main: str) -> str:
    needy = main in ("lack_labor", "illness", "disability")
    if plan.size <= 2 and needy and not plan.remaining and rng.random() < 0.22:
        return "destitute"
    return "low_income" if rng.random() < LOW_INCOME_CHANCE.get(main, 0.15) else "general"


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial: dict[str, int] = {}

    def household(self, plan: HouseholdPlan) -> tuple[dict[str, Any], Profile, list[Person]]:
        """The household's identity and causes, its profile and its people."""
        rng = self.rng
        v = plan.village
        main, attribute = "", ""
        others: tuple[str, ...] = ()
        if plan.registered:
            main, others = _causes(rng, plan)
            attribute = _attribute(rng, plan, main)
        profile = Profile(
            registered=plan.registered, size=plan.size, main_cause=main, other_causes=others,
            attribute=attribute, child_out_of_school="schooling" in plan.fails,
            uninsured_member="insurance" in plan.fails,
            ethnic_bias="mongol" if "蒙古族" in v.township_name else "")
        people = family(rng, profile)
        self.serial[v.code] = self.serial.get(v.code, 0) + 1
        data: dict[str, Any] = {
            "number": f"{v.code}{self.serial[v.code]:04d}",
            "is_registered": plan.registered,
            "status": ("not_exited" if plan.remaining else "exited") if plan.registered else "general",
            "monitoring": "none",
            "poverty_attribute": attribute or None,
            "identification_standard": "national" if plan.registered else None,
            "main_cause": main or None,
            "other_cause_1": others[0] if others else None,
            "other_cause_2": others[1] if len(others) > 1 else None,
            "exit_year": plan.exit_year,
        }
        return data, profile, people


def _income_inputs(rng: np.random.Generator, plans: Sequence[HouseholdPlan], profiles: Sequence[Profile],
                   data: Sequence[Mapping[str, Any]], members: Members) -> IncomeInputs:
    n = len(plans)
    home = members.household
    elderly = np.stack([np.bincount(home[members.birth_year <= year - 60], minlength=n) for year in YEARS], axis=1)
    can_work = np.bincount(home[members.can_work], minlength=n) > 0
    kind = np.array([
        GENERAL if not p.registered else EXITED if p.exit_year is not None
        else FAILS_INCOME if "income" in p.fails else FAILS_OTHER for p in plans], dtype=np.int8)
    attribute = {"low_income": ATTR_LOW_INCOME, "destitute": ATTR_DESTITUTE}
    return IncomeInputs(
        size=np.array([p.size for p in plans], dtype=np.int64), kind=kind,
        exit_year=np.array([p.exit_year or 0 for p in plans], dtype=np.int64),
        edge=np.array([p.edge for p in plans]), registered=np.array([p.registered for p in plans]),
        attribute=np.array([attribute.get(p.attribute, ATTR_NONE) for p in profiles], dtype=np.int8),
        elderly=elderly, workers=np.bincount(home[members.works_away], minlength=n) > 0,
        land_rented=rng.random(n) < np.where(can_work, 0.1, 0.6),
        cultivated_mu=np.array([float(d["cultivated_area"]) for d in data]),
        forest_mu=np.array([float(d["forest_area"]) for d in data]),
        family_planning=np.where(rng.random(n) < 0.12, np.minimum(2, elderly[:, -1]), 0),
    )


def _decimals(cents: np.ndarray) -> list[Decimal]:
    """Two-place Decimals for whole cents; equal amounts share one Decimal (they are immutable)."""
    distinct, inverse = np.unique(cents, return_inverse=True)
    made = [money(c) for c in distinct.tolist()]
    return list(map(made.__getitem__, inverse.ravel().tolist()))


def _attach_incomes(households: list[HouseholdInput], cents: Mapping[str, np.ndarray]) -> None:
    keys = ("year", *ITEMS)
    years = list(YEARS) * len(households)
    columns = [_decimals(cents[name].ravel()) for name in ITEMS]
    rows = [dict(zip(keys, row, strict=True)) for row in zip(years, *columns, strict=True)]
    per = len(YEARS)
    for i, item in enumerate(households):
        item.incomes = rows[i * per:(i + 1) * per]


def generate_district(*, seed: int, scale: float, lines: Mapping[int, Decimal],
                      progress: Callable[[int], None] | None = None) -> SynthDistrict:
    """Everything the district holds, deterministic in ``seed``; ``lines`` are the yearly
    national poverty lines (yuan per person), 2014–2020. ``progress(n)`` hears of households
    drafted, and of the rest of the work as a share of them (in all, once per household)."""
    target = headline(scale)
    district = taobei_district()
    facilities = facility_rows(district)
    plans = plan_households(random.Random(seed), district, target)
    random.Random(seed + 1).shuffle(plans)  # mix registered and general households in numbering
    builder = _Builder(seed)
    step = progress or (lambda n: None)
    drafts = []
    for start in range(0, len(plans), 5000):
        drafts += [builder.household(plan) for plan in plans[start:start + 5000]]
        step(len(plans[start:start + 5000]) // 2)
    piped = {str(r["village_code"]) for r in facilities if r["year"] == 2020 and r["piped_water"]}
    places = dwellings(np.random.default_rng(seed + 5), plans, piped, door_to_door_villages(district))
    phones = PhoneBook(np.random.default_rng(seed + 3))
    members = member_dicts(np.random.default_rng(seed + 4), [d[2] for d in drafts], [d[1] for d in drafts], phones)
    numbers = iter(phones.take(sum(p["phone"] for p in places)))
    households: list[HouseholdInput] = []
    for plan, (data, _, _), place, people in zip(plans, drafts, places, members.by_household, strict=True):
        data.update(place)
        data["phone"] = next(numbers) if place["phone"] else None
        households.append(HouseholdInput(village_code=plan.village.code, household=data, members=people))
    rng = np.random.default_rng(seed)
    inputs = _income_inputs(rng, plans, [d[1] for d in drafts], [d[0] for d in drafts], members)
    cents = household_incomes(rng, inputs, lines, YEARS)
    _attach_incomes(households, cents)
    step(len(plans) - sum(len(plans[start:start + 5000]) // 2 for start in range(0, len(plans), 5000)))
    registered = [(h.household["number"], h.village_code, h.household["first_identified_on"])
                  for h in households if h.household["is_registered"]]
    cadre_rng = random.Random(seed + 2)
    partners = make_partners(cadre_rng, district, registered, target.cadres, NameMaker(cadre_rng),
                             ResidentIds(members.used_ids), phones)
    return SynthDistrict(seed=seed, target=target, district=district, region_rows=district.region_rows(),
                         facility_rows=facilities, households=households, partners=partners)
