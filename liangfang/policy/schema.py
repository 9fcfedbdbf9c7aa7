"""The typed schema of a policy pack. A pack file is checked against these models on load.

Every item a user could quote (a line, a parameter, an indicator, a notice period) carries a
Chinese and English name and a source note with a reliability mark, as in ``POLICY.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..domain.text import Text as Bilingual
from .yamltext import MAX_DIGITS, MAX_NUMBER

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


def _in_range(v: Decimal) -> Decimal:
    """A number given as text ("1e999999999" is a string to YAML) gets the YAML reader's bounds."""
    if not v.is_finite() or v.copy_abs() > MAX_NUMBER or len(v.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(Bilingual(f"数值超出范围（绝对值不超过 {MAX_NUMBER:,.0f}，最多 {MAX_DIGITS} 位）",
                                   f"number out of range: at most {MAX_NUMBER:,.0f} in size and {MAX_DIGITS} digits"))
    return v


Number = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_in_range)]


class Reliability(StrEnum):
    CONFIRMED = "CONFIRMED"
    REPOST = "REPOST"
    ANALOGUE = "ANALOGUE"
    UNCONFIRMED = "UNCONFIRMED"

    @property
    def label_zh(self) -> str:
        return {"CONFIRMED": "已核实", "REPOST": "转载", "ANALOGUE": "参照他地",
                "UNCONFIRMED": "未经核实"}[self.value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Source(_Strict):
    """Where an item comes from and how far it can be trusted."""

    reliability: Reliability
    note: str = Field(min_length=1)
    url: str | None = None


class LineYear(_Strict):
    amount: Number = Field(gt=0)
    source: Source

    @field_validator("amount")
    @classmethod
    def _cents(cls, v: Decimal) -> Decimal:
        if v != v.quantize(Decimal("0.01")):
            raise ValueError(Bilingual("金额最多两位小数", "amount has more than two decimal places"))
        return v


class LineTable(_Strict):
    """A line (yuan per person per year) by year, each year with its own source."""

    name: Text
    years: dict[int, LineYear]

    @field_validator("years")
    @classmethod
    def _years(cls, v: dict[int, LineYear]) -> dict[int, LineYear]:
        for year in v:
            if not 1978 <= year <= 2100:
                raise ValueError(Bilingual(f"年度 {year} 超出范围", f"year {year} out of range"))
        return dict(sorted(v.items()))


Unit = Literal["yuan", "percent", "litres", "metres", "minutes", "days", "years", "people", "households", "count"]


class Parameter(_Strict):
    """A threshold or constant that rules may name."""

    name: Text
    value: Number
    unit: Unit
    source: Source


class NoticePeriod(_Strict):
    """How long a notice (公示) stays up. ``unit``: calendar days (the usual "不少于7天") or working
    days; with ``ends_on_working_day`` a period whose last day is a rest day ends on the next working
    day (the rule of 民事诉讼法 on periods, applied here by analogy)."""

    name: Text
    days: int = Field(ge=1, le=90)
    unit: Literal["days", "working_days"] = "days"
    ends_on_working_day: bool = True
    source: Source


# Bounds of a holiday table (a year of the State Council's notice has about 30 days off and at most
# about 8 worked weekend days; the limits leave room and refuse a table that is not one).
HOLIDAY_YEARS = (2000, 2100)
MAX_DAYS_OFF = 45
MAX_WORKING_WEEKENDS = 15
MAX_HOLIDAY_TABLE_YEARS = 20


class HolidayYear(_Strict):
    """One year's public holidays and adjusted working weekends (调休), as the State Council's notice
    (国务院办公厅关于某年部分节假日安排的通知) publishes them, for a year ``chinesecalendar`` does not
    know yet. ``days_off``: the days of the holidays (weekend days inside them may be listed or not);
    ``working_weekends``: the Saturdays and Sundays worked instead. Only a table whose source is
    ``CONFIRMED`` makes the year's deadlines final; any other keeps them marked provisional."""

    source: Source
    days_off: tuple[dt.date, ...] = Field(max_length=MAX_DAYS_OFF)
    working_weekends: tuple[dt.date, ...] = Field(default=(), max_length=MAX_WORKING_WEEKENDS)

    @model_validator(mode="after")
    def _days(self) -> HolidayYear:
        if not self.days_off:
            raise ValueError(Bilingual("days_off：须列出节假日", "days_off: a year's table lists its holidays"))
        for day in self.working_weekends:
            if day.weekday() < 5:
                raise ValueError(Bilingual(f"working_weekends：{day} 不是周六或周日，调休上班日须为周六或周日",
                                           f"working_weekends: {day} is not a Saturday or Sunday"))
        both = set(self.days_off) & set(self.working_weekends)
        if both:
            days = ", ".join(sorted(map(str, both)))
            raise ValueError(Bilingual(f"{days} 既放假又上班", f"{days} both a day off and a working day"))
        if len(set(self.days_off)) != len(self.days_off) or len(set(self.working_weekends)) != len(
                self.working_weekends):
            raise ValueError(Bilingual("日期重复", "a day is listed twice"))
        return self


def _holiday_years(v: dict[int, HolidayYear]) -> dict[int, HolidayYear]:
    if len(v) > MAX_HOLIDAY_TABLE_YEARS:
        raise ValueError(Bilingual(f"最多 {MAX_HOLIDAY_TABLE_YEARS} 个年度",
                                   f"at most {MAX_HOLIDAY_TABLE_YEARS} years"))
    for year, table in v.items():
        if not HOLIDAY_YEARS[0] <= year <= HOLIDAY_YEARS[1]:
            raise ValueError(Bilingual(f"年度 {year} 超出 {HOLIDAY_YEARS[0]}–{HOLIDAY_YEARS[1]}",
                                       f"year {year} outside {HOLIDAY_YEARS[0]}–{HOLIDAY_YEARS[1]}"))
        for day in (*table.days_off, *table.working_weekends):
            if day.year != year:
                raise ValueError(Bilingual(f"{year}：{day} 不在该年度", f"{year}: {day} is not in {year}"))
    return v


HolidayTables = Annotated[dict[int, HolidayYear], AfterValidator(_holiday_years)]


class HolidayFile(_Strict):
    """A county-maintained holiday table (``LIANGFANG_HOLIDAYS``): the years after the library's."""

    name: Text
    holidays: HolidayTables


StepType = Literal["record", "notice", "review", "announce"]
ProcedureRole = Literal["village_cadre", "township_reviewer", "county_admin"]


class ProcedureStep(_Strict):
    """One step of a procedure. ``type``: ``record`` (a meeting, a check: date, people present,
    outcome), ``notice`` (a list posted for ``notice_period``; objections stop the clock),
    ``review`` (approve or send back to ``send_back_to`` with a reason), ``announce`` (the decision:
    the governed status changes with this step's date). ``deadline_working_days`` counts from the
    previous step's date (from the end of a notice after a notice step)."""

    name: Text
    type: StepType
    role: ProcedureRole
    deadline_working_days: int = Field(ge=1, le=120)
    notice_period: str | None = None
    send_back_to: str | None = None
    attachments: tuple[str, ...] = ()
    source: Source

    @model_validator(mode="after")
    def _fields_of_type(self) -> ProcedureStep:
        if (self.type == "notice") != (self.notice_period is not None):
            raise ValueError(Bilingual("公示步骤须有且仅有 notice_period",
                                       "notice_period is required on a notice step and only there"))
        if self.send_back_to is not None and self.type != "review":
            raise ValueError(Bilingual("仅审核步骤可退回（send_back_to）", "send_back_to is only for a review step"))
        return self


class Procedure(_Strict):
    """A procedure (程序) that governs a status: its steps in the order of the mapping."""

    name: Text
    subject: Literal["household", "village"]
    effect: str = Field(pattern=NAME_PATTERN)
    from_year: int | None = None
    to_year: int | None = None
    steps: dict[str, ProcedureStep]
    source: Source

    @model_validator(mode="after")
    def _steps(self) -> Procedure:
        keys = list(self.steps)
        if not keys:
            raise ValueError(Bilingual("程序至少一步", "a procedure needs at least one step"))
        for key in keys:
            if not re.match(NAME_PATTERN, key):
                raise ValueError(Bilingual(f"步骤名 {key!r} 须为小写字母、数字、下划线",
                                           f"step name {key!r} must be lower_snake_case"))
        for i, (key, step) in enumerate(self.steps.items()):
            if step.send_back_to is not None and step.send_back_to not in keys[:i]:
                where = f"steps.{key}.send_back_to"
                raise ValueError(Bilingual(f"{where}：{step.send_back_to!r} 不在本步之前，退回的步骤须在本步之前",
                                           f"{where}: {step.send_back_to!r} is not an earlier step"))
        if self.steps[keys[-1]].type != "announce":
            raise ValueError(Bilingual("最后一步须为公告（announce）", "the last step must be of type announce"))
        if any(s.type == "announce" for s in list(self.steps.values())[:-1]):
            raise ValueError(Bilingual("仅最后一步为公告", "only the last step may announce"))
        return self



def check_notice_periods(procedures: dict[str, Procedure], notice_periods: dict[str, NoticePeriod]) -> None:
    """Every step's notice period is one the pack names (the assessment and monitoring packs alike)."""
    for key, proc in procedures.items():
        for step_key, step in proc.steps.items():
            if step.notice_period is not None and step.notice_period not in notice_periods:
                where = f"procedures.{key}.steps.{step_key}.notice_period"
                raise ValueError(Bilingual(f"{where}：无名为 {step.notice_period!r} 的公示期",
                                           f"{where}: no notice period named {step.notice_period!r}"))

class ReferenceDate(_Strict):
    """The day of each year on which ages are counted (e.g. school age on 31 August)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    name: Text
    source: Source


class Explanation(_Strict):
    """Sentences for the outcomes, with ``{fact}`` / ``{parameter}`` placeholders."""

    passed: Text
    failed: Text


Level = Literal["household", "member", "village", "county"]


class Indicator(_Strict):
    name: Text
    rule: str = Field(min_length=1)
    # member-level indicators are checked per person; the household passes when every person
    # the indicator applies to passes.
    per: Literal["household", "member"] = "household"
    applies: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    when_no_data: Literal["fail", "pending"] = "fail"
    # false: reported beside the verdict (e.g. income stability) without deciding it
    in_verdict: bool = True
    explain: Explanation
    source: Source

    @model_validator(mode="after")
    def _applies_only_per_member(self) -> Indicator:
        if self.applies is not None and self.per != "member":
            raise ValueError(Bilingual("仅逐人指标（per: member）可设 applies", "'applies' is only for per: member"))
        return self


class Pack(_Strict):
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    extends: str | None = None
    name: Text
    jurisdiction: Text
    western: bool = False
    years: tuple[int, int]
    description: Text
    disclaimer: Text | None = None
    household_scope: Literal["registered", "all"] = "registered"
    reference_date: ReferenceDate
    poverty_lines: LineTable
    monitoring_lines: LineTable
    parameters: dict[str, Parameter] = {}
    notice_periods: dict[str, NoticePeriod] = {}
    household_indicators: dict[str, Indicator] = {}
    village_indicators: dict[str, Indicator] = {}
    county_indicators: dict[str, Indicator] = {}
    procedures: dict[str, Procedure] = {}
    holidays: HolidayTables = {}

    @field_validator("parameters", "notice_periods", "household_indicators", "village_indicators",
                     "county_indicators", "procedures")
    @classmethod
    def _names(cls, v: dict[str, object]) -> dict[str, object]:
        for key in v:
            if not re.match(NAME_PATTERN, str(key)):
                raise ValueError(Bilingual(f"名称 {key!r} 须为小写字母、数字、下划线",
                                           f"name {key!r} must be lower_snake_case"))
        return v

    @field_validator("years")
    @classmethod
    def _year_range(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] > v[1]:
            raise ValueError(Bilingual("years：起始年度晚于截止年度", "years: first year after last"))
        return v

    @model_validator(mode="after")
    def _levels(self) -> Pack:
        for key, ind in self.village_indicators.items():
            if ind.per != "household":
                raise ValueError(Bilingual(f"village_indicators.{key}：per: member 仅用于户级指标",
                                           f"village_indicators.{key}: per: member only for households"))
        for key, ind in self.county_indicators.items():
            if ind.per != "household":
                raise ValueError(Bilingual(f"county_indicators.{key}：per: member 仅用于户级指标",
                                           f"county_indicators.{key}: per: member only for households"))
        check_notice_periods(self.procedures, self.notice_periods)
        return self

    # -- lines -------------------------------------------------------------------------------
    def poverty_line_entry(self, year: int) -> LineYear:
        try:
            return self.poverty_lines.years[year]
        except KeyError:
            raise KeyError(Bilingual(f"政策包 {self.pack} 无 {year} 年扶贫标准",
                                     f"pack {self.pack} has no poverty line for {year}")) from None

    def poverty_line(self, year: int) -> Decimal:
        """The national (or pack) poverty line in yuan per person per year; KeyError if none."""
        return self.poverty_line_entry(year).amount

    def monitoring_line(self, year: int) -> Decimal | None:
        """The monitoring line (防返贫监测线) for ``year``, or None when the pack has none."""
        entry = self.monitoring_lines.years.get(year)
        return entry.amount if entry else None

    def indicators(self, level: str) -> dict[str, Indicator]:
        return {"household": self.household_indicators, "village": self.village_indicators,
                "county": self.county_indicators}[level]

    def deciding(self, level: str) -> dict[str, Indicator]:
        """The indicators that decide the verdict (not those only reported beside it)."""
        return {k: v for k, v in self.indicators(level).items() if v.in_verdict}

    def indicator_counts(self) -> str:
        """'7 + 16 + 12': deciding indicators per level, with any reported ones named apart."""
        counts = " + ".join(str(len(self.deciding(lvl))) for lvl in ("household", "village", "county"))
        levels = ("household", "village", "county")
        reported = sum(len(self.indicators(lvl)) - len(self.deciding(lvl)) for lvl in levels)
        return Bilingual(f"{counts}（+{reported} 参考）", f"{counts} (+{reported} reported)") if reported else counts

    def indicators_for_year(self, level: str, year: int) -> dict[str, Indicator]:
        return {k: v for k, v in self.indicators(level).items()
                if (v.from_year is None or v.from_year <= year) and (v.to_year is None or year <= v.to_year)}
