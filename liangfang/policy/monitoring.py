"""Monitoring packs (防止返贫动态监测, 2021 on): monitoring lines by year with their history,
object categories, risk types, screening and elimination rules in the rule language, deadlines,
and the two procedures (identification, risk elimination) with their notice periods, which the
procedures app reads through its pack lookup.

A monitoring pack is a file of its own kind (``policy/monitoring_packs/*.yaml``), read by the same
loader as the exit packs (``extends:`` merges a province's or county's file over its base; every
problem names the file and line) and validated against ``MonitoringPack``. Rules are ``Indicator``
items: checked and compiled by the engine, explained from their ``explain`` templates.

>>> load_monitoring_pack("cn-monitoring-2021").monitoring_line(2021)
Decimal('6000')
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from ..domain.text import Text as Bilingual
from .loader import PackError, Problem, read_source, validated
from .schema import (
    NAME_PATTERN,
    HolidayTables,
    Indicator,
    LineTable,
    LineYear,
    NoticePeriod,
    Parameter,
    Procedure,
    Source,
    Text,
    _Strict,
    check_notice_periods,
)

PACKS_PACKAGE = "liangfang.policy.monitoring_packs"


class UnknownYearError(ValueError):
    """A year the pack has no monitoring line for: an error, never a guess."""


class LineChange(_Strict):
    """An earlier value of a year's line, replaced on ``replaced_on`` (the version history)."""

    amount: Decimal = Field(gt=0)
    replaced_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    source: Source


class MonitoringLineYear(LineYear):
    history: tuple[LineChange, ...] = ()


class MonitoringLineTable(LineTable):
    years: dict[int, MonitoringLineYear]  # type: ignore[assignment]


class Coded(_Strict):
    """An item of a pack's own code list (a category, a risk type)."""

    name: Text
    code: str | None = None  # the national system's code, when known
    source: Source


class Category(Coded):
    """A category of monitoring object; a lead takes the first category whose rule holds."""

    rule: str = Field(min_length=1)


class ScreeningRule(Indicator):
    """A screening rule: when its condition holds, the household is a lead, with ``risk_type``
    (``from_shock``: the risk type of the latest shock in the income window, else ``other``)."""

    risk_type: str


class Deadline(_Strict):
    name: Text
    working_days: int = Field(ge=1, le=90)
    source: Source


class MeasureKinds(_Strict):
    """Which catalogue categories are 开发式 (development) and which 兜底 (safety net)."""

    development: tuple[str, ...]
    safety_net: tuple[str, ...]
    source: Source


class HelpMeasures(_Strict):
    """The catalogue measures a new object's plan takes: the first of ``development`` when the
    household has labour, else the first of ``safety_net`` (一户一策 from the intervention catalogue)."""

    development: tuple[str, ...] = Field(min_length=1)
    safety_net: tuple[str, ...] = Field(min_length=1)
    catalogue_pack: str = "cn-national"
    source: Source


class ProcedureKinds(_Strict):
    """Which of the pack's ``procedures`` moves a household into monitoring and which out of it."""

    identification: str = Field(pattern=NAME_PATTERN)
    elimination: str = Field(pattern=NAME_PATTERN)


class MonitoringPack(_Strict):
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    extends: str | None = None
    name: Text
    jurisdiction: Text
    years: tuple[int, int]
    description: Text
    disclaimer: Text | None = None
    monitoring_lines: MonitoringLineTable
    parameters: dict[str, Parameter] = {}
    deadlines: dict[str, Deadline] = {}
    notice_periods: dict[str, NoticePeriod] = {}
    measure_kinds: MeasureKinds
    help_measures: HelpMeasures
    # The two procedures (steps, roles, notices, working-day deadlines), read by the procedures app
    # through its pack lookup; ``procedure_kinds`` names which is which.
    procedures: dict[str, Procedure]
    procedure_kinds: ProcedureKinds
    holidays: HolidayTables = {}
    categories: dict[str, Category]
    risk_types: dict[str, Coded]
    shock_risk_types: dict[str, str] = {}  # shock code -> risk type
    screening_rules: dict[str, ScreeningRule]
    elimination_rules: dict[str, Indicator]

    @field_validator("parameters", "deadlines", "notice_periods", "categories", "risk_types",
                     "screening_rules", "elimination_rules", "procedures")
    @classmethod
    def _names(cls, v: dict[str, object]) -> dict[str, object]:
        import re

        for key in v:
            if not re.match(NAME_PATTERN, str(key)):
                raise ValueError(Bilingual(f"名称 {key!r} 须为小写字母、数字、下划线",
                                           f"name {key!r} must be lower_snake_case"))
        return v

    @model_validator(mode="after")
    def _references(self) -> MonitoringPack:
        for key, rule in self.screening_rules.items():
            if rule.risk_type != "from_shock" and rule.risk_type not in self.risk_types:
                known = f"{', '.join(self.risk_types)}, from_shock"
                raise ValueError(Bilingual(
                    f"screening_rules.{key}.risk_type：未知的风险类型 {rule.risk_type!r}（可用：{known}）",
                    f"screening_rules.{key}.risk_type: unknown risk type {rule.risk_type!r} (known: {known})"))
            if rule.per != "household":
                raise ValueError(Bilingual(f"screening_rules.{key}：筛查规则按户",
                                           f"screening_rules.{key}: rules are per household"))
        for shock, risk in self.shock_risk_types.items():
            if risk not in self.risk_types:
                raise ValueError(Bilingual(f"shock_risk_types.{shock}：未知的风险类型 {risk!r}",
                                           f"shock_risk_types.{shock}: unknown risk type {risk!r}"))
        for role, kind in self.procedure_kinds:
            if kind not in self.procedures:
                known = ", ".join(self.procedures)
                raise ValueError(Bilingual(f"procedure_kinds.{role}：无此程序 {kind!r}（有：{known}）",
                                           f"procedure_kinds.{role}: no procedure named {kind!r} (known: {known})"))
        check_notice_periods(self.procedures, self.notice_periods)
        if "other" not in self.risk_types:
            raise ValueError(Bilingual("risk_types：须有 other（其他）", "risk_types: 'other' is required"))
        if self.years[0] > self.years[1]:
            raise ValueError(Bilingual("years：起始年度晚于截止年度", "years: first year after last"))
        return self

    def monitoring_line_entry(self, year: int) -> MonitoringLineYear:
        try:
            return self.monitoring_lines.years[year]
        except KeyError:
            known = ", ".join(str(y) for y in self.monitoring_lines.years)
            raise UnknownYearError(Bilingual(
                f"监测政策包 {self.pack} 无 {year} 年监测线（已有：{known}）；请在政策包中加入该年度",
                f"monitoring pack {self.pack} has no monitoring line for {year} (known: {known}); "
                "add the year to the pack")) from None

    def monitoring_line(self, year: int) -> Decimal:
        """The year's monitoring line; UnknownYearError naming the pack and known years when unknown."""
        return self.monitoring_line_entry(year).amount

    def parameter(self, name: str) -> Decimal:
        return self.parameters[name].value

    def whole(self, name: str) -> int:
        return int(self.parameters[name].value)


def shipped_monitoring_pack_names() -> list[str]:
    folder = resources.files(PACKS_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_monitoring_pack_file(path: str | Path) -> MonitoringPack:
    return validated(MonitoringPack, read_source(Path(path), (), PACKS_PACKAGE))


@cache
def _shipped(name: str) -> MonitoringPack:
    candidate = resources.files(PACKS_PACKAGE).joinpath(f"{name}.yaml")
    if not candidate.is_file():
        known = ", ".join(shipped_monitoring_pack_names())
        raise PackError([Problem(name, None, "", Bilingual(f"没有名为 {name!r} 的监测政策包；可用：{known}",
                                                           f"no monitoring pack named {name!r}; available: {known}"))])
    return load_monitoring_pack_file(Path(str(candidate)))


def load_monitoring_pack(name_or_path: str | Path) -> MonitoringPack:
    """A shipped monitoring pack by name (``cn-monitoring-2021``) or a pack file by path."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text:
        return load_monitoring_pack_file(Path(text))
    return _shipped(text)
