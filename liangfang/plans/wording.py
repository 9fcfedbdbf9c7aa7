"""Plain words for plans: why a household cannot reach the standard, what a measure is for, and a
household's risk factors. Chinese first with English; amounts in yuan with thousands separators.

>>> too_little_income(600_000, 1_000_000, 0).zh
'可用增收措施最多年增收 6,000 元，收入缺口 10,000 元（有劳动力 0 人）'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..disclosure import FULL, MASKED, Reader, age_phrase, age_value, birth_date_visibility, birth_year_of
from ..engine.compiled import PLACEHOLDER
from ..engine.explain import Explainer, format_fact, format_money, format_parameter
from ..engine.facts import facts_of
from ..engine.results import Outcome
from ..ids import mask_resident_id
from ..policy.schema import Text

if TYPE_CHECKING:
    from .catalogue import CompiledCatalogue
    from .needs import HouseholdNeed, MemberNeed


# Texts stored with a plan are read by every role that sees the household: they disclose no more
# than the least-entitled of them may read (birth years, masked IDs).
STORED_FOR_ALL: Reader = MASKED


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def money(amount_fen: int) -> str:
    return format_money((Decimal(amount_fen) / 100).quantize(Decimal("0.01")))


def no_income_record(year: int) -> Reason:
    return Reason("no_income_record", f"无 {year} 年收入记录，无法计算收入缺口，请先录入该年收入",
                  f"no income record for {year}, so the income gap is unknown; record the year's income first")


def too_little_income(most: int, gap: int, labour: object) -> Reason:
    return Reason("income_short",
                  f"可用增收措施最多年增收 {money(most)} 元，收入缺口 {money(gap)} 元（有劳动力 {labour} 人）",
                  f"eligible measures bring at most {money(most)} yuan a year; the gap is {money(gap)} yuan "
                  f"({labour} able to work)")


def over_budget(cheapest: int) -> Reason:
    return Reason("budget", f"预算已用完：此户最少需 {money(cheapest)} 元",
                  f"the budget is spent: this household needs at least {money(cheapest)} yuan")


def capacity_full(name: Text, region: int, region_names: Mapping[int, str] | None = None) -> Reason:
    where = (region_names or {}).get(region, f"#{region}")
    return Reason("capacity", f"{name.zh}已满（{where}）", f"{name.en} full ({where})")


def member_label(member: MemberNeed, year: int, lang: str = "zh", names: Mapping[int, str] | None = None) -> str:
    """A member in a plan's reasons, which every role reads: their age as reached in ``year``
    ("2020 年满 12 岁"), never on the reference day (``disclosure.age_phrase``)."""
    who = (names or {}).get(member.member_id) or mask_resident_id(member.resident_id)
    age = age_phrase(STORED_FOR_ALL, member.values.get("age"), birth_year_of(member.resident_id), year, lang)
    return f"{who}（{age}）" if lang == "zh" else f"{who} ({age})"


def no_measure(catalogue: CompiledCatalogue, outcome: Outcome, need: HouseholdNeed, indicator: str,
               member: MemberNeed | None) -> Reason:
    """An indicator (of the household, or of one member) that no eligible measure fixes."""
    spec = catalogue.pack.indicators("household")[indicator]
    missing_zh: list[str] = []
    missing_en: list[str] = []
    if member is None and need.statuses.get(indicator) == "no_data":
        explainer = Explainer(catalogue.pack, catalogue.year)
        values = outcome.households[need.household_id].values | need.values
        missing_zh = explainer.missing("household", spec, values, "zh")
        missing_en = explainer.missing("household", spec, values, "en")
    if member is not None and member.failing.get(indicator) == "no_data":
        missing_zh, missing_en = ["成员数据不全"], ["member data incomplete"]
    who_zh = f"（{member_label(member, catalogue.year, 'zh')}）" if member else ""
    who_en = f" ({member_label(member, catalogue.year, 'en')})" if member else ""
    zh = f"{spec.name.zh}{who_zh}未达标，目录中没有适用的措施"
    en = f"{spec.name.en}{who_en} not met and no measure in the catalogue applies"
    if missing_zh:
        zh += f"：{'；'.join(missing_zh)}，请先入户核实补录"
        en += f": {'; '.join(missing_en)}; check on a visit and record it first"
    return Reason("no_measure", zh, en)


def render(template: str, values: Mapping[str, Any], parameters: Mapping[str, tuple[Decimal, str]],
           lang: str = "zh", *, year: int | None = None, reader: Reader = FULL) -> str:
    """Fill a measure's explanation: facts (in the engine's words), parameters, cost, gain, name.
    A member's age is shown as ``reader`` may see it in ``year`` (``disclosure.age_value``): a plan's
    stored text, read by every role, passes ``STORED_FOR_ALL``."""
    level_facts = {**facts_of("household"), **facts_of("member")}

    def fill(match: Any) -> str:
        name = match.group(1)
        if name == "age" and year is not None and birth_date_visibility(reader) != "full":
            return age_value(reader, values.get("age"), birth_year_of(str(values.get("resident_id", ""))), year, lang)
        if name in ("cost", "gain"):
            return money(int(values.get(name, 0)))
        if name == "name":
            return str(values.get("name") or mask_resident_id(str(values.get("resident_id", ""))))
        if name in level_facts:
            f = level_facts[name]
            return format_fact(f, f.kind, values.get(name), lang) if values.get(name) is not None else "—"
        if name in parameters:
            value, unit = parameters[name]
            return format_parameter(value, unit)
        return "—"

    return PLACEHOLDER.sub(fill, template)
