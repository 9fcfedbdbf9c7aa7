"""Reading stored results back: which run, which household, and its explanation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from ..disclosure import FULL, Reader
from ..domain.problems import NotFound
from ..domain.text import Text
from ..engine.explain import Explainer, Line
from ..engine.facts import Level, facts_of
from ..engine.results import MemberResult as EngineMember
from ..engine.results import Outcome, SubjectResult, normalize
from ..engine.rules import AREA_FUNCTIONS
from ..prepared import Prepared
from ..registry.models import ChangeRecord, Household, Member, Region
from .models import AreaResult, AssessmentRun, FactValue, HouseholdResult, IndicatorResult, MemberResult


def run_for(year: int, pack: str | None = None) -> AssessmentRun:
    runs = AssessmentRun.objects.filter(year=year)
    if pack:
        runs = runs.filter(pack=pack)
    run = runs.order_by("-started_at").first()
    if run is None:
        which = f"（{pack}）" if pack else ""
        raise NotFound(Text(f"{year} 年尚无评估结果{which}，请先运行 liangfang assess --year {year}",
                            f"no assessment for {year}{' with ' + pack if pack else ''}; run `liangfang assess` first"))
    return run


def find_household(query: str) -> Household:
    """A household by its number, or by a member's resident ID (current members first)."""
    text = query.strip().upper()
    household = Household.objects.filter(number=query.strip()).first()
    if household is not None:
        return household
    member = (Member.objects.filter(resident_id=text).order_by("-is_active", "-id").select_related("household")
              .first())
    if member is not None:
        return member.household
    raise NotFound(Text(f"找不到户编号或身份证号为 {query} 的农户",
                        f"no household with number or resident ID {query}"))


def _kind(level: str, name: str) -> str:
    facts = facts_of(level)  # type: ignore[arg-type]
    if name in facts:
        return facts[name].kind
    prefix = name.split("__", 1)[0]
    for func in AREA_FUNCTIONS.get(level, {}).values():  # type: ignore[call-overload]
        if func.prefix == prefix:
            return "rate" if func.name.startswith("percent") else "int"
    return "text"


_FACT_COLUMNS = ("level", "subject_id", "name", "number", "text")


def _values(run: AssessmentRun, subjects: dict[Level, list[int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Stored fact values of the given subjects, per level, in one query."""
    which = Q()
    for level, ids in subjects.items():
        if ids:
            which |= Q(level=level, subject_id__in=ids)
    if not which:
        return {}
    return _fact_values(FactValue.objects.filter(which, run=run).values_list(*_FACT_COLUMNS))


def _fact_values(rows: Iterable[tuple[str, int, str, Decimal | None, str | None]]
                 ) -> dict[tuple[str, int], dict[str, Any]]:
    out: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
    for of_level, subject_id, name, number, text in rows:
        kind = _kind(of_level, name)
        raw: Decimal | str | None = text if kind == "text" else number
        out[(of_level, subject_id)][name] = normalize(kind, raw)
    return out


_INDICATORS = Prepared(lambda run_id, level, subject_id: IndicatorResult.objects
                       .filter(run_id=run_id, level=level, subject_id=subject_id).order_by("id")
                       .values_list("indicator", "status", "applicable", "failing"))


def _subject(run: AssessmentRun, level: Level, subject_id: int, verdict: str, people: int,
             parent_id: int | None, values: dict[str, Any] | None = None) -> SubjectResult:
    """A stored subject's result; its fact values are read unless given."""
    result = SubjectResult(level, subject_id, parent_id, verdict, people)
    for indicator, status, applicable, failing in _INDICATORS.tuples(run_id=run.pk, level=level,
                                                                     subject_id=subject_id):
        result.statuses[indicator] = status
        if applicable is not None:
            result.counts[indicator] = (applicable, failing or 0)
    result.values = values if values is not None else _values(run, {level: [subject_id]}).get((level, subject_id), {})
    # keep the pack's order of indicators
    order = list(explainer(run).pack.indicators(level))
    result.statuses = dict(sorted(result.statuses.items(), key=lambda kv: order.index(kv[0])
                                  if kv[0] in order else len(order)))
    return result


@dataclass
class Explanation:
    run: AssessmentRun
    level: str
    subject: str  # household number / region name and code
    verdict: str
    verdict_text: str
    lines: list[Line]
    region: Region | None = None  # the village or county explained
    # the subject's data changed after the run: the result may be out of date (households only)
    stale: bool = False


_EXPLAINERS: dict[tuple[str, int, str], Explainer] = {}


def explainer(run: AssessmentRun) -> Explainer:
    """The explainer of a run's pack snapshot. A stored run never changes, so each process reads
    and parses its (large) snapshot once, not on every household page."""
    from django.db import connection

    key = (str(connection.settings_dict.get("NAME")), run.pk, run.started_at.isoformat())
    found = _EXPLAINERS.get(key)
    if found is None:
        if len(_EXPLAINERS) >= 16:
            _EXPLAINERS.clear()
        found = _EXPLAINERS[key] = Explainer(run.policy(), run.year)
    return found


_MEMBER_RESULTS = Prepared(lambda run_id, household_id: MemberResult.objects
                           .filter(run_id=run_id, household_id=household_id).order_by("member_id", "indicator")
                           .values_list("member_id", "household_id", "resident_id", "indicator", "status"))
# Two index probes joined by UNION ALL: written as one OR, PostgreSQL scans the run's member values.
_HOUSEHOLD_VALUES = Prepared(lambda run_id, household_id: FactValue.objects.filter(
    run_id=run_id, level="household", subject_id=household_id).order_by().values_list(*_FACT_COLUMNS).union(
    FactValue.objects.filter(run_id=run_id, level="member", subject_id__in=MemberResult.objects.filter(
        run_id=run_id, household_id=household_id).values("member_id")).order_by().values_list(*_FACT_COLUMNS),
    all=True))


def _household_values(run: AssessmentRun, household_id: int) -> dict[tuple[str, int], dict[str, Any]]:
    """Stored fact values of a household and of its members with a result in the run, in one query."""
    return _fact_values(_HOUSEHOLD_VALUES.tuples(run_id=run.pk, household_id=household_id))


def household_result(run: AssessmentRun, household: Household,
                     row: HouseholdResult | None = None) -> tuple[SubjectResult, list[EngineMember]]:
    """The household's stored result in ``run`` (``row``, when already read, is its HouseholdResult)."""
    if row is None:
        row = HouseholdResult.objects.filter(run=run, household_id=household.pk).first()
    if row is None:
        raise NotFound(Text(f"农户 {household.number} 不在 {run.year} 年 {run.pack} 评估范围内（非建档立卡户？）",
                            f"household {household.number} was not assessed in {run.year} ({run.pack}); "
                            "is it a registered household?"))
    rows = _MEMBER_RESULTS.tuples(run_id=run.pk, household_id=household.pk)
    values = _household_values(run, household.pk)
    result = _subject(run, "household", household.pk, row.verdict, row.people, row.village_id,
                      values.get(("household", household.pk), {}))
    members = [EngineMember(member_id, household_id, resident_id, indicator, status,
                            values.get(("member", member_id), {}))
               for member_id, household_id, resident_id, indicator, status in rows]
    return result, members


def household_explanation(run: AssessmentRun, household: Household, lang: str = "zh",
                          row: HouseholdResult | None = None, reader: Reader = FULL) -> Explanation:
    """The household's explanation in ``run``, its members' ages as ``reader`` may see them."""
    result, members = household_result(run, household, row)
    ex = explainer(run)
    return Explanation(run, "household", household.number, result.verdict,
                       ex.verdict_text("household", result, lang),
                       ex.lines("household", result, members, lang, reader),
                       stale=changed_since(run, household))


def changed_since(run: AssessmentRun, household: Household) -> bool:
    """Whether the household (its own data, members, incomes, deliveries: every write goes through
    a service that records a change with its household number) changed after the run started."""
    return ChangeRecord.objects.filter(household_number=household.number, at__gt=run.started_at).exists()


def area_explanation(run: AssessmentRun, region: Region, lang: str = "zh") -> Explanation:
    level: Level = "village" if region.level == "village" else "county"
    row = AreaResult.objects.filter(run=run, level=level, region_id=region.pk).first()
    if row is None:
        raise NotFound(Text(f"{region.name}（{region.code}）不在 {run.year} 年评估结果中",
                            f"{region.code} has no result in the {run.year} assessment"))
    result = _subject(run, level, region.pk, row.verdict, row.people, row.parent_id)
    ex = explainer(run)
    return Explanation(run, level, f"{region.name}（{region.code}）", result.verdict,
                       ex.verdict_text(level, result, lang), ex.lines(level, result, (), lang), region)


def find_region(code: str, level: str) -> Region:
    region = Region.objects.filter(code=code.strip(), level=level).first()
    if region is None:
        what = "行政村" if level == "village" else "县"
        raise NotFound(Text(f"没有代码为 {code} 的{what}",
                            f"no {level} with code {code}"))
    return region


def counties_in(run: AssessmentRun) -> list[Region]:
    ids = AreaResult.objects.filter(run=run, level="county").values_list("region_id", flat=True)
    return list(Region.objects.filter(pk__in=list(ids)).order_by("code"))


def stored_outcome(run: AssessmentRun) -> Outcome:
    """Every stored result of a run in the engine's neutral shape (missing values are absent)."""
    out = Outcome()
    values: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
    for level, subject_id, name, number, text in FactValue.objects.filter(run=run).values_list(
            "level", "subject_id", "name", "number", "text").iterator(chunk_size=5000):
        kind = _kind(level, name)
        values[(level, subject_id)][name] = normalize(kind, text if kind == "text" else number)
    for h in HouseholdResult.objects.filter(run=run).iterator(chunk_size=5000):
        out.households[h.household_id] = SubjectResult("household", h.household_id, h.village_id, h.verdict, h.people,
                                                       values=values.get(("household", h.household_id), {}))
    for a in AreaResult.objects.filter(run=run).iterator(chunk_size=5000):
        out.by_level(a.level)[a.region_id] = SubjectResult(a.level, a.region_id, a.parent_id, a.verdict, a.people,
                                                           values=values.get((a.level, a.region_id), {}))
    for i in IndicatorResult.objects.filter(run=run).order_by("id").iterator(chunk_size=5000):
        subject = out.by_level(i.level)[i.subject_id]
        subject.statuses[i.indicator] = i.status
        if i.applicable is not None:
            subject.counts[i.indicator] = (i.applicable, i.failing or 0)
    for m in MemberResult.objects.filter(run=run).iterator(chunk_size=5000):
        out.members.append(EngineMember(m.member_id, m.household_id, m.resident_id, m.indicator, m.status,
                                        values.get(("member", m.member_id), {})))
    out.members.sort(key=lambda m: (m.household_id, m.member_id, m.indicator))
    return out


def households_changed_since(run: AssessmentRun, region: Region) -> int:
    """Households of ``region`` whose data changed after the run started: their results may be out
    of date until the next assessment (the household page says so for each)."""
    from ..registry.selectors import significant_prefix

    numbers = ChangeRecord.objects.filter(at__gt=run.started_at).exclude(household_number="").values(
        "household_number")
    return Household.objects.filter(village__code__startswith=significant_prefix(region),
                                    number__in=numbers).count()
