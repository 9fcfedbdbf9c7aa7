"""A survey design and the design variance of a linearised estimate (Taylor linearisation).

An estimate θ̂ computed with weights wᵢ is linearised as θ̂ − θ ≈ Σᵢ wᵢ·uᵢ, uᵢ = ∂θ̂/∂wᵢ (the
``*_linearised`` functions of this package); its variance is the design variance of that total.
Stratified cluster sampling, clusters drawn with replacement within strata (the usual
"ultimate cluster" approximation):  V = Σₕ nₕ/(nₕ − 1) Σ_c (t_hc − t̄ₕ)², t_hc = Σ_{i∈c} wᵢuᵢ.

The variance of the total is taken from samplics (``TaylorEstimator``, a maintained survey library
at the time of writing; its 0.6 release announces its successor ``svy``), so that the design
arithmetic — strata, clusters, strata with a single cluster — is not written a second time here.
The tests check it against the formula above computed by hand on a small design.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from .arguments import ArrayLike, Floats, MeasureError, weights_for

with warnings.catch_warnings():
    # samplics 0.6 warns on import that its authors now develop it as ``svy``; the estimator we use is unchanged.
    warnings.simplefilter("ignore", FutureWarning)
    from samplics import PopParam, SinglePSUEst, TaylorEstimator

Labels = Sequence[Any] | npt.NDArray[Any]


@dataclass(frozen=True)
class Design:
    """Per observation: sampling weight (1 for a census), stratum and cluster (primary sampling unit).

    Without clusters every observation is its own cluster; without strata there is one stratum.
    A register counted in full is treated as a with-replacement draw from a super-population, with
    households as clusters: the standard error then says how much the figure would move by chance.
    """

    weights: Floats
    strata: npt.NDArray[Any] | None = None
    clusters: npt.NDArray[Any] | None = None

    @classmethod
    def of(cls, n: int, weights: ArrayLike | None = None, strata: Labels | None = None,
           clusters: Labels | None = None) -> Design:
        w = weights_for(weights, n)
        arrays: dict[str, npt.NDArray[Any] | None] = {}
        for name, labels in (("strata", strata), ("clusters", clusters)):
            if labels is None:
                arrays[name] = None
                continue
            array = np.asarray(labels)
            if array.shape != (n,):
                raise MeasureError(name, f"has {array.size} labels for {n} observations: give one per observation")
            arrays[name] = array
        return cls(w, arrays["strata"], arrays["clusters"])

    @property
    def size(self) -> int:
        return int(self.weights.size)

    def subset(self, rows: npt.NDArray[np.bool_]) -> Design:
        return Design(self.weights[rows], None if self.strata is None else self.strata[rows],
                      None if self.clusters is None else self.clusters[rows])

    def degrees_of_freedom(self) -> int:
        """Clusters minus strata: the degrees of freedom of the variance estimate."""
        clusters = self.clusters if self.clusters is not None else np.arange(self.size)
        strata = self.strata if self.strata is not None else np.zeros(self.size, dtype=np.int64)
        pairs = {(s, c) for s, c in zip(strata.tolist(), clusters.tolist(), strict=True)}
        return len(pairs) - len(set(strata.tolist()))


def design_variance(linearised: Floats, design: Design) -> float:
    """Variance of Σ wᵢuᵢ under the design; a stratum with one cluster adds nothing (samplics' "skip")."""
    if linearised.shape != design.weights.shape:
        raise MeasureError("linearised", f"has {linearised.size} values for a design of {design.size} observations")
    if design.size < 2:
        return math.nan
    clusters = design.clusters if design.clusters is not None else np.arange(design.size)
    estimator = TaylorEstimator(PopParam.total)
    # samplics computes the coefficient of variation last, dividing by the estimated total, which is
    # exactly zero for a linearised variable on exact data; the variance is set before that step.
    with contextlib.suppress(ZeroDivisionError):
        estimator.estimate(y=linearised, samp_weight=design.weights, stratum=design.strata, psu=clusters,
                           single_psu=SinglePSUEst.skip)
    return float(estimator.variance)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Estimate:
    """An estimate with its standard error and two-sided confidence interval (t with the design's df)."""

    value: float
    se: float
    low: float
    high: float
    level: float = 0.95

    @classmethod
    def of(cls, value: float, linearised: Floats, design: Design, level: float = 0.95) -> Estimate:
        se = math.sqrt(max(design_variance(linearised, design), 0.0))
        df = design.degrees_of_freedom()
        if df <= 0 or math.isnan(se):
            return cls(value, math.nan, math.nan, math.nan, level)
        quantile = float(stats.t.ppf(0.5 + level / 2, df))
        return cls(value, se, value - quantile * se, value + quantile * se, level)

    @classmethod
    def of_share(cls, value: float, linearised: Floats, design: Design, level: float = 0.95) -> Estimate:
        """A share in (0, 1) with its interval built on the logit scale and transformed back, so it
        stays inside [0, 1] and covers better than the symmetric one near 0 or 1 (the interval
        samplics gives proportions by default)."""
        plain = cls.of(value, linearised, design, level)
        if math.isnan(plain.se) or not 0 < value < 1:
            return plain
        df = design.degrees_of_freedom()
        quantile = float(stats.t.ppf(0.5 + level / 2, df))
        centre = math.log(value / (1 - value))
        half = quantile * plain.se / (value * (1 - value))
        low, high = (1 / (1 + math.exp(-(centre + sign * half))) for sign in (-1, 1))
        return cls(value, plain.se, low, high, level)

    @classmethod
    def of_proportion(cls, value: float, linearised: Floats, design: Design, level: float = 0.95, *,
                      observations: int | None = None) -> Estimate:
        """A proportion with the Korn–Graubard interval (Korn & Graubard 1998, Survey Methodology 24:
        193–201; R survey's ``svyciprop(method="beta")``): the Clopper–Pearson interval of an
        effective sample size n* = p(1 − p)/SE², shrunk by (t_{n−1}/t_df)² for the design's degrees
        of freedom. Unlike value ± t·SE it stays inside [0, 1] and keeps its coverage near 0 and 1;
        at p = 0 or 1 (SE 0) n* is the ``observations`` (the domain's rows; default the design's).

        >>> e = Estimate.of_proportion(0.0, np.zeros(50), Design.of(50))
        >>> e.low, round(e.high, 4)
        (0.0, 0.0711)
        """
        plain = cls.of(value, linearised, design, level)
        n = design.size if observations is None else observations
        if math.isnan(plain.se) or not 0 <= value <= 1 or n < 1:
            return plain
        if plain.se > 0 and 0 < value < 1:
            effective = value * (1 - value) / plain.se**2
            df = design.degrees_of_freedom()
            if n > 1:
                effective *= (float(stats.t.ppf(0.5 + level / 2, n - 1)) / float(stats.t.ppf(0.5 + level / 2, df)))**2
        else:
            effective = float(n)
        # statsmodels' "beta" method is Clopper–Pearson; it takes a fractional count and size.
        low, high = proportion_confint(value * effective, effective, alpha=1 - level, method="beta")
        return cls(value, plain.se, float(low), float(high), level)

    def scaled(self, factor: float) -> Estimate:
        return Estimate(self.value * factor, self.se * factor, self.low * factor, self.high * factor, self.level)

    def straddles(self, threshold: float) -> bool:
        """True when the threshold lies inside the interval: the sample cannot tell which side it is on."""
        return self.low <= threshold <= self.high


def domain_linearised(linearised: Floats, rows: npt.NDArray[np.bool_]) -> Floats:
    """A domain's linearised variable over the whole design: zero outside the domain (domain estimation)."""
    full = np.zeros(rows.shape, dtype=np.float64)
    full[rows] = linearised
    return full


__all__ = ["Design", "Estimate", "design_variance", "domain_linearised"]
