"""The typed schema of a policy pack. A pack file is checked against these models on load.

Every item a user could quote (a line, a parameter, an indicator, a notice period) carries a
Chinese and English name and a source note with a reliability mark, as in ``POLICY.md``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .yamltext import MAX_DIGITS, MAX_NUMBER

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


def _in_range(v: Decimal) -> Decimal:
    """A number given as text ("1e999999999" is a string to YAML) gets the YAML reader's bounds."""
    if not v.is_finite() or v.copy_abs() > MAX_NUMBER or len(v.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(f"数值超出范围（绝对值不超过 {MAX_NUMBER:,.0f}，最多 {MAX_DIGITS} 位）/ number out of range: "
                         f"at most {MAX_NUMBER:,.0f} in size and {MAX_DIGITS} digits")
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
            raise ValueError("amount has more than two decimal places / 金额最多两位小数")
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
                raise ValueError(f"year {year} out of range / 年度超出范围")
        return dict(sorted(v.items()))


Unit = Literal["yuan", "percent", "litres", "minutes", "days", "years", "people", "households", "count"]


class Parameter(_Strict):
    """A threshold or constant that rules may name."""

    name: Text
    value: Number
    unit: Unit
    source: Source


class NoticePeriod(_Strict):
    name: Text
    days: int = Field(ge=1, le=90)
    source: Source


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
    explain: Explanation
    source: Source

    @model_validator(mode="after")
    def _applies_only_per_member(self) -> Indicator:
        if self.applies is not None and self.per != "member":
            raise ValueError("'applies' is only for per: member / 仅逐人指标可设 applies")
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

    @field_validator("parameters", "notice_periods", "household_indicators", "village_indicators",
                     "county_indicators")
    @classmethod
    def _names(cls, v: dict[str, object]) -> dict[str, object]:
        for key in v:
            if not re.match(NAME_PATTERN, str(key)):
                raise ValueError(f"name {key!r} must be lower_snake_case / 名称须为小写字母、数字、下划线")
        return v

    @field_validator("years")
    @classmethod
    def _year_range(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] > v[1]:
            raise ValueError("years: first year after last / 起始年度晚于截止年度")
        return v

    @model_validator(mode="after")
    def _levels(self) -> Pack:
        for key, ind in self.village_indicators.items():
            if ind.per != "household":
                raise ValueError(f"village_indicators.{key}: per: member only for households")
        for key, ind in self.county_indicators.items():
            if ind.per != "household":
                raise ValueError(f"county_indicators.{key}: per: member only for households")
        return self

    # -- lines -------------------------------------------------------------------------------
    def poverty_line_entry(self, year: int) -> LineYear:
        try:
            return self.poverty_lines.years[year]
        except KeyError:
            raise KeyError(
                f"政策包 {self.pack} 无 {year} 年扶贫标准 / pack {self.pack} has no poverty line for {year}"
            ) from None

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

    def indicators_for_year(self, level: str, year: int) -> dict[str, Indicator]:
        return {k: v for k, v in self.indicators(level).items()
                if (v.from_year is None or v.from_year <= year) and (v.to_year is None or year <= v.to_year)}
