"""Choosing one bundle (or none) per household: the most households brought to the standard within
the budget and the capacity limits, and among those plans the cheapest.

Solved exactly as an integer program with HiGHS (``scipy.optimize.milp``) in two phases: first
the largest number of households, then, with that number fixed, the least cost. Households whose
efficient bundles are identical in cost and capacity use are interchangeable, so the program
counts how many of each kind receive each bundle instead of deciding household by household; a
county of 100,000 households becomes a few thousand integer variables.

Two shortcuts are exact too: when every household can have its cheapest bundle, that is the plan;
when no capacity limit binds even then, the budget alone decides and the cheapest households first
is optimal. ``greedy`` is the simple rule the optimiser is compared with in the tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .bundles import Bundle, Case, Pool

OPTIMAL = "optimal"
TIME_LIMIT = "time_limit"
GREEDY = "greedy"


@dataclass
class Selection:
    chosen: dict[int, Bundle]  # household id -> bundle
    status: str  # optimal | time_limit | greedy
    method: str  # what decided it: everyone | budget_only | milp | greedy | none
    remaining_budget: int | None
    used: dict[Pool, int] = field(default_factory=dict)
    mip_gap: float | None = None
    variables: int = 0

    @property
    def lifted(self) -> int:
        return len(self.chosen)

    @property
    def cost(self) -> int:
        return sum(b.cost for b in self.chosen.values())


def _fits(bundle: Bundle, budget: int | None, used: Mapping[Pool, int], limits: Mapping[Pool, int]) -> bool:
    if budget is not None and bundle.cost > budget:
        return False
    return all(used.get(p, 0) + n <= limits[p] for p, n in bundle.usage if p in limits)


def _take(selection: Selection, household_id: int, bundle: Bundle) -> None:
    selection.chosen[household_id] = bundle
    if selection.remaining_budget is not None:
        selection.remaining_budget -= bundle.cost
    for p, n in bundle.usage:
        selection.used[p] = selection.used.get(p, 0) + n


def greedy(cases: Sequence[Case], options: Sequence[Sequence[Bundle]], *, budget: int | None,
           limits: Mapping[Pool, int]) -> Selection:
    """Cheapest households first, each with its cheapest bundle that still fits."""
    out = Selection({}, GREEDY, "greedy", budget)
    order = sorted((i for i, bs in enumerate(options) if bs),
                   key=lambda i: (min(b.cost for b in options[i]), cases[i].household_id))
    for i in order:
        for bundle in sorted(options[i], key=lambda b: b.cost):
            if _fits(bundle, out.remaining_budget, out.used, limits):
                _take(out, cases[i].household_id, bundle)
                break
    return out


def _cheapest(bundles: Sequence[Bundle]) -> Bundle:
    return min(bundles, key=lambda b: (b.cost, sum(n for _, n in b.usage)))


def optimise(cases: Sequence[Case], options: Sequence[Sequence[Bundle]], *, budget: int | None,
             limits: Mapping[Pool, int], time_limit: float = 60.0) -> Selection:
    """The most households within ``budget`` (fen; None = unlimited) and ``limits``, then least cost."""
    feasible = [i for i, bs in enumerate(options) if bs]
    if not feasible:
        return Selection({}, OPTIMAL, "none", budget)
    cheapest = {i: _cheapest(options[i]) for i in feasible}
    total: dict[Pool, int] = defaultdict(int)
    for b in cheapest.values():
        for p, n in b.usage:
            total[p] += n
    pools_fit = all(n <= limits[p] for p, n in total.items() if p in limits)
    if pools_fit:
        out = Selection({}, OPTIMAL, "everyone", budget)
        order = sorted(feasible, key=lambda i: (cheapest[i].cost, cases[i].household_id))
        if budget is not None and sum(cheapest[i].cost for i in feasible) > budget:
            out.method = "budget_only"
        for i in order:
            if out.remaining_budget is not None and cheapest[i].cost > out.remaining_budget:
                break
            _take(out, cases[i].household_id, cheapest[i])
        return out
    return _milp(cases, options, feasible, budget, limits, time_limit)


def binding(options: Sequence[Sequence[Bundle]], feasible: Sequence[int], limits: Mapping[Pool, int]
            ) -> dict[Pool, int]:
    """The limits that could ever bind: a pool whose places would suffice even if every household
    took its most demanding bundle can never be exceeded, so it is no constraint at all."""
    demand: dict[Pool, int] = defaultdict(int)
    for i in feasible:
        most: dict[Pool, int] = {}
        for b in options[i]:
            for p, n in b.usage:
                most[p] = max(most.get(p, 0), n)
        for p, n in most.items():
            demand[p] += n
    return {p: limit for p, limit in limits.items() if demand.get(p, 0) > limit}


def _milp(cases: Sequence[Case], options: Sequence[Sequence[Bundle]], feasible: list[int], budget: int | None,
          limits: Mapping[Pool, int], time_limit: float) -> Selection:
    limits = binding(options, feasible, limits)
    # households with the same (cost, capacity use) menu are interchangeable: one kind, many households
    kinds: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i in feasible:
        menu = tuple((b.cost, tuple((p, n) for p, n in b.usage if p in limits)) for b in options[i])
        kinds[menu].append(i)
    columns: list[tuple[int, int]] = []  # (kind number, bundle number)
    kind_members = list(kinds.values())
    for k, members in enumerate(kind_members):
        columns += [(k, j) for j in range(len(options[members[0]]))]
    n_vars, n_kinds = len(columns), len(kind_members)
    bundle_of = [options[kind_members[k][0]][j] for k, j in columns]
    cost = np.array([b.cost for b in bundle_of], dtype=float)
    rows, cols, vals = [], [], []
    for c, (k, _) in enumerate(columns):
        rows.append(k)
        cols.append(c)
        vals.append(1.0)
    upper = [float(len(m)) for m in kind_members]
    next_row = n_kinds
    if budget is not None:
        for c in range(n_vars):
            if cost[c]:
                rows.append(next_row)
                cols.append(c)
                vals.append(cost[c])
        upper.append(float(budget))
        next_row += 1
    pool_row: dict[Pool, int] = {}
    for c, b in enumerate(bundle_of):
        for p, n in b.usage:
            if p not in limits:
                continue
            if p not in pool_row:
                pool_row[p] = next_row
                upper.append(float(limits[p]))
                next_row += 1
            rows.append(pool_row[p])
            cols.append(c)
            vals.append(float(n))
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(next_row, n_vars))
    bounds = Bounds(np.zeros(n_vars), np.array([float(len(kind_members[k])) for k, _ in columns]))
    options_ = {"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True}
    integrality = np.ones(n_vars)
    first = milp(-np.ones(n_vars), constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
                 integrality=integrality, bounds=bounds, options=options_)
    if first.x is None:
        raise RuntimeError(f"HiGHS found no plan: {first.message}")
    status, gap = OPTIMAL, None
    if first.status != 0:
        status, gap = TIME_LIMIT, getattr(first, "mip_gap", None)
    count = round(-first.fun)
    x = np.round(first.x)
    if status == OPTIMAL:
        # phase 2: the same number of households at the least cost
        matrix2 = sparse.vstack([matrix, sparse.csr_matrix(np.ones((1, n_vars)))]).tocsr()
        lower2 = np.concatenate([np.full(next_row, -np.inf), [count]])
        upper2 = np.concatenate([np.array(upper), [np.inf]])
        # HiGHS's presolve spends most of its time on the dense count row here and gains nothing
        second = milp(cost, constraints=LinearConstraint(matrix2, lower2, upper2), integrality=integrality,
                      bounds=bounds, options={**options_, "presolve": False})
        if second.x is not None:
            x = np.round(second.x)
        if second.status != 0 or second.x is None:  # the count is proven, the least cost is not
            status, gap = TIME_LIMIT, getattr(second, "mip_gap", None)
    out = Selection({}, status, "milp", budget, mip_gap=gap, variables=n_vars)
    given: dict[int, int] = defaultdict(int)
    for c, (k, j) in enumerate(columns):
        members = sorted(kind_members[k], key=lambda i: cases[i].household_id)
        for _ in range(int(x[c])):
            i = members[given[k]]
            given[k] += 1
            _take(out, cases[i].household_id, options[i][j])
    return out


def blockers(bundles: Sequence[Bundle], selection: Selection, limits: Mapping[Pool, int]) -> list[tuple[str, object]]:
    """Why a household that could be lifted was not: ('budget', cheapest cost) and ('capacity', pool)."""
    out: list[tuple[str, object]] = []
    remaining = selection.remaining_budget
    if remaining is not None and all(b.cost > remaining for b in bundles):
        out.append(("budget", min(b.cost for b in bundles)))
    for b in bundles:
        for p, n in b.usage:
            if p in limits and selection.used.get(p, 0) + n > limits[p] and ("capacity", p) not in out:
                out.append(("capacity", p))
    if not out:
        out.append(("not_chosen", None))
    return out
