"""Explanations of results in the pack's own words.

>>> format_money(Decimal("3812"))
'3,812'

Each indicator gives one sentence from the pack's ``explain`` template with the stored values
filled in, followed by the outcome: 「人均纯收入 3,812 元，未超过扶贫标准 4,000 元 — 未达标」.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..disclosure import FULL, Reader, age_phrase, birth_year_of
from ..domain.codes import code_lists
from ..ids import mask_resident_id
from ..policy.schema import Indicator, Pack
from .compiled import PLACEHOLDER, parameters_for
from .facts import Fact, Level, facts_of
from .kleene import column_order, missing_culprits
from .results import MemberResult, SubjectResult
from .rules import AREA_FUNCTIONS, Checked, Scope, check_rule

OUTCOME = {
    "pass": ("达标", "met"),
    "fail": ("未达标", "not met"),
    "no_data": ("无法判定（缺数据）", "cannot be judged (data missing)"),
    "pending": ("待核查", "pending verification"),
}
MARK = {"pass": "✓", "fail": "✗", "no_data": "?", "pending": "…"}
CANNOT_JUDGE = ("无法判定", "cannot be judged")
VERDICT = {
    "household": {"pass": ("达到脱贫标准", "meets the exit standard"),
                  "fail": ("未达到脱贫标准", "does not meet the exit standard"),
                  "no_data": CANNOT_JUDGE,
                  "pending": ("待核查", "pending verification")},
    "village": {"pass": ("达到出列标准", "meets the village exit standard"),
                "fail": ("未达到出列标准", "does not meet the village exit standard"),
                "no_data": CANNOT_JUDGE,
                "pending": ("待核查", "pending verification")},
    "county": {"pass": ("达到摘帽标准", "meets the county exit standard"),
               "fail": ("未达到摘帽标准", "does not meet the county exit standard"),
               "no_data": CANNOT_JUDGE,
               "pending": ("计算指标之外待第三方评估", "awaiting third-party verification")},
}


def format_money(value: Decimal) -> str:
    """Thousands separators; no decimals for whole yuan."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def format_percent(value: Decimal) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _yes_no(value: bool, lang: str) -> str:
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def format_fact(fact: Fact | None, kind: str, value: Any, lang: str) -> str:
    if value is None:
        if fact is None:
            return "—"
        return fact.missing_zh if lang == "zh" else fact.missing_en
    if kind == "bool":
        return _yes_no(bool(value), lang)
    if kind == "money":
        return format_money(Decimal(value))
    if kind == "rate":
        return format_percent(Decimal(value))
    if kind == "decimal":
        d = Decimal(value)
        return format_money(d) if d == d.to_integral_value() else f"{d:,.1f}"
    if kind == "text" and fact is not None and fact.codes:
        return code_lists()[fact.codes].label(str(value), lang)
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def format_parameter(value: Decimal, unit: str) -> str:
    if unit == "yuan":
        return format_money(value)
    if unit == "percent":
        return format_percent(value)
    return format_money(value) if value == value.to_integral_value() else str(value)


@dataclass(frozen=True)
class Line:
    indicator: str
    name: str
    status: str
    sentence: str
    members: tuple[str, ...] = ()
    in_verdict: bool = True  # false: reported beside the verdict (income stability), not a need

    def text(self, lang: str = "zh") -> str:
        zh, en = OUTCOME[self.status]
        return f"{self.sentence} — {zh if lang == 'zh' else en}"


class Explainer:
    """Turns stored results into sentences, using the pack (as it was when the run was made)."""

    def __init__(self, pack: Pack, year: int) -> None:
        self.pack = pack
        self.year = year
        self.parameters = parameters_for(pack, year)
        self._checked: dict[tuple[str, str], tuple[exp.Expr, Checked] | ValueError] = {}
        self._orders: dict[tuple[str, str], tuple[str, ...]] = {}  # each checked rule's column_order

    def _check(self, level: Level, rule: str) -> tuple[exp.Expr, Checked] | ValueError:
        """The rule parsed and checked once per explainer (sentences need it on every household
        page), or the error it raised."""
        key = (level, rule)
        if key not in self._checked:
            below = {"household": tuple(self.pack.indicators_for_year("household", self.year)),
                     "village": tuple(self.pack.indicators_for_year("village", self.year))}
            scope = Scope.for_level(level, self.parameters, below if level != "member" else None)
            try:
                self._checked[key] = check_rule(rule, scope)
            except ValueError as err:
                self._checked[key] = err
        return self._checked[key]

    def _value(self, level: Level, name: str, values: Mapping[str, Any], counts: tuple[int, int] | None,
               arg: str | None, lang: str) -> str:
        if arg is not None:
            func = AREA_FUNCTIONS[level][name]  # type: ignore[index]
            raw = values.get(f"{func.prefix}__{arg}")
            kind = "rate" if name.startswith("percent") else "int"
            return format_fact(None, kind, raw, lang)
        if counts is not None and name in ("applicable", "failing"):
            return str(counts[0] if name == "applicable" else counts[1])
        facts = facts_of(level)
        if name in facts:
            return format_fact(facts[name], facts[name].kind, values.get(name), lang)
        if name in self.parameters:
            value, unit = self.parameters[name]
            return format_parameter(value, unit)
        return "—"

    def sentence(self, level: Level, indicator: Indicator, status: str, values: Mapping[str, Any],
                 counts: tuple[int, int] | None = None, lang: str = "zh") -> str:
        if status in ("no_data", "pending") and indicator.per != "member":
            missing = self.missing(level, indicator, values, lang)
            if missing:
                name = indicator.name.zh if lang == "zh" else indicator.name.en
                return f"{name}：{'；'.join(missing)}" if lang == "zh" else f"{name}: {'; '.join(missing)}"
        texts = indicator.explain.passed if status == "pass" else indicator.explain.failed
        template = texts.zh if lang == "zh" else texts.en

        def fill(match: Any) -> str:
            name, arg = match.group(1), match.group(2)
            if arg is None and name in facts_of(level) and values.get(name) is None:
                return "—"
            return self._value(level, name, values, counts, arg, lang)

        return PLACEHOLDER.sub(fill, template)

    def missing(self, level: Level, indicator: Indicator, values: Mapping[str, Any], lang: str = "zh") -> list[str]:
        """What data the indicator lacked, in the facts' own 'missing' words (only what mattered)."""
        checked = self._check(level, indicator.rule)
        if isinstance(checked, ValueError):
            return []
        condition = checked[0]
        key = (level, indicator.rule)
        order = self._orders.get(key)
        if order is None:
            order = self._orders[key] = column_order(condition)
        facts = facts_of(level)
        prefixes = {f.prefix: f for f in AREA_FUNCTIONS.get(level, {}).values()}
        out: list[str] = []
        for name in missing_culprits(condition, values, order):
            if name in facts:
                text = facts[name].missing_zh if lang == "zh" else facts[name].missing_en
            else:
                zh, en = prefixes[name.split("__", 1)[0]].missing
                text = zh if lang == "zh" else en
            if text not in out:
                out.append(text)
        return out

    def member_line(self, indicator: Indicator, member: MemberResult, lang: str = "zh",
                    reader: Reader = FULL) -> str:
        """「220802********2490（子女，12 岁）：在校 否」; the age as ``reader`` may see it (an age on the
        reference day tells the birthday's side of it: ``disclosure.age_phrase``)."""
        facts = facts_of("member")
        relation = format_fact(facts["relation"], "text", member.values.get("relation"), lang)
        age = age_phrase(reader, member.values.get("age"), birth_year_of(member.resident_id), self.year, lang)
        who = f"{mask_resident_id(member.resident_id)}（{relation}，{age}）" if lang == "zh" else \
            f"{mask_resident_id(member.resident_id)} ({relation}, {age})"
        checked = self._check("member", indicator.rule)
        if isinstance(checked, ValueError):
            raise checked
        uses = checked[1]
        parts = []
        for name in uses.facts:
            fact = facts[name]
            if name == "age":  # said once, beside the relation, as the reader may see it
                continue
            label = fact.zh if lang == "zh" else fact.en
            parts.append(f"{label} {format_fact(fact, fact.kind, member.values.get(name), lang)}")
        sep = "，" if lang == "zh" else ", "
        return f"{who}{'：' if lang == 'zh' else ': '}{sep.join(parts)}"

    def lines(self, level: Level, result: SubjectResult, members: Iterable[MemberResult] = (),
              lang: str = "zh", reader: Reader = FULL) -> list[Line]:
        by_indicator: dict[str, list[MemberResult]] = {}
        for m in members:
            by_indicator.setdefault(m.indicator, []).append(m)
        out = []
        for name, status in result.statuses.items():
            indicator = self.pack.indicators(level)[name]
            counts = result.counts.get(name)
            sentence = self.sentence(level, indicator, status, result.values, counts, lang)
            member_lines = tuple(self.member_line(indicator, m, lang, reader) for m in by_indicator.get(name, []))
            out.append(Line(name, indicator.name.zh if lang == "zh" else indicator.name.en, status, sentence,
                            member_lines, indicator.in_verdict))
        return out

    def verdict(self, level: str, verdict: str, lang: str = "zh") -> str:
        zh, en = VERDICT[level][verdict]
        return zh if lang == "zh" else en

    def verdict_text(self, level: Level, result: SubjectResult, lang: str = "zh") -> str:
        """The verdict; one that cannot be judged names what is missing:
        「无法判定：缺少 住房未鉴定；断水天数无数据」."""
        text = self.verdict(level, result.verdict, lang)
        if level == "village" and result.values.get("is_poor_village") is False:
            # 出列 is for poor villages (贫困村); another village's indicators are only reported
            return "非贫困村，不作出列判定（各项指标仅供参考）" if lang == "zh" else \
                "not a poor village: no exit verdict (indicators for reference)"
        if result.verdict != "no_data":
            return text
        missing: list[str] = []
        indicators = self.pack.indicators(level)
        for name, status in result.statuses.items():
            if status != "no_data" or name not in indicators or not indicators[name].in_verdict:
                continue
            indicator = indicators[name]
            found = self.missing(level, indicator, result.values, lang) if indicator.per != "member" else []
            if not found:
                found = [indicator.name.zh if lang == "zh" else indicator.name.en]
            missing += [m for m in found if m not in missing]
        if lang == "zh":
            return f"{text}：缺少 {'；'.join(missing)}"
        return f"{text}: missing {'; '.join(missing)}"
