"""What a monitoring run produced, read back in one engine-neutral shape, and explained in the
pack's words: 「近12个月人均纯收入 5,480 元 < 监测线 6,000 元 — 触发」.

A screening rule *holds* (status ``pass``) when its risk condition is true: the household is then
a lead (if it is not already an object), with the rule's risk type. An elimination rule holds when
its condition for risk elimination is met; an object may be eliminated when every one holds.

A fact counted by members' ages on the month's first day (``MONTH_AGE_FACTS``) changes in the month
of a birthday: a reader shown birth years only (``disclosure.monthly_ages_shown``) reads a rule that
names one by its name alone, without its values or outcome, here and in the reasons stored on leads
(``withheld_reason``), so that one household's explanations compared month to month give no birth
month. The figures and outcomes themselves are the official ones, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ...disclosure import FULL, Reader, monthly_ages_shown
from ...policy.monitoring import MonitoringPack
from ...policy.schema import Indicator
from ..compiled import PLACEHOLDER
from ..explain import format_fact, format_parameter
from ..kleene import column_order, missing_culprits
from ..results import normalize
from ..session import Session
from ..statements import STATUS
from .compiled import CompiledMonitoring, RuleSet
from .facts import rule_facts
from .plan import SHOCKS

OUTCOME: dict[str, dict[str, tuple[str, str]]] = {
    "screening": {"pass": ("触发", "raised"), "fail": ("未触发", "not raised"),
                  "no_data": ("无法判断（无数据）", "undecided (no data)"), "pending": ("待核查", "pending")},
    "elimination": {"pass": ("满足", "met"), "fail": ("不满足", "not met"),
                    "no_data": ("不满足（无数据）", "not met (no data)"), "pending": ("待核查", "pending")},
}


# Facts counted by members' ages on the month's first day (``facts.py``: school age is the age on
# that day); ``tests/engine/monitor`` checks that every member count reading a birth date is here.
MONTH_AGE_FACTS = frozenset({"children_out_of_school"})
WITHHELD = "withheld"  # a RuleLine's status for a reader not shown it


def rule_reads_month_ages(rule: str) -> bool:
    """Whether a rule's condition names a fact counted by ages on the month's first day."""
    return bool(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule)) & MONTH_AGE_FACTS)


def withheld_sentence(title: str, lang: str) -> str:
    """What a reader shown birth years only reads of such a rule: its name, and why no more."""
    return (f"{title}：按当月年龄计数，不向本角色显示" if lang == "zh"
            else f"{title}: counted by age in the month, not shown to this role")


def withheld_reason(reader: Reader, pack: MonitoringPack, reason: Mapping[str, str]) -> Mapping[str, str]:
    """A reason stored on a lead ({rule, zh, en}) as ``reader`` may read it."""
    rule = pack.screening_rules.get(reason.get("rule", ""))
    if rule is None or monthly_ages_shown(reader) or not rule_reads_month_ages(rule.rule):
        return reason
    return {"rule": reason.get("rule", ""), "zh": withheld_sentence(rule.name.zh, "zh"),
            "en": withheld_sentence(rule.name.en, "en")}


@dataclass
class HouseholdScreen:
    household_id: int
    village_id: int
    is_object: bool
    is_lead: bool
    category: str  # the category a lead would take
    elimination: str | None  # pass / fail for an open object, None otherwise
    screening: dict[str, str] = field(default_factory=dict)
    eliminating: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    shocks: dict[str, int] = field(default_factory=dict)

    def risk_types(self, pack: MonitoringPack) -> list[str]:
        """The risk types of the screening rules that hold, in the pack's order."""
        found: list[str] = []
        for name, status in self.screening.items():
            if status != "pass":
                continue
            risk = pack.screening_rules[name].risk_type
            kinds = [pack.shock_risk_types[s] for s, n in self.shocks.items() if n and s in pack.shock_risk_types] \
                if risk == "from_shock" else [risk]
            for kind in kinds or ["other"]:
                if kind not in found:
                    found.append(kind)
        return [k for k in pack.risk_types if k in found]


def collect_monitoring(session: Session, compiled: CompiledMonitoring) -> dict[int, HouseholdScreen]:
    """The results kept in ``lf_mon_eval`` by household."""
    facts = rule_facts()
    kinds = {name: facts[name].kind for name in compiled.value_facts()}
    names, rows = session.query(exp.select(exp.Star()).from_(exp.to_table("lf_mon_eval")))
    out: dict[int, HouseholdScreen] = {}
    for row in rows:
        r = dict(zip(names, row, strict=True))
        item = HouseholdScreen(
            int(r["household_id"]), int(r["village_id"]), bool(r["is_monitoring_object"]), bool(r["is_lead"]),
            str(r["category"]), None if r["elimination"] is None else STATUS[int(r["elimination"])])
        for rule in compiled.of("screening"):
            item.screening[rule.name] = STATUS[int(r[f"s_{rule.name}"])]
        for rule in compiled.of("elimination"):
            item.eliminating[rule.name] = STATUS[int(r[f"e_{rule.name}"])]
        item.values = {name: normalize(kind, r[name]) for name, kind in kinds.items()}
        item.shocks = {s: int(r[f"shock__{s}"]) for s in SHOCKS}
        out[item.household_id] = item
    return out


@dataclass(frozen=True)
class RuleLine:
    rule: str
    name: str
    status: str
    sentence: str
    outcome: str

    def text(self) -> str:
        return f"{self.sentence} — {self.outcome}"


class MonitorExplainer:
    """Sentences from a monitoring pack's templates, with the stored values filled in."""

    def __init__(self, compiled: CompiledMonitoring) -> None:
        self.c = compiled
        self.facts = rule_facts()

    def _value(self, name: str, values: Mapping[str, Any], lang: str) -> str:
        if name in self.facts:
            fact = self.facts[name]
            return format_fact(fact, fact.kind, values.get(name), lang)
        if name in self.c.parameters:
            value, unit = self.c.parameters[name]
            return format_parameter(Decimal(value), unit)
        return "—"

    def sentence(self, kind: RuleSet, name: str, status: str, values: Mapping[str, Any], lang: str = "zh") -> str:
        rule = next(r for r in self.c.of(kind) if r.name == name)
        spec: Indicator = rule.spec  # type: ignore[assignment]
        title = spec.name.zh if lang == "zh" else spec.name.en
        if status == "no_data":
            missing: list[str] = []
            for fact_name in missing_culprits(rule.condition, values, column_order(rule.condition)):
                fact = self.facts.get(fact_name)
                if fact is not None:
                    words = fact.missing_zh if lang == "zh" else fact.missing_en
                    if words not in missing:
                        missing.append(words)
            if missing:
                return f"{title}：{'；'.join(missing)}" if lang == "zh" else f"{title}: {'; '.join(missing)}"
        texts = spec.explain.passed if status == "pass" else spec.explain.failed
        template = texts.zh if lang == "zh" else texts.en
        return PLACEHOLDER.sub(lambda m: self._value(m.group(1), values, lang), template)

    def line(self, kind: RuleSet, name: str, status: str, values: Mapping[str, Any], lang: str = "zh",
             reader: Reader = FULL) -> RuleLine:
        """A rule's line for ``reader``: withheld whole (status ``WITHHELD``, no values, no outcome)
        when it reads a count by age in the month that ``reader`` is not shown."""
        spec = next(r.spec for r in self.c.of(kind) if r.name == name)
        assert spec is not None
        title = spec.name.zh if lang == "zh" else spec.name.en
        if not monthly_ages_shown(reader) and rule_reads_month_ages(spec.rule):
            return RuleLine(name, title, WITHHELD, withheld_sentence(title, lang), "—")
        zh, en = OUTCOME[kind][status]
        return RuleLine(name, title, status, self.sentence(kind, name, status, values, lang),
                        zh if lang == "zh" else en)

    def lines(self, result: HouseholdScreen, kind: RuleSet, lang: str = "zh", reader: Reader = FULL) -> list[RuleLine]:
        statuses = result.screening if kind == "screening" else result.eliminating
        return [self.line(kind, name, status, result.values, lang, reader) for name, status in statuses.items()]

    def why(self, result: HouseholdScreen, lang: str = "zh") -> list[str]:
        """The sentences of the screening rules that raised the lead."""
        return [line.sentence for line in self.lines(result, "screening", lang) if line.status == "pass"]
