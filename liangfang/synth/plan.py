"""How many households and people the synthetic district has, and which of them are registered,
exit when, and live where. Everything else (members, incomes, housing) is generated to agree
with this plan, so that the data, not a flag, explains each exit.

The arithmetic (full scale). The article (16 April 2020, on the situation at the end of 2019)
gives 7,001 households / 12,736 people exited and an incidence falling from 6% at registration
to 0.103% at the end of 2019. With N the rural population:
registered people = 0.06·N, people not exited at the end of 2019 = 0.00103·N, and their
difference is the 12,736 exited people, so N = 12,736 / (0.06 − 0.00103) = 215,974 (rounded).
Then 222 people (0.103%) remain at the end of 2019 (and in the 2020 data) and 12,958 people
(6.0%) were registered. Registered households are small and old: 1.82 persons each
(12,736 / 7,001), so the 222 remaining people live in 122 households. The other 203,016
people live in 78,083 general households of about 2.6 persons; in all about 85,200 households.
The article's 9,291 renovated dangerous houses (3,497 of registered households) are planned
too. At ``scale`` s every count is multiplied by s and rounded.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .geography import District, Village

EXITED_HOUSEHOLDS = 7001
EXITED_PEOPLE = 12736
INCIDENCE_AT_REGISTRATION = 0.06
INCIDENCE_END_2019 = 0.00103
RURAL_POPULATION = round(EXITED_PEOPLE / (INCIDENCE_AT_REGISTRATION - INCIDENCE_END_2019))  # 215,974
REMAINING_PEOPLE = round(RURAL_POPULATION * INCIDENCE_END_2019)  # 222
REMAINING_HOUSEHOLDS = round(REMAINING_PEOPLE * EXITED_HOUSEHOLDS / EXITED_PEOPLE)  # 122
GENERAL_HOUSEHOLD_SIZE = 2.6
RENOVATED_REGISTERED = 3497  # 危房改造, registered households (article)
RENOVATED_GENERAL = 9291 - 3497  # the article's other renovated houses
RELOCATED_REGISTERED = 40  # invented: a few 易地扶贫搬迁 households
CADRES = 2400
EDGE_SHARE = 0.025  # general households between 1× and 1.5× the 2020 line (invented share)
# Share of exited households by exit year; most exit 2016–2019. The article (16 April 2020)
# reports the end of 2019, so its 7,001 households / 12,736 people had all exited by then:
# no exit is dated 2020, and the 2019 figures are the article's.
EXIT_YEAR_SHARES: dict[int, float] = {2014: 0.02, 2015: 0.09, 2016: 0.21, 2017: 0.26, 2018: 0.24,
                                     2019: 0.18}
ARTICLE_YEAR = 2019  # the year whose end the article's figures describe
# How a remaining (not exited) household fails the exit standard in 2020. None on housing: the
# district met the county items, and every registered household needs safe housing (住房安全有保障
# for all of them, the Jilin pack's county housing item).
FAIL_SHARES: dict[str, float] = {"income": 0.90, "insurance": 0.06, "schooling": 0.04}
POOR_SIZE_PROBS = (0.42, 0.40, 0.10, 0.05, 0.025, 0.005)  # sizes 1..6
GENERAL_SIZE_PROBS = (0.12, 0.38, 0.30, 0.14, 0.05, 0.01)
POOR_VILLAGE_FACTOR = 2.4  # registered households are this much denser in poor villages
VILLAGE_EXIT_INCIDENCE = 0.018  # a poor village's remaining people stay below this share

K = TypeVar("K")


@dataclass(frozen=True)
class Headline:
    """The planned counts at one scale."""

    scale: float
    rural_population: int
    exited_households: int
    exited_people: int
    remaining_households: int
    remaining_people: int
    general_households: int
    general_people: int
    renovated_registered: int
    renovated_general: int
    relocated_registered: int
    cadres: int

    @property
    def registered_people(self) -> int:
        return self.exited_people + self.remaining_people

    @property
    def registered_households(self) -> int:
        return self.exited_households + self.remaining_households

    @property
    def households(self) -> int:
        return self.registered_households + self.general_households


def headline(scale: float = 1.0) -> Headline:
    if not 0 < scale <= 4:
        raise ValueError(f"scale {scale} must be in (0, 4]")
    exited_h, exited_p = round(EXITED_HOUSEHOLDS * scale), round(EXITED_PEOPLE * scale)
    if exited_h < 1:
        raise ValueError(f"scale {scale} is too small for a district with households")
    population = round(RURAL_POPULATION * scale)
    remaining_p = round(REMAINING_PEOPLE * scale)
    remaining_h = min(remaining_p, max(1 if remaining_p else 0, round(REMAINING_HOUSEHOLDS * scale)))
    general_p = population - exited_p - remaining_p
    return Headline(
        scale=scale, rural_population=population, exited_households=exited_h, exited_people=exited_p,
        remaining_households=remaining_h, remaining_people=remaining_p,
        general_households=max(1, round(general_p / GENERAL_HOUSEHOLD_SIZE)), general_people=general_p,
        renovated_registered=round(RENOVATED_REGISTERED * scale),
        renovated_general=round(RENOVATED_GENERAL * scale),
        relocated_registered=round(RELOCATED_REGISTERED * scale),
        cadres=max(1, round(CADRES * scale)),
    )


@dataclass
class HouseholdPlan:
    village: Village
    registered: bool
    size: int
    exit_year: int | None = None  # None for general and remaining households
    fails: tuple[str, ...] = ()  # remaining households: what they fail in 2020
    housing_work: str = "none"  # none | renovated | relocated
    work_year: int | None = None
    edge: bool = False  # general household between 1× and 1.5× the 2020 line

    @property
    def remaining(self) -> bool:
        return self.registered and self.exit_year is None


def quotas(total: int, shares: Mapping[K, float]) -> dict[K, int]:
    """Split ``total`` by ``shares`` into whole numbers that add up (largest remainder)."""
    raw = {k: total * s / sum(shares.values()) for k, s in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], str(k)))[:total - sum(out.values())]:
        out[k] += 1
    return out


def sizes_with_total(rng: random.Random, count: int, total: int, probs: Sequence[float]) -> list[int]:
    """``count`` household sizes drawn from ``probs`` (sizes 1..len), nudged to sum to ``total``."""
    if count == 0:
        return []
    top = len(probs)
    if not count <= total <= count * top:
        raise ValueError(f"cannot make {count} households of 1..{top} people hold {total} people")
    sizes = rng.choices(range(1, top + 1), weights=probs, k=count)
    diff = total - sum(sizes)
    while diff:
        i = rng.randrange(count)
        if diff > 0 and sizes[i] < top:
            sizes[i] += 1
            diff -= 1
        elif diff < 0 and sizes[i] > 1:
            sizes[i] -= 1
            diff += 1
    return sizes


def plan_households(rng: random.Random, district: District, target: Headline) -> list[HouseholdPlan]:
    """Registered households first (exited, then remaining), then general households.
    Remaining households live in non-poor villages: every poor village has exited by 2019."""
    villages = district.villages
    registered_weights = [v.weight * (POOR_VILLAGE_FACTOR if v.is_poor else 1.0) for v in villages]
    plans: list[HouseholdPlan] = []
    exited_sizes = sizes_with_total(rng, target.exited_households, target.exited_people, POOR_SIZE_PROBS)
    remaining_sizes = sizes_with_total(rng, target.remaining_households, target.remaining_people,
                                       POOR_SIZE_PROBS)
    general_sizes = sizes_with_total(rng, target.general_households, target.general_people,
                                     GENERAL_SIZE_PROBS)
    years = [y for y, n in quotas(target.exited_households, EXIT_YEAR_SHARES).items() for _ in range(n)]
    rng.shuffle(years)
    homes = rng.choices(villages, registered_weights, k=len(years))
    plans += [HouseholdPlan(v, True, size, year)
              for v, size, year in zip(homes, exited_sizes, years, strict=True)]
    non_poor = [v for v in villages if not v.is_poor]
    plans += [HouseholdPlan(rng.choice(non_poor), True, size) for size in remaining_sizes]
    homes = rng.choices(villages, [v.weight for v in villages], k=len(general_sizes))
    plans += [HouseholdPlan(v, False, size) for v, size in zip(homes, general_sizes, strict=True)]
    _keep_poor_villages_below_line(rng, plans)
    _assign_failures(rng, [p for p in plans if p.remaining])
    _assign_housing_work(rng, plans, target)
    general = [p for p in plans if not p.registered]
    for p in rng.sample(general, round(EDGE_SHARE * len(general))):
        p.edge = True
    return plans


def _keep_poor_villages_below_line(rng: random.Random, plans: list[HouseholdPlan]) -> None:
    """Swap exit years so that, in each poor village, the people not yet exited at the end of
    the village's exit year are below VILLAGE_EXIT_INCIDENCE of its population. A late
    household of a poor village swaps years with an early household of a non-poor village,
    so the district's exit-year totals do not change."""
    population: dict[str, int] = {}
    for p in plans:
        population[p.village.code] = population.get(p.village.code, 0) + p.size
    donors: dict[int, list[HouseholdPlan]] = {}
    for p in plans:
        if p.exit_year is not None and not p.village.is_poor:
            donors.setdefault(p.exit_year, []).append(p)
    for bucket in donors.values():
        rng.shuffle(bucket)
    by_village: dict[str, list[HouseholdPlan]] = {}
    for p in plans:
        if p.registered and p.village.is_poor:
            by_village.setdefault(p.village.code, []).append(p)
    for code, members in sorted(by_village.items(), key=lambda kv: (kv[1][0].village.exit_year or 0, kv[0])):
        line_year = members[0].village.exit_year
        assert line_year is not None
        cap = VILLAGE_EXIT_INCIDENCE * population[code]
        late = [p for p in members if p.exit_year is None or p.exit_year > line_year]
        rng.shuffle(late)
        late_people = sum(p.size for p in late)
        for p in late:
            if late_people < cap:
                break
            early = [y for y in sorted(donors) if y <= line_year and donors[y]]
            if not early:
                raise RuntimeError(f"no early household left to keep poor village {code} below the line")
            donor = donors[rng.choice(early)].pop()
            p.exit_year, donor.exit_year = donor.exit_year, p.exit_year
            late_people -= p.size


def _assign_failures(rng: random.Random, remaining: list[HouseholdPlan]) -> None:
    counts = quotas(len(remaining), FAIL_SHARES)
    order = list(remaining)
    rng.shuffle(order)
    # Households with a child out of school need at least two members.
    order.sort(key=lambda p: p.size < 2)
    for kind in ("schooling", "insurance", "housing"):
        for _ in range(counts.get(kind, 0)):
            candidates = [p for p in order if not p.fails and (kind != "schooling" or p.size >= 2)]
            if not candidates:
                break
            chosen = candidates[0]
            # Some also fall short on income.
            chosen.fails = (kind, "income") if rng.random() < 0.3 else (kind,)
    for p in order:
        if not p.fails:
            p.fails = ("income",)


def _assign_housing_work(rng: random.Random, plans: list[HouseholdPlan], target: Headline) -> None:
    """危房改造 in 2016–2019, always in or before the exit year; a few relocations."""
    def eligible(p: HouseholdPlan) -> bool:
        return p.registered and "housing" not in p.fails and (p.exit_year is None or p.exit_year >= 2016)

    candidates = [p for p in plans if eligible(p)]
    chosen = rng.sample(candidates, min(len(candidates), target.renovated_registered
                                        + target.relocated_registered))
    for i, p in enumerate(chosen):
        p.housing_work = "relocated" if i < target.relocated_registered else "renovated"
        p.work_year = rng.randint(2016, min(2019, p.exit_year or 2019))
    general = [p for p in plans if not p.registered]
    for p in rng.sample(general, min(len(general), target.renovated_general)):
        p.housing_work, p.work_year = "renovated", rng.randint(2016, 2019)
