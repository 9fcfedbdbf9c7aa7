"""The measures of an area, overall and by group, each with its standard error.

Rows are households: every member shares the household's per-capita net income and its
deprivations, so a household row weighted by its members in a group gives exactly the person-level
estimate, and the household is the cluster. Groups are domains of the whole design.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arguments import MeasureError
from .design import Design, Estimate
from .estimates import AlkireFosterEstimates, alkire_foster_estimates, income_estimates
from .frames import HouseholdFrame

GROUPINGS = ("township", "village", "sex", "age_group", "cause")


@dataclass(frozen=True)
class GroupMeasures:
    key: str  # group code ("" for the whole area)
    label: str
    households: int
    people: float
    people_with_income: float
    income: dict[str, Estimate | MeasureError]
    alkire_foster: AlkireFosterEstimates | MeasureError


@dataclass(frozen=True)
class AreaMeasures:
    line: float
    k: float
    by: str | None
    groups: tuple[GroupMeasures, ...]  # the whole area first


def _measures(frame: HouseholdFrame, people: npt.NDArray[np.float64], line: float, k: float,
              key: str, label: str) -> GroupMeasures:
    has_income = ~np.isnan(frame.income)
    income_people = np.where(has_income, people, 0.0)
    income: dict[str, Estimate | MeasureError]
    if income_people.sum() > 0:
        design = Design.of(int(has_income.sum()), income_people[has_income])
        income = income_estimates(frame.income[has_income], line, design)
    else:
        error = MeasureError("y", "nobody in this group has an income record for the year")
        income = {name: error for name in ("fgt0", "fgt1", "fgt2", "watts", "sen", "gini", "theil_t", "theil_l",
                                           "atkinson_05", "atkinson_1", "atkinson_2")}
    af: AlkireFosterEstimates | MeasureError
    if not frame.dimensions:
        af = MeasureError("matrix", "the pack has no 两不愁三保障 indicators for this year")
    elif people.sum() > 0:
        design = Design.of(len(frame), people)
        af = alkire_foster_estimates(frame.deprived.astype(np.float64), np.ones(len(frame.dimensions)), k, design)
    else:
        af = MeasureError("sizes", "the group has nobody")
    return GroupMeasures(key, label, int((people > 0).sum()), float(people.sum()), float(income_people.sum()),
                         income, af)


def area_measures(frame: HouseholdFrame, line: float, *, k: float, by: str | None = None,
                  labels: dict[str, dict[str, str]] | None = None,
                  household_groups: npt.NDArray[np.object_] | None = None) -> AreaMeasures:
    """All measures of the frame, and of each group when ``by`` is given.

    ``household_groups`` gives each household's group for township, village and cause; sex and
    age_group come from the frame's member counts. ``labels[by][key]`` names a group.
    """
    if by is not None and by not in GROUPINGS:
        raise MeasureError("by", f"must be one of {', '.join(GROUPINGS)}, got {by!r}")
    groups = [_measures(frame, frame.people, line, k, "", "")]
    names = (labels or {}).get(by or "", {})
    if by in ("sex", "age_group"):
        for key, counts in sorted(frame.people_by.get(by, {}).items()):
            groups.append(_measures(frame, counts, line, k, key, names.get(key, key)))
    elif by is not None:
        if household_groups is None:
            raise MeasureError("household_groups", f"grouping by {by} needs each household's group")
        for key in sorted({str(g) for g in household_groups}):
            people = np.where(household_groups == key, frame.people, 0.0)
            groups.append(_measures(frame, people, line, k, key, names.get(key, key)))
    return AreaMeasures(line, k, by, tuple(groups))


__all__ = ["GROUPINGS", "AreaMeasures", "GroupMeasures", "area_measures"]
