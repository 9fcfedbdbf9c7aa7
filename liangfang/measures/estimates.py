"""Every measure with its standard error, for a whole population or one domain of it (an area, a group).

``income_estimates`` gives FGT(0, 1, 2), Watts, Sen, Gini, Theil T and L and Atkinson; each is
either an ``Estimate`` or the ``MeasureError`` that says why it is not defined on these data
(Theil L of a population with a zero income, say). ``alkire_foster_estimates`` gives H, A, M0
(M1, M2 with cutoffs), the censored headcounts and contributions, each with its standard error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arguments import ArrayLike, Floats, MeasureError, values
from .design import Design, Estimate, domain_linearised
from .inequality import atkinson, atkinson_linearised, gini, gini_linearised, theil, theil_linearised
from .multidimensional import alkire_foster, deprivations
from .poverty import fgt, fgt_linearised, sen, sen_linearised, watts, watts_linearised

Value = Callable[[Floats, float, Floats], float]
Linearised = Callable[[Floats, float, Floats], Floats]


@dataclass(frozen=True)
class MeasureSpec:
    key: str
    zh: str
    en: str
    value: Value
    linearised: Linearised
    # a share of people (its interval is a proportion's, ``Estimate.of_proportion``)
    proportion: bool = False


INCOME_MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec("fgt0", "贫困发生率 FGT(0)", "headcount ratio FGT(0)",
                lambda y, z, w: fgt(y, z, 0, w), lambda y, z, w: fgt_linearised(y, z, 0, w), proportion=True),
    MeasureSpec("fgt1", "贫困距指数 FGT(1)", "poverty gap FGT(1)",
                lambda y, z, w: fgt(y, z, 1, w), lambda y, z, w: fgt_linearised(y, z, 1, w)),
    MeasureSpec("fgt2", "贫困强度 FGT(2)", "squared poverty gap FGT(2)",
                lambda y, z, w: fgt(y, z, 2, w), lambda y, z, w: fgt_linearised(y, z, 2, w)),
    MeasureSpec("watts", "Watts 指数", "Watts index", watts, watts_linearised),
    MeasureSpec("sen", "Sen 指数", "Sen index", sen, sen_linearised),
    MeasureSpec("gini", "基尼系数", "Gini coefficient", lambda y, z, w: gini(y, w),
                lambda y, z, w: gini_linearised(y, w)),
    MeasureSpec("theil_t", "泰尔指数 T", "Theil T", lambda y, z, w: theil(y, w, "T"),
                lambda y, z, w: theil_linearised(y, w, "T")),
    MeasureSpec("theil_l", "泰尔指数 L（平均对数偏差）", "Theil L (mean log deviation)",
                lambda y, z, w: theil(y, w, "L"), lambda y, z, w: theil_linearised(y, w, "L")),
    MeasureSpec("atkinson_05", "阿特金森指数 ε=0.5", "Atkinson ε=0.5",
                lambda y, z, w: atkinson(y, 0.5, w), lambda y, z, w: atkinson_linearised(y, 0.5, w)),
    MeasureSpec("atkinson_1", "阿特金森指数 ε=1", "Atkinson ε=1",
                lambda y, z, w: atkinson(y, 1, w), lambda y, z, w: atkinson_linearised(y, 1, w)),
    MeasureSpec("atkinson_2", "阿特金森指数 ε=2", "Atkinson ε=2",
                lambda y, z, w: atkinson(y, 2, w), lambda y, z, w: atkinson_linearised(y, 2, w)),
)
MEASURES_BY_KEY = {spec.key: spec for spec in INCOME_MEASURES}


def _rows(design: Design, rows: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.bool_]:
    if rows is None:
        return np.ones(design.size, dtype=bool)
    mask = np.asarray(rows, dtype=bool)
    if mask.shape != (design.size,):
        raise MeasureError("rows", f"has {mask.size} flags for a design of {design.size} observations")
    if not mask.any():
        raise MeasureError("rows", "selects nobody: the domain is empty")
    return mask


def income_estimates(y: ArrayLike, z: float, design: Design, rows: npt.NDArray[np.bool_] | None = None,
                     level: float = 0.95) -> dict[str, Estimate | MeasureError]:
    """Each income measure of the domain ``rows`` (default: everyone) with its design-based standard error.

    >>> d = Design.of(4)
    >>> e = income_estimates([100, 110, 150, 160], 125, d)["fgt0"]
    >>> e.value, round(e.se, 4)
    (0.5, 0.2887)
    """
    income = values(y)
    if income.size != design.size:
        raise MeasureError("y", f"has {income.size} values for a design of {design.size} observations")
    mask = _rows(design, rows)
    sub_y, sub_w = income[mask], design.weights[mask]
    results: dict[str, Estimate | MeasureError] = {}
    for spec in INCOME_MEASURES:
        try:
            value = spec.value(sub_y, z, sub_w)
            linearised = domain_linearised(spec.linearised(sub_y, z, sub_w), mask)
        except MeasureError as error:
            results[spec.key] = error
            continue
        if spec.proportion:
            results[spec.key] = Estimate.of_proportion(value, linearised, design, level,
                                                       observations=int(mask.sum()))
        else:
            results[spec.key] = Estimate.of(value, linearised, design, level)
    return results


@dataclass(frozen=True)
class AlkireFosterEstimates:
    H: Estimate
    A: Estimate
    M0: Estimate
    M1: Estimate | None
    M2: Estimate | None
    censored_headcounts: tuple[Estimate, ...]
    contributions: tuple[Estimate, ...]


def alkire_foster_estimates(matrix: ArrayLike | npt.ArrayLike, weights: ArrayLike, k: float, design: Design, *,
                            cutoffs: ArrayLike | None = None, sizes: ArrayLike | None = None,
                            rows: npt.NDArray[np.bool_] | None = None, level: float = 0.95) -> AlkireFosterEstimates:
    """The Alkire–Foster index of the domain ``rows`` with standard errors; rows are the design's observations.

    ``sizes`` counts a row as that many people; the row's weight is then size × sampling weight.
    """
    d = deprivations(matrix, weights, k, cutoffs=cutoffs, sizes=sizes)
    if d.deprived.shape[0] != design.size:
        raise MeasureError("matrix", f"has {d.deprived.shape[0]} rows for a design of {design.size} observations")
    mask = _rows(design, rows)
    row_weight = d.sizes[mask] * design.weights[mask]
    result = alkire_foster(d.deprived[mask].astype(np.float64) if cutoffs is None else np.asarray(matrix)[mask],
                           d.weights, k, cutoffs=cutoffs, sizes=row_weight)
    people_design = Design(design.weights * d.sizes, design.strata, design.clusters)
    poor = result.poor.astype(np.float64)
    censored = d.deprived[mask] & result.poor[:, None]
    scores = np.where(result.poor, result.scores, 0.0)
    population = row_weight.sum()

    def estimate(value: float, per_person: Floats) -> Estimate:
        return Estimate.of(value, domain_linearised(per_person, mask), people_design, level)

    def mean_of(values_: Floats, value: float) -> Estimate:
        return estimate(value, (values_ - value) / population)

    def share_of(flags: Floats, value: float) -> Estimate:
        return Estimate.of_proportion(value, domain_linearised((flags - value) / population, mask), people_design,
                                      level, observations=int(mask.sum()))

    h = share_of(poor, result.H)
    m0 = mean_of(scores, result.M0)
    poor_people = float(np.dot(row_weight, poor))
    a = estimate(result.A, (scores - result.A * poor) / poor_people if poor_people > 0 else np.zeros_like(poor))
    m1 = m2 = None
    if d.gaps is not None and result.M1 is not None and result.M2 is not None:
        gaps = np.where(censored, d.gaps[mask], 0.0)
        m1 = mean_of(gaps @ d.weights, result.M1)
        m2 = mean_of((gaps**2) @ d.weights, result.M2)
    headcounts = tuple(share_of(censored[:, j].astype(np.float64), float(result.censored_headcounts[j]))
                       for j in range(censored.shape[1]))
    total_m0 = result.M0 * population
    contributions = tuple(
        estimate(float(result.contributions[j]),
                 (d.weights[j] * censored[:, j] - result.contributions[j] * scores) / total_m0
                 if total_m0 > 0 else np.zeros_like(poor))
        for j in range(censored.shape[1]))
    return AlkireFosterEstimates(h, a, m0, m1, m2, headcounts, contributions)


__all__ = ["INCOME_MEASURES", "MEASURES_BY_KEY", "AlkireFosterEstimates", "MeasureSpec", "alkire_foster_estimates",
           "income_estimates"]
