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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Bundle:
    units: tuple[Unit, ...]
    cost: int
    gain: int
    usage: tuple[tuple[Pool, int], ...]  # places used, by pool

    @property
    def pools(self) -> dict[Pool, int]:
        return dict(self.usage)


@dataclass
class _Shape:
    """A case with household-specific identities stripped, to share the work between households."""

    key: tuple[object, ...]
    units: list[Unit] = field(default_factory=list)


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


def _dominates(a: _State, b: _State) -> bool:
    return (a[0] | b[0]) == a[0] and a[1] >= b[1] and a[2] <= b[2] and all(x <= y for x, y in zip(a[3], b[3],
                                                                                                   strict=True))


def _prune(states: list[_State]) -> list[_State]:
    # cheapest first: a state can only be dominated by one that costs no more
    states.sort(key=lambda s: (s[2], -s[1], -bin(s[0]).count("1"), sum(s[3])))
    kept: list[_State] = []
    seen: set[tuple[int, int, int, tuple[int, ...]]] = set()
    for s in states:
        sig = (s[0], s[1], s[2], s[3])
        if sig in seen:
            continue
        if any(_dominates(k, s) for k in kept):
            continue
        seen.add(sig)
        kept.append(s)
    return kept


def frontier(units: Sequence[Unit], items: Sequence[str], need: int) -> list[_State]:
    """Efficient complete bundles of ``units`` that close all ``items`` and bring ``need`` of income."""
    done = [s for s in _states_by_gain(units, items, need) if s[1] >= need]
    # among complete bundles only cost and capacity matter
    return _prune([(s[0], need, s[2], s[3], s[4]) for s in done])


def _bundle(units: Sequence[Unit], chosen: int) -> Bundle:
    picked = tuple(u for i, u in enumerate(units) if chosen >> i & 1)
    usage: dict[Pool, int] = defaultdict(int)
    for u in picked:
        if u.pool is not None:
            usage[u.pool] += 1
    return Bundle(picked, sum(u.cost for u in picked), sum(u.gain for u in picked), tuple(sorted(usage.items())))


def efficient_bundles(case: Case) -> list[Bundle]:
    """The case's efficient bundles, cheapest first; empty when it cannot be brought to the standard."""
    items = sorted(case.items)
    return [_bundle(case.units, s[4]) for s in frontier(case.units, items, case.gap)]


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
    """Efficient bundles of each case, computing each distinct structure once (at its largest gap)."""
    shaped = [_shape(c) for c in cases]
    need: dict[tuple[object, ...], int] = {}
    for (key, _, _), case in zip(shaped, cases, strict=True):
        need[key] = max(need.get(key, 0), case.gap)
    fronts: dict[tuple[object, ...], list[_State]] = {}
    out: list[list[Bundle]] = []
    for (key, units, items), case in zip(shaped, cases, strict=True):
        if key not in fronts:
            fronts[key] = _states_by_gain(units, items, need[key])
        states = [s for s in fronts[key] if s[1] >= case.gap]
        states = _prune([(s[0], case.gap, s[2], s[3], s[4]) for s in states])
        out.append([_bundle(units, s[4]) for s in states])
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
