"""Where results go: tables of the same database (INSERT … SELECT, no round trip through Python)
or Parquet files (DuckDB ``COPY``).

The SQL targets are named by the caller (the Django app knows its table names); their columns:
- households: run_id, household_id, village_id, people, verdict, status (the household's)
- areas: run_id, level, region_id, parent_id, people, verdict
- indicators: run_id, level, subject_id, indicator, status, applicable, failing
- members: run_id, household_id, member_id, resident_id, indicator, status
- values: run_id, level, subject_id, name, number, text (NULL values are not written)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from ..domain.text import Text
from .compiled import CompiledPack
from .facts import Level
from .results import PARENT, SOURCES, ValueColumn, member_query, value_columns
from .sqlparts import bool_to_int, cast, col, num, text
from .statements import Step, code, status_text


@dataclass(frozen=True)
class SqlTargets:
    households: str
    areas: str
    indicators: str
    members: str
    values: str


def _t(name: str, alias: str) -> exp.Expr:
    return exp.to_table(name).as_(alias)


def _insert(table: str, columns: list[str], query: exp.Expr) -> exp.Insert:
    return exp.insert(query, table, columns=columns)


def _value_select(level: str, key_expr: exp.Expr, source: exp.Select, value: ValueColumn, run_id: int,
                  table_alias: str) -> exp.Select:
    column = col(value.name, table_alias)
    if value.kind == "text":
        number: exp.Expr = cast(exp.Null(), "DECIMAL(20, 6)")
        txt: exp.Expr = column
    else:
        number = bool_to_int(column) if value.kind == "bool" else column
        txt = cast(exp.Null(), "VARCHAR")
    return (source.select(num(run_id), text(level), key_expr, text(value.name), number, txt, copy=True)
            .where(exp.Not(this=exp.Is(this=column.copy(), expression=exp.Null())), copy=False))


def sql_sink(compiled: CompiledPack, targets: SqlTargets, run_id: int, households_only: bool = False) -> list[Step]:
    """Statements storing a run's results; ``households_only``: those of households and their
    members alone (a run of ``assess(only=...)``, which computes no area)."""
    steps: list[Step] = []
    levels = ("household",) if households_only else ("household", "village", "county")
    run = num(run_id)
    hh = exp.select(run, col("household_id"), col("village_id"), col("people"),
                    status_text(col("verdict")), exp.Coalesce(this=col("status"), expressions=[text("")]),
                    ).from_("lf_household_eval")
    steps.append(Step(Text("写入农户结果", "household results"), None, _insert(
        targets.households, ["run_id", "household_id", "village_id", "people", "verdict", "status"], hh)))
    for level, parent in (("village", "county_id"), ("county", None)):
        if level not in levels:
            continue
        eval_table, _, key = SOURCES[level]
        area = exp.select(run.copy(), text(level), col(key), col(parent) if parent else exp.Null(), col("people"),
                          status_text(col("verdict"))).from_(eval_table)
        steps.append(Step(Text(f"写入{level}结果", f"{level} results"), None, _insert(
            targets.areas, ["run_id", "level", "region_id", "parent_id", "people", "verdict"], area)))
    indicator_cols = ["run_id", "level", "subject_id", "indicator", "status", "applicable", "failing"]
    for level in levels:
        eval_table, _, key = SOURCES[level]
        for ind in compiled.of(level):  # type: ignore[arg-type]
            counted = level == "household" and ind.per_member
            query = exp.select(run.copy(), text(level), col(key), text(ind.name), status_text(col(f"s_{ind.name}")),
                               col(f"n_{ind.name}") if counted else cast(exp.Null(), "INT"),
                               col(f"x_{ind.name}") if counted else cast(exp.Null(), "INT")).from_(eval_table)
            steps.append(Step(Text(f"写入指标 {level}.{ind.name}", f"indicator {level}.{ind.name}"), None,
                              _insert(targets.indicators, indicator_cols, query)))
    value_cols = ["run_id", "level", "subject_id", "name", "number", "text"]
    for level in levels:
        _, fact_table, key = SOURCES[level]
        source = exp.select().from_(_t(fact_table, "f"))
        for value in value_columns(compiled, level):  # type: ignore[arg-type]
            steps.append(Step(Text(f"写入数值 {level}.{value.name}", f"values {level}.{value.name}"), None, _insert(
                targets.values, value_cols, _value_select(level, col(key, "f"), source, value, run_id, "f"))))
    for ind in (i for i in compiled.of("household") if i.per_member):
        not_passing = exp.and_(exp.EQ(this=col(f"a_{ind.name}", "f"), expression=num(1)),
                               exp.NEQ(this=col(f"s_{ind.name}", "f"), expression=code("pass")))
        members = (exp.select(run.copy(), col("household_id", "f"), col("member_id", "f"), col("resident_id", "f"),
                              text(ind.name), status_text(col(f"s_{ind.name}", "f")))
                   .from_(_t("lf_member_out", "f")).where(not_passing))
        steps.append(Step(Text(f"写入成员 {ind.name}", f"members {ind.name}"), None, _insert(
            targets.members, ["run_id", "household_id", "member_id", "resident_id", "indicator", "status"], members)))
    if any(i.per_member for i in compiled.of("household")):
        # values once per member, whichever indicators the member does not pass
        source = exp.select().from_(_t("lf_member_out", "f"))
        for value in value_columns(compiled, "member"):
            steps.append(Step(Text(f"写入成员数值 {value.name}", f"member values {value.name}"), None, _insert(
                targets.values, value_cols,
                _value_select("member", col("member_id", "f"), source, value, run_id, "f"))))
    return steps


# -- Parquet (DuckDB) -------------------------------------------------------------------------------
def parquet_sink(compiled: CompiledPack, directory: Path) -> list[Step]:
    """Wide Parquet files: one row per household / village / county with statuses and values;
    members an indicator applies to and who do not pass it, with their values (by member id,
    without resident IDs: analytics does not need them)."""
    steps = []
    meta = [text(compiled.pack.pack).as_("pack"), text(compiled.pack.version).as_("pack_version"),
            num(compiled.year).as_("year")]
    for level, stem in (("household", "households"), ("village", "villages"), ("county", "counties")):
        eval_table, fact_table, key = SOURCES[level]
        lvl: Level = level  # type: ignore[assignment]
        parent = PARENT[level]
        columns: list[exp.Expr] = [*[m.copy() for m in meta], col(key, "e")]
        if parent:
            columns.append(col(parent, "e"))
        columns += [col("people", "e"), status_text(col("verdict", "e")).as_("verdict")]
        if level == "household":
            columns.append(col("status", "e").as_("status"))
        for ind in compiled.of(lvl):
            columns.append(status_text(col(f"s_{ind.name}", "e")).as_(f"s_{ind.name}"))
            if ind.per_member:
                columns += [col(f"n_{ind.name}", "e").as_(f"n_{ind.name}"),
                            col(f"x_{ind.name}", "e").as_(f"x_{ind.name}")]
        columns += [col(v.name, "f").as_(f"v_{v.name}") for v in value_columns(compiled, lvl)]
        query = (exp.select(*columns).from_(_t(eval_table, "e"))
                 .join(_t(fact_table, "f"), on=exp.EQ(this=col(key, "f"), expression=col(key, "e"))))
        steps.append(Step(Text(f"导出 {stem}.parquet", f"write {stem}.parquet"), None,
                          _copy(query, directory / f"{stem}.parquet")))
    members = member_query(compiled, resident_ids=False)
    if members is not None:
        wrapped = exp.Subquery(this=members, alias=exp.TableAlias(this=exp.to_identifier("m")))
        query = exp.select(*[m.copy() for m in meta], exp.Star()).from_(wrapped)
        steps.append(Step(Text("导出 members.parquet", "write members.parquet"), None,
                          _copy(query, directory / "members.parquet")))
    return steps


def _copy(query: exp.Expr, path: Path) -> exp.Copy:
    return exp.Copy(this=exp.Subquery(this=query), kind=False, files=[exp.Literal.string(str(path))],
                    params=[exp.CopyParameter(this=exp.Var(this="FORMAT"), expression=exp.Var(this="PARQUET")),
                            exp.CopyParameter(this=exp.Var(this="COMPRESSION"), expression=exp.Var(this="ZSTD"))])
