"""The optimiser against brute force on small cases, against greedy on random ones, and its limits."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence

import pytest

from liangfang.plans.bundles import Bundle, Case, Unit, bundles_for, efficient_bundles
from liangfang.plans.optimiser import blockers, greedy, optimise

JOBS, HOUSES = ("jobs", 1), ("houses", 9)


def _valid_subsets(case: Case) -> list[tuple[Unit, ...]]:
    """Every set of units that brings the case to the standard, found the slow way."""
    out = []
    for r in range(len(case.units) + 1):
        for combo in itertools.combinations(case.units, r):
            groups = [u.group for u in combo if u.group is not None]
            if len(groups) != len(set(groups)):
                continue
            closed = set().union(*(u.fixes for u in combo)) if combo else set()
            if case.items <= closed and sum(u.gain for u in combo) >= case.gap:
                out.append(combo)
    return out


def brute_force(cases: Sequence[Case], budget: int | None, limits: dict) -> tuple[int, int]:
    """(most households lifted, least cost among such plans) over every combination."""
    menus = [[None, *_valid_subsets(c)] for c in cases]
    best = (0, 0)
    for pick in itertools.product(*menus):
        chosen = [p for p in pick if p is not None]
        cost = sum(u.cost for p in chosen for u in p)
        if budget is not None and cost > budget:
            continue
        used = Counter(u.pool for p in chosen for u in p if u.pool is not None)
        if any(used[p] > limits[p] for p in used if p in limits):
            continue
        if (len(chosen), -cost) > (best[0], -best[1]):
            best = (len(chosen), cost)
    return best


def _solve(cases: Sequence[Case], budget: int | None, limits: dict) -> tuple[int, int]:
    selection = optimise(cases, bundles_for(cases), budget=budget, limits=limits)
    return selection.lifted, selection.cost


def _unit(measure: str, subject: int | None, cost: int, gain: int = 0, pool=None, fixes=(), group=None) -> Unit:
    return Unit(measure, subject, cost, gain, pool, frozenset(fixes), group)


def test_it_finds_the_known_optimum_where_cheapest_first_fails() -> None:
    # one job place: greedy gives it to the cheap household A, which could also have used a dearer
    # measure; the optimum gives it to B, whose only way out is the job, and lifts both.
    a = Case(1, frozenset(), 500, (_unit("job", 11, 300, 600, JOBS, group="job:11"), _unit("loan", None, 400, 500)))
    b = Case(2, frozenset(), 500, (_unit("job", 21, 300, 600, JOBS, group="job:21"),))
    limits = {JOBS: 1}
    assert brute_force([a, b], 1000, limits) == (2, 700)
    assert _solve([a, b], 1000, limits) == (2, 700)
    g = greedy([a, b], bundles_for([a, b]), budget=1000, limits=limits)
    assert g.lifted == 1


def test_budget_enough_for_everyone_gives_the_least_cost_plan() -> None:
    h = Case(1, frozenset({"housing"}), 300, (
        _unit("d_rebuild", None, 3000, fixes=["housing"], pool=HOUSES, group="housing:h"),
        _unit("relocation", None, 5000, fixes=["housing"], group="housing:h"),
        _unit("courtyard", None, 200, 200), _unit("job", 5, 600, 600, JOBS, group="job:5"),
        _unit("loan", None, 220, 300)))
    assert brute_force([h], None, {}) == (1, 3220)
    assert _solve([h], None, {}) == (1, 3220)
    # no house renovation places left: relocation is the only way
    assert _solve([h], None, {HOUSES: 0}) == (1, 5220)


def test_a_case_with_a_gap_no_measure_fixes_has_no_bundle() -> None:
    case = Case(1, frozenset({"water"}), 0, (_unit("courtyard", None, 200, 200),))
    assert efficient_bundles(case) == []
    selection = optimise([case], bundles_for([case]), budget=None, limits={})
    assert selection.lifted == 0


def test_capacity_limits_are_respected() -> None:
    cases = [Case(i, frozenset(), 500, (_unit("job", 100 + i, 300, 600, JOBS, group=f"job:{100 + i}"),))
             for i in range(6)]
    selection = optimise(cases, bundles_for(cases), budget=None, limits={JOBS: 4})
    assert selection.lifted == 4
    assert selection.used[JOBS] == 4
    left = [c for c in cases if c.household_id not in selection.chosen]
    assert [blockers(bundles_for([c])[0], selection, {JOBS: 4}) for c in left] == [[("capacity", JOBS)]] * 2


def test_a_household_takes_one_job_per_person() -> None:
    # two job kinds for the same person are exclusive: the gap needs two people working
    case = Case(1, frozenset(), 1000, (
        _unit("job", 7, 100, 600, group="job:7"), _unit("ranger", 7, 100, 600, group="job:7")))
    assert efficient_bundles(case) == []


def _random_case(rng: random.Random, household_id: int) -> Case:
    units: list[Unit] = []
    items: set[str] = set()
    if rng.random() < 0.4:
        items.add("housing")
        units.append(_unit("rebuild", None, rng.randint(20, 40) * 100, fixes=["housing"], pool=HOUSES,
                           group=f"housing:{household_id}"))
        if rng.random() < 0.5:
            units.append(_unit("relocate", None, rng.randint(30, 60) * 100, fixes=["housing"],
                               group=f"housing:{household_id}"))
    for m in range(rng.randint(0, 2)):
        member = household_id * 10 + m
        if rng.random() < 0.3:
            items.add(f"medical:{member}")
            units.append(_unit("premium", member, rng.randint(1, 3) * 100, fixes=[f"medical:{member}"]))
        units.append(_unit("job", member, rng.randint(3, 6) * 100, rng.randint(4, 8) * 100, JOBS,
                           group=f"job:{member}"))
    for name in rng.sample(["courtyard", "loan", "dividend"], rng.randint(0, 2)):
        units.append(_unit(name, None, rng.randint(1, 5) * 100, rng.randint(1, 6) * 100))
    gap = rng.choice([0, 0, 1, 3, 5, 8]) * 100
    return Case(household_id, frozenset(items), gap, tuple(units))


@pytest.mark.parametrize("seed", range(40))
def test_optimiser_matches_brute_force_and_never_loses_to_greedy(seed: int) -> None:
    rng = random.Random(seed)
    cases = [_random_case(rng, h) for h in range(1, rng.randint(2, 4) + 1)]
    budget = rng.choice([None, rng.randint(5, 60) * 100])
    limits = {JOBS: rng.randint(0, 3), HOUSES: rng.randint(0, 2)}
    options = bundles_for(cases)
    best = optimise(cases, options, budget=budget, limits=limits)
    assert (best.lifted, best.cost) == brute_force(cases, budget, limits)
    baseline = greedy(cases, options, budget=budget, limits=limits)
    assert (best.lifted, -best.cost) >= (baseline.lifted, -baseline.cost)
    _check_feasible(best.chosen.values(), budget, limits)


def _check_feasible(bundles: Iterable[Bundle], budget: int | None, limits: dict) -> None:
    chosen = list(bundles)
    if budget is not None:
        assert sum(b.cost for b in chosen) <= budget
    used = Counter(p for b in chosen for p, n in b.usage for _ in range(n))
    assert all(used[p] <= limits[p] for p in limits)


@pytest.mark.parametrize("seed", range(5))
def test_many_alike_households_are_solved_as_kinds(seed: int) -> None:
    rng = random.Random(100 + seed)
    cases = [_random_case(rng, h) for h in range(1, 400)]
    limits = {JOBS: 60, HOUSES: 30}
    options = bundles_for(cases)
    best = optimise(cases, options, budget=120_000, limits=limits)
    baseline = greedy(cases, options, budget=120_000, limits=limits)
    assert best.status == "optimal"
    assert (best.lifted, -best.cost) >= (baseline.lifted, -baseline.cost)
    _check_feasible(best.chosen.values(), 120_000, limits)
