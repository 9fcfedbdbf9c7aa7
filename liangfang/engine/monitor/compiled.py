"""A monitoring pack compiled for one month: every category, screening and elimination rule
checked by the rule language's checker (``engine.rules``) against the monitoring facts and the
pack's parameters, the year's monitoring line among them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from sqlglot import exp

from ...domain.text import Text
from ...policy.monitoring import MonitoringPack
from ...policy.schema import Indicator
from ..compiled import PLACEHOLDER, CompileError, IndicatorProblem
from ..rules import Checked, RuleError, Scope, check_rule
from ..sqlparts import Dialect
from .facts import MonitorContext, rule_facts

RuleSet = Literal["category", "screening", "elimination"]


@dataclass(frozen=True)
class CompiledRule:
    kind: RuleSet
    name: str
    spec: Indicator | None  # None for a category
    condition: exp.Expr
    uses: Checked
    placeholders: tuple[str, ...]


@dataclass
class CompiledMonitoring:
    pack: MonitoringPack
    year: int
    month: int
    parameters: dict[str, tuple[Decimal, str]]
    rules: dict[RuleSet, list[CompiledRule]] = field(default_factory=dict)

    def context(self, dialect: Dialect) -> MonitorContext:
        return MonitorContext(dialect, self.year, self.month, self.pack.whole("income_window_months"),
                              self.pack.whole("stable_months"), self.pack.whole("school_age_min"),
                              self.pack.whole("school_age_max"))

    def of(self, kind: RuleSet) -> list[CompiledRule]:
        return self.rules.get(kind, [])

    def value_facts(self) -> list[str]:
        """Facts kept with the results: those a rule uses or quotes."""
        known = rule_facts()
        names: list[str] = []
        for rules in self.rules.values():
            for rule in rules:
                for name in (*rule.uses.facts, *rule.placeholders):
                    if name in known and name not in names:
                        names.append(name)
        return names


def monitoring_parameters(pack: MonitoringPack, year: int) -> dict[str, tuple[Decimal, str]]:
    """The pack's parameters and the year's ``monitoring_line``; UnknownYearError for a year without one."""
    params: dict[str, tuple[Decimal, str]] = {name: (p.value, p.unit) for name, p in pack.parameters.items()}
    params["monitoring_line"] = (pack.monitoring_line(year), "yuan")
    return params


def monitoring_scope(params: dict[str, tuple[Decimal, str]]) -> Scope:
    return Scope("household", rule_facts(), params)


def compile_monitoring(pack: MonitoringPack, year: int, month: int) -> CompiledMonitoring:
    if not 1 <= month <= 12:
        raise ValueError(Text(f"月份须为 1–12，而不是 {month}", f"month must be 1–12, got {month}"))
    params = monitoring_parameters(pack, year)
    scope = monitoring_scope(params)
    out = CompiledMonitoring(pack, year, month, params)
    problems: list[IndicatorProblem] = []
    sets: list[tuple[RuleSet, dict[str, tuple[str, Indicator | None]]]] = [
        ("category", {k: (c.rule, None) for k, c in pack.categories.items()}),
        ("screening", {k: (r.rule, r) for k, r in pack.screening_rules.items()}),
        ("elimination", {k: (r.rule, r) for k, r in pack.elimination_rules.items()}),
    ]
    for kind, items in sets:
        compiled = []
        for name, (text, spec) in items.items():
            try:
                condition, uses = check_rule(text, scope)
            except RuleError as err:
                problems.append(IndicatorProblem(kind, name, "rule", err.message, err.line, err.column))
                continue
            holders: list[str] = []
            if spec is not None:
                for outcome in ("passed", "failed"):
                    for lang in ("zh", "en"):
                        for match in PLACEHOLDER.finditer(getattr(getattr(spec.explain, outcome), lang)):
                            holder = match.group(1)
                            if match.group(2) is not None or (holder not in scope.facts
                                                              and holder not in params):
                                message = Text(f"未知的占位符 {match.group(0)}",
                                               f"unknown placeholder {match.group(0)}")
                                problems.append(IndicatorProblem(kind, name, f"explain.{outcome}.{lang}", message))
                            elif holder not in holders:
                                holders.append(holder)
            compiled.append(CompiledRule(kind, name, spec, condition, uses, tuple(holders)))
        out.rules[kind] = compiled
    if problems:
        raise CompileError(problems)
    return out
