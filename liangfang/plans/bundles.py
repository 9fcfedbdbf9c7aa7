"""The ways one household can be brought to the standard: bundles of measures, and the efficient ones.

A *case* is a household that fails the standard: the gaps to close (``items``: an indicator of the
household, or of one member), the yearly income still missing (``gap``), and the *units* it is
eligible for (a measure for the household or for one member, with its cost, income gain, the
capacity it draws on and the gaps it fixes). A *bundle* is a set of units that closes every item
and brings at least ``gap`` of income, taking at most one unit of each exclusive group (one job
per person, one way to make a house safe, 低保 or 特困供养).

Only *efficient* bundles matter to the optimiser: no other bundle costs less and draws on no more
of any capacity. They are found by a dynamic programme over the exclusive groups that drops
dominated partial bundles (fewer gaps closed, less income, more cost, more capacity), which is
exact because every quantity only adds up. Households with the same structure share the work.

>>> u = Unit("job", 7, cost=600_000, gain=600_000, pool=("posts", 1), fixes=frozenset(), group="job:7")
>>> [b.cost for b in efficient_bundles(Case(1, frozenset(), 300_000, (u,)))]
[600000]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Pool = tuple[str, int]  # (capacity name, region id)


@dataclass(frozen=True)
class Unit:
    """One measure for one subject. Money in fen (1/100 yuan)."""

    measure: str
    subject: int | None  # member id; None for the household itself
    cost: int
    gain: int  # yearly income for the household
    pool: Pool | None  # the capacity it uses one place of
    fixes: frozenset[str]  # item keys it closes
    group: str | None  # exclusive group key (at most one unit per key)


@dataclass(frozen=True)
class Case:
    """A household that fails the standard, with what it needs and what it may receive."""

    household_id: int
    items: frozenset[str]
    gap: int  # fen of yearly income still needed; 0 when income is not a gap
    units: tuple[Unit, ...]


class Bundle:
    """A set of units for one household: its cost, income gain and capacity use (units on demand)."""

    __slots__ = ("_source", "cost", "gain", "mask", "usage")

    def __init__(self, source: Sequence[Unit], mask: int, cost: int, gain: int,
                 usage: tuple[tuple[Pool, int], ...]) -> None:
        self._source = source
        self.mask = mask
        self.cost = cost
        self.gain = gain
        self.usage = usage  # places used, by pool

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(u for i, u in enumerate(self._source) if self.mask >> i & 1)

    @property
    def pools(self) -> dict[Pool, int]:
        return dict(self.usage)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bundle) and (self.units, self.cost, self.usage) == (other.units, other.cost,
                                                                                     other.usage)

    def __hash__(self) -> int:
        return hash((self.cost, self.usage, self.mask))

    def __repr__(self) -> str:
        return f"Bundle({[u.measure for u in self.units]}, cost={self.cost}, usage={self.usage})"


def _groups(units: Sequence[Unit]) -> list[list[int]]:
    by_key: dict[str, list[int]] = defaultdict(list)
    out: list[list[int]] = []
    for i, u in enumerate(units):
        if u.group is None:
            out.append([i])
        else:
            if u.group not in by_key:
                out.append(by_key[u.group])
            by_key[u.group].append(i)
    return out


# A partial bundle: (items closed mask, gain capped at the need, cost, usage per pool slot, units mask)
_State = tuple[int, int, int, tuple[int, ...], int]


def _prune(states: list[_State]) -> list[_State]:
    """Drop partial bundles beaten by one that closed the same gaps with the same capacity use,
    for no more cost and at least as much income (the only comparison that can never mislead:
    whatever is added later adds the same to both)."""
    best: dict[tuple[int, tuple[int, ...]], list[tuple[int, int, _State]]] = defaultdict(list)
    for s in states:
        best[(s[0], s[3])].append((s[2], -s[1], s))
    kept: list[_State] = []
    for group in best.values():
        group.sort(key=_first_two)
        most = -1
        for _, minus_gain, s in group:
            if -minus_gain > most:
                kept.append(s)
                most = -minus_gain
    return kept


def _first_two(entry: tuple[int, int, _State]) -> tuple[int, int]:
    return entry[0], entry[1]


def _cheapest_by_usage(states: Sequence[_State]) -> list[_State]:
    """Among complete bundles: the cheapest per capacity use, then those no cheaper one beats by
    using no more of every capacity."""
    cheapest: dict[tuple[int, ...], _State] = {}
    for s in states:
        c = cheapest.get(s[3])
        if c is None or (s[2], s[4]) < (c[2], c[4]):
            cheapest[s[3]] = s
    ranked = sorted(cheapest.values(), key=lambda s: (s[2], sum(s[3]), s[3]))
    if len(ranked) < 2 or not any(ranked[0][3]):
        return ranked[:1]
    usage = np.array([s[3] for s in ranked])
    # beats[i, j]: bundle j uses no more of anything than bundle i; every earlier j costs no more
    beats = np.asarray((usage[None, :, :] <= usage[:, None, :]).all(axis=2))
    beaten = np.asarray(np.tril(beats, k=-1).any(axis=1)).tolist()
    return [s for s, lost in zip(ranked, beaten, strict=True) if not lost]


def frontier(units: Sequence[Unit], items: Sequence[str], need: int) -> list[_State]:
    """Efficient complete bundles of ``units`` that close all ``items`` and bring ``need`` of income."""
    return _cheapest_by_usage([s for s in _states_by_gain(units, items, need) if s[1] >= need])


def _bundle(units: Sequence[Unit], state: _State, pools: Sequence[Pool], gain: int | None = None) -> Bundle:
    usage = tuple((p, n) for p, n in zip(pools, state[3], strict=True) if n)
    if gain is None:
        gain = sum(u.gain for i, u in enumerate(units) if state[4] >> i & 1)
    return Bundle(units, state[4], state[2], gain, usage)


def _pools(units: Sequence[Unit]) -> list[Pool]:
    return sorted({u.pool for u in units if u.pool is not None})


def efficient_bundles(case: Case) -> list[Bundle]:
    """The case's efficient bundles, cheapest first; empty when it cannot be brought to the standard."""
    units = list(case.units)
    pools = _pools(units)
    return [_bundle(units, s, pools) for s in frontier(units, sorted(case.items), case.gap)]


def _shape(case: Case) -> tuple[tuple[object, ...], list[Unit], list[str]]:
    """A key equal for households that differ only in ids; units and items in canonical order."""
    subjects = sorted({u.subject for u in case.units if u.subject is not None}
                      | {int(i.split(":", 1)[1]) for i in case.items if ":" in i})
    local = {s: k for k, s in enumerate(subjects)}

    def item_key(item: str) -> str:
        name, _, who = item.partition(":")
        return f"{name}:{local[int(who)]}" if who else name

    units = sorted(case.units, key=lambda u: (u.measure, -1 if u.subject is None else local[u.subject]))
    items = sorted(case.items, key=item_key)
    key = (
        tuple(item_key(i) for i in items),
        tuple((u.measure, None if u.subject is None else local[u.subject], u.cost, u.gain,
               None if u.pool is None else u.pool[0], tuple(sorted(item_key(i) for i in u.fixes)),
               None if u.group is None else (u.group.split(":", 1)[0], None if u.subject is None else local[u.subject]))
              for u in units),
    )
    return key, units, items


def bundles_for(cases: Sequence[Case]) -> list[list[Bundle]]:
    """Efficient bundles of each case. Each distinct structure is solved once, at the largest gap
    among its households; households whose gap falls between the same two income levels of that
    structure share one answer."""
    shaped = [_shape(c) for c in cases]
    need: dict[tuple[object, ...], int] = {}
    for (key, _, _), case in zip(shaped, cases, strict=True):
        need[key] = max(need.get(key, 0), case.gap)
    fronts: dict[tuple[object, ...], tuple[list[_State], list[int]]] = {}
    answers: dict[tuple[tuple[object, ...], int], list[tuple[_State, int]]] = {}
    out: list[list[Bundle]] = []
    for (key, units, items), case in zip(shaped, cases, strict=True):
        if key not in fronts:
            states = _states_by_gain(units, items, need[key])
            fronts[key] = (states, sorted({s[1] for s in states}))
        states, levels = fronts[key]
        cut = bisect_left(levels, case.gap)
        answer = answers.get((key, cut))
        if answer is None:
            chosen = _cheapest_by_usage([s for s in states if s[1] >= case.gap])
            answer = [(s, sum(u.gain for i, u in enumerate(units) if s[4] >> i & 1)) for s in chosen]
            answers[(key, cut)] = answer
        pools = _pools(units) if answer else []
        out.append([_bundle(units, s, pools, gain) for s, gain in answer])
    return out


def _states_by_gain(units: Sequence[Unit], items: Sequence[str], need: int) -> list[_State]:
    """Complete bundles efficient in (gain up to ``need``, cost, capacity): enough for any smaller gap."""
    index = {item: k for k, item in enumerate(items)}
    full = (1 << len(items)) - 1
    pools = sorted({u.pool for u in units if u.pool is not None})
    slot = {p: k for k, p in enumerate(pools)}
    masks = [sum(1 << index[i] for i in u.fixes if i in index) for u in units]
    states: list[_State] = [(0, 0, 0, tuple(0 for _ in pools), 0)]
    for group in _groups(units):
        grown = list(states)
        for i in group:
            u = units[i]
            for closed, gain, cost, usage, chosen in states:
                if u.pool is not None:
                    k = slot[u.pool]
                    usage = (*usage[:k], usage[k] + 1, *usage[k + 1:])
                grown.append((closed | masks[i], min(need, gain + u.gain), cost + u.cost, usage, chosen | (1 << i)))
        states = _prune(grown)
    return [s for s in states if s[0] == full]


def max_gain(case: Case) -> int:
    """The most yearly income the case's units could bring together (one unit per exclusive group)."""
    return sum(max(case.units[i].gain for i in group) for group in _groups(case.units))
