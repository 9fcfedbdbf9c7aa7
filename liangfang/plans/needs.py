"""What each household lacks and what it may receive, read from an assessment run in a session.

The engine assesses the year (its own SQL steps, in whichever database the session talks to);
the statuses come back through ``collect``. Eligibility of every measure is then computed in the
same database: each measure's checked condition becomes a ``CASE`` column over the household
facts the engine built (``lf_household``) or over the member facts of the fact catalogue, so a
measure is eligible by exactly the rule language and facts the indicators use. Unknown (NULL)
counts as not eligible.

No Django here: SQLite, PostgreSQL and DuckDB sessions work alike.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..engine.assess import assess as engine_assess
from ..engine.compiled import PLACEHOLDER, CompiledPack
from ..engine.facts import Context, Fact, Level, facts_of
from ..engine.results import Outcome, collect, normalize
from ..engine.session import Session
from ..engine.sqlparts import Dialect, case, col, num, paren
from ..engine.statements import drop_all, views
from .catalogue import CompiledCatalogue, CompiledMeasure

FAILING = ("fail", "no_data")
Progress = Callable[[str, int, int], None]


@dataclass
class MemberNeed:
    member_id: int
    resident_id: str
    values: dict[str, Any]
    failing: dict[str, str] = field(default_factory=dict)  # per-member indicator -> fail | no_data
    eligible: tuple[str, ...] = ()


@dataclass
class HouseholdNeed:
    household_id: int
    village_id: int
    verdict: str
    statuses: dict[str, str]
    values: dict[str, Any]  # every household fact
    eligible: tuple[str, ...] = ()
    members: list[MemberNeed] = field(default_factory=list)

    def failing(self) -> list[str]:
        """Household indicators not met (a per-member one when any member fails it)."""
        return [name for name, status in self.statuses.items() if status in FAILING]


@dataclass
class Needs:
    outcome: Outcome
    households: dict[int, HouseholdNeed]
    regions: dict[int, tuple[int | None, str, str]]  # region id -> (parent id, level, name)
    _ancestors: dict[tuple[int, str], int | None] = field(default_factory=dict)

    def ancestor(self, village_id: int, level: str) -> int | None:
        """The region at ``level`` above (or equal to) the village."""
        key = (village_id, level)
        if key not in self._ancestors:
            self._ancestors[key] = self._walk(village_id, level)
        return self._ancestors[key]

    def _walk(self, village_id: int, level: str) -> int | None:
        probe: int | None = village_id
        while probe is not None:
            parent, lvl, _ = self.regions.get(probe, (None, "", ""))
            if lvl == level:
                return probe
            probe = parent
        return None

    def names(self) -> dict[int, str]:
        return {rid: name for rid, (_, _, name) in self.regions.items()}


def assess(session: Session, compiled: CompiledPack, progress: Progress | None = None) -> Outcome:
    """Run the engine's assessment steps in the session and read the results back."""
    engine_assess(session, compiled, progress=progress)
    return collect(session, compiled)


def release(session: Session) -> None:
    """Drop the engine's working relations (they live as long as the connection otherwise)."""
    for statement in drop_all(views(session.dialect)):
        session.execute(statement)


def _eligibility(m: CompiledMeasure) -> exp.Expr:
    cond = paren(m.condition.copy())
    return case((cond, num(1)), (exp.Not(this=paren(m.condition.copy())), num(0))).as_(f"el__{m.key}")


def _rows(session: Session, query: exp.Expr) -> Iterable[dict[str, Any]]:
    names, rows = session.query(query)
    for row in rows:
        yield dict(zip(names, row, strict=True))


def regions(session: Session) -> dict[int, tuple[int | None, str, str]]:
    """Region id -> (parent id, level, name)."""
    query = exp.select(col("id"), col("parent_id"), col("level"), col("name")).from_(exp.to_table("registry_region"))
    return {int(r["id"]): (None if r["parent_id"] is None else int(r["parent_id"]), str(r["level"]), str(r["name"]))
            for r in _rows(session, query)}


BASE_FACTS = {"household": ("household_size", "income_household_size", "net_income", "per_capita_net_income",
                             "labor_count"),
              "member": ("age", "relation")}


def shown_facts(catalogue: CompiledCatalogue, level: Level) -> dict[str, Fact]:
    """The facts a plan reads back: the income gap's and those the measures' explanations quote
    (eligibility itself is decided in SQL and needs none of them in Python)."""
    known = facts_of(level)
    names = set(BASE_FACTS[level])
    for m in catalogue.of_level(level):
        for text in (m.spec.explain.zh, m.spec.explain.en):
            names |= {match.group(1) for match in PLACEHOLDER.finditer(text)}
    return {name: fact for name, fact in known.items() if name in names}


@dataclass
class FactRow:
    """One household or member: its facts and the measures it is eligible for."""

    id: int
    parent_id: int  # village of a household, household of a member
    values: dict[str, Any]
    eligible: tuple[str, ...]
    resident_id: str = ""


def household_rows(session: Session, catalogue: CompiledCatalogue,
                   wanted: Container[int] | None = None) -> Iterable[FactRow]:
    """Households in the engine's fact relation (those in ``wanted``, or all), with every household
    fact and eligibility."""
    facts = shown_facts(catalogue, "household")
    measures = catalogue.of_level("household")
    columns: list[exp.Expr] = [col("household_id", "f"), col("village_id", "f")]
    columns += [col(name, "f") for name in facts]
    columns += [_eligibility(m) for m in measures]
    for record in _rows(session, exp.select(*columns).from_(exp.to_table("lf_household").as_("f"))):
        if wanted is not None and int(record["household_id"]) not in wanted:
            continue
        yield FactRow(int(record["household_id"]), int(record["village_id"]),
                      {name: normalize(f.kind, record[name]) for name, f in facts.items()},
                      tuple(m.key for m in measures if record[f"el__{m.key}"] == 1))


def member_query(compiled: CompiledPack, dialect: Dialect, catalogue: CompiledCatalogue) -> exp.Select:
    """Active members with every member fact (the catalogue's definitions over ``registry_member``
    as ``m``) and one eligibility column per member-level measure."""
    ref = compiled.pack.reference_date
    ctx = Context(dialect, compiled.year, ref.month, ref.day)
    facts = [f.sql(ctx).as_(name) for name, f in facts_of("member").items()]
    # members of the households the engine assessed (its scope), not of the whole registry
    in_scope = exp.select(col("household_id")).from_(exp.to_table("lf_household"))
    inner = (exp.select(col("id", "m").as_("member_id"), col("household_id", "m").as_("household_id"),
                        col("resident_id", "m").as_("resident_id"), *facts)
             .from_(exp.to_table("registry_member").as_("m"))
             .where(exp.and_(col("is_active", "m"), col("household_id", "m").isin(query=in_scope))))
    columns: list[exp.Expr] = [col("member_id", "f"), col("household_id", "f"), col("resident_id", "f")]
    columns += [col(name, "f") for name in shown_facts(catalogue, "member")]
    columns += [_eligibility(m) for m in catalogue.of_level("member")]
    return exp.select(*columns).from_(inner.subquery("f"))


def member_rows(session: Session, compiled: CompiledPack, catalogue: CompiledCatalogue,
                wanted: Container[int] | None = None) -> Iterable[FactRow]:
    """Active members of households in scope (of those in ``wanted``, or all), with every member fact
    and eligibility. Call after the engine's steps."""
    facts = shown_facts(catalogue, "member")
    measures = catalogue.of_level("member")
    for record in _rows(session, member_query(compiled, session.dialect, catalogue)):
        if wanted is not None and int(record["household_id"]) not in wanted:
            continue
        yield FactRow(int(record["member_id"]), int(record["household_id"]),
                      {name: normalize(f.kind, record[name]) for name, f in facts.items()},
                      tuple(m.key for m in measures if record[f"el__{m.key}"] == 1), str(record["resident_id"]))


def read_needs(session: Session, compiled: CompiledPack, catalogue: CompiledCatalogue, outcome: Outcome,
               villages: Iterable[int] | None = None) -> Needs:
    """Households of ``villages`` (all when None) that do not meet the standard, with their facts,
    failing indicators and eligible measures. Call after ``assess`` in the same session."""
    wanted = None if villages is None else set(villages)
    failing = {hid: r for hid, r in outcome.households.items()
               if r.verdict == "fail" and (wanted is None or r.parent_id in wanted)}
    needs: dict[int, HouseholdNeed] = {}
    for row in household_rows(session, catalogue, failing):
        result = failing.get(row.id)
        if result is not None:
            needs[row.id] = HouseholdNeed(row.id, row.parent_id, result.verdict, dict(result.statuses), row.values,
                                          row.eligible)
    members: dict[int, MemberNeed] = {}
    for row in member_rows(session, compiled, catalogue, needs):
        need = needs.get(row.parent_id)
        if need is not None:
            members[row.id] = MemberNeed(row.id, row.resident_id, row.values, eligible=row.eligible)
            need.members.append(members[row.id])
    for need in needs.values():
        need.members.sort(key=lambda m: m.member_id)
    for m in outcome.members:
        if m.member_id in members and m.status in FAILING:
            members[m.member_id].failing[m.indicator] = m.status
    return Needs(outcome, needs, regions(session))


def income_size(values: Mapping[str, Any]) -> int:
    """The household size the income standard divides by (the income record's, else members')."""
    size = values.get("income_household_size") or values.get("household_size") or 1
    return max(1, int(size))


def net_income(values: Mapping[str, Any]) -> Decimal | None:
    value = values.get("net_income")
    return None if value is None else Decimal(value)
