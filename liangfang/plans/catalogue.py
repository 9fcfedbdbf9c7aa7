"""Finding, reading and checking intervention catalogues; compiling them for a pack and a year.

Eligibility rules go through the engine's own checker (``check_rule``) with the same facts and
parameters as the pack's indicators, so a measure can only be described in the words an
indicator could use; a bad rule is refused with the file, line and column.

>>> from liangfang.policy import load_pack
>>> compile_catalogue(load_pack("cn-national"), 2015).measure("d_rebuild").level
'household'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlglot import exp

from ..domain.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS, FieldValueError, clean_value
from ..domain.text import Text, joined, lines, message_of, render
from ..engine.compiled import PLACEHOLDER, parameters_for
from ..engine.facts import Level, facts_of
from ..engine.kleene import evaluate
from ..engine.rules import RuleError, Scope, check_rule
from ..policy import load_pack
from ..policy.schema import Pack
from ..policy.yamltext import YamlDocument, read_yaml
from .schema import YEAR_TOKEN, Catalogue, Measure

CATALOGUES_PACKAGE = "liangfang.plans.catalogues"
TEMPLATE_WORDS = ("cost", "gain", "name")  # placeholders a measure's explanation may use besides facts


@dataclass(frozen=True)
class CatalogueProblem:
    file: str
    line: int | None
    item: str
    message: str

    def __str__(self) -> str:
        return str(self.text())

    def text(self) -> str:
        """Where and what, a Text when the message is one."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return joined(where, f" [{self.item}]" if self.item else "", ": ", self.message)


class CatalogueError(ValueError):
    """Problems of a catalogue, one per line; raised with a Text, so a face shows one language."""

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = problems
        super().__init__(lines(p.text() for p in problems))


@dataclass(frozen=True)
class LoadedCatalogue:
    catalogue: Catalogue
    file: str
    document: YamlDocument

    def line_of(self, *path: str | int) -> int | None:
        return self.document.line_of(tuple(path))


@dataclass(frozen=True)
class CompiledMeasure:
    key: str
    spec: Measure
    level: Level
    condition: exp.Expr  # over alias 'f' of the level's fact table
    facts: tuple[str, ...]  # facts the eligibility rule reads
    fixes: tuple[str, ...]  # the indicators it fixes that apply in the year

    @property
    def closes(self) -> bool:
        return self.spec.role == "close"


@dataclass
class CompiledCatalogue:
    catalogue: Catalogue
    pack: Pack
    year: int
    parameters: dict[str, tuple[Decimal, str]]
    measures: dict[str, CompiledMeasure] = field(default_factory=dict)
    income_target: Decimal = Decimal(0)  # yuan per person the income gap is measured against
    household_indicators: tuple[str, ...] = ()
    member_indicators: tuple[str, ...] = ()

    def measure(self, key: str) -> CompiledMeasure:
        return self.measures[key]

    def of_level(self, level: str) -> list[CompiledMeasure]:
        return [m for m in self.measures.values() if m.level == level]


def shipped_catalogue_names() -> list[str]:
    folder = resources.files(CATALOGUES_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def _shipped_path(name: str) -> Path | None:
    candidate = resources.files(CATALOGUES_PACKAGE).joinpath(f"{name}.yaml")
    return Path(str(candidate)) if candidate.is_file() else None


def read_catalogue(path: Path) -> LoadedCatalogue:
    """Read and validate one catalogue file; CatalogueError names the file and line of each problem."""
    name = str(path)
    try:
        document = read_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError([CatalogueProblem(name, None, "", Text(f"无法读取文件：{exc.strerror}",
                                                                    f"cannot read file: {exc.strerror}"))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogueError([CatalogueProblem(name, mark.line + 1 if mark else None, "",
                                               joined(Text("YAML 格式错误：", "malformed YAML: "),
                                                      getattr(exc, "problem", None) or message_of(exc)))]) from None
    try:
        catalogue = Catalogue.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            raised = (err.get("ctx") or {}).get("error")
            message = (message_of(raised) if isinstance(raised, ValueError)
                       else str(err.get("msg", "")).removeprefix("Value error, "))
            if err.get("type") == "missing":
                message = Text("缺少必填项", "required item missing")
            elif err.get("type") == "extra_forbidden":
                message = Text("未知的项（拼写错误？）", "unknown item (misspelt?)")
            problems.append(CatalogueProblem(name, document.line_of(loc), ".".join(map(str, loc)), message))
        raise CatalogueError(problems) from None
    loaded = LoadedCatalogue(catalogue, name, document)
    problems = _references(loaded)
    if problems:
        raise CatalogueError(problems)
    return loaded


def _references(loaded: LoadedCatalogue) -> list[CatalogueProblem]:
    """Names a measure uses that the catalogue does not define."""
    cat = loaded.catalogue
    problems = []
    for key, m in cat.measures.items():
        for attr, known, zh, en in (("category", cat.categories, "类别", "category"),
                                    ("fund_source", cat.fund_sources, "资金来源", "fund source"),
                                    ("capacity", cat.capacities, "容量", "capacity")):
            value = getattr(m, attr)
            if value is not None and value not in known:
                allowed = ", ".join(known)
                problems.append(CatalogueProblem(loaded.file, loaded.line_of("measures", key, attr),
                                                 f"measures.{key}.{attr}",
                                                 Text(f"未知的{zh} {value!r}（可用：{allowed}）",
                                                      f"unknown {en} {value!r} (known: {allowed})")))
        if m.level == "household" and m.effect.member:
            problems.append(CatalogueProblem(loaded.file, loaded.line_of("measures", key, "effect", "member"),
                                             f"measures.{key}.effect.member",
                                             Text("户级措施不能修改成员", "a household measure changes no member")))
    return problems


@cache
def _shipped(name: str) -> LoadedCatalogue:
    path = _shipped_path(name)
    assert path is not None
    return read_catalogue(path)


def catalogue_for(pack: Pack) -> LoadedCatalogue:
    """The shipped catalogue of ``pack``, or of the pack it extends (and so on up)."""
    probe: Pack | None = pack
    seen = []
    while probe is not None:
        seen.append(probe.pack)
        if _shipped_path(probe.pack) is not None:
            return _shipped(probe.pack)
        probe = load_pack(probe.extends) if probe.extends else None
    packs, known = " → ".join(seen), ", ".join(shipped_catalogue_names())
    raise CatalogueError([CatalogueProblem(pack.pack, None, "", Text(
        f"政策包 {packs} 没有帮扶措施目录；已有：{known}",
        f"no intervention catalogue for pack {packs}; available: {known}"))])


def _scope(level: Level, parameters: dict[str, tuple[Decimal, str]]) -> Scope:
    return Scope(level, facts_of(level), parameters)


def _rule_problem(loaded: LoadedCatalogue, path: tuple[str, ...], err: RuleError) -> CatalogueProblem:
    line = loaded.line_of(*path)
    message = Text(f"{render(err.message, 'zh')}（规则第 {err.line} 行第 {err.column} 列）",
                   f"{render(err.message, 'en')} (rule line {err.line}, column {err.column})")
    return CatalogueProblem(loaded.file, line, ".".join(path), message)


def _check_effect(loaded: LoadedCatalogue, key: str, m: Measure) -> list[CatalogueProblem]:
    problems = []
    for part, fields in (("household", HOUSEHOLD_FIELDS), ("member", MEMBER_FIELDS)):
        known = {f.name: f for f in fields}
        for name, value in getattr(m.effect, part).items():
            where = ("measures", key, "effect", part, name)
            spec = known.get(name)
            if spec is None or name in ("number", "village_code", "resident_id"):
                problems.append(CatalogueProblem(loaded.file, loaded.line_of(*where), ".".join(where),
                                                 Text(f"不能由措施修改的字段：{name}",
                                                      f"not a field a measure may set: {name}")))
                continue
            if value == YEAR_TOKEN:
                if spec.kind != "int":
                    problems.append(CatalogueProblem(loaded.file, loaded.line_of(*where), ".".join(where),
                                                     Text(f"{YEAR_TOKEN} 只用于年度字段",
                                                          f"{YEAR_TOKEN} is for year fields")))
                continue
            try:
                clean_value(spec, value)
            except FieldValueError as exc:
                problems.append(CatalogueProblem(loaded.file, loaded.line_of(*where), ".".join(where),
                                                 joined(f"{value!r}: ", exc.message)))
    return problems


def _check_explain(loaded: LoadedCatalogue, key: str, m: Measure, level: Level,
                   parameters: dict[str, tuple[Decimal, str]]) -> list[CatalogueProblem]:
    problems = []
    for lang in ("zh", "en"):
        for match in PLACEHOLDER.finditer(getattr(m.explain, lang)):
            name = match.group(1)
            if match.group(2) is not None or not (name in TEMPLATE_WORDS or name in facts_of(level)
                                                  or name in parameters):
                where = ("measures", key, "explain", lang)
                problems.append(CatalogueProblem(loaded.file, loaded.line_of(*where), ".".join(where),
                                                 Text(f"未知的占位符 {match.group(0)}",
                                                      f"unknown placeholder {match.group(0)}")))
    return problems


def _income_target(rule: str, parameters: dict[str, tuple[Decimal, str]]) -> Decimal:
    """The least per-capita income meeting ``per_capita_net_income >= <amount>`` (the amount) or
    ``per_capita_net_income > <amount>`` (one fen above it: incomes are kept to the fen), as the
    pack's income rule is written."""
    condition, _ = check_rule(rule, _scope("household", parameters))
    while isinstance(condition, exp.Paren):
        condition = condition.this
    shape_ok = (isinstance(condition, (exp.GTE, exp.GT)) and isinstance(condition.this, exp.Column)
                and condition.this.name == "per_capita_net_income")
    value = evaluate(condition.expression, {})[0] if shape_ok else None
    if not isinstance(value, Decimal):
        raise RuleError(Text("收入目标须写成 per_capita_net_income > 金额 或 >= 金额（不依赖农户数据）",
                             "write the income target as per_capita_net_income > (or >=) an amount that does not "
                             "depend on the household"), 1, 1, rule)
    return value + Decimal("0.01") if isinstance(condition, exp.GT) else value


def compile_catalogue(pack: Pack, year: int, loaded: LoadedCatalogue | None = None) -> CompiledCatalogue:
    """Check every measure against the pack for ``year``; CatalogueError lists every problem."""
    loaded = loaded or catalogue_for(pack)
    cat = loaded.catalogue
    problems: list[CatalogueProblem] = []
    parameters = parameters_for(pack, year)
    for name, p in cat.parameters.items():
        if name in parameters:
            problems.append(CatalogueProblem(loaded.file, loaded.line_of("parameters", name), f"parameters.{name}",
                                             Text(f"与政策包参数 {name} 重名",
                                                  f"the pack already has a parameter {name}")))
        parameters[name] = (p.value, p.unit)
    indicators = pack.indicators_for_year("household", year)
    per_member = tuple(k for k, v in indicators.items() if v.per == "member")
    per_household = tuple(k for k, v in indicators.items() if v.per != "member")
    every = pack.indicators("household")  # a measure may fix an indicator that applies in other years
    out = CompiledCatalogue(cat, pack, year, parameters, household_indicators=per_household,
                            member_indicators=per_member)
    for name in cat.income_gap.indicators:
        if name not in per_household:
            problems.append(CatalogueProblem(loaded.file, loaded.line_of("income_gap", "indicators"),
                                             "income_gap.indicators", Text(
                                                 f"政策包 {year} 年无户级指标 {name}",
                                                 f"the pack has no household indicator {name} in {year}")))
    try:
        out.income_target = _income_target(cat.income_gap.rule, parameters) * (
            1 + cat.income_gap.margin_percent / 100)
    except RuleError as err:
        problems.append(_rule_problem(loaded, ("income_gap", "rule"), err))
    for key, m in cat.measures.items():
        level: Level = "member" if m.level == "member" else "household"
        try:
            condition, uses = check_rule(m.eligible, _scope(level, parameters))
        except RuleError as err:
            problems.append(_rule_problem(loaded, ("measures", key, "eligible"), err))
            continue
        allowed = tuple(k for k, v in every.items() if (v.per == "member") == (level == "member"))
        for name in m.fixes:
            if name not in allowed:
                what = "逐人" if level == "member" else "户级"
                problems.append(CatalogueProblem(
                    loaded.file, loaded.line_of("measures", key, "fixes"), f"measures.{key}.fixes",
                    Text(f"政策包无{what}指标 {name}（可用：{', '.join(allowed) or '—'}）",
                         f"the pack has no {level}-level indicator {name} (known: {', '.join(allowed) or '—'})")))
        problems += _check_effect(loaded, key, m)
        problems += _check_explain(loaded, key, m, level, parameters)
        active = per_member if level == "member" else per_household
        out.measures[key] = CompiledMeasure(key, m, level, condition, tuple(uses.facts),
                                            tuple(name for name in m.fixes if name in active))
    if problems:
        raise CatalogueError(problems)
    return out


def describe(measure: Measure) -> dict[str, Any]:
    """A plain summary of a measure for tables and pages."""
    return {"name_zh": measure.name.zh, "name_en": measure.name.en, "level": measure.level,
            "cost": measure.cost.amount, "cost_per": measure.cost.per,
            "gain": measure.income_gain.amount if measure.income_gain else Decimal(0),
            "fund_source": measure.fund_source, "capacity": measure.capacity}
