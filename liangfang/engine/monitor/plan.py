"""Screening and elimination for one month as SQL statements (ASTs rendered per dialect).

Work relations, temporary and prefixed ``lf_mon_``: ``lf_mon_members`` (per household: the
member counts the facts need), ``lf_mon_months`` (per household: the income window's sums, the
window before, shock counts), ``lf_mon_stable`` (for open objects: the windows counted back from
each earlier month of the stable period), ``lf_mon_objects``
(the monitoring object open on the month's first day, with the measures delivered since its
entry), ``lf_mon_household`` (every household's facts: the whole rural population is screened)
and ``lf_mon_eval`` (status codes per rule, the category a lead would take, the elimination
verdict). On DuckDB the member counts, the months and the household facts are views, read once
by the evaluation.

The months come either as month rows (``household_months``, the operational database: each
window is summed) or as running totals (``household_month_totals``, the Parquet layout: each
window is the difference of two months' totals); DuckDB reads the totals, SQLite and PostgreSQL
the rows unless told otherwise. Both give the same columns, so the facts and rules are shared.

A scope (``scope_of``: some villages, some households) narrows every work relation to those
households: a village's screening reads its own rows, not the whole registry's. What is kept
(``kept``, a condition on ``lf_mon_eval``'s columns such as "a lead or an open object") narrows
the results: every household in scope is screened, and ``lf_mon_eval`` holds the rows asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from ...layout_monitoring import (
    HOUSEHOLD_MONTH_TOTALS,
    HOUSEHOLD_MONTHS,
    MEASURE_DELIVERIES,
    MONITORING_OBJECTS,
    TOTALLED_AMOUNTS,
    TOTALLED_SHOCKS,
    add_months,
)
from ..facts import Context, facts_of, income_columns, member_aggregates
from ..sqlparts import Dialect, case, cast, cents_sum, col, count_if, date_literal, int_div, num, paren, text, ymd
from ..statements import TABLES, status_expr, verdict_expr
from .compiled import CompiledMonitoring
from .facts import monitoring_facts

# the relations the household facts are computed over, by their aliases in ``household``
JOINED = ("h", "ma", "mm", "ms", "ob", "i")
WORK = ("lf_mon_members", "lf_mon_months", "lf_mon_objects", "lf_mon_stable", "lf_mon_household", "lf_mon_eval")
SHOCKS = TOTALLED_SHOCKS
MonthsLayout = Literal["rows", "totals"]
# the window sums a fact reads, and the running total each comes from
_TOTALS = dict(zip(("net", "med", "school", "assist"), TOTALLED_AMOUNTS, strict=True))


@dataclass(frozen=True)
class Step:
    label: str
    statement: exp.Expr

    def sql(self, dialect: Dialect) -> str:
        return self.statement.sql(dialect)


def _t(name: str, alias: str | None = None) -> exp.Expr:
    table = exp.to_table(name)
    return table.as_(alias) if alias else table


def work_statement(name: str, query: exp.Expr, *, append: bool = False, view: bool = False) -> exp.Expr:
    """The statement that makes work relation ``name`` from ``query`` (a temporary table, or view),
    or with ``append`` adds the rows to it (a later round)."""
    if append:
        return exp.Insert(this=exp.to_table(name), expression=query)
    return exp.Create(this=exp.to_table(name), kind="VIEW" if view else "TABLE", expression=query,
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))


def scope_of(*, villages: Sequence[int] | None = None, households: Sequence[int] | None = None) -> exp.Expr | None:
    """The condition on the household table (alias ``h``) for these villages and/or households;
    None (every household) when neither is given. An empty list screens nobody."""
    parts: list[exp.Expr] = []
    for column, ids in (("village_id", villages), ("id", households)):
        if ids is not None:
            parts.append(col(column, "h").isin(*[num(i) for i in ids]) if ids else exp.false())
    return exp.and_(*parts) if parts else None


def leads_and_objects() -> exp.Expr:
    """The results a run keeps when asked for leads and open objects alone (a condition on
    ``lf_mon_eval``'s columns, for ``kept``)."""
    return exp.or_(exp.EQ(this=col("is_lead"), expression=num(1)), col("is_monitoring_object"))


class MonitorPlanner:
    def __init__(self, compiled: CompiledMonitoring, dialect: Dialect, scope: exp.Expr | None = None,
                 months: MonthsLayout | None = None, ids: tuple[int, int] | None = None,
                 kept: exp.Expr | None = None) -> None:
        self.c = compiled
        # the results kept: the rows of ``lf_mon_eval`` that match (None: every household's); a
        # national run asks for leads and open objects, a few per cent of households, and writing
        # the others' statuses cost as much as working them out
        self.kept = kept
        self.ids = ids  # a batch: the households whose ids lie in this range (all when None)
        self.dialect = dialect
        self.layout: MonthsLayout = months or ("totals" if dialect == "duckdb" else "rows")
        self.scope = scope  # from ``scope_of``; None: the whole registry
        self.ctx = compiled.context(dialect)
        self.month = self.ctx.month_number
        self.end = add_months(self.month, -1)  # the window's last month
        # on DuckDB the per-household relations are views, read once by the evaluation (nothing is
        # materialised but the objects and their stable period)
        self.view = frozenset({"lf_mon_members", "lf_mon_months", "lf_mon_household"}) if dialect == "duckdb" \
            else frozenset()

    def _in_range(self, query: exp.Select, household: exp.Expr) -> exp.Select:
        """``query`` kept to this round's households (those whose ids lie in its range)."""
        if self.ids is None:
            return query
        return query.where(exp.Between(this=household.copy(), low=num(self.ids[0]), high=num(self.ids[1])))

    def _only(self, query: exp.Select, household: exp.Expr) -> exp.Select:
        """``query`` kept to the scope's households and this round's."""
        return self._in_range(self._in_scope(query, household), household)

    def _in_scope(self, query: exp.Select, household_id: exp.Expr) -> exp.Select:
        """``query`` kept to the scope's households (by a subquery on the household table)."""
        if self.scope is None:
            return query
        ids = exp.select(col("id", "h")).from_(_t(TABLES["household"], "h")).where(self.scope.copy())
        return query.where(exp.In(this=household_id, query=exp.Subquery(this=ids)))

    def _between(self, first: int, last: int) -> exp.Expr:
        return exp.Between(this=col("month"), low=num(first), high=num(last))

    def _window(self, back: int) -> tuple[int, int]:
        last = add_months(self.end, -back)
        return add_months(last, 1 - self.ctx.window_months), last

    def _sum(self, cents: exp.Expr, first: int, last: int) -> exp.Expr:
        return cast(exp.Sum(this=case((self._between(first, last), cents))), "BIGINT")

    def members(self) -> exp.Expr:
        # of school age on the month's first day: full years between the pack's bounds, that is born
        # after the first of the month (max + 1) years back and on or before it (min) years back
        y, m, d = self.ctx.year, self.ctx.month, self.dialect
        oldest = date_literal(dt.date(y - self.ctx.school_age_max - 1, m, 1), d)  # born after this day
        youngest = date_literal(dt.date(y - self.ctx.school_age_min, m, 1), d)  # born on or before this day
        school_age = exp.and_(exp.GT(this=col("birth_date"), expression=oldest),
                              exp.LTE(this=col("birth_date"), expression=youngest))
        out_of_school = exp.and_(exp.EQ(this=col("school_status"), expression=text("not_in_school")),
                                 exp.EQ(this=col("school_exemption"), expression=text("none")), school_age)
        columns = [col("household_id"), *member_aggregates(),
                   count_if(exp.EQ(this=col("health_status"), expression=text("serious"))).as_("seriously_ill"),
                   count_if(col("disability_grade").isin(text("1"), text("2"))).as_("severely_disabled"),
                   count_if(out_of_school).as_("out_of_school")]
        query = exp.select(*columns).from_(_t(TABLES["member"])).where(col("is_active"))
        return self._only(query, col("household_id")).group_by(col("household_id"))

    def _month_rows(self, first: int) -> exp.Select:
        """Each month's amounts turned into whole fen once (the windows' sums add integers)."""
        d = self.dialect
        net = cents_sum(["wage_income", "business_income", "property_income", "transfer_assistance",
                         "transfer_other"], d, minus=("business_expense",))
        med, school, assist = (cents_sum([name], d) for name in ("medical_cost", "schooling_cost",
                                                                   "transfer_assistance"))
        query = (exp.select(col("household_id"), col("month"), col("shock"), net.as_("net"), med.as_("med"),
                            school.as_("school"), assist.as_("assist"))
                 .from_(_t(HOUSEHOLD_MONTHS.db_table)).where(self._between(first, self.end)))
        return self._only(query, col("household_id"))

    def months(self) -> exp.Expr:
        """Per household: the income window's and the window before's sums, the window's shocks."""
        if self.layout == "totals":
            return self._months_from_totals()
        first, last = self._window(0)
        p_first, p_last = self._window(self.ctx.window_months)
        columns: list[exp.Expr] = [col("household_id"), num(self.ctx.window_months).as_("window_months"),
                                   count_if(self._between(first, last)).as_("n0"),
                                   self._sum(col("net"), first, last).as_("net0")]
        columns += [self._sum(col(name), first, last).as_(f"{name}0") for name in ("med", "school", "assist")]
        columns += [count_if(self._between(p_first, p_last)).as_("np"),
                    self._sum(col("net"), p_first, p_last).as_("netp")]
        for shock in SHOCKS:
            hit = exp.and_(self._between(first, last), exp.EQ(this=col("shock"), expression=text(shock)))
            columns.append(count_if(hit).as_(f"shock__{shock}"))
        return exp.select(*columns).from_(self._month_rows(p_first).subquery("r")).group_by(col("household_id"))

    def _totals_at(self, month: int, names: list[str]) -> exp.Select:
        return self._only(exp.select(col("household_id"), *[col(n) for n in names])
                          .from_(_t(HOUSEHOLD_MONTH_TOTALS.db_table))
                          .where(exp.EQ(this=col("month"), expression=num(month))), col("household_id"))

    def totals_read(self) -> dict[str, exp.Select]:
        """The running totals the months are the differences of, by alias: ``e`` at the window's last
        month (it decides whether a household has months), ``a`` a window earlier, ``b`` two."""
        w = self.ctx.window_months
        names = ["months_recorded", *TOTALLED_AMOUNTS, *[f"shock_{s}" for s in SHOCKS]]
        return {"e": self._totals_at(self.end, names), "a": self._totals_at(add_months(self.end, -w), names),
                "b": self._totals_at(add_months(self.end, -2 * w), ["months_recorded", "net_income"])}

    def months_from_totals_columns(self) -> list[exp.Expr]:
        """The months' columns over the totals ``e``, ``a`` and ``b`` (``totals_read``)."""
        w = self.ctx.window_months

        def diff(name: str, late: str, early: str) -> exp.Expr:
            before = exp.Coalesce(this=col(name, early), expressions=[num(0)])
            later = col(name, late) if late == "e" else exp.Coalesce(this=col(name, late), expressions=[num(0)])
            step = exp.Sub(this=later, expression=before)
            # amounts in fen may exceed 32 bits; month and shock counts stay narrow (a narrower join)
            return cast(step, "BIGINT") if name in TOTALLED_AMOUNTS else paren(step)

        columns: list[exp.Expr] = [col("household_id", "e"), num(w).as_("window_months"),
                                   diff("months_recorded", "e", "a").as_("n0")]
        columns += [diff(total, "e", "a").as_(f"{short}0") for short, total in _TOTALS.items()]
        columns += [diff("months_recorded", "a", "b").as_("np"), diff("net_income", "a", "b").as_("netp")]
        columns += [diff(f"shock_{s}", "e", "a").as_(f"shock__{s}") for s in SHOCKS]
        return columns

    def _months_from_totals(self) -> exp.Expr:
        """The same columns as from month rows, from running totals: the totals at the window's last
        month less those at the month before the window (and so for the window before). A household
        without a row at the window's last month has no months recorded (the feed carries totals to
        its last month)."""
        totals = self.totals_read()

        def on(alias: str) -> exp.Expr:
            return exp.EQ(this=col("household_id", alias), expression=col("household_id", "e"))

        return (exp.select(*self.months_from_totals_columns()).from_(totals["e"].subquery("e"))
                .join(totals["a"].subquery("a"), on=on("a"), join_type="left")
                .join(totals["b"].subquery("b"), on=on("b"), join_type="left"))

    def _stable_from_totals(self) -> exp.Expr:
        w = self.ctx.window_months
        wanted: list[int] = []
        columns: list[exp.Expr] = [col("household_id"), num(w).as_("window_months")]
        for k in range(1, self.ctx.stable_months):
            last, before = add_months(self.end, -k), add_months(self.end, -k - w)
            wanted += [last, before]
            for name, total in ((f"n{k}", "months_recorded"), (f"net{k}", "net_income")):
                signed = case((exp.EQ(this=col("month"), expression=num(last)), col(total)),
                              (exp.EQ(this=col("month"), expression=num(before)),
                               exp.Neg(this=col(total))))
                columns.append(cast(exp.Sum(this=signed), "BIGINT").as_(name))
        objects = exp.select(col("household_id")).from_(_t("lf_mon_objects"))
        where = exp.and_(col("month").isin(*[num(m) for m in sorted(set(wanted))]),
                         exp.In(this=col("household_id"), query=exp.Subquery(this=objects)))
        return self._only(exp.select(*columns).from_(_t(HOUSEHOLD_MONTH_TOTALS.db_table)).where(where)
                          .group_by(col("household_id")), col("household_id"))

    def stable(self) -> exp.Expr:
        """The windows counted back from each earlier month of the stable period, for the open
        objects only (elimination is checked for them alone; they are a few per cent of households)."""
        if self.layout == "totals":
            return self._stable_from_totals()
        first = self._window(self.ctx.stable_months - 1)[0]
        objects = exp.select(col("household_id")).from_(_t("lf_mon_objects"))
        rows = self._month_rows(first).where(exp.In(this=col("household_id"), query=exp.Subquery(this=objects)))
        columns: list[exp.Expr] = [col("household_id"), num(self.ctx.window_months).as_("window_months")]
        for k in range(1, self.ctx.stable_months):
            w_first, w_last = self._window(k)
            columns.append(count_if(self._between(w_first, w_last)).as_(f"n{k}"))
            columns.append(self._sum(col("net"), w_first, w_last).as_(f"net{k}"))
        return exp.select(*columns).from_(rows.subquery("r")).group_by(col("household_id"))

    def objects(self) -> exp.Expr:
        start = self.month * 100 + 1  # YYYYMMDD of the month's first day
        d = self.dialect
        entered, eliminated = ymd(col("entered_on", "o"), d), ymd(col("eliminated_on", "o"), d)
        is_open = exp.and_(exp.LT(this=entered, expression=num(start)),
                           exp.or_(exp.Is(this=col("eliminated_on", "o"), expression=exp.Null()),
                                   exp.GTE(this=eliminated.copy(), expression=num(start))))
        delivered = ymd(col("delivered_on", "d"), d)
        joined = exp.and_(exp.EQ(this=col("household_id", "d"), expression=col("household_id", "o")),
                          exp.GTE(this=delivered, expression=entered.copy()),
                          exp.LT(this=delivered.copy(), expression=num(start)))
        development = tuple(text(c) for c in self.c.pack.measure_kinds.development)
        entered_year = int_div(entered.copy(), num(10000))
        entered_month = paren(exp.Mod(this=int_div(entered.copy(), num(100)), expression=num(100)))
        entered_index = paren(exp.Add(this=exp.Mul(this=entered_year, expression=num(12)), expression=entered_month))
        months_in = exp.Sub(this=num(self.ctx.year * 12 + self.ctx.month), expression=entered_index)
        query = (exp.select(col("household_id", "o"), exp.Max(this=col("category", "o")).as_("category"),
                            exp.Max(this=months_in).as_("months_in"),
                            exp.Count(this=col("household_id", "d")).as_("delivered"),
                            count_if(col("category", "d").isin(*development)).as_("development"))
                 .from_(_t(MONITORING_OBJECTS.db_table, "o"))
                 .join(_t(MEASURE_DELIVERIES.db_table, "d"), on=joined, join_type="left")
                 .where(is_open))
        return self._only(query, col("household_id", "o")).group_by(col("household_id", "o"))

    def income(self) -> exp.Select:
        """The previous year's income record per household (alias ``i``)."""
        income = (exp.select(*income_columns(self.dialect)).from_(_t(TABLES["income"]))
                  .where(exp.EQ(this=col("year"), expression=num(self.ctx.year - 1))))
        return self._in_range(income, col("household_id"))

    def household_columns(self, names: Collection[str] | None = None) -> list[exp.Expr]:
        """The household facts (all, or those ``names``) as columns over the household table ``h`` and
        the relations ``household`` joins to it (aliases ``JOINED``)."""
        old = Context(self.dialect, self.ctx.year - 1)
        columns = [col("id", "h").as_("household_id"), col("village_id", "h").as_("village_id")]
        # the previous year's income needs a second income join (the exit plan's "ip"); monitoring
        # judges income over months instead and never reads it
        columns += [f.sql(old).as_(name) for name, f in facts_of("household").items()
                    if name != "previous_per_capita_net_income"]
        columns += [f.sql(self.ctx).as_(name) for name, f in monitoring_facts().items()]  # type: ignore[arg-type]
        columns += [exp.Coalesce(this=col(f"shock__{s}", "mm"), expressions=[num(0)]).as_(f"shock__{s}")
                    for s in SHOCKS]
        return columns if names is None else [c for c in columns if c.alias_or_name in names]

    def household_rows(self, query: exp.Select) -> exp.Select:
        """``query`` over the household table kept to the scope's and this round's households."""
        query = query if self.scope is None else query.where(self.scope.copy())
        return self._in_range(query, col("id", "h"))

    def household(self) -> exp.Expr:
        def on(alias: str) -> exp.Expr:
            return exp.EQ(this=col("household_id", alias), expression=col("id", "h"))

        query = (exp.select(*self.household_columns()).from_(_t(TABLES["household"], "h"))
                 .join(_t("lf_mon_members", "ma"), on=on("ma"), join_type="left")
                 .join(_t("lf_mon_months", "mm"), on=on("mm"), join_type="left")
                 .join(_t("lf_mon_stable", "ms"), on=on("ms"), join_type="left")
                 .join(_t("lf_mon_objects", "ob"), on=on("ob"), join_type="left")
                 .join(self.income().subquery("i"), on=on("i"), join_type="left"))
        return self.household_rows(query)

    def evaluated(self) -> list[str]:
        """The household facts the evaluation reads (the others are computed for no one)."""
        names = ["household_id", "village_id"]
        names += [name for name in self.c.value_facts() if name not in names]
        names += [name for name in ("is_monitoring_object", *[f"shock__{s}" for s in SHOCKS]) if name not in names]
        return names

    def evaluation(self, source: exp.Expr | None = None) -> exp.Expr:
        """Statuses, category, lead and verdict per household over ``lf_mon_household`` (or ``source``,
        a relation with the same columns, alias ``f``)."""
        columns: list[exp.Expr] = [col(name) for name in self.evaluated()]
        category = exp.Case()
        for rule in self.c.of("category"):
            category = category.when(exp.Paren(this=rule.condition.copy()), text(rule.name))
        columns.append(category.as_("category"))
        elimination: list[str] = []
        screening = self.c.of("screening")
        for rule in screening:
            assert rule.spec is not None
            columns.append(status_expr(rule.condition, rule.spec.when_no_data).as_(f"s_{rule.name}"))
        for rule in self.c.of("elimination"):
            assert rule.spec is not None
            columns.append(status_expr(rule.condition, rule.spec.when_no_data).as_(f"e_{rule.name}"))
            elimination.append(f"e_{rule.name}")
        # a lead: not an object, and a screening rule's condition holds (its status is "pass"); the
        # conditions themselves, each read once, rather than the statuses (each reads its condition
        # twice), because a kept condition that asks for leads is evaluated on every household
        flagged = exp.or_(*[paren(rule.condition.copy()) for rule in screening]) if screening else exp.false()
        lead = case((exp.and_(exp.Not(this=col("is_monitoring_object", "f")), flagged), num(1)), default=num(0))
        columns.append(lead.as_("is_lead"))
        inner = exp.select(*columns).from_(source if source is not None else _t("lf_mon_household", "f"))
        verdict = case((col("is_monitoring_object"), verdict_expr(elimination)))
        out = exp.select(exp.Star(), verdict.as_("elimination")).from_(inner.subquery("x"))
        if self.kept is None:
            return out
        return exp.select(exp.Star()).from_(out.subquery("r")).where(self.kept.copy())

    def steps(self, append: bool = False) -> list[Step]:
        """The statements; with ``append`` (a later batch) the evaluation adds its rows to ``lf_mon_eval``."""
        kept = ("lf_mon_eval",) if append else ()
        out = [Step(name, exp.Drop(tables=[exp.to_table(name)], kind="VIEW" if name in self.view else "TABLE",
                                   exists=True)) for name in reversed(WORK) if name not in kept]
        for name, query in (("lf_mon_members", self.members()), ("lf_mon_months", self.months()),
                            ("lf_mon_objects", self.objects()), ("lf_mon_stable", self.stable()),
                            ("lf_mon_household", self.household()),
                            ("lf_mon_eval", self.evaluation())):
            statement = work_statement(name, query, append=name in kept, view=name in self.view)
            out.append(Step(name, statement))
        return out


def batch_ranges(low: int, high: int, households: int, batch: int) -> list[tuple[int, int]]:
    """Ranges of household ids from ``low`` to ``high``, about ``batch`` of the ``households`` each
    (ids are dense enough in every layout for equal ranges to hold about equal numbers)."""
    parts = max(1, -(-households // max(1, batch)))
    width = -(-(high - low + 1) // parts)
    return [(start, min(high, start + width - 1)) for start in range(low, high + 1, width)]
