"""A policy pack compiled for one year: every indicator's rule checked and turned into an AST.

Compilation does not depend on the database; ``plan`` renders the ASTs in a dialect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlglot import exp

from ..domain.text import Text, render
from ..policy.schema import Indicator, Pack
from .facts import LEVELS, Level, facts_of
from .rules import AREA_FUNCTIONS, MEMBER_ARGUMENT, VERDICT, Checked, RuleError, Scope, check_rule

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\(([a-z_][a-z0-9_]*)\))?\}")
MEMBER_COUNTS = ("applicable", "failing")
STATUSES = ("pass", "fail", "no_data", "pending")
_BELOW = {("village", "household"), ("county", "household"), ("county", "village"),
          ("village", MEMBER_ARGUMENT), ("county", MEMBER_ARGUMENT)}


@dataclass(frozen=True)
class IndicatorProblem:
    level: str
    indicator: str
    field: str  # rule | applies | explain.passed.zh ...
    message: str
    line: int = 1  # within the rule text
    column: int = 1


class CompileError(ValueError):
    def __init__(self, problems: list[IndicatorProblem]) -> None:
        self.problems = problems
        self.message = Text(*("; ".join(f"{p.level}.{p.indicator}.{p.field}: {render(p.message, language)}"
                                        for p in problems) for language in ("zh", "en")))
        super().__init__(self.message)


@dataclass(frozen=True)
class CompiledIndicator:
    level: Level  # household (including per-member ones), village or county
    name: str
    spec: Indicator
    condition: exp.Expr  # over the fact table alias 'f'
    applies: exp.Expr | None  # per-member only, over alias 'f' of the member fact table
    uses: Checked
    placeholders: tuple[str, ...]

    @property
    def per_member(self) -> bool:
        return self.spec.per == "member"


@dataclass
class CompiledPack:
    pack: Pack
    year: int
    parameters: dict[str, tuple[Decimal, str]]
    indicators: dict[Level, list[CompiledIndicator]] = field(default_factory=dict)

    def of(self, level: Level) -> list[CompiledIndicator]:
        return self.indicators.get(level, [])

    def value_facts(self, level: Level) -> list[str]:
        """Facts whose values are kept with the results: those the indicators use or quote."""
        names: list[str] = []
        known = facts_of(level)
        for ind in self.of("household" if level == "member" else level):
            if level == "member" and not ind.per_member:
                continue
            if level == "household" and ind.per_member:
                continue
            for name in (*ind.uses.facts, *ind.placeholders):
                if name in known and name not in names:
                    names.append(name)
        return names

    def derived_columns(self, level: Level) -> list[tuple[str, str, str]]:
        seen: dict[str, tuple[str, str, str]] = {}
        for ind in self.of(level):
            for item in ind.uses.derived:
                seen.setdefault(item[0], item)
        return list(seen.values())


def parameters_for(pack: Pack, year: int) -> dict[str, tuple[Decimal, str]]:
    params: dict[str, tuple[Decimal, str]] = {name: (p.value, p.unit) for name, p in pack.parameters.items()}
    if year in pack.poverty_lines.years:
        params["poverty_line"] = (pack.poverty_line(year), "yuan")
    if year - 1 in pack.poverty_lines.years:
        params["previous_poverty_line"] = (pack.poverty_line(year - 1), "yuan")
    monitoring = pack.monitoring_line(year)
    if monitoring is not None:
        params["monitoring_line"] = (monitoring, "yuan")
    return params


def lower_indicators(pack: Pack, year: int) -> dict[str, tuple[str, ...]]:
    """The indicators an area function may name: household, per-member household, village."""
    household = pack.indicators_for_year("household", year)
    return {"household": tuple(household),
            MEMBER_ARGUMENT: tuple(k for k, v in household.items() if v.per == "member"),
            "village": tuple(pack.indicators_for_year("village", year))}


def compile_pack(pack: Pack, year: int) -> CompiledPack:
    """Check and compile every indicator that applies in ``year``; CompileError lists all problems."""
    params = parameters_for(pack, year)
    out = CompiledPack(pack=pack, year=year, parameters=params)
    problems: list[IndicatorProblem] = []
    lower = lower_indicators(pack, year)
    for level in ("household", "village", "county"):
        compiled: list[CompiledIndicator] = []
        for name, spec in pack.indicators_for_year(level, year).items():
            fact_level: Level = "member" if spec.per == "member" else level  # type: ignore[assignment]
            below = {k: v for k, v in lower.items() if (level, k) in _BELOW}
            scope = Scope(fact_level, facts_of(fact_level), params, AREA_FUNCTIONS.get(fact_level, {}), below)
            try:
                condition, uses = check_rule(spec.rule, scope)
                applies = None
                if spec.applies is not None:
                    applies, applies_uses = check_rule(spec.applies, scope)
                    uses.facts.extend(f for f in applies_uses.facts if f not in uses.facts)
                    uses.parameters.extend(p for p in applies_uses.parameters if p not in uses.parameters)
            except RuleError as err:
                which = "rule" if _in_rule(spec, err) else "applies"
                problems.append(IndicatorProblem(level, name, which, err.message, err.line, err.column))
                continue
            holders, holder_problems = _placeholders(spec, level, fact_level, scope, lower)
            problems.extend(IndicatorProblem(level, name, f, m) for f, m in holder_problems)
            # derived columns quoted in the explanation must be computed too
            for column, func, indicator in holders[1]:
                if all(column != d[0] for d in uses.derived):
                    uses.derived.append((column, func, indicator))
            compiled.append(CompiledIndicator(level, name, spec, condition, applies, uses,  # type: ignore[arg-type]
                                              tuple(holders[0])))
        out.indicators[level] = compiled  # type: ignore[index]
    if problems:
        raise CompileError(problems)
    return out


def _in_rule(spec: Indicator, err: RuleError) -> bool:
    return err.rule == spec.rule


def _placeholders(spec: Indicator, level: str, fact_level: Level, scope: Scope,
                  lower: dict[str, tuple[str, ...]]) -> tuple[tuple[list[str], list[tuple[str, str, str]]],
                                                             list[tuple[str, str]]]:
    names: list[str] = []
    derived: list[tuple[str, str, str]] = []
    problems: list[tuple[str, str]] = []
    for outcome in ("passed", "failed"):
        texts = getattr(spec.explain, outcome)
        for lang in ("zh", "en"):
            template = getattr(texts, lang)
            for match in PLACEHOLDER.finditer(template):
                name, arg = match.group(1), match.group(2)
                where = f"explain.{outcome}.{lang}"
                if arg is not None:
                    func = scope.functions.get(name)
                    verdict_ok = arg == VERDICT and func is not None and func.argument != MEMBER_ARGUMENT
                    if func is None or (not verdict_ok and arg not in lower.get(func.argument, ())):
                        problems.append((where, Text(f"未知的占位符 {{{name}({arg})}}",
                                                     f"unknown placeholder {{{name}({arg})}}")))
                    else:
                        derived.append((f"{func.prefix}__{arg}", name, arg))
                    continue
                ok = (name in scope.facts or name in scope.parameters
                      or (spec.per == "member" and name in MEMBER_COUNTS))
                if not ok:
                    problems.append((where, Text(f"未知的占位符 {{{name}}}", f"unknown placeholder {{{name}}}")))
                elif name not in names:
                    names.append(name)
    return (names, derived), problems


def all_levels() -> tuple[Level, ...]:
    return LEVELS
