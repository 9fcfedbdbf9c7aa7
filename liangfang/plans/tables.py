"""Cost tables of a plan: by measure, by fund source, by village and by category (五个一批 lines).

Rows come from a fresh prescription or from stored plan measures alike: ``Line`` is what both give.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .schema import Catalogue


@dataclass(frozen=True)
class Line:
    """One measure for one household (or person): what the tables add up."""

    household_id: int
    village_id: int
    measure: str
    category: str
    fund_source: str
    stage: str
    cost: Decimal  # yuan


@dataclass(frozen=True)
class Row:
    key: str
    zh: str
    en: str
    units: int  # measures (a measure for two people counts twice)
    households: int
    cost: Decimal


def _table(lines: Iterable[Line], key: Callable[[Line], str], label: Callable[[str], tuple[str, str]]) -> list[Row]:
    units: dict[str, int] = defaultdict(int)
    households: dict[str, set[int]] = defaultdict(set)
    cost: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        k = key(line)
        units[k] += 1
        households[k].add(line.household_id)
        cost[k] += line.cost
    rows = [Row(k, *label(k), units[k], len(households[k]), cost[k]) for k in units]
    return sorted(rows, key=lambda r: (-r.cost, r.key))


def cost_tables(lines: Iterable[Line], catalogue: Catalogue, village_names: Mapping[int, str]
                ) -> dict[str, list[Row]]:
    """The four tables, each sorted by cost (largest first)."""
    items = list(lines)

    def measure(k: str) -> tuple[str, str]:
        m = catalogue.measures.get(k)
        return (m.name.zh, m.name.en) if m else (k, k)

    def fund(k: str) -> tuple[str, str]:
        f = catalogue.fund_sources.get(k)
        return (f.name.zh, f.name.en) if f else (k, k)

    def category(k: str) -> tuple[str, str]:
        c = catalogue.categories.get(k)
        return (c.name.zh, c.name.en) if c else (k, k)

    def village(k: str) -> tuple[str, str]:
        name = village_names.get(int(k), k)
        return (name, name)

    return {
        "measure": _table(items, lambda x: x.measure, measure),
        "fund_source": _table(items, lambda x: x.fund_source, fund),
        "village": _table(items, lambda x: str(x.village_id), village),
        "category": _table(items, lambda x: x.category, category),
    }


def as_json(tables: Mapping[str, list[Row]]) -> dict[str, list[dict[str, object]]]:
    return {name: [{"key": r.key, "zh": r.zh, "en": r.en, "units": r.units, "households": r.households,
                    "cost": str(r.cost)} for r in rows] for name, rows in tables.items()}
