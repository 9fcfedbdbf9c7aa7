"""Where the verdicts and the official figures part: per area, the households whose verdict
differs from their status and those that cannot be judged.

The official 贫困发生率 counts people of registered households not exited (status 未脱贫 or 返贫);
the verdicts do not change it. They are reported beside it as what they are:
- 应退未退 (should exit): not exited, yet meeting the standard;
- 疑似错退 (suspected wrong exit): exited, yet failing the standard;
- data gaps: households an indicator cannot judge for lack of data, per indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.statements import EXITED_STATUS, REMAINING_STATUSES
from ..registry.models import Household, Region
from ..registry.selectors import significant_prefix
from .models import AssessmentRun, HouseholdResult, IndicatorResult


@dataclass(frozen=True)
class Listed:
    household_id: int
    number: str
    village: str
    people: int
    status: str
    verdict: str


@dataclass
class AreaDifferences:
    region: Region
    should_exit: list[Listed] = field(default_factory=list)  # 应退未退
    suspected_wrong_exit: list[Listed] = field(default_factory=list)  # 疑似错退
    data_gaps: dict[str, list[Listed]] = field(default_factory=dict)  # indicator -> households lacking data

    @property
    def data_gap_households(self) -> int:
        return len({h.household_id for rows in self.data_gaps.values() for h in rows})


def _village_ids(region: Region) -> list[int]:
    if region.level == "village":
        return [region.pk]
    return list(Region.objects.filter(level="village", code__startswith=significant_prefix(region))
                .values_list("id", flat=True))


def area_differences(run: AssessmentRun, region: Region) -> AreaDifferences:
    """The run's 应退未退 and 疑似错退 households and its data gaps in ``region``, by household number."""
    villages = _village_ids(region)
    results = HouseholdResult.objects.filter(run=run, village_id__in=villages)
    should = results.filter(verdict="pass", status__in=REMAINING_STATUSES)
    wrong = results.filter(verdict="fail", status=EXITED_STATUS)
    gap_rows = (IndicatorResult.objects.filter(run=run, level="household", status="no_data",
                                               subject_id__in=results.values("household_id"))
                .values_list("subject_id", "indicator"))
    wanted = {r.household_id: r for r in (*should, *wrong)}
    by_indicator: dict[str, list[int]] = {}
    for subject_id, indicator in gap_rows:
        by_indicator.setdefault(indicator, []).append(subject_id)
    gap_ids = {i for ids in by_indicator.values() for i in ids}
    rows = {r.household_id: r for r in results.filter(household_id__in=gap_ids)} if gap_ids else {}
    rows.update(wanted)
    numbers = dict(Household.objects.filter(pk__in=list(rows)).values_list("pk", "number"))
    names = dict(Region.objects.filter(pk__in={r.village_id for r in rows.values()}).values_list("pk", "name"))

    def listed(r: HouseholdResult) -> Listed:
        return Listed(r.household_id, numbers.get(r.household_id, f"#{r.household_id}"),
                      names.get(r.village_id, ""), r.people, r.status, r.verdict)

    def ordered(items: list[HouseholdResult]) -> list[Listed]:
        return sorted((listed(r) for r in items), key=lambda h: h.number)
    order = list(run.policy().indicators("household"))
    out = AreaDifferences(region, ordered(list(should)), ordered(list(wrong)))
    for indicator in sorted(by_indicator, key=lambda n: order.index(n) if n in order else len(order)):
        out.data_gaps[indicator] = ordered([rows[i] for i in by_indicator[indicator] if i in rows])
    return out
