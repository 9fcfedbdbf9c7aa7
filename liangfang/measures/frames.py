"""The registry as arrays for the measures: one row per household, on any engine.

The household facts and the 两不愁三保障 statuses come from the assessment's own work relations
(``liangfang.engine.statements``: ``lf_household`` and ``lf_household_eval``), built with the pack's
household scope widened to every household, so a measure reads the same per-capita net income and
the same deprivations the exit rules read — on SQLite, PostgreSQL or DuckDB over Parquet.
No Django here: the caller gives an engine ``Session``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlglot import exp

from ..engine.compiled import CompiledIndicator, compile_pack
from ..engine.facts import Context, facts_of
from ..engine.session import Session
from ..engine.statements import STATUS_CODE, StatementPlanner, drop_all
from ..policy.schema import Pack

# The household indicators that are the 两不愁三保障 (and safe water) dimensions, by their pack names.
DIMENSIONS = ("food", "clothing", "education", "medical", "housing", "water")
_NEEDED = ("lf_member", "lf_member_agg", "lf_household", "lf_household_eval")


@dataclass(frozen=True)
class Dimension:
    name: str
    zh: str
    en: str


@dataclass
class HouseholdFrame:
    """Per household: ids, people (active members), per-capita net income (NaN without a record),
    main cause, and for each dimension whether the household is deprived (fails or lacks data)."""

    household_id: npt.NDArray[np.int64]
    village_id: npt.NDArray[np.int64]
    people: npt.NDArray[np.float64]
    income: npt.NDArray[np.float64]
    main_cause: npt.NDArray[np.object_]
    deprived: npt.NDArray[np.bool_]  # households × dimensions
    dimensions: tuple[Dimension, ...]
    people_by: dict[str, dict[str, npt.NDArray[np.float64]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.household_id.size)

    def take(self, rows: npt.NDArray[np.bool_]) -> HouseholdFrame:
        return HouseholdFrame(self.household_id[rows], self.village_id[rows], self.people[rows], self.income[rows],
                              self.main_cause[rows], self.deprived[rows], self.dimensions,
                              {by: {g: v[rows] for g, v in groups.items()} for by, groups in self.people_by.items()})


@dataclass(frozen=True)
class Region:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


def regions(session: Session) -> dict[int, Region]:
    query = exp.select("id", "code", "name", "level", "parent_id").from_("registry_region")
    _, rows = session.query(query)
    return {int(r[0]): Region(int(r[0]), str(r[1]), str(r[2]), str(r[3]), None if r[4] is None else int(r[4]))
            for r in rows}


def villages_under(all_regions: dict[int, Region], region: Region) -> dict[int, tuple[Region, Region | None]]:
    """Each village at or under ``region`` with its township (None when the village hangs from a county)."""
    children: dict[int | None, list[Region]] = {}
    for r in all_regions.values():
        children.setdefault(r.parent_id, []).append(r)
    found: dict[int, tuple[Region, Region | None]] = {}
    stack: list[tuple[Region, Region | None]] = [(region, region if region.level == "township" else None)]
    while stack:
        node, township = stack.pop()
        if node.level == "village":
            found[node.id] = (node, township)
        for child in children.get(node.id, []):
            stack.append((child, child if child.level == "township" else township))
    return found


def dimensions_of(indicators: Iterable[CompiledIndicator], language: str = "zh") -> tuple[Dimension, ...]:
    by_name = {i.name: i for i in indicators}
    return tuple(Dimension(n, by_name[n].spec.name.zh, by_name[n].spec.name.en) for n in DIMENSIONS if n in by_name)


def household_frame(session: Session, pack: Pack, year: int, village_ids: Iterable[int] | None = None,
                    *, lazy: frozenset[str] | None = None) -> HouseholdFrame:
    """Every household (of the given villages) with its income, people and deprivations in ``year``."""
    wide = pack.model_copy(update={"household_scope": "all"})
    compiled = compile_pack(wide, year)
    planner = StatementPlanner(compiled, session.dialect, (), lazy)
    for step in planner.steps():
        if isinstance(step.statement, exp.Drop) or step.table in _NEEDED:
            session.execute(step.statement)
    dims = dimensions_of(compiled.of("household"))
    try:
        columns: list[exp.Expr] = [exp.column("household_id", "e"), exp.column("village_id", "e"),
                                   exp.column("people", "e"), exp.column("per_capita_net_income", "f"),
                                   exp.column("main_cause", "h")]
        columns += [exp.column(f"s_{d.name}", "e") for d in dims]
        query = (exp.select(*columns).from_(exp.to_table("lf_household_eval").as_("e"))
                 .join(exp.to_table("lf_household").as_("f"),
                       on=exp.EQ(this=exp.column("household_id", "f"), expression=exp.column("household_id", "e")))
                 .join(exp.to_table("registry_household").as_("h"),
                       on=exp.EQ(this=exp.column("id", "h"), expression=exp.column("household_id", "e")))
                 .order_by(exp.column("household_id", "e")))
        if village_ids is not None:
            ids = sorted(set(village_ids))
            query = query.where(exp.column("village_id", "e").isin(*[exp.Literal.number(i) for i in ids])
                                if ids else exp.false())
        _, rows = session.query(query)
        people_by = _people_by(session, compiled.pack, year, query)
    finally:
        for statement in drop_all(planner.lazy):
            session.execute(statement)
    return _frame(rows, dims, people_by)


def _frame(rows: list[tuple[Any, ...]], dims: tuple[Dimension, ...],
           people_by: dict[int, dict[str, dict[str, float]]]) -> HouseholdFrame:
    n = len(rows)
    failing = (STATUS_CODE["fail"], STATUS_CODE["no_data"])
    household_id = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    deprived = np.zeros((n, len(dims)), dtype=bool)
    for j in range(len(dims)):
        deprived[:, j] = np.fromiter((r[5 + j] in failing for r in rows), dtype=bool, count=n)
    by: dict[str, dict[str, npt.NDArray[np.float64]]] = {}
    for kind in ("sex", "age_group"):
        groups = sorted({g for counts in people_by.values() for g in counts.get(kind, {})})
        by[kind] = {g: np.fromiter((people_by.get(int(h), {}).get(kind, {}).get(g, 0.0) for h in household_id),
                                   dtype=np.float64, count=n) for g in groups}
    return HouseholdFrame(
        household_id=household_id,
        village_id=np.fromiter((r[1] for r in rows), dtype=np.int64, count=n),
        people=np.fromiter((r[2] or 0 for r in rows), dtype=np.float64, count=n),
        income=np.fromiter((np.nan if r[3] is None else float(r[3]) for r in rows), dtype=np.float64, count=n),
        main_cause=np.array([r[4] or "" for r in rows], dtype=object),
        deprived=deprived, dimensions=dims, people_by=by)


def age_groups(pack: Pack) -> tuple[tuple[str, int | None, int | None], ...]:
    """Age bands from the pack's compulsory school ages: under school age, school age, older."""
    low = int(pack.parameters["school_age_min"].value)
    high = int(pack.parameters["school_age_max"].value)
    return ((f"0–{low - 1}", None, low - 1), (f"{low}–{high}", low, high), (f"{high + 1}+", high + 1, None))


def _people_by(session: Session, pack: Pack, year: int,
               households: exp.Select) -> dict[int, dict[str, dict[str, float]]]:
    """Active members per household by sex and by age band (counted in the database)."""
    ref = pack.reference_date
    ctx = Context(session.dialect, year, ref.month, ref.day)
    age = facts_of("member")["age"].sql(ctx)
    band: exp.Expr = exp.Case()
    for label, low, high in age_groups(pack):
        conditions: list[exp.Expr] = []
        if low is not None:
            conditions.append(exp.GTE(this=age.copy(), expression=exp.Literal.number(low)))
        if high is not None:
            conditions.append(exp.LTE(this=age.copy(), expression=exp.Literal.number(high)))
        band = band.when(exp.and_(*conditions), exp.Literal.string(label))  # type: ignore[attr-defined]
    ids = households.copy()
    ids.set("expressions", [exp.column("household_id", "e")])
    ids.set("order", None)
    result: dict[int, dict[str, dict[str, float]]] = {}
    for kind, key in (("sex", exp.column("sex", "m")), ("age_group", band)):
        query = (exp.select(exp.column("household_id", "m"), key.as_("g"), exp.Count(this=exp.Star()).as_("n"))
                 .from_(exp.to_table("registry_member").as_("m"))
                 .where(exp.column("is_active", "m"))
                 .where(exp.In(this=exp.column("household_id", "m"), query=exp.Subquery(this=ids)))
                 .group_by(exp.column("household_id", "m"), key.copy()))
        _, rows = session.query(query)
        for household, group, count in rows:
            result.setdefault(int(household), {}).setdefault(kind, {})[str(group)] = float(count)
    return result


__all__ = ["DIMENSIONS", "Dimension", "HouseholdFrame", "Region", "age_groups", "household_frame", "regions",
           "villages_under"]
