"""Monitoring facts (2021 on): what screening and elimination rules may name besides the
household facts of ``liangfang.engine.facts``, each defined once with a doc line.

They are computed for one month M (the month screened or checked) from the layout's monitoring
tables (``liangfang.layout_monitoring``): a household's months (alias ``mm``, the windows' sums
by ``MonitorPlanner.months``, from month rows or from the Parquet layout's running totals; the
stable period's earlier windows, for open objects only, ``ms``),
its active members (``ma``, ``MonitorPlanner.members``) and its open monitoring object with the
measures delivered since it entered (``ob``). The income window is the
``income_window_months`` months before M; income facts are unknown (no data) unless every month
of the window is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlglot import exp

from ..facts import Fact, facts_of
from ..sqlparts import Dialect, case, cents_to_yuan, col, num, paren, percent, round_half_away


@dataclass(frozen=True)
class MonitorContext:
    """The month and the pack's periods a monitoring fact depends on."""

    dialect: Dialect
    year: int
    month: int
    window_months: int  # the income window (12)
    stable_months: int  # months income must stay above the line (6)
    school_age_min: int
    school_age_max: int

    @property
    def month_number(self) -> int:
        return self.year * 100 + self.month


_CATALOG: dict[str, Fact] = {}


def _fact(name: str, kind: str, zh: str, en: str, doc: str, sql: Callable[[MonitorContext], exp.Expr],
          **extra: object) -> None:
    if name in _CATALOG or name in facts_of("household"):
        raise ValueError(f"monitoring fact {name} defined twice")
    _CATALOG[name] = Fact(name, "household", kind, zh, en, doc, sql, **extra)  # type: ignore[arg-type]


def monitoring_facts() -> Mapping[str, Fact]:
    return dict(_CATALOG)


def rule_facts() -> Mapping[str, Fact]:
    """Every fact a monitoring rule may name: the household facts and the monitoring facts."""
    return {**facts_of("household"), **_CATALOG}


def _size() -> exp.Expr:
    return exp.Coalesce(this=col("members", "ma"), expressions=[num(0)])


def _complete(count: str, alias: str = "mm") -> exp.Expr:
    """The window's months are all recorded and someone lives in the household."""
    return exp.and_(exp.EQ(this=col(count, alias), expression=col("window_months", alias)),
                    exp.GT(this=_size(), expression=num(0)))


def _yuan(cents: exp.Expr, count: str = "n0") -> Callable[[MonitorContext], exp.Expr]:
    return lambda ctx: case((_complete(count), cents_to_yuan(cents.copy(), ctx.dialect)))


def _per_capita(cents: exp.Expr, count: str = "n0") -> Callable[[MonitorContext], exp.Expr]:
    return lambda ctx: case((_complete(count), cents_to_yuan(round_half_away(cents.copy(), _size()), ctx.dialect)))


def _minus(a: str, *others: str) -> exp.Expr:
    out: exp.Expr = col(a, "mm")
    for name in others:
        out = exp.Sub(this=out, expression=col(name, "mm"))
    return paren(out)


_NO_MONTHS = {"missing_zh": "收入计算期内月度记录不全", "missing_en": "months of the income period not all recorded"}

_fact("months_recorded", "int", "收入计算期内有记录的月数", "months recorded in the income period",
      "months of the income window with a household_months row", lambda ctx: exp.Coalesce(
          this=col("n0", "mm"), expressions=[num(0)]), unit="count")
_fact("income_12m", "money", "近12个月家庭纯收入", "household net income over the income period",
      "wage + business + property + transfers − business expense over the window's months",
      _yuan(col("net0", "mm")), unit="yuan", **_NO_MONTHS)
_fact("per_capita_income_12m", "money", "近12个月人均纯收入", "per-capita net income over the income period",
      "income_12m / active members, rounded to the fen", _per_capita(col("net0", "mm")), unit="yuan", **_NO_MONTHS)
_fact("medical_cost_12m", "money", "近12个月合规自付医疗费用", "eligible out-of-pocket medical costs (income period)",
      "medical_cost over the window: out of pocket after basic and serious-illness insurance and medical assistance",
      _yuan(col("med0", "mm")), unit="yuan", **_NO_MONTHS)
_fact("schooling_cost_12m", "money", "近12个月教育支出", "schooling costs (income period)",
      "schooling_cost over the window", _yuan(col("school0", "mm")), unit="yuan", **_NO_MONTHS)
_fact("assistance_income_12m", "money", "近12个月低保及特困供养金", "social assistance (income period)",
      "transfer_assistance (低保金 + 特困供养金) over the window", _yuan(col("assist0", "mm")), unit="yuan",
      **_NO_MONTHS)
_fact("per_capita_income_net_of_expenses_12m", "money", "扣除刚性支出后近12个月人均纯收入",
      "per-capita income over the income period less large expenses",
      "(income_12m − medical_cost_12m − schooling_cost_12m) / active members, rounded to the fen",
      _per_capita(_minus("net0", "med0", "school0")), unit="yuan", **_NO_MONTHS)
_fact("per_capita_income_prev_12m", "money", "上一期12个月人均纯收入", "per-capita income over the period before",
      "net income of the window's length just before the window / active members",
      _per_capita(col("netp", "mm"), "np"), unit="yuan",
      missing_zh="上一期月度记录不全", missing_en="months of the period before not all recorded")


def _fall(ctx: MonitorContext) -> exp.Expr:
    both = exp.and_(_complete("n0"), _complete("np"))
    fall = percent(paren(exp.Sub(this=col("netp", "mm"), expression=col("net0", "mm"))), col("netp", "mm"))
    return case((both, fall))


_fact("income_fall_percent", "rate", "收入降幅", "income fall",
      "(income of the period before − income_12m) × 100 / income of the period before; negative when it rose; "
      "unknown when either period is incomplete or the earlier income is not positive",
      _fall, unit="percent", missing_zh="两期月度记录不全", missing_en="months of the two periods not all recorded")


def _lowest(ctx: MonitorContext) -> exp.Expr:
    sums = [col("net0", "mm"), *[col(f"net{k}", "ms") for k in range(1, ctx.stable_months)]]
    complete = exp.and_(_complete("n0"), *[_complete(f"n{k}", "ms") for k in range(1, ctx.stable_months)])
    lowest = sums[0] if len(sums) == 1 else exp.Least(this=sums[0], expressions=sums[1:])
    return case((complete, cents_to_yuan(round_half_away(lowest, _size()), ctx.dialect)))


_fact("lowest_per_capita_income_stable_period", "money", "稳定期内最低人均纯收入",
      "lowest per-capita income over the stable period",
      "the least of per_capita_income_12m counted back from each of the last stable_months months",
      _lowest, unit="yuan", missing_zh="稳定期月度记录不全", missing_en="months of the stable period not all recorded")


def _count(name: str) -> Callable[[MonitorContext], exp.Expr]:
    return lambda ctx: exp.Coalesce(this=col(name, "ma"), expressions=[num(0)])


_fact("seriously_ill_members", "int", "患大病成员数", "seriously ill members",
      "active members whose health_status is serious", _count("seriously_ill"), unit="people")
_fact("severely_disabled_members", "int", "一、二级残疾成员数", "members with grade 1–2 disability",
      "active members whose disability_grade is 1 or 2", _count("severely_disabled"), unit="people")
_fact("children_out_of_school", "int", "义务教育适龄失学人数", "school-age children out of school",
      "active members of school age on the month's first day who are not in school and not exempted",
      _count("out_of_school"), unit="people")


def _is_object(ctx: MonitorContext) -> exp.Expr:
    return paren(exp.Not(this=exp.Is(this=col("household_id", "ob"), expression=exp.Null())))


_fact("is_monitoring_object", "bool", "监测对象", "monitoring object",
      "the household has a monitoring object open on the month's first day", _is_object)
_fact("object_category", "text", "监测对象类别", "object category", "the open object's category",
      lambda ctx: col("category", "ob"), codes="monitoring",
      missing_zh="非监测对象", missing_en="not a monitoring object")
_fact("months_as_object", "int", "已监测月数", "months as an object",
      "months from the open object's month of entry to the month checked",
      lambda ctx: col("months_in", "ob"), unit="count", missing_zh="非监测对象", missing_en="not a monitoring object")
_fact("measures_delivered", "int", "纳入后落实措施数", "measures delivered since entry",
      "deliveries of plan measures from the object's entry to before the month checked",
      lambda ctx: col("delivered", "ob"), unit="count", missing_zh="非监测对象", missing_en="not a monitoring object")
_fact("development_measures_delivered", "int", "纳入后落实开发式措施数", "development measures delivered",
      "deliveries since entry whose catalogue category is one of the pack's development categories",
      lambda ctx: col("development", "ob"), unit="count", missing_zh="非监测对象",
      missing_en="not a monitoring object")
