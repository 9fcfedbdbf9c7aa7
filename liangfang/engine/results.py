"""What an assessment produced, read back from the work tables in one engine-neutral shape.

``collect`` gives the same Python values whatever the engine (money as ``Decimal`` to the fen,
rates rounded to 9 decimal places, booleans as ``bool``), so engines can be compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlglot import exp

from .compiled import CompiledPack
from .facts import Fact, Level, facts_of
from .rules import AREA_FUNCTIONS
from .session import Session
from .sqlparts import col, num, text
from .statements import STATUS, code, status_text

BASE_VALUES: dict[Level, tuple[str, ...]] = {
    "member": ("age", "relation"),
    "household": ("household_size", "has_income_record", "income_household_size", "net_income",
                  "per_capita_net_income"),
    "village": ("rural_population", "poor_population", "poverty_incidence", "is_poor_village"),
    "county": ("rural_population", "poor_population", "poverty_incidence", "villages", "poor_villages"),
}
SOURCES: dict[str, tuple[str, str, str]] = {  # level -> (eval table, fact table, key)
    "household": ("lf_household_eval", "lf_household", "household_id"),
    "village": ("lf_village_eval", "lf_village", "village_id"),
    "county": ("lf_county_eval", "lf_county", "county_id"),
}
PARENT = {"household": "village_id", "village": "county_id", "county": None}


@dataclass(frozen=True)
class ValueColumn:
    name: str  # column in the fact table
    kind: str  # fact kind, or 'int' / 'rate' for derived counts and shares
    fact: Fact | None = None


def value_columns(compiled: CompiledPack, level: Level) -> list[ValueColumn]:
    known = facts_of(level)
    names = [n for n in BASE_VALUES[level] if n in known]
    names += [n for n in compiled.value_facts(level) if n not in names]
    out = [ValueColumn(n, known[n].kind, known[n]) for n in names]
    if level in ("village", "county"):
        prefixes = {f.prefix: f for f in AREA_FUNCTIONS[level].values()}
        seen = set()
        for column, _func, _ind in compiled.derived_columns(level):
            if column in seen:
                continue
            seen.add(column)
            prefix = column.split("__", 1)[0]
            kind = "rate" if prefixes[prefix].name.startswith("percent") else "int"
            out.append(ValueColumn(column, kind))
    return out


def normalize(kind: str, value: Any) -> Any:
    """One Python value per fact kind, whatever the engine returned."""
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "money":
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if kind == "decimal":
        return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if kind == "rate":
        return Decimal(repr(float(value))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return str(value)


@dataclass
class SubjectResult:
    level: str
    id: int
    parent_id: int | None
    verdict: str
    people: int
    statuses: dict[str, str] = field(default_factory=dict)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # per-member: (applicable, failing)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class MemberResult:
    member_id: int
    household_id: int
    resident_id: str
    indicator: str
    status: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    households: dict[int, SubjectResult] = field(default_factory=dict)
    members: list[MemberResult] = field(default_factory=list)
    villages: dict[int, SubjectResult] = field(default_factory=dict)
    counties: dict[int, SubjectResult] = field(default_factory=dict)

    def by_level(self, level: str) -> dict[int, SubjectResult]:
        return {"household": self.households, "village": self.villages, "county": self.counties}[level]


def subject_query(compiled: CompiledPack, level: Level) -> exp.Select:
    """Eval columns joined to the stored fact values, one row per subject."""
    eval_table, fact_table, key = SOURCES[level]
    columns: list[exp.Expr] = [exp.Column(this=exp.Star(), table=exp.to_identifier("e"))]
    columns += [col(v.name, "f").as_(f"v__{v.name}") for v in value_columns(compiled, level)]
    return (exp.select(*columns).from_(exp.to_table(eval_table).as_("e"))
            .join(exp.to_table(fact_table).as_("f"), on=exp.EQ(this=col(key, "f"), expression=col(key, "e"))))


def member_query(compiled: CompiledPack, resident_ids: bool = True) -> exp.Expr | None:
    """Members an indicator applies to and who do not pass it, one row per (member, indicator);
    with their resident IDs unless ``resident_ids`` is false (analytic output does not need them)."""
    indicators = [i for i in compiled.of("household") if i.per_member]
    if not indicators:
        return None
    values = value_columns(compiled, "member")
    parts = []
    for ind in indicators:
        columns: list[exp.Expr] = [col("member_id", "f"), col("household_id", "f"),
                                         *([col("resident_id", "f")] if resident_ids else []),
                                         text(ind.name).as_("indicator"),
                                         status_text(col(f"s_{ind.name}", "f")).as_("status")]
        columns += [col(v.name, "f").as_(f"v__{v.name}") for v in values]
        parts.append(exp.select(*columns).from_(exp.to_table("lf_member_out").as_("f"))
                     .where(exp.and_(exp.EQ(this=col(f"a_{ind.name}", "f"), expression=num(1)),
                                     exp.NEQ(this=col(f"s_{ind.name}", "f"), expression=code("pass")))))
    query: exp.Expr = parts[0]
    for part in parts[1:]:
        query = exp.union(query, part, distinct=False)
    return query


def collect(session: Session, compiled: CompiledPack) -> Outcome:
    out = Outcome()
    for level in ("household", "village", "county"):
        lvl: Level = level  # type: ignore[assignment]
        kinds = {f"v__{v.name}": v.kind for v in value_columns(compiled, lvl)}
        names, rows = session.query(subject_query(compiled, lvl))
        key = SOURCES[level][2]
        parent = PARENT[level]
        per_member = {i.name for i in compiled.of(lvl) if i.per_member}
        target = out.by_level(level)
        for row in rows:
            record = dict(zip(names, row, strict=True))
            item = SubjectResult(level, int(record[key]),
                                 int(record[parent]) if parent and record[parent] is not None else None,
                                 STATUS[int(record["verdict"])], int(record["people"] or 0))
            for ind in compiled.of(lvl):
                item.statuses[ind.name] = STATUS[int(record[f"s_{ind.name}"])]
                if ind.name in per_member:
                    item.counts[ind.name] = (int(record[f"n_{ind.name}"]), int(record[f"x_{ind.name}"]))
            for column, kind in kinds.items():
                item.values[column[3:]] = normalize(kind, record[column])
            target[item.id] = item
    query = member_query(compiled)
    if query is not None:
        kinds = {f"v__{v.name}": v.kind for v in value_columns(compiled, "member")}
        names, rows = session.query(query)
        for row in rows:
            record = dict(zip(names, row, strict=True))
            out.members.append(MemberResult(
                int(record["member_id"]), int(record["household_id"]), str(record["resident_id"]),
                str(record["indicator"]), str(record["status"]),
                {c[3:]: normalize(k, record[c]) for c, k in kinds.items()}))
        out.members.sort(key=lambda m: (m.household_id, m.member_id, m.indicator))
    return out
