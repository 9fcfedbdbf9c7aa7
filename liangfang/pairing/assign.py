"""Pairing cadres with households (全覆盖包保): keep every existing pairing, give each unpaired
household a cadre without exceeding the maximum load, and prefer a cadre whose department is
paired with the household's village.

The preference is decided exactly: a maximum flow from villages (their unpaired households) through
the departments paired with them to the departments' spare places says how many households of each
village can go to each partner department. Within a department the least-loaded cadre is chosen.
Households still unpaired then go to the least-loaded cadre anywhere; those left over are gaps.

>>> r = assign([(1, 10)], cadres={7: 3}, load={}, village_departments={10: {3}}, maximum=5)
>>> r.assigned, r.preferred
({1: 7}, 1)
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow


@dataclass
class Assignment:
    assigned: dict[int, int] = field(default_factory=dict)  # household -> cadre
    preferred: int = 0  # of them, to a cadre of a department paired with the village
    unassigned: list[int] = field(default_factory=list)


def _preferred_counts(households: Sequence[tuple[int, int]], spare: Mapping[int, int],
                      village_departments: Mapping[int, set[int]]) -> dict[tuple[int, int], int]:
    """(village, department) -> households to place there, maximising the total placed."""
    demand: dict[int, int] = defaultdict(int)
    for _, village in households:
        demand[village] += 1
    villages = sorted(v for v in demand if any(spare.get(d, 0) > 0 for d in village_departments.get(v, ())))
    departments = sorted({d for v in villages for d in village_departments[v] if spare.get(d, 0) > 0})
    if not villages or not departments:
        return {}
    vi = {v: 1 + i for i, v in enumerate(villages)}
    di = {d: 1 + len(villages) + i for i, d in enumerate(departments)}
    sink = 1 + len(villages) + len(departments)
    rows, cols, caps = [], [], []
    for v in villages:
        rows.append(0)
        cols.append(vi[v])
        caps.append(demand[v])
        for d in village_departments[v]:
            if d in di:
                rows.append(vi[v])
                cols.append(di[d])
                caps.append(demand[v])
    for d in departments:
        rows.append(di[d])
        cols.append(sink)
        caps.append(spare[d])
    graph = sparse.csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow.tocoo()
    out: dict[tuple[int, int], int] = {}
    by_node = {node: v for v, node in vi.items()}
    by_dept = {node: d for d, node in di.items()}
    for r, c, f in zip(flow.row, flow.col, flow.data, strict=True):
        if f > 0 and r in by_node and c in by_dept:
            out[(by_node[r], by_dept[c])] = int(f)
    return out


def assign(households: Sequence[tuple[int, int]], *, cadres: Mapping[int, int | None], load: Mapping[int, int],
           village_departments: Mapping[int, set[int]], maximum: int) -> Assignment:
    """Give each (household, village) a cadre; ``cadres`` maps cadre -> department, ``load`` the
    cadres' current open pairings."""
    current = {c: load.get(c, 0) for c in cadres}
    team: dict[int, list[tuple[int, int]]] = defaultdict(list)  # department -> heap of (load, cadre)
    for c, d in cadres.items():
        if d is not None and current[c] < maximum:
            team[d].append((current[c], c))
    for heap in team.values():
        heapq.heapify(heap)
    spare = {d: sum(maximum - n for n, _ in heap) for d, heap in team.items()}
    out = Assignment()
    waiting: dict[int, list[int]] = defaultdict(list)
    for h, v in sorted(households):
        waiting[v].append(h)
    for (village, dept), count in sorted(_preferred_counts(households, spare, village_departments).items()):
        heap = team[dept]
        for _ in range(count):
            n, c = heapq.heappop(heap)
            out.assigned[waiting[village].pop(0)] = c
            current[c] = n + 1
            if n + 1 < maximum:
                heapq.heappush(heap, (n + 1, c))
    out.preferred = len(out.assigned)
    anyone = [(n, c) for c, n in current.items() if n < maximum]
    heapq.heapify(anyone)
    for village in sorted(waiting):
        for h in waiting[village]:
            if not anyone:
                out.unassigned.append(h)
                continue
            n, c = heapq.heappop(anyone)
            out.assigned[h] = c
            if n + 1 < maximum:
                heapq.heappush(anyone, (n + 1, c))
    return out
