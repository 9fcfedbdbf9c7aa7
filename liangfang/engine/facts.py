"""The fact catalogue: every value a rule may name, defined once, with a doc line.

A fact belongs to a level (member, household, village, county) and is a column of that level's
fact table, computed from the registry tables (``registry_household``, ``registry_member``,
``registry_incomerecord``, ``registry_region``, ``registry_villagefacilities``; on DuckDB the
Parquet files of ``liangfang.layout`` under the same names). Only columns of the analytic
layout are read, so every engine sees the same data. Facts are pinned to the year: members count
when they were members on the pack's reference date of the year (``member_in_year``), and dated
facts (school status, medical cover, housing grade, water) are read as of that day; health from
its history (``registry_memberhealthhistory``) as it was that day; the household's status and
registration as they were that day (``status_on``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from .sqlparts import (
    Dialect,
    age_on,
    as_of,
    case,
    cents_sum,
    cents_to_yuan,
    col,
    count_if,
    date_literal,
    known_by,
    nullif_blank,
    num,
    paren,
    percent,
    round_half_away,
    text,
)

Level = Literal["member", "household", "village", "county"]
LEVELS: tuple[Level, ...] = ("member", "household", "village", "county")
Kind = Literal["bool", "int", "money", "decimal", "rate", "text"]


@dataclass(frozen=True)
class Context:
    """What a fact's SQL may depend on besides the data: the dialect, the year, the reference
    date of the year (ages, membership and dated facts are read as of that day)."""

    dialect: Dialect
    year: int
    ref_month: int = 8
    ref_day: int = 31

    @property
    def ref_date(self) -> dt.date:
        return dt.date(self.year, self.ref_month, self.ref_day)


def member_in_year(ctx: Context, table: str | None = None) -> exp.Expr:
    """A member of the household on the reference date: born and joined by then (a blank joining
    date: a member since registration) and not yet left (active, or left after it)."""
    day = date_literal(ctx.ref_date, ctx.dialect)
    left_after = exp.GT(this=col("left_on", table), expression=day)
    still_in = paren(exp.or_(col("is_active", table), left_after))
    born = exp.LTE(this=col("birth_date", table), expression=day.copy())
    return exp.and_(still_in, known_by(col("joined_on", table), ctx.ref_date, ctx.dialect), born)


def _dated(name: str, table: str, recorded_on: str, blank: bool = False) -> Callable[[Context], exp.Expr]:
    """A column read as of the reference date: NULL (unknown then) when recorded after it."""
    def build(ctx: Context) -> exp.Expr:
        value: exp.Expr = nullif_blank(col(name, table)) if blank else col(name, table)
        return as_of(value, col(recorded_on, table), ctx.ref_date, ctx.dialect)
    return build


@dataclass(frozen=True)
class Fact:
    name: str
    level: Level
    kind: Kind
    zh: str
    en: str
    doc: str  # one line: what it is and how it is computed
    sql: Callable[[Context], exp.Expr]
    unit: str | None = None  # yuan, percent, litres, minutes, days, years, people, households
    codes: str | None = None  # code list (domain/codes.yaml) for text facts
    missing_zh: str = "无数据"
    missing_en: str = "no data"
    is_input: bool = False  # filled in by verification, not computed from the registry


_CATALOG: dict[tuple[Level, str], Fact] = {}


def fact(name: str, level: Level, kind: Kind, zh: str, en: str, doc: str,
         sql: Callable[[Context], exp.Expr], **extra: object) -> Fact:
    item = Fact(name, level, kind, zh, en, doc, sql, **extra)  # type: ignore[arg-type]
    key = (level, name)
    if key in _CATALOG:
        raise ValueError(f"fact {level}.{name} defined twice")
    _CATALOG[key] = item
    return item


def facts_of(level: Level) -> Mapping[str, Fact]:
    return {name: f for (lvl, name), f in _CATALOG.items() if lvl == level}


def all_facts() -> tuple[Fact, ...]:
    return tuple(_CATALOG.values())


def _c(name: str, table: str) -> Callable[[Context], exp.Expr]:
    return lambda ctx: col(name, table)


def _blank(name: str, table: str) -> Callable[[Context], exp.Expr]:
    return lambda ctx: nullif_blank(col(name, table))


def _yuan_of_cents(name: str, table: str) -> Callable[[Context], exp.Expr]:
    return lambda ctx: cents_to_yuan(col(name, table), ctx.dialect)


# -- member facts: one row per active member of a household in scope (alias m = registry_member)
MEMBER = "member"
fact("age", "member", "int", "年龄", "age",
     "full years of age on the pack's reference date of the year (e.g. 31 August); −1 if born after it",
     lambda ctx: age_on(col("birth_date", "m"), ctx.year, ctx.ref_month, ctx.ref_day, ctx.dialect), unit="years")
fact("sex", "member", "text", "性别", "sex", "registry_member.sex", _c("sex", "m"), codes="sex")
fact("relation", "member", "text", "与户主关系", "relation to head", "registry_member.relation",
     _c("relation", "m"), codes="relation")
_SCHOOL_MISSING = {"missing_zh": "在校生状况在基准日后才核实",
                   "missing_en": "school status checked after the reference date"}
fact("in_school", "member", "bool", "在校", "in school",
     "school_status is anything but 'not_in_school' (pre-school counts as in school); unknown when the status "
     "was checked (school_status_on) after the reference date",
     lambda ctx: as_of(paren(exp.NEQ(this=col("school_status", "m"), expression=text("not_in_school"))),
                       col("school_status_on", "m"), ctx.ref_date, ctx.dialect), **_SCHOOL_MISSING)
fact("school_status", "member", "text", "在校生状况", "school status",
     "registry_member.school_status, as of the reference date (school_status_on)",
     _dated("school_status", "m", "school_status_on"), codes="school_status", **_SCHOOL_MISSING)
fact("compulsory_completed", "member", "bool", "已完成义务教育", "finished compulsory school",
     "finished junior secondary school (初中毕业: registry_member.compulsory_completed) or educated beyond it "
     "(文化程度 高中 or 大专及以上), as of the reference date (school_status_on)",
     lambda ctx: as_of(paren(exp.or_(exp.Coalesce(this=col("compulsory_completed", "m"), expressions=[exp.false()]),
                                     exp.Coalesce(this=col("education", "m"), expressions=[text("")])
                                     .isin(text("senior"), text("college")))),
                       col("school_status_on", "m"), ctx.ref_date, ctx.dialect), **_SCHOOL_MISSING)
fact("school_exemption", "member", "text", "免于入学情形", "school exemption",
     "registry_member.school_exemption: none, home_teaching (送教上门) or health",
     _c("school_exemption", "m"), codes="school_exemption")
HEALTH_HISTORY = "registry_memberhealthhistory"


def _health(name: str) -> Callable[[Context], exp.Expr]:
    """Health as it was on the reference date: the history's period holding that day, else the
    current value when it was checked by then (health_status_on blank: always so), else unknown."""
    def build(ctx: Context) -> exp.Expr:
        day = date_literal(ctx.ref_date, ctx.dialect)
        period = exp.and_(exp.EQ(this=col("member_id", "hh"), expression=col("id", "m")),
                          known_by(col("valid_from", "hh"), ctx.ref_date, ctx.dialect),
                          exp.GT(this=col("valid_to", "hh"), expression=day))
        then = (exp.select(exp.Max(this=col(name, "hh"))).from_(exp.to_table(HEALTH_HISTORY).as_("hh"))
                .where(period))
        current = as_of(col(name, "m"), col("health_status_on", "m"), ctx.ref_date, ctx.dialect)
        return exp.Coalesce(this=exp.Subquery(this=then), expressions=[current])
    return build


_HEALTH_MISSING = {"missing_zh": "健康状况在基准日后才核实且无历史记录",
                   "missing_en": "health checked after the reference date, with no history"}
fact("health_status", "member", "text", "健康状况", "health status",
     "registry_member.health_status as of the reference date: the history period holding it "
     "(registry_memberhealthhistory), else the current status when checked by then (health_status_on)",
     _health("health_status"), codes="health_status", **_HEALTH_MISSING)
fact("disability_grade", "member", "text", "残疾等级", "disability grade",
     "registry_member.disability_grade as of the reference date, as health_status",
     _health("disability_grade"), codes="disability_grade", **_HEALTH_MISSING)
fact("labor_ability", "member", "text", "劳动技能", "labour ability", "registry_member.labor_ability",
     _c("labor_ability", "m"), codes="labor_ability")
BASIC_MEDICAL_SCHEMES = ("resident", "employee", "newborn", "military")


def _medical(ctx: Context) -> exp.Expr:
    scheme = exp.Coalesce(this=col("medical_scheme", "m"), expressions=[text("")])
    covered = paren(exp.or_(exp.Coalesce(this=col("medical_insurance", "m"), expressions=[exp.false()]),
                            scheme.isin(*[text(c) for c in BASIC_MEDICAL_SCHEMES])))
    return paren(exp.and_(covered, known_by(col("insured_since", "m"), ctx.ref_date, ctx.dialect)))


fact("medical_insurance", "member", "bool", "有基本医疗保障", "basic medical cover",
     "any basic medical scheme on the reference date: 城乡居民医保 (registry_member.medical_insurance) or "
     "medical_scheme 职工医保, newborn (随父母) or serving soldier; from insured_since (blank: always)",
     _medical)
fact("medical_scheme", "member", "text", "基本医疗保障类型", "basic medical cover type",
     "registry_member.medical_scheme (blank = 城乡居民医保 or none, as medical_insurance says)",
     _blank("medical_scheme", "m"), codes="medical_scheme", missing_zh="未填", missing_en="not recorded")
fact("serious_illness_insurance", "member", "bool", "参加大病保险", "serious-illness insurance",
     "registry_member.serious_illness_insurance", _c("serious_illness_insurance", "m"))
fact("pension_insurance", "member", "bool", "参加基本养老保险", "basic pension insurance",
     "registry_member.pension_insurance", _c("pension_insurance", "m"))
fact("family_doctor", "member", "bool", "家庭医生签约", "family doctor contract",
     "registry_member.family_doctor", _c("family_doctor", "m"))

# -- household facts: one row per household in scope (h = registry_household,
#    ma = its active members' counts, i = the year's income record)
_MISSING_INCOME = {"missing_zh": "无该年度收入记录", "missing_en": "no income record for the year"}
fact("household_size", "household", "int", "家庭人口", "household size",
     "number of active members", lambda ctx: exp.Coalesce(this=col("members", "ma"), expressions=[num(0)]),
     unit="people")
fact("has_income_record", "household", "bool", "有收入记录", "has an income record",
     "registry_incomerecord has a row for the household and year",
     lambda ctx: paren(exp.Not(this=exp.Is(this=col("household_id", "i"), expression=exp.Null()))))
fact("income_household_size", "household", "int", "收入记录家庭人口", "household size on the income record",
     "registry_incomerecord.household_size for the year", _c("household_size", "i"), unit="people",
     **_MISSING_INCOME)
fact("net_income", "household", "money", "家庭纯收入", "household net income",
     "wage + business + property + all transfer income − business expense, from the year's income record",
     _yuan_of_cents("net_cents", "i"), unit="yuan", **_MISSING_INCOME)
fact("per_capita_net_income", "household", "money", "人均纯收入", "per-capita net income",
     "net_income / income record household_size, rounded to the fen (halves away from zero)",
     lambda ctx: cents_to_yuan(round_half_away(col("net_cents", "i"), col("household_size", "i")), ctx.dialect),
     unit="yuan", **_MISSING_INCOME)
fact("previous_per_capita_net_income", "household", "money", "上年人均纯收入", "previous year's per-capita income",
     "per-capita net income from the previous year's income record (as per_capita_net_income)",
     lambda ctx: cents_to_yuan(round_half_away(col("net_cents", "ip"), col("household_size", "ip")), ctx.dialect),
     unit="yuan", missing_zh="无上年收入记录", missing_en="no income record for the previous year")
fact("assistance_income", "household", "money", "低保及特困供养金", "social assistance income",
     "transfer_minimum_living + transfer_destitute_support of the year's income record",
     _yuan_of_cents("assist_cents", "i"), unit="yuan", **_MISSING_INCOME)


def registered_on(ctx: Context, table: str = "h") -> exp.Expr:
    """Registered (建档立卡) by the reference date: registered and identified by then (a blank
    identification date: always so)."""
    return paren(exp.and_(col("is_registered", table),
                          known_by(col("first_identified_on", table), ctx.ref_date, ctx.dialect)))


STATUS_HISTORY = "registry_householdstatushistory"


def status_on(ctx: Context, table: str = "h") -> exp.Expr:
    """The household's status on the reference date (the same reading as
    ``registry.selectors.status_on`` in the ORM): the status history's period holding that day
    (``registry_householdstatushistory``: what the dated fields no longer tell), else the dated
    fields: general before it was identified (first_identified_on); an exit counts from its exit
    year on (脱贫年度: the year's figures count the year's exits), so before it the household was not
    exited; a relapse (返贫) counts from its date (status_since), or without one from the year after
    its exit."""
    day = date_literal(ctx.ref_date, ctx.dialect)
    period = exp.and_(exp.EQ(this=col("household_id", "hs"), expression=col("id", table)),
                      known_by(col("valid_from", "hs"), ctx.ref_date, ctx.dialect),
                      exp.GT(this=col("valid_to", "hs"), expression=day.copy()))
    then = (exp.select(exp.Max(this=col("status", "hs"))).from_(exp.to_table(STATUS_HISTORY).as_("hs"))
            .where(period))
    return exp.Coalesce(this=exp.Subquery(this=then), expressions=[_status_from_fields(ctx, table)])


def _status_from_fields(ctx: Context, table: str) -> exp.Expr:
    day = date_literal(ctx.ref_date, ctx.dialect)
    year = num(ctx.year)
    status = col("status", table)
    exited_later = exp.and_(status.copy().isin(text("exited"), text("relapsed")),
                            exp.GT(this=col("exit_year", table), expression=year))
    since = col("status_since", table)
    relapsed_later = exp.and_(
        exp.EQ(this=status.copy(), expression=text("relapsed")),
        paren(exp.or_(exp.GT(this=since, expression=day.copy()),
                      exp.and_(exp.Is(this=since.copy(), expression=exp.Null()),
                               exp.EQ(this=col("exit_year", table), expression=year.copy())))))
    return case((exp.EQ(this=status.copy(), expression=text("general")), text("general")),
                (exp.GT(this=col("first_identified_on", table), expression=day), text("general")),
                (exited_later, text("not_exited")),
                (relapsed_later, text("exited")),
                default=status.copy())


fact("status", "household", "text", "贫困户状态", "household status",
     "registry_household.status as it was on the reference date: the status history's period holding it, "
     "else general before first_identified_on, not exited before the exit year, exited before a relapse "
     "(status_since; undated: the year after the exit)",
     status_on, codes="household_status")
fact("is_registered", "household", "bool", "建档立卡户", "registered poor household",
     "registry_household.is_registered, identified (first_identified_on) by the reference date", registered_on)
fact("poverty_attribute", "household", "text", "贫困户属性", "poverty attribute",
     "registry_household.poverty_attribute (blank = none)", _blank("poverty_attribute", "h"),
     codes="poverty_attribute")
fact("housing_grade", "household", "text", "住房安全等级", "housing grade",
     "appraised grade A/B/C/D (blank = not appraised; unknown when appraised after the reference date)",
     _dated("housing_grade", "h", "housing_appraised_on", blank=True), codes="housing_grade",
     missing_zh="住房未鉴定", missing_en="housing not appraised")
fact("housing_safety_via", "household", "text", "住房安全保障方式", "how housing is made safe",
     "registry_household.housing_safety_via (blank = none recorded)", _blank("housing_safety_via", "h"),
     codes="housing_safety_via", missing_zh="未填", missing_en="not recorded")


def _housing_safe(ctx: Context) -> exp.Expr:
    year = num(ctx.year)
    moved_in = exp.and_(exp.NEQ(this=col("relocation_mode", "h"), expression=text("none")),
                        exp.LTE(this=col("relocation_year", "h"), expression=year))
    grade = _dated("housing_grade", "h", "housing_appraised_on", blank=True)(ctx)
    dangerous = grade.copy().isin(text("C"), text("D"))
    renovated = exp.LTE(this=col("housing_renovated_year", "h"), expression=year)
    other_house = exp.EQ(this=col("housing_safety_via", "h"), expression=text("other_safe_house"))
    return case(
        (moved_in, exp.true()),
        (grade.copy().isin(text("A"), text("B")), exp.true()),
        (exp.and_(dangerous, renovated), exp.true()),
        (other_house, exp.true()),
        (dangerous, exp.false()),
    )


fact("housing_safe", "household", "bool", "住房安全", "housing safe",
     "grade A/B; or C/D renovated (危房改造) by the year; or moved into relocation housing by the year; "
     "or another safe house; unknown when not appraised and not relocated",
     _housing_safe, missing_zh="住房未鉴定", missing_en="housing not appraised")
fact("relocation_mode", "household", "text", "易地搬迁方式", "relocation", "registry_household.relocation_mode",
     _c("relocation_mode", "h"), codes="relocation_mode")
fact("water_litres_per_day", "household", "decimal", "人均日供水量", "water per person per day",
     "registry_household.water_litres_per_day", _dated("water_litres_per_day", "h", "water_surveyed_on"), unit="litres",
     missing_zh="供水量无数据", missing_en="no water quantity data")
fact("water_quality", "household", "text", "饮水水质", "water quality", "registry_household.water_quality",
     _dated("water_quality", "h", "water_surveyed_on", blank=True), codes="water_quality",
     missing_zh="水质无数据", missing_en="no water quality data")
fact("water_piped", "household", "bool", "自来水入户", "piped water", "registry_household.water_piped",
     _dated("water_piped", "h", "water_surveyed_on"),
     missing_zh="是否入户无数据", missing_en="no piped-water data")
fact("water_fetch_minutes", "household", "int", "往返取水时间", "water-fetching trip",
     "registry_household.water_fetch_minutes (round trip)", _dated("water_fetch_minutes", "h", "water_surveyed_on"),
     unit="minutes",
     missing_zh="取水时间无数据", missing_en="no fetching-time data")
fact("water_days_without", "household", "int", "年断水天数", "days without water",
     "registry_household.water_days_without", _dated("water_days_without", "h", "water_surveyed_on"), unit="days",
     missing_zh="断水天数无数据", missing_en="no data on days without water")
fact("water_distance_m", "household", "int", "取水水平距离", "water source distance",
     "registry_household.water_distance_m (metres, one way)", _dated("water_distance_m", "h", "water_surveyed_on"),
     unit="metres", missing_zh="取水距离无数据", missing_en="no water distance data")
fact("water_vertical_m", "household", "int", "取水垂直距离", "water source height difference",
     "registry_household.water_vertical_m (metres)", _dated("water_vertical_m", "h", "water_surveyed_on"),
     unit="metres", missing_zh="取水垂直距离无数据", missing_en="no water height data")
fact("power_living", "household", "bool", "通生活用电", "household electricity",
     "registry_household.power_living", _c("power_living", "h"))
fact("sanitary_toilet", "household", "bool", "卫生厕所", "sanitary toilet", "registry_household.sanitary_toilet",
     _c("sanitary_toilet", "h"))
fact("labor_count", "household", "int", "劳动力人数", "members able to work",
     "active members with labour ability ordinary, skilled or weak",
     lambda ctx: exp.Coalesce(this=col("labor_count", "ma"), expressions=[num(0)]), unit="people")
fact("no_labor_count", "household", "int", "无劳动力人数", "members unable to work",
     "active members whose labour ability is lost or none",
     lambda ctx: exp.Coalesce(this=col("no_labor_count", "ma"), expressions=[num(0)]), unit="people")
fact("members_uninsured", "household", "int", "未参加基本医保人数", "members without basic medical insurance",
     "active members not enrolled in basic medical insurance",
     lambda ctx: exp.Coalesce(this=col("uninsured", "ma"), expressions=[num(0)]), unit="people")


def member_aggregates() -> list[exp.Expr]:
    """Columns of the per-household aggregate of active members (alias ma)."""
    labour = col("labor_ability").isin(text("ordinary"), text("skilled"), text("weak"))
    return [
        exp.alias_(exp.Count(this=exp.Star()), "members"),
        exp.alias_(count_if(labour), "labor_count"),
        exp.alias_(count_if(col("labor_ability").isin(text("lost"), text("none"))), "no_labor_count"),
        exp.alias_(count_if(exp.Not(this=paren(col("medical_insurance")))), "uninsured"),
    ]


TRANSFERS = ("transfer_family_planning", "transfer_minimum_living", "transfer_destitute_support",
             "transfer_pension", "transfer_eco_compensation", "transfer_other")


def income_columns(dialect: Dialect) -> list[exp.Expr]:
    """Columns of the year's income record (alias i), amounts in whole fen."""
    net = cents_sum(["wage_income", "business_income", "property_income", *TRANSFERS], dialect,
                    minus=("business_expense",))
    assist = cents_sum(["transfer_minimum_living", "transfer_destitute_support"], dialect)
    return [col("household_id"), col("household_size"), exp.alias_(net, "net_cents"),
            exp.alias_(assist, "assist_cents")]


# -- village facts: one row per village region (v; t = its township, c = its county,
#    p = population of all households, e = assessed households' results, f = facilities of the year)
def _coalesce0(name: str, table: str) -> Callable[[Context], exp.Expr]:
    return lambda ctx: exp.Coalesce(this=col(name, table), expressions=[num(0)])


def _western(aliases: tuple[str, ...]) -> Callable[[Context], exp.Expr]:
    def build(ctx: Context) -> exp.Expr:
        flags = [exp.Coalesce(this=col("is_western", t), expressions=[exp.false()]) for t in aliases]
        return paren(exp.or_(*flags))
    return build


# the region and its ancestors: village v → township t → county c → city cy → province pv
_ANCESTORS = {"village": ("v", "t", "c", "cy", "pv"), "county": ("c", "cy", "pv")}


for _lvl, _agg in (("village", "p"), ("county", "p")):
    fact("rural_population", _lvl, "int", "乡村人口", "rural population",  # type: ignore[arg-type]
         "active members of all households (registered or not)", _coalesce0("people", _agg), unit="people")
    fact("rural_households", _lvl, "int", "农户数", "households",  # type: ignore[arg-type]
         "households registered in the registry (registered poor or not)", _coalesce0("households", _agg),
         unit="households")
    fact("poor_population", _lvl, "int", "贫困人口", "poor population",  # type: ignore[arg-type]
         "active members of registered households not exited (status 未脱贫 or 返贫): the official count, "
         "whatever the verdicts say", _coalesce0("poor_people", "e"), unit="people")
    fact("poor_households", _lvl, "int", "未脱贫户", "poor households",  # type: ignore[arg-type]
         "registered households not exited (status 未脱贫 or 返贫)", _coalesce0("poor_households", "e"),
         unit="households")
    fact("should_exit_households", _lvl, "int", "应退未退户", "households meeting the standard, not exited",  # type: ignore[arg-type]
         "households not exited whose verdict is 'pass' (应退未退)", _coalesce0("should_exit_households", "e"),
         unit="households")
    fact("should_exit_people", _lvl, "int", "应退未退人口", "people meeting the standard, not exited",  # type: ignore[arg-type]
         "active members of the 应退未退 households", _coalesce0("should_exit_people", "e"), unit="people")
    fact("suspected_wrong_exit_households", _lvl, "int", "疑似错退户",  # type: ignore[arg-type]
         "exited households failing the standard", "exited households whose verdict is 'fail' (疑似错退)",
         _coalesce0("suspected_wrong_exit_households", "e"), unit="households")
    fact("suspected_wrong_exit_people", _lvl, "int", "疑似错退人口",  # type: ignore[arg-type]
         "people of exited households failing the standard", "active members of the 疑似错退 households",
         _coalesce0("suspected_wrong_exit_people", "e"), unit="people")
    fact("data_gap_households", _lvl, "int", "数据缺失无法判定户", "households that cannot be judged",  # type: ignore[arg-type]
         "assessed households whose verdict is 'no_data': no indicator fails, one lacks data",
         _coalesce0("data_gap_households", "e"), unit="households")
    fact("assessed_households", _lvl, "int", "评估户数", "households assessed",  # type: ignore[arg-type]
         "households in the pack's scope (registered poor households by default)",
         _coalesce0("assessed", "e"), unit="households")
    fact("poverty_incidence", _lvl, "rate", "贫困发生率", "poverty incidence",  # type: ignore[arg-type]
         "poor_population × 100 / rural_population (percent): the official, status-based 贫困发生率",
         lambda ctx: percent(exp.Coalesce(this=col("poor_people", "e"), expressions=[num(0)]), col("people", "p")),
         unit="percent", missing_zh="无人口数据", missing_en="no population")
    fact("is_western", _lvl, "bool", "西部地区", "western region",  # type: ignore[arg-type]
         "the region or any region above it is marked western (3% incidence limit)",
         _western(_ANCESTORS[_lvl]))
    fact("households_without_power", _lvl, "int", "未通生活用电户数", "households without electricity",  # type: ignore[arg-type]
         "households (all) whose power_living is false", _coalesce0("no_power", "p"), unit="households")

fact("is_poor_village", "village", "bool", "贫困村", "poor village", "registry_region.is_poor_village",
     _c("is_poor_village", "v"))
FACILITIES = {
    "hardened_road": ("通硬化路", "hardened road"),
    "hamlet_roads_hardened": ("通屯道路硬化", "hardened roads to every hamlet"),
    "power_grid": ("通动力电", "three-phase power"),
    "broadband": ("通宽带", "broadband"),
    "broadcast_tv": ("通广播电视", "broadcast TV"),
    "piped_water": ("集中供水", "piped water supply"),
    "clinic": ("有标准化卫生室", "standard clinic"),
    "clinic_doctor": ("卫生室有合格村医", "qualified village doctor"),
    "culture_room": ("有文化活动室", "culture room"),
    "service_center": ("有综合服务设施", "service centre"),
    "garbage_collection": ("垃圾集中收运", "garbage collection"),
    "cooperative": ("有合作社或互助资金组织", "cooperative or mutual fund"),
    "work_team": ("有驻村工作队", "village work team"),
}
for _name, (_zh, _en) in FACILITIES.items():
    fact(_name, "village", "bool", _zh, _en, f"registry_villagefacilities.{_name} for the year",
         _c(_name, "f"), missing_zh="无该年度村级设施记录", missing_en="no facilities record for the year")
fact("collective_income", "village", "money", "村集体经济收入", "village collective income",
     "registry_villagefacilities.collective_income for the year",
     lambda ctx: cents_to_yuan(col("collective_cents", "f"), ctx.dialect), unit="yuan",
     missing_zh="无该年度村级设施记录", missing_en="no facilities record for the year")

# -- county facts: one row per county region (c), with verification inputs (vi)
fact("villages", "county", "int", "行政村数", "villages", "villages under the county",
     _coalesce0("villages", "va"), unit="count")
fact("poor_villages", "county", "int", "贫困村数", "poor villages", "villages marked is_poor_village",
     _coalesce0("poor_villages", "va"), unit="count")
_INPUT = {"is_input": True, "missing_zh": "待第三方评估填写", "missing_en": "awaiting third-party verification"}
fact("wrong_exit_rate", "county", "rate", "错退率", "wrong-exit rate",
     "third-party check: wrongly exited people / sampled exited people (percent); an input",
     _c("wrong_exit_rate", "vi"), unit="percent", **_INPUT)
fact("missed_poor_rate", "county", "rate", "漏评率", "missed-poor rate",
     "third-party check: missed poor / sampled unregistered rural people (percent); an input",
     _c("missed_poor_rate", "vi"), unit="percent", **_INPUT)
fact("public_approval", "county", "rate", "群众认可度", "public approval",
     "third-party survey: approving households / surveyed households (percent); an input",
     _c("public_approval", "vi"), unit="percent", **_INPUT)
fact("missed_poor_people", "county", "int", "漏评人口", "missed poor people",
     "people found missed by the third-party check, scaled to the county; an input",
     _c("missed_poor_people", "vi"), unit="people", **_INPUT)
fact("wrong_exit_people", "county", "int", "错退人口", "wrongly exited people",
     "people found wrongly exited by the third-party check, scaled to the county; an input",
     _c("wrong_exit_people", "vi"), unit="people", **_INPUT)


def _combined(ctx: Context) -> exp.Expr:
    total = exp.Add(this=exp.Add(this=exp.Coalesce(this=col("poor_people", "e"), expressions=[num(0)]),
                                 expression=col("missed_poor_people", "vi")),
                    expression=col("wrong_exit_people", "vi"))
    return percent(paren(total), col("people", "p"))


fact("combined_poverty_incidence", "county", "rate", "综合贫困发生率", "combined poverty incidence",
     "(remaining poor by status + missed-poor + wrongly exited people) × 100 / rural population, each person "
     "once: the wrongly exited have exited, so none of them is among the remaining poor; needs the "
     "verification inputs",
     _combined, unit="percent", **_INPUT)
